import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  SettingsService,
  confBackend,
  defaultPolicyPath,
  loadAdminPolicy,
} from '../../../main/core/settings/settings';
import { DEFAULT_SETTINGS } from '../../../main/core/settings/schema';

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

function service(doc: unknown = FLEET) {
  const { policy, error } = loadAdminPolicy(policyFile(doc));
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
      errors: [{ field: 'serverUrl', message: 'locked: Managed by ACME IT' }],
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

  it('has one documented location per OS', () => {
    expect(defaultPolicyPath('linux')).toBe('/etc/katya-desktop/policy.json');
    expect(defaultPolicyPath('darwin')).toBe(
      '/Library/Application Support/Katya Desktop/policy.json',
    );
    expect(defaultPolicyPath('win32', { ProgramData: 'D:\\PD' })).toBe(
      'D:\\PD\\Katya Desktop\\policy.json',
    );
    expect(defaultPolicyPath('win32', {})).toBe('C:\\ProgramData\\Katya Desktop\\policy.json');
  });
});
