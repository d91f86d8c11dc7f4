import { newServer } from '../../../main/core/common/servers';
import { LEGACY_SERVER_ID } from '../../../main/core/settings/migrations';
import { presetServerId } from '../../../main/core/settings/admin-policy';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  SettingsService,
  confBackend,
  defaultPolicyPath,
  loadAdminPolicy,
  loadMachinePolicy,
} from '../../../main/core/settings/settings';
import {
  loadRegistryPolicy,
  policyFromDocument,
  posixPolicyDistrust,
  queryRegistryPolicy,
} from '../../../main/core/settings/admin-policy';
import {
  DEFAULT_SETTINGS,
  DEFAULT_SUBSCRIPTIONS,
  SERVER_ID_PATTERN,
} from '../../../main/core/common/settings-schema';

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

describe('admin policy: the document, field by field', () => {
  const SRC = '/etc/katya-desktop/policy.json';
  const DEFAULT_REASON = 'Set by your organisation (admin policy)';
  const read = (doc: unknown) => policyFromDocument(doc, SRC);
  const PROD = 'wss://katya.acme.example/v1/ws';
  const STAGING = 'wss://staging.acme.example/v1/ws';

  it('a message alone presets and locks nothing, and is the reason shown', () => {
    expect(read({ version: 1, message: 'Managed by ACME IT' })).toStrictEqual({
      policy: { source: SRC, reason: 'Managed by ACME IT', values: {} },
    });
    expect(read({ message: 'x'.repeat(200) }).policy?.reason).toBe('x'.repeat(200));
    expect(read({})).toStrictEqual({ policy: { source: SRC, reason: DEFAULT_REASON, values: {} } });
  });

  it('presets each settings field it names, as given', () => {
    const subscriptions = { channels: ['security', 'system'], events: ['room.created'] };
    const doc = {
      authMethod: 'query',
      subscriptions,
      updates: 'off',
      proxyMode: 'manual',
      proxyUrl: 'http://proxy.acme.example:3128',
      extraCaFile: '/etc/ssl/acme-root.pem',
    };
    expect(read(doc)).toStrictEqual({
      policy: { source: SRC, reason: DEFAULT_REASON, values: doc },
    });
    // "" is a value too: no manual proxy, no extra CA file
    expect(read({ proxyUrl: '', extraCaFile: '' }).policy?.values).toStrictEqual({
      proxyUrl: '',
      extraCaFile: '',
    });
  });

  it('the update feed is not a setting: it is the policy’s own', () => {
    const updateUrl = 'https://mirror.acme.example/katya/';
    expect(read({ updateUrl })).toStrictEqual({
      policy: { source: SRC, reason: DEFAULT_REASON, values: {}, updateUrl },
    });
  });

  it("takes the notification rules it names, and the app's defaults for the rest", () => {
    expect(read({ notifications: {} }).policy?.values).toStrictEqual({
      notifications: DEFAULT_SETTINGS.notifications,
    });
    const rules = {
      threshold: 'low',
      perEvent: { 'security.scan.started': 'feed', 'room.created': 'notify' },
      mutedChannels: ['rooms'],
      quietHours: { enabled: true, start: '23:30', end: '06:00' },
      criticalBreaksThrough: false,
    };
    expect(read({ notifications: rules }).policy?.values).toStrictEqual({ notifications: rules });
    const endOnly = read({ notifications: { quietHours: { end: '08:15' } } });
    expect(endOnly.policy?.values.notifications?.quietHours).toStrictEqual({
      enabled: false,
      start: '22:00',
      end: '08:15',
    });
  });

  it('serverUrl presets that one server, under the id a version 2 profile migrated to, and no others', () => {
    const url = 'wss://katya.acme.example:8443/v1/ws';
    expect(read({ serverUrl: url }).policy?.servers).toStrictEqual({
      presets: [
        {
          id: LEGACY_SERVER_ID,
          name: 'katya.acme.example:8443',
          url,
          enabled: true,
          authMethod: 'header',
          subscriptions: DEFAULT_SUBSCRIPTIONS,
          notifications: null,
          network: null,
        },
      ],
      fixed: new Map([[LEGACY_SERVER_ID, ['name', 'url']]]),
      allowOwn: false,
    });
    const subscriptions = { channels: ['security'], events: [] };
    const [preset] = read({ serverUrl: url, authMethod: 'message', subscriptions }).policy!.servers!
      .presets;
    expect([preset!.authMethod, preset!.subscriptions]).toStrictEqual(['message', subscriptions]);
  });

  it('an empty serverUrl presets no server (the built-in demo) and allows no others', () => {
    expect(read({ serverUrl: '' }).policy?.servers).toStrictEqual({
      presets: [],
      fixed: new Map(),
      allowOwn: false,
    });
  });

  it('servers: each preset fixes what it names, and follows the top-level auth method and subscriptions', () => {
    const rules = { ...DEFAULT_SETTINGS.notifications, threshold: 'critical' };
    const network = {
      proxyMode: 'manual',
      proxyUrl: 'socks5://proxy.acme.example:1080',
      extraCaFile: '',
    };
    const subscriptions = { channels: ['security'], events: [] };
    const doc = {
      authMethod: 'message',
      subscriptions,
      servers: [
        { name: 'Production', url: PROD, authMethod: 'message', notifications: rules, network },
        { name: 'Staging', url: STAGING, subscriptions },
      ],
    };
    const prod = presetServerId(PROD);
    const staging = presetServerId(STAGING);
    const base = { enabled: true, authMethod: 'message', subscriptions };
    expect(read(doc).policy?.servers).toStrictEqual({
      presets: [
        { id: prod, name: 'Production', url: PROD, ...base, notifications: rules, network },
        { id: staging, name: 'Staging', url: STAGING, ...base, notifications: null, network: null },
      ],
      fixed: new Map([
        [prod, ['name', 'url', 'authMethod', 'notifications', 'network']],
        [staging, ['name', 'url', 'subscriptions']],
      ]),
      allowOwn: true,
    });
    expect(read(doc).policy?.values).toStrictEqual({ authMethod: 'message', subscriptions });
  });

  it('without top-level ones, a preset takes its own auth method, or the header and every channel', () => {
    const { policy } = read({
      servers: [
        { name: 'Production', url: PROD, authMethod: 'query' },
        { name: 'Staging', url: STAGING },
      ],
      allowOwnServers: false,
    });
    expect(policy?.servers?.presets.map((s) => [s.authMethod, s.subscriptions])).toStrictEqual([
      ['query', DEFAULT_SUBSCRIPTIONS],
      ['header', DEFAULT_SUBSCRIPTIONS],
    ]);
    expect(policy?.servers?.allowOwn).toBe(false);
  });

  it('a preset’s id is a valid server id, made from its address alone', () => {
    expect(presetServerId(PROD)).toMatch(SERVER_ID_PATTERN);
    expect(presetServerId(PROD)).toBe(presetServerId(PROD));
    expect(presetServerId(PROD)).not.toBe(presetServerId(STAGING));
  });

  it('tells names apart as the settings do: case does not count, but ß is not ss', () => {
    const servers = [
      { name: 'Straße', url: PROD },
      { name: 'Strasse', url: STAGING },
      { name: 'STRASSE2', url: 'wss://three.acme.example/v1/ws' },
    ];
    expect(read({ servers }).error).toBeUndefined();
    const ten = Array.from({ length: 10 }, (_, i) => ({
      name: `${'S'.repeat(39)}${i}`,
      url: `wss://s${i}.acme.example/v1/ws`,
    }));
    expect(read({ servers: ten }).policy?.servers?.presets).toHaveLength(10);
  });

  const HTTPS_ONLY = 'use an https:// URL without a user name or password';
  const NAME = 'a name of 1 to 40 characters, without spaces at either end';
  const WS_REMOTE =
    'ws:// is unencrypted and allowed only for this computer (localhost, 127.0.0.1, ::1); use wss://katya.acme.example/v1/ws';
  const A = { name: 'Production', url: PROD };
  const B = { name: 'Staging', url: STAGING };
  it.each([
    [
      'a document that is not an object',
      [],
      'file',
      'Invalid input: expected object, received array',
    ],
    ['an unknown field (a typo)', { serverURL: PROD }, 'file', 'Unrecognized key: "serverURL"'],
    ['another version', { version: 2 }, 'version', 'Invalid input: expected 1'],
    [
      'an empty message',
      { message: '' },
      'message',
      'Too small: expected string to have >=1 characters',
    ],
    [
      'a message over 200 characters',
      { message: 'x'.repeat(201) },
      'message',
      'Too big: expected string to have <=200 characters',
    ],
    [
      'an unencrypted remote server',
      { serverUrl: 'ws://katya.acme.example/v1/ws' },
      'serverUrl',
      WS_REMOTE,
    ],
    [
      'a server of another scheme',
      { serverUrl: 'https://katya.acme.example/' },
      'serverUrl',
      'the URL must start with wss:// (got https://)',
    ],
    [
      'an unknown auth method',
      { authMethod: 'cookie' },
      'authMethod',
      'Invalid option: expected one of "header"|"query"|"message"',
    ],
    [
      'an unknown channel',
      { subscriptions: { channels: ['nope'], events: [] } },
      'subscriptions.channels.0',
      'Invalid option: expected one of "messages"|"rooms"|"trust"|"analytics"|"security"|"system"',
    ],
    [
      'subscriptions without events',
      { subscriptions: { channels: [] } },
      'subscriptions.events',
      'Invalid input: expected array, received undefined',
    ],
    [
      'an unknown threshold',
      { notifications: { threshold: 'urgent' } },
      'notifications.threshold',
      'Invalid option: expected one of "low"|"medium"|"high"|"critical"',
    ],
    [
      'an unknown notification rule',
      { notifications: { snooze: true } },
      'notifications',
      'Unrecognized key: "snooze"',
    ],
    [
      'an unknown event type',
      { notifications: { perEvent: { 'security.alert': 'feed' } } },
      'notifications.perEvent',
      'Unrecognized key: "security.alert"',
    ],
    [
      'quiet hours ending at 25:00',
      { notifications: { quietHours: { end: '25:00' } } },
      'notifications.quietHours.end',
      'use the 24-hour form HH:MM',
    ],
    [
      'an unknown part of quiet hours',
      { notifications: { quietHours: { from: '22:00' } } },
      'notifications.quietHours',
      'Unrecognized key: "from"',
    ],
    [
      'an unknown update mode',
      { updates: 'sometimes' },
      'updates',
      'Invalid option: expected one of "off"|"notify"|"auto"',
    ],
    [
      'an http update feed',
      { updateUrl: 'http://mirror.acme.example/katya/' },
      'updateUrl',
      HTTPS_ONLY,
    ],
    [
      'an update feed with a user name',
      { updateUrl: 'https://it@mirror.acme.example/' },
      'updateUrl',
      HTTPS_ONLY,
    ],
    [
      'an update feed with a password alone',
      { updateUrl: 'https://:secret@mirror.acme.example/' },
      'updateUrl',
      HTTPS_ONLY,
    ],
    [
      'an update feed that is not a URL',
      { updateUrl: 'mirror.acme.example/katya/' },
      'updateUrl',
      HTTPS_ONLY,
    ],
    [
      'an update feed over 2048 characters',
      { updateUrl: `https://mirror.acme.example/${'a'.repeat(2021)}` },
      'updateUrl',
      'Too big: expected string to have <=2048 characters',
    ],
    [
      'an unknown proxy mode',
      { proxyMode: 'auto' },
      'proxyMode',
      'Invalid option: expected one of "system"|"none"|"manual"',
    ],
    [
      'a proxy with a user name and password',
      { proxyUrl: 'http://u:p@proxy.acme.example:3128' },
      'proxyUrl',
      'the proxy URL must not contain a user name or password; use the proxy credential fields',
    ],
    [
      'a proxy of another scheme',
      { proxyUrl: 'ftp://proxy.acme.example:21' },
      'proxyUrl',
      'a proxy URL starts with http://, https://, socks5:// or socks4:// (got ftp://)',
    ],
    [
      'a CA file by a relative path',
      { extraCaFile: 'certs/acme.pem' },
      'extraCaFile',
      'use the full path of a PEM file, such as /etc/ssl/acme-ca.pem',
    ],
    [
      'eleven servers',
      {
        servers: Array.from({ length: 11 }, (_, i) => ({
          name: `S${i}`,
          url: `wss://s${i}.acme.example/v1/ws`,
        })),
      },
      'servers',
      'Too big: expected array to have <=10 items',
    ],
    ['a preset without a name', { servers: [{ ...A, name: '' }] }, 'servers.0.name', NAME],
    [
      'a name of 41 characters',
      { servers: [{ ...A, name: 'x'.repeat(41) }] },
      'servers.0.name',
      NAME,
    ],
    [
      'a name with a space before it',
      { servers: [{ ...A, name: ' Production' }] },
      'servers.0.name',
      NAME,
    ],
    [
      'a preset without an address',
      { servers: [{ ...A, url: '' }] },
      'servers.0.url',
      'enter the server address',
    ],
    [
      'a preset at an unencrypted remote address',
      { servers: [{ ...A, url: 'ws://katya.acme.example/v1/ws' }] },
      'servers.0.url',
      WS_REMOTE,
    ],
    [
      'a preset with a field of its own',
      { servers: [{ ...A, colour: 'red' }] },
      'servers.0',
      'Unrecognized key: "colour"',
    ],
    [
      'a preset network without its proxy URL',
      { servers: [{ ...A, network: { proxyMode: 'none', extraCaFile: '' } }] },
      'servers.0.network.proxyUrl',
      'Invalid input: expected string, received undefined',
    ],
    [
      'two presets whose names differ in case only',
      { servers: [A, { ...B, name: 'PRODUCTION' }] },
      'servers.1',
      'two servers share a name or an address',
    ],
    [
      'two presets with one address',
      { servers: [A, { ...B, url: PROD }] },
      'servers.1',
      'two servers share a name or an address',
    ],
    [
      'serverUrl and servers together',
      { serverUrl: STAGING, servers: [A] },
      'servers',
      'use "servers" or "serverUrl", not both',
    ],
    [
      'a preset auth method other than the one every server follows',
      { authMethod: 'message', servers: [B, { ...A, authMethod: 'query' }] },
      'servers.1.authMethod',
      'differs from the top-level authMethod, which every server follows',
    ],
    [
      'preset subscriptions other than those every server follows',
      {
        subscriptions: { channels: ['security'], events: [] },
        servers: [{ ...A, subscriptions: { channels: ['rooms'], events: [] } }],
      },
      'servers.0.subscriptions',
      'differs from the top-level subscriptions, which every server follows',
    ],
    [
      'allowOwnServers that is not true or false',
      { allowOwnServers: 'no' },
      'allowOwnServers',
      'Invalid input: expected boolean, received string',
    ],
  ])('%s makes the whole policy invalid, with where and why', (_what, doc, where, why) => {
    expect(read(doc)).toStrictEqual({
      policy: null,
      error: `admin policy ${SRC} is invalid and was ignored: ${where}: ${why}`,
    });
  });

  it('a policy whose presets agree with the top-level auth method leaves the settings savable', () => {
    const s = service({
      message: 'ACME IT',
      authMethod: 'message',
      servers: [{ name: 'Production', url: PROD, authMethod: 'message' }],
    });
    expect(s.get().servers.map((x) => [x.url, x.authMethod])).toEqual([[PROD, 'message']]);
    expect(s.update({ ...s.get(), theme: 'dark' })).toMatchObject({ ok: true });
    // one that does not would lock the preset to two auth methods at once: it is refused whole
    const refused = service({
      authMethod: 'message',
      servers: [{ name: 'Production', url: PROD, authMethod: 'query' }],
    });
    expect(refused.locks().locked).toEqual({});
    expect(refused.update({ ...refused.get(), theme: 'dark' })).toMatchObject({ ok: true });
  });
});

describe('admin policy: reading the file', () => {
  it('a path under a file is no policy, as a missing file is', () => {
    expect(loadAdminPolicy(join(policyFile({}), 'policy.json'), asTests)).toStrictEqual({
      policy: null,
    });
  });

  it('a file that cannot be read is named, with the reason', () => {
    const p = join(dir, 'policy.json');
    mkdirSync(p, { mode: 0o755 });
    expect(loadAdminPolicy(p, asTests)).toStrictEqual({
      policy: null,
      error: `admin policy ${p} cannot be read and was ignored: EISDIR: illegal operation on a directory, read`,
    });
  });

  it('judges who may have written it with the distrust it is given', () => {
    const p = policyFile({ authMethod: 'query' });
    chmodSync(p, 0o666);
    // the preview's: a file its developer named on the command line
    expect(loadAdminPolicy(p, { distrust: () => null }).policy?.values).toStrictEqual({
      authMethod: 'query',
    });
    expect(loadAdminPolicy(p, { distrust: (file) => `${file} is on a USB stick` })).toStrictEqual({
      policy: null,
      error: `admin policy ${p} was ignored: ${p} is on a USB stick; only an administrator may be able to write it`,
    });
  });

  it('takes away a byte order mark at the start only', () => {
    const p = policyFile('{"message":"ACME\uFEFF IT"}');
    expect(loadAdminPolicy(p, asTests).policy?.reason).toBe('ACME\uFEFF IT');
  });

  it.skipIf(existsSync(defaultPolicyPath('darwin')))(
    'outside Windows reads the file of its OS, never the registry',
    () => {
      const registry = () => {
        throw new Error('the registry is asked on Windows only');
      };
      expect(loadMachinePolicy('darwin', registry)).toStrictEqual({
        policy: null,
        source: '/Library/Application Support/Katya Desktop/policy.json',
      });
    },
  );
});

describe('admin policy: who may own and write it', () => {
  const as = (uid: number, gid: number, mode: number, folder: boolean) => ({
    stat: () => ({ uid, gid, mode, isDirectory: () => folder }),
  });

  it('a group other than root’s may own it while it cannot write', () => {
    expect(posixPolicyDistrust(dir, as(0, 1000, 0o755, true))).toBeNull();
    expect(posixPolicyDistrust(dir, as(0, 1000, 0o775, true))).toBe(
      `${realpathSync(dir)} is writable by group 1000`,
    );
  });

  it('the sticky bit makes a folder others may write safe, and a file not', () => {
    expect(posixPolicyDistrust(dir, as(0, 1000, 0o1777, true))).toBeNull();
    const file = realpathSync(policyFile({}));
    expect(posixPolicyDistrust(file, as(0, 1000, 0o1664, false))).toBe(
      `${file} is writable by group 1000`,
    );
    expect(posixPolicyDistrust(file, as(0, 0, 0o1666, false))).toBe(
      `${file} is writable by every user`,
    );
  });

  it('judges every folder above it, up to /', () => {
    const stat = (p: string) => ({
      uid: p === '/' ? 501 : 0,
      gid: 0,
      mode: 0o755,
      isDirectory: () => true,
    });
    expect(posixPolicyDistrust(policyFile({}), { stat })).toBe(
      '/ is owned by user 501, not by root',
    );
  });
});

describe('admin policy on Windows: what reg prints', () => {
  const SOURCE = 'HKLM\\SOFTWARE\\Policies\\Katya Desktop\\Policy';
  const HEAD = '\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Katya Desktop\r\n';
  const line = (name: string, type: string, value: string) =>
    `    ${name}    ${type}    ${value}\r\n`;
  const QUERY = '{"authMethod":"query"}';

  it('takes the value named Policy, in any case, REG_SZ or REG_EXPAND_SZ, and no other', () => {
    const both =
      HEAD +
      line('Other', 'REG_SZ', '{"authMethod":"header"}') +
      line('POLICY', 'REG_EXPAND_SZ', QUERY);
    expect(loadRegistryPolicy(() => both).policy?.values).toStrictEqual({ authMethod: 'query' });
    const other = HEAD + line('Other', 'REG_SZ', QUERY);
    expect(loadRegistryPolicy(() => other)).toStrictEqual({
      policy: null,
      error: `admin policy ${SOURCE} is not a string value (REG_SZ) and was ignored`,
    });
  });

  it('reads the output whatever its line ends', () => {
    const lf = (HEAD + line('Policy', 'REG_SZ', QUERY)).replaceAll('\r\n', '\n');
    expect(loadRegistryPolicy(() => lf).policy?.values).toStrictEqual({ authMethod: 'query' });
  });

  it('reads output of up to 512 Ki characters (twice the file’s limit), and refuses more', () => {
    const sized = (length: number) => {
      const bare = HEAD + line('Policy', 'REG_SZ', QUERY);
      return HEAD + line('Policy', 'REG_SZ', QUERY + ' '.repeat(length - bare.length));
    };
    expect(sized(512 * 1024)).toHaveLength(512 * 1024);
    expect(loadRegistryPolicy(() => sized(512 * 1024)).policy?.values).toStrictEqual({
      authMethod: 'query',
    });
    expect(loadRegistryPolicy(() => sized(512 * 1024 + 1))).toStrictEqual({
      policy: null,
      error: `admin policy ${SOURCE} is larger than 256 KiB and was ignored`,
    });
  });
});

// A stand-in `reg` (a shell script found first on PATH) shows what is asked and how its exit
// status is taken; Windows has the real one.
describe.skipIf(process.platform === 'win32')('queryRegistryPolicy: reg query', () => {
  let path: string | undefined;
  beforeEach(() => {
    path = process.env.PATH;
  });
  afterEach(() => {
    process.env.PATH = path;
  });
  const fakeReg = (script: string) => {
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'reg'), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
    process.env.PATH = `${bin}${delimiter}${path}`;
  };

  it('asks for the one value and returns what reg prints, as text', () => {
    fakeReg(`printf '%s|' "$@"`);
    expect(queryRegistryPolicy()).toBe('query|HKLM\\SOFTWARE\\Policies\\Katya Desktop|/v|Policy|');
  });

  it('no key or value (exit status 1) is null; any other failure is thrown', () => {
    fakeReg('exit 1');
    expect(queryRegistryPolicy()).toBeNull();
    rmSync(join(dir, 'bin'), { recursive: true });
    fakeReg('echo "ERROR: Access is denied." >&2; exit 5');
    expect(() => queryRegistryPolicy()).toThrow(/Access is denied/);
  });

  it('reads output larger than any policy, so that the limit is said in words', () => {
    fakeReg(`head -c ${512 * 1024 + 1} /dev/zero | tr '\\0' ' '`);
    expect(queryRegistryPolicy()).toHaveLength(512 * 1024 + 1);
    expect(loadRegistryPolicy(queryRegistryPolicy)).toStrictEqual({
      policy: null,
      error:
        'admin policy HKLM\\SOFTWARE\\Policies\\Katya Desktop\\Policy is larger than 256 KiB and was ignored',
    });
  });
});
