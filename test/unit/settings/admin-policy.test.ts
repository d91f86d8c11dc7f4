import { newServer } from '../../../main/core/common/servers';
import { LEGACY_SERVER_ID } from '../../../main/core/settings/migrations';
import { presetServerId } from '../../../main/core/settings/admin-policy';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  SettingsService,
  confBackend,
  defaultPolicyPath,
  loadAdminPolicy,
  loadMachinePolicy,
} from '../../../main/core/settings/settings';
import { loadRegistryPolicy, posixPolicyDistrust } from '../../../main/core/settings/admin-policy';
import { DEFAULT_SETTINGS } from '../../../main/core/common/settings-schema';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'katya-policy-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const policyFile = (doc: unknown) => {
  const p = join(dir, 'policy.json');
  writeFileSync(p, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return p;
};

const FLEET = {
  version: 1,
  message: 'Managed by ACME IT',
  serverUrl: 'wss://katya.acme.example/v1/ws',
  subscriptions: { channels: ['security', 'system'], events: [] },
  notifications: { threshold: 'medium', quietHours: { enabled: true } },
};

// The files here belong to whoever runs the tests; a machine's policy must belong to root.
const me = process.getuid?.() ?? 0;
const asTests = { distrust: (p: string) => posixPolicyDistrust(p, { owners: [0, me] }) };

function service(doc: unknown = FLEET) {
  const { policy, error } = loadAdminPolicy(policyFile(doc), asTests);
  return new SettingsService({
    backend: confBackend({ cwd: join(dir, 'user') }),
    policy,
    policyError: error,
  });
}

describe('admin policy', () => {
  it('presets the fields it names and locks them with its message', () => {
    const s = service();
    expect(s.get()).toMatchObject({
      // the list of one a version 2 file migrates to, so a token entered for it is found
      servers: [
        {
          id: LEGACY_SERVER_ID,
          name: 'katya.acme.example',
          url: 'wss://katya.acme.example/v1/ws',
          authMethod: 'header',
          subscriptions: { channels: ['security', 'system'], events: [] },
        },
      ],
      notifications: {
        ...DEFAULT_SETTINGS.notifications,
        threshold: 'medium',
        quietHours: { enabled: true, start: '22:00', end: '07:00' },
      },
    });
    expect(s.locks()).toEqual({
      locked: {
        servers: 'Managed by ACME IT',
        subscriptions: 'Managed by ACME IT',
        notifications: 'Managed by ACME IT',
      },
      presets: [{ id: LEGACY_SERVER_ID, fields: ['name', 'url'] }],
      source: join(dir, 'policy.json'),
    });
  });

  it('locked fields cannot be changed through update; others can, in the same patch too', () => {
    const s = service();
    const [preset] = s.get().servers;
    const r = s.update({
      servers: [{ ...preset!, url: 'wss://evil.example/v1/ws' }],
      theme: 'dark',
    });
    expect(r).toEqual({
      ok: false,
      errors: [
        {
          field: 'servers.0.url',
          code: 'locked',
          params: { reason: 'Managed by ACME IT' },
          message: 'locked: Managed by ACME IT',
        },
      ],
    });
    expect(s.get().theme).toBe('system'); // refused as a whole
    const n = s.update({ notifications: { ...s.get().notifications, threshold: 'critical' } });
    expect(n.ok).toBe(false);
    // sending the locked value back unchanged (a whole form) is fine
    const whole = s.update({ ...s.get(), theme: 'dark' });
    expect(whole.ok).toBe(true);
    expect(s.get()).toMatchObject({ theme: 'dark', servers: [{ url: preset!.url }] });
    // a server cannot be added to a locked list, nor its subscriptions changed
    const added = s.update({
      servers: [preset!, newServer('wss://mine.example/v1/ws', [preset!])],
    });
    expect(added.ok).toBe(false);
    // (the new server's own subscriptions differ from the locked ones too)
    expect(added.ok ? [] : added.errors.map((e) => `${e.field}:${e.code}`)).toEqual([
      'servers:locked',
      'servers.1.subscriptions:locked',
    ]);
    const subs = s.update({
      servers: [{ ...preset!, subscriptions: { channels: ['rooms'], events: [] } }],
    });
    expect(subs).toMatchObject({
      ok: false,
      errors: [{ field: 'servers.0.subscriptions', code: 'locked' }],
    });
    // what is the user's own on a preset server (switching it off) is theirs to change
    expect(s.update({ servers: [{ ...preset!, enabled: false }] }).ok).toBe(true);
    expect(s.get().servers[0]).toMatchObject({ enabled: false, url: preset!.url });
  });

  it('a hand-edited settings file cannot undo a lock', () => {
    const s = service();
    s.update({ theme: 'dark' });
    const userFile = join(dir, 'user', 'settings.json');
    writeFileSync(
      userFile,
      JSON.stringify({
        ...DEFAULT_SETTINGS,
        theme: 'dark',
        servers: [
          { ...newServer('wss://evil.example/v1/ws', []), id: LEGACY_SERVER_ID },
          newServer('wss://evil2.example/v1/ws', []),
        ],
      }),
    );
    const again = service();
    expect(again.get().servers.map((x) => x.url)).toEqual(['wss://katya.acme.example/v1/ws']);
    expect(again.get().theme).toBe('dark');
  });

  it('no file: no policy, no error', () => {
    expect(loadAdminPolicy(join(dir, 'absent.json'))).toEqual({ policy: null });
    const s = new SettingsService({ backend: confBackend({ cwd: dir }), policy: null });
    expect(s.locks()).toEqual({ locked: {}, source: null });
  });

  it.each([
    ['not JSON', '{ "serverUrl": ', /not valid JSON/],
    ['an unknown field (a typo)', { serverURL: 'wss://x.example/v1/ws' }, /invalid.*serverURL/],
    ['an insecure URL', { serverUrl: 'ws://x.example/v1/ws' }, /invalid.*serverUrl/],
    [
      'a bad channel',
      { subscriptions: { channels: ['nope'], events: [] } },
      /invalid.*subscriptions/,
    ],
  ])('%s is ignored with a notice and the user keeps their settings', (_n, doc, msg) => {
    const s = service(doc);
    expect(s.locks().locked).toEqual({});
    expect(s.notices()).toHaveLength(1);
    expect(s.notices()[0]).toMatch(msg);
    expect(s.update({ servers: [newServer('wss://mine.example/v1/ws', [])] }).ok).toBe(true);
  });

  it('accepts a BOM (Notepad) and can lock the auth method alone', () => {
    const s = service('\uFEFF{"authMethod":"message"}');
    expect(s.update({ servers: [newServer('wss://mine.example/v1/ws', [])] })).toMatchObject({
      ok: false,
      errors: [{ field: 'servers.0.authMethod', code: 'locked' }],
    });
    const mine = { ...newServer('wss://mine.example/v1/ws', []), authMethod: 'message' as const };
    expect(s.update({ servers: [mine] }).ok).toBe(true);
    expect(s.get().servers[0]!.authMethod).toBe('message');
    expect(Object.keys(s.locks().locked)).toEqual(['authMethod']);
    expect(s.locks().locked.authMethod).toMatch(/admin policy/);
  });

  it('has one documented file location per POSIX OS; Windows reads the registry', () => {
    expect(defaultPolicyPath('linux')).toBe('/etc/katya-desktop/policy.json');
    expect(defaultPolicyPath('darwin')).toBe(
      '/Library/Application Support/Katya Desktop/policy.json',
    );
    expect(loadMachinePolicy('win32', () => null)).toMatchObject({
      policy: null,
      source: 'HKLM\\SOFTWARE\\Policies\\Katya Desktop\\Policy',
    });
  });
});

describe('admin policy: what it leaves alone and what it refuses', () => {
  it("keeps the user's own server URL when the policy does not name one", () => {
    const userDir = join(dir, 'user');
    const mine = new SettingsService({ backend: confBackend({ cwd: userDir }), policy: null });
    const own = [
      newServer('wss://mine.example/v1/ws', []),
      { ...newServer('wss://staging.example/v1/ws', []), id: 'b' },
    ];
    expect(mine.update({ servers: own }).ok).toBe(true);
    const { policy } = loadAdminPolicy(policyFile({ authMethod: 'message' }), asTests);
    const s = new SettingsService({ backend: confBackend({ cwd: userDir }), policy });
    expect(s.get().servers.map((x) => [x.url, x.authMethod])).toEqual([
      ['wss://mine.example/v1/ws', 'message'],
      ['wss://staging.example/v1/ws', 'message'],
    ]);
    expect(Object.keys(policy!.values)).toEqual(['authMethod']);
  });

  it('says so when the file exists but cannot be read', () => {
    const p = join(dir, 'policy.json');
    mkdirSync(p); // a folder where the file should be: EISDIR on read
    expect(loadAdminPolicy(p, asTests)).toEqual({
      policy: null,
      error: expect.stringMatching(/cannot be read and was ignored/),
    });
  });

  it('ignores a file over 256 KiB, and takes one just under it', () => {
    const big = JSON.stringify({ message: 'x', version: 1 }).padEnd(256 * 1024 + 1, ' ');
    expect(loadAdminPolicy(policyFile(big), asTests).error).toMatch(/larger than 256 KiB/);
    const fits = JSON.stringify({ version: 1 }).padEnd(256 * 1024, ' ');
    expect(loadAdminPolicy(policyFile(fits), asTests).error).toBeUndefined();
  });

  it.each(['7:00', '24:00', '12:60', '1200', ''])(
    'refuses quiet hours starting at "%s"',
    (start) => {
      const doc = { notifications: { quietHours: { start } } };
      expect(loadAdminPolicy(policyFile(doc), asTests).error).toMatch(
        /quietHours\.start: use the 24-hour form HH:MM/,
      );
    },
  );

  it.each(['00:00', '07:30', '23:59'])('takes quiet hours starting at "%s"', (start) => {
    const doc = { notifications: { quietHours: { start } } };
    const { policy } = loadAdminPolicy(policyFile(doc), asTests);
    expect(policy?.values.notifications?.quietHours.start).toBe(start);
  });
});

describe('admin policy: only an administrator may have written it', () => {
  it('is read when its owner and the owners of its folders alone can write them', () => {
    const p = policyFile(FLEET);
    chmodSync(p, 0o644);
    expect(loadAdminPolicy(p, asTests).policy?.servers?.presets[0]?.url).toBe(FLEET.serverUrl);
  });

  it('is ignored, with the reason, when every user can write it', () => {
    const p = policyFile(FLEET);
    chmodSync(p, 0o666);
    const { policy, error } = loadAdminPolicy(p, asTests);
    expect(policy).toBeNull();
    expect(error).toMatch(/writable by every user; only an administrator may be able to write it/);
  });

  it('is ignored when a folder above it can be written by others, unless it is sticky', () => {
    const p = policyFile(FLEET);
    chmodSync(dir, 0o777);
    expect(loadAdminPolicy(p, asTests).error).toMatch(`${dir} is writable by every user`);
    chmodSync(dir, 0o1777); // like /tmp: others may add files, not replace the owner's
    expect(loadAdminPolicy(p, asTests).policy).not.toBeNull();
  });

  it('follows links to the real file and judges that', () => {
    const real = policyFile(FLEET);
    const link = join(dir, 'link.json');
    symlinkSync(real, link);
    chmodSync(real, 0o666);
    expect(loadAdminPolicy(link, asTests).error).toMatch(`${real} is writable by every user`);
  });

  it('trusts root alone by default, as the OS reports owners', () => {
    const as = (uid: number, gid: number, mode: number) => ({
      stat: () => ({ uid, gid, mode, isDirectory: () => true }),
    });
    expect(posixPolicyDistrust(dir, as(0, 0, 0o755))).toBeNull();
    expect(posixPolicyDistrust(dir, as(501, 20, 0o755))).toMatch(/owned by user 501, not by root/);
    expect(posixPolicyDistrust(dir, as(0, 0, 0o775))).toBeNull(); // group root may write
    expect(posixPolicyDistrust(dir, as(0, 1000, 0o775))).toMatch(/writable by group 1000/);
  });
});

describe('admin policy on Windows: the registry', () => {
  const output = (type: string, value: string) =>
    `\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Katya Desktop\r\n    Policy    ${type}    ${value}\r\n\r\n`;

  it('reads the JSON string value, the same document as the file', () => {
    const { policy, error } = loadRegistryPolicy(() => output('REG_SZ', JSON.stringify(FLEET)));
    expect(error).toBeUndefined();
    expect(policy?.servers?.presets[0]?.url).toBe(FLEET.serverUrl);
    expect(policy?.source).toBe('HKLM\\SOFTWARE\\Policies\\Katya Desktop\\Policy');
  });

  it('no key or value: no policy, no error', () => {
    expect(loadRegistryPolicy(() => null)).toEqual({ policy: null });
  });

  it.each([
    ['a number value', output('REG_DWORD', '0x1'), /not a string value/],
    ['not JSON', output('REG_SZ', '{"serverUrl":'), /not valid JSON/],
    ['an unknown field', output('REG_SZ', '{"serverURL":"x"}'), /invalid.*serverURL/],
  ])('%s is ignored with the reason', (_n, text, reason) => {
    expect(loadRegistryPolicy(() => text)).toEqual({
      policy: null,
      error: expect.stringMatching(reason),
    });
  });

  it('a registry that cannot be read is ignored with the reason', () => {
    const failing = () => {
      throw new Error('reg.exe failed');
    };
    expect(loadRegistryPolicy(failing).error).toMatch(/cannot be read and was ignored: reg.exe/);
  });
});

describe('admin policy: a preset servers list', () => {
  const PRESETS = {
    message: 'ACME IT',
    servers: [
      {
        name: 'Production',
        url: 'wss://katya.acme.example/v1/ws',
        subscriptions: { channels: ['security'], events: [] },
      },
      { name: 'Staging', url: 'wss://staging.acme.example/v1/ws' },
    ],
  };

  it('presets its servers first, each fixing the fields it names, and keeps ids by address', () => {
    const s = service(PRESETS);
    const [prod, staging] = s.get().servers;
    expect(prod).toMatchObject({
      id: presetServerId('wss://katya.acme.example/v1/ws'),
      name: 'Production',
      subscriptions: { channels: ['security'], events: [] },
    });
    expect(staging!.subscriptions.channels).toHaveLength(6); // not named: the user's to choose
    expect(s.locks()).toMatchObject({
      locked: {},
      presets: [
        { id: prod!.id, fields: ['name', 'url', 'subscriptions'] },
        { id: staging!.id, fields: ['name', 'url'] },
      ],
    });
    // the same address keeps its id whatever the order or name in the policy
    const moved = service({ servers: [{ ...PRESETS.servers[0]!, name: 'Prod' }] });
    expect(moved.get().servers[0]!.id).toBe(prod!.id);
  });

  it('lets the user change what the policy leaves open, and add servers of their own', () => {
    const s = service(PRESETS);
    const [prod, staging] = s.get().servers;
    const own = newServer('wss://lab.example/v1/ws', s.get().servers);
    const next = [
      { ...prod!, enabled: false },
      { ...staging!, subscriptions: { channels: ['rooms' as const], events: [] } },
      own,
    ];
    expect(s.update({ servers: next }).ok).toBe(true);
    expect(s.get().servers.map((x) => [x.name, x.enabled, x.subscriptions.channels])).toEqual([
      ['Production', false, ['security']],
      ['Staging', true, ['rooms']],
      [own.name, true, own.subscriptions.channels],
    ]);
    // what it fixes, it fixes; a preset cannot be removed or moved below the user's own
    const codes = (list: unknown) => {
      const r = s.update({ servers: list as never });
      return r.ok ? [] : r.errors.map((e) => e.field);
    };
    expect(codes([{ ...prod!, name: 'Mine' }, staging, own])).toEqual(['servers.0.name']);
    expect(
      codes([{ ...prod!, subscriptions: { channels: ['rooms'], events: [] } }, staging, own]),
    ).toEqual(['servers.0.subscriptions']);
    expect(codes([prod, own])).toEqual(['servers']);
    expect(codes([own, prod, staging])).toEqual(['servers']);
  });

  it("with allowOwnServers false, the list is the policy's", () => {
    const s = service({ ...PRESETS, allowOwnServers: false });
    expect(s.locks().locked.servers).toBe('ACME IT');
    const list = s.get().servers;
    const r = s.update({ servers: [...list, newServer('wss://lab.example/v1/ws', list)] });
    expect(r).toMatchObject({ ok: false, errors: [{ field: 'servers', code: 'locked' }] });
  });

  it.each([
    ['serverUrl and servers together', { ...PRESETS, serverUrl: 'wss://x.example/v1/ws' }],
    [
      'two servers with one address',
      { servers: [PRESETS.servers[1], { ...PRESETS.servers[1], name: 'Other' }] },
    ],
    ['a preset without an address', { servers: [{ name: 'Nowhere', url: '' }] }],
    ['a preset with a field of its own', { servers: [{ ...PRESETS.servers[1], colour: 'red' }] }],
  ])('%s make the policy invalid', (_what, doc) => {
    const s = service(doc);
    expect(s.notices()[0]).toMatch(/invalid and was ignored/);
    expect(s.locks().locked).toEqual({});
  });
});

describe('admin policy: locked rules and network leave no way around them', () => {
  it("a server cannot have rules of its own while the app's are locked", () => {
    const s = service({ notifications: { threshold: 'critical' } });
    const own = { ...DEFAULT_SETTINGS.notifications, threshold: 'low' as const };
    const server = { ...newServer('wss://mine.example/v1/ws', []), notifications: own };
    expect(s.update({ servers: [server] })).toMatchObject({
      ok: false,
      errors: [{ field: 'servers.0.notifications', code: 'locked' }],
    });
    expect(s.update({ servers: [{ ...server, notifications: null }] }).ok).toBe(true);
  });

  it('nor its own proxy while any of the proxy fields is locked', () => {
    const s = service({ extraCaFile: '/etc/ssl/acme.pem' });
    const network = { proxyMode: 'none' as const, proxyUrl: '', extraCaFile: '' };
    const server = { ...newServer('wss://mine.example/v1/ws', []), network };
    expect(s.update({ servers: [server] })).toMatchObject({
      ok: false,
      errors: [{ field: 'servers.0.network', code: 'locked' }],
    });
  });

  it('a hand-edited file with such a server follows the locked ones all the same', () => {
    const userDir = join(dir, 'user');
    const mine = new SettingsService({ backend: confBackend({ cwd: userDir }), policy: null });
    const own = { ...DEFAULT_SETTINGS.notifications, threshold: 'low' as const };
    const server = { ...newServer('wss://mine.example/v1/ws', []), notifications: own };
    expect(mine.update({ servers: [server] }).ok).toBe(true);
    const s = service({ notifications: { threshold: 'critical' } });
    expect(s.get().servers[0]!.notifications).toBeNull();
  });

  it('unless the policy gives a preset server rules of its own', () => {
    const rules = { ...DEFAULT_SETTINGS.notifications, threshold: 'medium' as const };
    const s = service({
      notifications: { threshold: 'critical' },
      servers: [{ name: 'Lab', url: 'wss://lab.example/v1/ws', notifications: rules }],
    });
    expect(s.get().servers[0]!.notifications).toEqual(rules);
    expect(s.update({ servers: s.get().servers }).ok).toBe(true);
  });
});
