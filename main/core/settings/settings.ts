// The settings service: one validated Settings document, read through a backend (electron-store
// in the app, conf in Node and the preview), migrated and checked on every load, checked again
// on every change, with an admin policy laid over it. A damaged file never stops the app: it is
// backed up, the broken parts are replaced by defaults, and a notice says so.
import { copyFileSync, existsSync } from 'node:fs';
import Conf from 'conf';
import { isDeepStrictEqual } from 'node:util';
import {
  DEFAULT_SETTINGS,
  LOCKABLE_FIELDS,
  settingsPatchSchema,
  settingsSchema,
} from '../common/settings-schema';
import type {
  LockableField,
  ServerSettings,
  Settings,
  SettingsPatch,
} from '../common/settings-schema';
import type { PolicyLocks, SettingsResult } from '../common/views';
import { fieldErrorsFromIssues } from '../common/settings-errors';
import type { SettingsFieldError } from '../common/settings-errors';
import { migrate } from './migrations';
import type { RawSettings } from './migrations';
import type { AdminPolicy } from './admin-policy';
import { SILENT_LOG } from '../log/scoped';
import type { ScopedLog } from '../log/scoped';

export {
  loadAdminPolicy,
  loadMachinePolicy,
  defaultPolicyPath,
  policyFromDocument,
} from './admin-policy';
export type { AdminPolicy } from './admin-policy';

export interface SettingsBackend {
  /** the stored document as parsed JSON; may throw when the file cannot be parsed */
  read(): unknown;
  write(value: Settings): void;
  readonly path: string;
  /** copy the current (damaged) file aside; returns the copy's path */
  backupCorrupt?(): string;
}

export interface SettingsServiceOptions {
  backend: SettingsBackend;
  policy?: AdminPolicy | null;
  /** the error loadAdminPolicy() reported, shown to the user as a notice */
  policyError?: string;
  /** resets, migrations, failed listeners */
  log?: ScopedLog;
}

type Listener = (s: Settings) => void;

const clone = <T>(v: T): T => structuredClone(v);

export class SettingsService {
  readonly #backend: SettingsBackend;
  readonly #policy: AdminPolicy | null;
  readonly #log: ScopedLog;
  readonly #notices: string[] = [];
  readonly #listeners = new Set<Listener>();
  /** the user's own settings as stored (policy not applied) */
  #stored: Settings;

  constructor(opts: SettingsServiceOptions) {
    this.#backend = opts.backend;
    this.#policy = opts.policy ?? null;
    this.#log = opts.log ?? SILENT_LOG;
    if (opts.policyError) this.#notices.push(opts.policyError);
    this.#stored = this.#load();
  }

  /** The settings in force: the stored document with the admin policy laid over it. */
  get(): Settings {
    return this.#policy ? withPolicy(this.#stored, this.#policy) : clone(this.#stored);
  }

  locks(): PolicyLocks {
    if (!this.#policy) return { locked: {}, source: null };
    const locked: PolicyLocks['locked'] = {};
    const values: Partial<Record<LockableField, unknown>> = this.#policy.values;
    for (const field of LOCKABLE_FIELDS) {
      if (values[field] !== undefined) locked[field] = this.#policy.reason;
    }
    const servers = this.#policy.servers;
    if (!servers) return { locked, source: this.#policy.source };
    if (!servers.allowOwn) locked.servers = this.#policy.reason;
    const presets = servers.presets.map((p) => ({
      id: p.id,
      fields: [...(servers.fixed.get(p.id) ?? [])],
    }));
    return { locked, presets, source: this.#policy.source };
  }

  /** Problems found at start (reset file, invalid policy) the window should tell the user. */
  notices(): string[] {
    return this.#notices.slice();
  }

  /**
   * Apply a change from the settings form. Unknown or invalid fields and changes to locked fields
   * are refused with one error per field (a code the window translates, and an English message),
   * and nothing is written.
   */
  update(patch: SettingsPatch): SettingsResult {
    // A form may send the whole document back, version included; the version is ours to set.
    let input: unknown = patch;
    if (isPlainObject(patch) && 'version' in patch) {
      const { version: _version, ...rest } = patch;
      input = rest;
    }
    const parsed = settingsPatchSchema.strict().safeParse(input);
    if (!parsed.success) return { ok: false, errors: fieldErrorsFromIssues(parsed.error.issues) };
    const errors: SettingsFieldError[] = [];
    const changes: Partial<Settings> = {};
    for (const [key, value] of Object.entries(parsed.data) as [keyof SettingsPatch, unknown][]) {
      if (value === undefined) continue;
      const locked = this.#policy ? lockedChanges(key, value, this.#policy) : [];
      // A form that sends every field back unchanged must not fail on the locked ones.
      if (locked.length) {
        const reason = this.#policy!.reason;
        for (const field of locked)
          errors.push({ field, code: 'locked', params: { reason }, message: `locked: ${reason}` });
        continue;
      }
      (changes as Record<string, unknown>)[key] = value;
    }
    if (errors.length) return { ok: false, errors };

    const next = settingsSchema.safeParse({ ...this.#stored, ...changes });
    if (!next.success) return { ok: false, errors: fieldErrorsFromIssues(next.error.issues) };
    if (isDeepStrictEqual(next.data, this.#stored)) return { ok: true, settings: this.get() };
    try {
      this.#backend.write(next.data);
    } catch (err) {
      const error = (err as Error).message;
      return {
        ok: false,
        errors: [
          {
            field: 'settings',
            code: 'saveFailed',
            params: { error },
            message: `cannot save the settings: ${error}`,
          },
        ],
      };
    }
    this.#stored = next.data;
    const effective = this.get();
    for (const fn of this.#listeners) {
      try {
        fn(clone(effective));
      } catch (err) {
        this.#log.error(`a change listener failed: ${(err as Error).message}`);
      }
    }
    return { ok: true, settings: effective };
  }

  onChange(fn: (s: Settings) => void): () => void {
    this.#listeners.add(fn);
    return () => {
      this.#listeners.delete(fn);
    };
  }

  // ---- loading ----------------------------------------------------------------------------

  #load(): Settings {
    let raw: unknown;
    let unreadable: string | null = null;
    try {
      raw = this.#backend.read();
    } catch (err) {
      unreadable = (err as Error).message || 'cannot be read';
    }
    if (unreadable === null && !isPlainObject(raw)) unreadable = 'not a JSON object';
    if (unreadable !== null) return this.#reset(`the settings file ${unreadable}`);

    const doc = raw as RawSettings;
    if (Object.keys(doc).length === 0) return this.#writeBack(clone(DEFAULT_SETTINGS)); // first run

    let migrated;
    try {
      migrated = migrate(clone(doc));
    } catch (err) {
      return this.#reset(`the settings file could not be migrated (${(err as Error).message})`);
    }
    if (migrated.from < 0) return this.#reset('the settings file has an invalid version');

    const whole = settingsSchema.safeParse(migrated.doc);
    if (whole.success) {
      if (migrated.migrated) {
        this.#log.info(`migrated from version ${migrated.from}`);
        return this.#writeBack(whole.data);
      }
      return whole.data;
    }

    // Keep every field that is still valid; replace the rest by defaults.
    const salvaged = clone(DEFAULT_SETTINGS) as Record<string, unknown>;
    const reset: string[] = [];
    let missingOnly = true;
    for (const [key, fieldSchema] of Object.entries(settingsSchema.shape)) {
      if (key === 'version') continue;
      const value = migrated.doc[key];
      if (value === undefined) continue;
      const ok = fieldSchema.safeParse(value);
      if (ok.success) salvaged[key] = ok.data;
      else {
        reset.push(key);
        missingOnly = false;
      }
    }
    if (migrated.newer) missingOnly = false;
    const result = settingsSchema.parse(salvaged);
    if (missingOnly) {
      // Fields added since the file was written: defaults fill them, nothing was lost.
      return this.#writeBack(result);
    }
    const backup = this.#backup();
    const what = migrated.newer
      ? `The settings file was written by a newer version of Katya Desktop (version ${migrated.from}); settings this version does not understand were reset`
      : `Some settings were invalid and have been reset to their defaults: ${reset.join(', ')}`;
    this.#notices.push(`${what}.${backup ? ` The old file was saved as ${backup}.` : ''}`);
    this.#log.warn(what);
    return this.#writeBack(result);
  }

  #reset(reason: string): Settings {
    const backup = this.#backup();
    const notice = `Your settings could not be read (${reason}) and have been reset to the defaults.${backup ? ` The old file was saved as ${backup}.` : ''}`;
    this.#notices.push(notice);
    this.#log.warn(notice);
    return this.#writeBack(clone(DEFAULT_SETTINGS));
  }

  #backup(): string | null {
    try {
      return this.#backend.backupCorrupt?.() || null;
    } catch (err) {
      this.#log.warn(`cannot back up the damaged file: ${(err as Error).message}`);
      return null;
    }
  }

  #writeBack(settings: Settings): Settings {
    try {
      this.#backend.write(settings);
    } catch (err) {
      // Keep running on the in-memory copy; the next successful update writes the file.
      this.#notices.push(`Your settings cannot be saved: ${(err as Error).message}`);
    }
    return settings;
  }
}

// ---- the admin policy over the user's settings ------------------------------------------

/**
 * The policy's values over the user's. Whole fields replace the user's. Preset servers come
 * first, in the policy's order, each with the user's own choices for what the policy leaves
 * open (switched off, own rules...) and the policy's for what it fixes; then the user's own
 * servers, when the policy allows them. A locked auth method or subscriptions applies to every
 * server.
 */
function withPolicy(stored: Settings, policy: AdminPolicy): Settings {
  const out = clone(stored);
  const { authMethod, subscriptions, ...whole } = clone(policy.values);
  Object.assign(out, whole);
  const servers = policy.servers;
  if (servers) {
    const mine = new Map(stored.servers.map((s) => [s.id, s]));
    const presets = servers.presets.map((preset) => {
      const own = mine.get(preset.id);
      if (!own) return clone(preset);
      const merged: ServerSettings = clone(own);
      for (const field of servers.fixed.get(preset.id) ?? [])
        (merged as Record<string, unknown>)[field] = clone(preset[field]);
      return merged;
    });
    const presetIds = new Set(servers.presets.map((p) => p.id));
    const own = servers.allowOwn ? stored.servers.filter((s) => !presetIds.has(s.id)) : [];
    out.servers = [...presets, ...clone(own)];
  }
  const networkLocked = NETWORK_FIELDS.some((f) => policy.values[f] !== undefined);
  for (const server of out.servers) {
    if (authMethod) server.authMethod = authMethod;
    if (subscriptions) server.subscriptions = clone(subscriptions);
    // Locked app-wide rules or network leave no server a way around them, unless the policy
    // gave that server its own.
    const fixed = servers?.fixed.get(server.id) ?? [];
    if (policy.values.notifications && !fixed.includes('notifications'))
      server.notifications = null;
    if (networkLocked && !fixed.includes('network')) server.network = null;
  }
  return out;
}

const NETWORK_FIELDS = ['proxyMode', 'proxyUrl', 'extraCaFile'] as const;

/** The fields of `value` (for settings field `key`) that differ from what the policy locks. */
function lockedChanges(key: keyof SettingsPatch, value: unknown, policy: AdminPolicy): string[] {
  const v = policy.values;
  if (key !== 'servers') {
    const lockedValue = (v as Record<string, unknown>)[key];
    return lockedValue !== undefined && !isDeepStrictEqual(lockedValue, value) ? [key] : [];
  }
  const list = value as Settings['servers'];
  const out: string[] = [];
  const servers = policy.servers;
  if (servers) {
    const ids = list.map((s) => s.id);
    const presetIds = servers.presets.map((p) => p.id);
    // every preset present, first and in order; others only where the policy allows them
    const listed = ids.slice(0, presetIds.length);
    if (
      !isDeepStrictEqual(listed, presetIds) ||
      (!servers.allowOwn && ids.length > presetIds.length)
    )
      out.push('servers');
  }
  list.forEach((server, i) => {
    const preset = servers?.presets.find((p) => p.id === server.id);
    for (const field of (preset && servers?.fixed.get(preset.id)) ?? [])
      if (!isDeepStrictEqual(server[field], preset![field])) out.push(`servers.${i}.${field}`);
    const fixed = (preset && servers?.fixed.get(preset.id)) ?? [];
    if (v.notifications && server.notifications !== null && !fixed.includes('notifications'))
      out.push(`servers.${i}.notifications`);
    if (
      NETWORK_FIELDS.some((f) => v[f] !== undefined) &&
      server.network !== null &&
      !fixed.includes('network')
    )
      out.push(`servers.${i}.network`);
    if (v.authMethod && server.authMethod !== v.authMethod) out.push(`servers.${i}.authMethod`);
    if (v.subscriptions && !isDeepStrictEqual(server.subscriptions, v.subscriptions))
      out.push(`servers.${i}.subscriptions`);
  });
  return [...new Set(out)];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ---- backends ---------------------------------------------------------------------------

/** Marker the tolerant deserializer leaves instead of throwing on a damaged file. */
const UNREADABLE = '__katyaUnreadable';

/**
 * conf and electron-store throw from their constructor when the file is not valid JSON. Pass
 * this as their `deserialize` option: a damaged file then reads as a marker that
 * storeBackend() turns into a read error, and the service recovers from it.
 */
export function tolerantDeserialize(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
    if (isPlainObject(v)) return v;
    return { [UNREADABLE]: 'is not a JSON object' };
  } catch {
    return { [UNREADABLE]: 'is not valid JSON' };
  }
}

/** What storeBackend() needs of a conf or electron-store instance. */
export interface StoreLike {
  readonly path: string;
  store: Record<string, unknown>;
}

/** A SettingsBackend over a conf / electron-store instance created with tolerantDeserialize. */
export function storeBackend(store: StoreLike): SettingsBackend {
  return {
    path: store.path,
    read() {
      const doc = store.store;
      if (typeof doc[UNREADABLE] === 'string') throw new Error(doc[UNREADABLE]);
      return doc;
    },
    write(value) {
      store.store = clone(value) as unknown as Record<string, unknown>;
    },
    backupCorrupt() {
      if (!existsSync(store.path)) return '';
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const copy = store.path.replace(/(\.json)?$/, `.corrupt-${stamp}$1`);
      copyFileSync(store.path, copy);
      return copy;
    },
  };
}

/** The settings file over `conf`: for Node, the CLI, the preview and the tests. */
export function confBackend(opts: { cwd: string; configName?: string }): SettingsBackend {
  const conf = new Conf<Record<string, unknown>>({
    cwd: opts.cwd,
    configName: opts.configName ?? 'settings',
    projectName: 'katya-desktop',
    deserialize: tolerantDeserialize,
    // Our own migrations and schema run in SettingsService, identically for electron-store.
    accessPropertiesByDotNotation: false,
  });
  return storeBackend(conf);
}
