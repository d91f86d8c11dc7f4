// Settings migrations, step by step (the whole chain through the settings service is in
// settings.test.ts): what each step keeps, renames and drops, and when migrate() refuses.
import { describe, expect, it } from 'vitest';
import { LEGACY_SERVER_ID, MIGRATIONS, migrate } from '../../../main/core/settings/migrations';
import type { RawSettings } from '../../../main/core/settings/migrations';
import { SETTINGS_VERSION } from '../../../main/core/common/settings-schema';

describe('migration 0 -> 1 (the prototype)', () => {
  const step = MIGRATIONS[0]!;

  it('renames url, moves channels, spells out the notifications of version 1, drops the token', () => {
    expect(
      step({
        url: 'wss://k/v1/ws',
        channels: ['security'],
        notifyThreshold: 'high',
        token: 's',
        x: 1,
      }),
    ).toEqual({
      version: 1,
      x: 1,
      serverUrl: 'wss://k/v1/ws',
      subscriptions: { channels: ['security'], events: [] },
      notifications: {
        threshold: 'high',
        perEvent: {},
        mutedChannels: [],
        quietHours: { enabled: false, start: '22:00', end: '07:00' },
        criticalBreaksThrough: true,
      },
    });
  });

  it('keeps what the document has already, and ignores old fields of the wrong kind', () => {
    const kept = {
      serverUrl: 'wss://new',
      subscriptions: { channels: [] },
      notifications: { n: 1 },
    };
    expect(
      step({ ...kept, url: 'wss://old', channels: ['rooms'], notifyThreshold: 'low' }),
    ).toEqual({
      ...kept,
      version: 1,
    });
    expect(step({ url: 5, channels: 'security', notifyThreshold: 3 })).toEqual({ version: 1 });
  });
});

describe('migration 2 -> 3 (several servers)', () => {
  const step = MIGRATIONS[2]!;
  const rules = { threshold: 'critical', perEvent: {}, mutedChannels: ['rooms'] };

  it('makes the one server a list of one, under the id its files are kept by', () => {
    expect(
      step({
        version: 2,
        serverUrl: 'wss://katya.acme.example:8443/v1/ws',
        authMethod: 'message',
        subscriptions: { channels: ['security'], events: ['system.maintenance.start'] },
        notifications: rules,
        theme: 'dark',
      }),
    ).toEqual({
      version: 3,
      servers: [
        {
          id: LEGACY_SERVER_ID,
          name: 'katya.acme.example:8443',
          url: 'wss://katya.acme.example:8443/v1/ws',
          enabled: true,
          authMethod: 'message',
          subscriptions: { channels: ['security'], events: ['system.maintenance.start'] },
          // the server follows the app's rules, which stay as they were
          notifications: null,
          network: null,
        },
      ],
      notifications: rules,
      theme: 'dark',
    });
  });

  it('turns "no server" (the demo) into an empty list', () => {
    expect(step({ version: 2, serverUrl: '', authMethod: 'header' })).toEqual({
      version: 3,
      servers: [],
    });
    expect(step({ version: 2 })).toEqual({ version: 3, servers: [] });
  });

  it('fills what a version 2 file left out with the defaults of version 2', () => {
    const [server] = step({ version: 2, serverUrl: 'wss://k.example/v1/ws' }).servers as {
      authMethod: string;
      subscriptions: { channels: string[] };
    }[];
    expect(server!.authMethod).toBe('header');
    expect(server!.subscriptions.channels).toHaveLength(6);
  });

  it('keeps a list a hand edit already wrote', () => {
    const servers = [{ id: 'x' }];
    expect(step({ version: 2, serverUrl: 'wss://k.example/v1/ws', servers })).toEqual({
      version: 3,
      servers,
    });
  });
});

describe('migrate()', () => {
  it('runs every step from the document version, and says so', () => {
    const r = migrate({ url: 'wss://k' });
    expect(r).toMatchObject({ from: 0, migrated: true, newer: false });
    expect(r.doc.version).toBe(SETTINGS_VERSION);
    expect(r.doc.servers).toMatchObject([{ id: LEGACY_SERVER_ID, url: 'wss://k' }]);
  });

  it('leaves a current document alone', () => {
    const doc = { version: SETTINGS_VERSION, a: 1 };
    expect(migrate(doc)).toEqual({ doc, from: SETTINGS_VERSION, migrated: false, newer: false });
  });

  it('leaves a document from a newer app alone, and says it is newer', () => {
    const doc = { version: SETTINGS_VERSION + 1 };
    expect(migrate(doc)).toEqual({ doc, from: SETTINGS_VERSION + 1, migrated: false, newer: true });
  });

  it('refuses a version that is not a whole number from 0 up', () => {
    for (const version of [-1, -5, 1.5, '1', null, Number.NaN]) {
      const doc = { version } as RawSettings;
      expect(migrate(doc), String(version)).toEqual({
        doc,
        from: -1,
        migrated: false,
        newer: false,
      });
    }
    expect(migrate({ version: 0 }).from).toBe(0);
  });

  it('a missing step is a mistake in the app, thrown, not a half-migrated document', () => {
    const steps = MIGRATIONS as Record<number, unknown>;
    const saved = steps[0];
    delete steps[0];
    try {
      expect(() => migrate({})).toThrow('no settings migration from version 0');
    } finally {
      steps[0] = saved;
    }
  });
});
