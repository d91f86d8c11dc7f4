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
      serverUrl: 'wss://katya.acme.example/v1/ws',
      subscriptions: { channels: ['security', 'system'], events: [] },
      notifications: {
        ...DEFAULT_SETTINGS.notifications,
        threshold: 'medium',
        quietHours: { enabled: true, start: '22:00', end: '07:00' },
      },
      authMethod: 'header',
    });
    expect(s.locks()).toEqual({
      locked: {
        serverUrl: 'Managed by ACME IT',
        subscriptions: 'Managed by ACME IT',
        notifications: 'Managed by ACME IT',
      },
      source: join(dir, 'policy.json'),
    });
  });

  it('locked fields cannot be changed through update; others can, in the same patch too', () => {
    const s = service();
    const r = s.update({ serverUrl: 'wss://evil.example/v1/ws', theme: 'dark' });
    expect(r).toEqual({
      ok: false,
      errors: [
        {
          field: 'serverUrl',
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
    expect(s.get()).toMatchObject({ theme: 'dark', serverUrl: 'wss://katya.acme.example/v1/ws' });
  });

  it('a hand-edited settings file cannot undo a lock', () => {
    const s = service();
    s.update({ theme: 'dark' });
    const userFile = join(dir, 'user', 'settings.json');
    writeFileSync(
      userFile,
      JSON.stringify({ ...DEFAULT_SETTINGS, theme: 'dark', serverUrl: 'wss://evil.example/v1/ws' }),
    );
    const again = service();
    expect(again.get().serverUrl).toBe('wss://katya.acme.example/v1/ws');
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
    expect(s.update({ serverUrl: 'wss://mine.example/v1/ws' }).ok).toBe(true);
  });

  it('accepts a BOM (Notepad) and can lock the auth method alone', () => {
    const s = service('\uFEFF{"authMethod":"message"}');
    expect(s.get().authMethod).toBe('message');
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
    expect(mine.update({ serverUrl: 'wss://mine.example/v1/ws' }).ok).toBe(true);
    const { policy } = loadAdminPolicy(policyFile({ authMethod: 'message' }), asTests);
    const s = new SettingsService({ backend: confBackend({ cwd: userDir }), policy });
    expect(s.get().serverUrl).toBe('wss://mine.example/v1/ws');
    expect(s.get().authMethod).toBe('message');
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
    expect(loadAdminPolicy(p, asTests).policy?.values.serverUrl).toBe(FLEET.serverUrl);
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
    expect(policy?.values.serverUrl).toBe(FLEET.serverUrl);
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
