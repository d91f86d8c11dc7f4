import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SettingsService, confBackend } from '../../../main/core/settings/settings';
import type { SettingsBackend } from '../../../main/core/settings/settings';
import {
  DEFAULT_SETTINGS,
  HISTORY_LIMITS,
  SETTINGS_VERSION,
} from '../../../main/core/common/settings-schema';
import type { Settings } from '../../../main/core/common/settings-schema';
import { LEGACY_SERVER_ID, MIGRATIONS, migrate } from '../../../main/core/settings/migrations';
import type { ServerSettings } from '../../../main/core/common/settings-schema';

/** A server entry as the settings form sends it. */
function server(url: string, over: Partial<ServerSettings> = {}): ServerSettings {
  return {
    id: 'aaaa',
    name: 'Production',
    url,
    enabled: true,
    authMethod: 'header',
    subscriptions: { channels: ['security'], events: [] },
    notifications: null,
    network: null,
    ...over,
  };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'katya-settings-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const file = () => join(dir, 'settings.json');
const onDisk = () => JSON.parse(readFileSync(file(), 'utf8')) as Settings;
const open = () => new SettingsService({ backend: confBackend({ cwd: dir }) });
const backups = () => readdirSync(dir).filter((f) => f.includes('.corrupt-'));

describe('settings: first run and updates', () => {
  it('starts from the defaults and writes them', () => {
    const s = open();
    expect(s.get()).toEqual(DEFAULT_SETTINGS);
    expect(onDisk()).toEqual(DEFAULT_SETTINGS);
    expect(s.notices()).toEqual([]);
  });

  it('validates and saves an update, and tells listeners', () => {
    const s = open();
    const seen: Settings[] = [];
    const off = s.onChange((x) => seen.push(x));
    const r = s.update({ theme: 'dark', servers: [server('wss://katya.example/v1/ws')] });
    expect(r.ok).toBe(true);
    expect(onDisk()).toMatchObject({
      theme: 'dark',
      servers: [{ id: 'aaaa', url: 'wss://katya.example/v1/ws' }],
    });
    expect(seen).toHaveLength(1);
    expect(open().get().theme).toBe('dark'); // kept across restarts
    off();
    s.update({ theme: 'light' });
    expect(seen).toHaveLength(1);
  });

  it('refuses invalid values per field and writes nothing', () => {
    const s = open();
    const before = readFileSync(file(), 'utf8');
    const r = s.update({
      servers: [server('ws://katya.example/v1/ws')],
      history: { maxEvents: 5, maxAgeDays: 30 },
    } as never);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.field).sort()).toEqual(['history.maxEvents', 'servers.0.url']);
    expect(r.errors.find((e) => e.field === 'servers.0.url')!.message).toMatch(/unencrypted/);
    expect(readFileSync(file(), 'utf8')).toBe(before);
    const unknown = s.update({ colour: 'red' } as never);
    expect(unknown).toMatchObject({ ok: false, errors: [{ field: 'colour', code: 'unknown' }] });
    expect(s.update(null as never).ok).toBe(false);
  });

  it('says what is wrong as a code with parameters, and in English for logs', () => {
    const s = open();
    const errors = (patch: unknown) => {
      const r = s.update(patch as never);
      return r.ok ? [] : r.errors;
    };
    expect(errors({ history: { maxEvents: 5, maxAgeDays: 30 } })).toEqual([
      {
        field: 'history.maxEvents',
        code: 'range',
        params: { min: HISTORY_LIMITS.maxEvents.min, max: HISTORY_LIMITS.maxEvents.max },
        message: 'must be a whole number from 100 to 100000',
      },
    ]);
    // a fraction is out of range the same way, not a different kind of error
    expect(errors({ history: { maxEvents: 5000, maxAgeDays: 1.5 } })).toMatchObject([
      { field: 'history.maxAgeDays', code: 'range', params: { min: 1, max: 365 } },
    ]);
    const quiet = { ...DEFAULT_SETTINGS.notifications.quietHours, start: '25:00' };
    expect(
      errors({ notifications: { ...DEFAULT_SETTINGS.notifications, quietHours: quiet } }),
    ).toMatchObject([{ field: 'notifications.quietHours.start', code: 'hhmm', params: {} }]);
    expect(errors({ servers: [server('https://katya.example/v1/ws')] })).toMatchObject([
      { field: 'servers.0.url', code: 'url.scheme', message: expect.stringMatching(/wss:\/\//) },
    ]);
    expect(errors({ servers: [server('wss://katya.example/v1/ws?token=x')] })).toMatchObject([
      { field: 'servers.0.url', code: 'url.token' },
    ]);
    expect(errors({ servers: [server('')] })).toMatchObject([
      { field: 'servers.0.url', code: 'url.empty' },
    ]);
    expect(errors({ theme: 'purple' })).toMatchObject([
      { field: 'theme', code: 'invalid', params: { detail: expect.any(String) } },
    ]);
  });

  it('a listener that throws does not break the update', () => {
    const s = open();
    s.onChange(() => {
      throw new Error('boom');
    });
    expect(s.update({ theme: 'dark' }).ok).toBe(true);
  });

  it('a backend that cannot write refuses the update and keeps the old value', () => {
    let fail = false;
    const inner = confBackend({ cwd: dir });
    const backend: SettingsBackend = {
      ...inner,
      path: inner.path,
      read: () => inner.read(),
      write: (v) => {
        if (fail) throw new Error('disk full');
        inner.write(v);
      },
    };
    const s = new SettingsService({ backend });
    fail = true;
    const r = s.update({ theme: 'dark' });
    expect(r).toMatchObject({
      ok: false,
      errors: [
        {
          field: 'settings',
          code: 'saveFailed',
          params: { error: 'disk full' },
          message: expect.stringMatching(/disk full/),
        },
      ],
    });
    expect(s.get().theme).toBe('system');
  });
});

describe('settings: migrations', () => {
  it('has a step for every version below the current one', () => {
    for (let v = 0; v < SETTINGS_VERSION; v++) expect(typeof MIGRATIONS[v]).toBe('function');
  });

  it('migrates a prototype (unversioned) file, dropping its plaintext token', () => {
    writeFileSync(
      file(),
      JSON.stringify({
        url: 'wss://old.example/v1/ws',
        channels: ['security', 'system'],
        token: 'plaintext-secret',
        notifyThreshold: 'critical',
        theme: 'dark',
      }),
    );
    const s = open();
    expect(s.get()).toMatchObject({
      version: SETTINGS_VERSION,
      servers: [
        {
          id: LEGACY_SERVER_ID,
          name: 'old.example',
          url: 'wss://old.example/v1/ws',
          subscriptions: { channels: ['security', 'system'], events: [] },
        },
      ],
      theme: 'dark',
      notifications: { threshold: 'critical' },
    });
    expect(s.notices()).toEqual([]);
    const text = readFileSync(file(), 'utf8');
    expect(text).not.toContain('plaintext-secret');
    expect(onDisk().version).toBe(SETTINGS_VERSION);
  });

  it('migrate() reports where it started and refuses nonsense versions', () => {
    expect(migrate({}).from).toBe(0);
    expect(migrate({ version: SETTINGS_VERSION }).migrated).toBe(false);
    expect(migrate({ version: 'x' }).from).toBe(-1);
    expect(migrate({ version: SETTINGS_VERSION + 1 }).newer).toBe(true);
  });

  it('fills fields added since the file was written, without a notice', () => {
    const { theme: _t, ...older } = { ...DEFAULT_SETTINGS, language: 'ru' as const };
    writeFileSync(file(), JSON.stringify(older));
    const s = open();
    expect(s.get()).toMatchObject({ language: 'ru', theme: 'system' });
    expect(s.notices()).toEqual([]);
    expect(backups()).toEqual([]);
  });
});

describe('settings: corruption', () => {
  it('a file that is not JSON is backed up, replaced by defaults and reported', () => {
    writeFileSync(file(), '{"version":1,"theme":"da');
    const s = open();
    expect(s.get()).toEqual(DEFAULT_SETTINGS);
    expect(s.notices()).toHaveLength(1);
    expect(s.notices()[0]).toMatch(/could not be read \(the settings file is not valid JSON\)/);
    const [backup] = backups();
    expect(backup).toBeDefined();
    expect(s.notices()[0]).toContain(backup);
    expect(readFileSync(join(dir, backup!), 'utf8')).toBe('{"version":1,"theme":"da');
    expect(onDisk()).toEqual(DEFAULT_SETTINGS);
    // and the next start is clean
    expect(open().notices()).toEqual([]);
  });

  it.each([
    ['an array', '[1,2,3]'],
    ['a number', '42'],
    ['null', 'null'],
    ['binary garbage', '\u0000\u00ff\u0001PK'],
    ['an invalid version', '{"version":"one"}'],
  ])('%s is treated the same way', (_name, text) => {
    writeFileSync(file(), text);
    const s = open();
    expect(s.get()).toEqual(DEFAULT_SETTINGS);
    expect(s.notices()).toHaveLength(1);
    expect(backups()).toHaveLength(1);
  });

  it('invalid fields are reset one by one; valid ones are kept', () => {
    writeFileSync(
      file(),
      JSON.stringify({
        ...DEFAULT_SETTINGS,
        theme: 'purple',
        language: 'ru',
        history: { maxEvents: -1 },
      }),
    );
    const s = open();
    expect(s.get()).toMatchObject({
      theme: 'system',
      language: 'ru',
      history: DEFAULT_SETTINGS.history,
    });
    expect(s.notices()[0]).toMatch(/reset to their defaults: theme, history/);
    expect(backups()).toHaveLength(1);
  });

  it('a file from a newer version keeps what it can and says so', () => {
    writeFileSync(
      file(),
      JSON.stringify({ ...DEFAULT_SETTINGS, version: 99, theme: 'dark', future: 1 }),
    );
    const s = open();
    expect(s.get()).toMatchObject({ version: SETTINGS_VERSION, theme: 'dark' });
    expect(s.notices()[0]).toMatch(/newer version/);
  });

  it('a backend whose read throws is recovered from as well', () => {
    const written: Settings[] = [];
    const s = new SettingsService({
      backend: {
        path: '/nowhere/settings.json',
        read: () => {
          throw new Error('EACCES');
        },
        write: (v) => written.push(v),
      },
    });
    expect(s.get()).toEqual(DEFAULT_SETTINGS);
    expect(s.notices()[0]).toMatch(/EACCES/);
    expect(written).toHaveLength(1);
  });

  it('nothing is backed up when there is no file', () => {
    open();
    expect(backups()).toEqual([]);
    expect(existsSync(file())).toBe(true);
  });
});
