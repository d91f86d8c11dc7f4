// Settings migrations: each step turns a document of version N into version N+1. They work on
// plain JSON (never on the typed Settings), because an old file matches no current type. The
// service runs them in order before it validates, so adding a version means: bump
// SETTINGS_VERSION in ../common/settings-schema.ts, change the schema, and add the step from the previous version
// here (with a test in test/unit/settings/).
import { DEFAULT_SUBSCRIPTIONS, SETTINGS_VERSION } from '../common/settings-schema';
import { defaultServerName } from '../common/servers';

export type RawSettings = Record<string, unknown>;

/** from-version -> step to the next version */
export const MIGRATIONS: Readonly<Record<number, (doc: RawSettings) => RawSettings>> = {
  /**
   * 0 -> 1: documents written before settings carried a version (the prototype). The server
   * address was called `url`, channels sat at the top level, and the prototype kept the token
   * in plain text in this file; tokens belong in the vault, so it is dropped, not carried over.
   */
  0: (doc) => {
    const { url, channels, token: _plaintextToken, notifyThreshold, ...rest } = doc;
    const out: RawSettings = { ...rest, version: 1 };
    if (typeof url === 'string' && out.serverUrl === undefined) out.serverUrl = url;
    if (Array.isArray(channels) && out.subscriptions === undefined) {
      out.subscriptions = { channels, events: [] };
    }
    if (typeof notifyThreshold === 'string' && out.notifications === undefined) {
      // The rest is spelled out as version 1 shipped it: a migration must not change meaning
      // when later versions change their defaults.
      out.notifications = {
        threshold: notifyThreshold,
        perEvent: {},
        mutedChannels: [],
        quietHours: { enabled: false, start: '22:00', end: '07:00' },
        criticalBreaksThrough: true,
      };
    }
    return out;
  },
  /**
   * 1 -> 2: the way to the server (issue #15). Version 1 always connected directly and trusted
   * Node's list only; version 2 follows the system proxy by default, as browsers do, which is
   * what an admin behind a company proxy expects. A document that already has the fields (a
   * hand edit) keeps them.
   */
  1: (doc) => ({ proxyMode: 'system', proxyUrl: '', extraCaFile: '', ...doc, version: 2 }),
  /**
   * 2 -> 3: several servers (issue #19). The one server becomes a list of one, with the id
   * LEGACY_SERVER_ID, under which the app finds its token, history and notified ids where
   * version 2 kept them. No server (the demo) becomes an empty list. The notification rules stay
   * the app's, which the server follows (its own rules: null). Values are carried over as they
   * are; the schema then judges them, and a broken list is reset like any broken field.
   */
  2: (doc) => {
    const { serverUrl, authMethod, subscriptions, ...rest } = doc;
    const out: RawSettings = { ...rest, version: 3 };
    if (out.servers !== undefined) return out; // a hand edit that already has the list
    out.servers =
      typeof serverUrl === 'string' && serverUrl !== ''
        ? [
            {
              id: LEGACY_SERVER_ID,
              name: defaultServerName(serverUrl),
              url: serverUrl,
              enabled: true,
              authMethod: authMethod ?? 'header',
              subscriptions: subscriptions ?? structuredClone(DEFAULT_SUBSCRIPTIONS),
              notifications: null,
              network: null,
            },
          ]
        : [];
    return out;
  },
};

/** The id the one server of a version 2 document gets: its data stays where it was. */
export const LEGACY_SERVER_ID = 'main';

export interface MigrationResult {
  doc: RawSettings;
  from: number;
  /** true when at least one step ran */
  migrated: boolean;
  /** the document is from a newer app than this one; it was not migrated */
  newer: boolean;
}

/** Run every step from the document's version up to SETTINGS_VERSION. */
export function migrate(doc: RawSettings): MigrationResult {
  const v = doc.version;
  const from =
    // Stryker disable next-line ConditionalExpression: for the types only; Number.isInteger refuses anything but a number
    v === undefined ? 0 : typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : -1;
  if (from < 0) return { doc, from, migrated: false, newer: false };
  if (from > SETTINGS_VERSION) return { doc, from, migrated: false, newer: true };
  let out = doc;
  for (let version = from; version < SETTINGS_VERSION; version++) {
    const step = MIGRATIONS[version];
    if (!step) throw new Error(`no settings migration from version ${version}`);
    out = step(out);
    out.version = version + 1;
  }
  return { doc: out, from, migrated: from < SETTINGS_VERSION, newer: false };
}
