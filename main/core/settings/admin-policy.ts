// The optional admin policy file: a read-only JSON file in a system location that presets and
// locks the server URL, the auth method, the subscriptions and the notification rules, for
// fleets of admin desktops, and how the app updates itself (the mode, and a feed URL that only
// the policy can set). Every field present in the file is locked. See docs/admin-policy.md.
import { execFileSync } from 'node:child_process';
import { lstatSync, readFileSync, realpathSync, statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { posix } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { AUTH_METHODS, SEVERITIES } from '../common/protocol';
import {
  DEFAULT_SETTINGS,
  DEFAULT_SUBSCRIPTIONS,
  SERVER_LIMITS,
  caFileSchema,
  serverNameSchema,
  serverNetworkSchema,
  notificationRulesSchema,
  proxyUrlSchema,
  serverUrlSchema,
  serverSchema,
} from '../common/settings-schema';
import { PROXY_MODES } from '../common/network';
import type {
  LockableField,
  ServerSettings,
  Settings,
  Subscriptions,
} from '../common/settings-schema';
import type { PresetServerField } from '../common/views';
import { createHash } from 'node:crypto';
import type { AuthMethod } from '../common/protocol';
import { defaultServerName } from '../common/servers';
import { LEGACY_SERVER_ID } from './migrations';
import { UPDATE_MODES } from '../common/update-view';

export const POLICY_VERSION = 1;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use the 24-hour form HH:MM');

/**
 * A fleet's own update mirror: https only (the packages it serves are installed), and no user
 * name or password in it, since every user of the machine can read the policy.
 */
export const updateUrlSchema = z
  .string()
  .max(2048)
  .refine((value) => {
    if (!URL.canParse(value)) return false;
    // an https: URL always has a host name: one without does not parse
    const url = new URL(value);
    return url.protocol === 'https:' && !url.username && !url.password;
  }, 'use an https:// URL without a user name or password');

/** A server the policy presets: name and address always, anything else it wants fixed. */
const presetServerSchema = z
  .object({
    name: serverNameSchema,
    url: serverSchema.shape.url,
    authMethod: serverSchema.shape.authMethod.optional(),
    subscriptions: serverSchema.shape.subscriptions.optional(),
    notifications: notificationRulesSchema.optional(),
    network: serverNetworkSchema.optional(),
  })
  .strict();

export const adminPolicyFileSchema = z
  .object({
    version: z.literal(POLICY_VERSION).optional(),
    /** shown next to each locked field, for example "Managed by ACME IT (it@acme.example)" */
    message: z.string().min(1).max(200).optional(),
    serverUrl: serverUrlSchema.optional(),
    authMethod: z.enum(AUTH_METHODS as ['header', 'query', 'message']).optional(),
    subscriptions: serverSchema.shape.subscriptions.optional(),
    /** any subset of the rules; what is left out takes the app's defaults */
    notifications: z
      .object({
        threshold: z.enum(SEVERITIES).optional(),
        perEvent: notificationRulesSchema.shape.perEvent.optional(),
        mutedChannels: notificationRulesSchema.shape.mutedChannels.optional(),
        quietHours: z
          .object({ enabled: z.boolean(), start: hhmm, end: hhmm })
          .partial()
          .strict()
          .optional(),
        criticalBreaksThrough: z.boolean().optional(),
      })
      .strict()
      .optional(),
    /** updates in the app: "off", "notify" or "auto" (locks the choice in the About view) */
    updates: z.enum(UPDATE_MODES).optional(),
    /** where to look for updates instead of the build's own feed (GitHub releases) */
    updateUrl: updateUrlSchema.optional(),
    /** "system", "none" or "manual" (then with proxyUrl) */
    proxyMode: z.enum(PROXY_MODES).optional(),
    /** the manual proxy, scheme://HOST:PORT; credentials never (every user can read the file) */
    proxyUrl: proxyUrlSchema.optional(),
    /** a PEM file of CA certificates to trust as well, by absolute path */
    extraCaFile: caFileSchema.optional(),
    /** servers every desktop follows, first in the list; each field named is fixed */
    servers: z.array(presetServerSchema).max(SERVER_LIMITS.max).optional(),
    /** false: the user cannot add servers of their own (default true) */
    allowOwnServers: z.boolean().optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const problem = (path: (string | number)[], message: string) =>
      // Stryker disable next-line StringLiteral: the code is for the types; only the path and the message are shown
      ctx.addIssue({ code: 'custom', path, message });
    if (p.serverUrl !== undefined && p.servers !== undefined)
      problem(['servers'], 'use "servers" or "serverUrl", not both');
    const names = new Set<string>();
    const urls = new Set<string>();
    for (const [i, server] of (p.servers ?? []).entries()) {
      const name = server.name.toLocaleLowerCase();
      if (names.has(name) || urls.has(server.url))
        problem(['servers', i], 'two servers share a name or an address');
      names.add(name);
      urls.add(server.url);
      // The top-level auth method and subscriptions apply to every server: a preset naming
      // others would be locked to two values at once, and no settings could be saved.
      for (const f of ['authMethod', 'subscriptions'] as const)
        if (p[f] !== undefined && server[f] !== undefined && !isDeepStrictEqual(p[f], server[f]))
          problem(['servers', i, f], `differs from the top-level ${f}, which every server follows`);
    }
  });

export interface AdminPolicy {
  /** the file it came from */
  source: string;
  /** the reason shown to the user next to a locked field */
  reason: string;
  /**
   * preset and locked values: whole settings fields, and an auth method and subscriptions that
   * every server follows
   */
  values: PolicyValues;
  /** the servers it presets (first in the list), each with the fields it fixes */
  servers?: PolicyServers;
  /** the update feed; not a setting, so no one but the policy can point the app elsewhere */
  updateUrl?: string;
}

export interface PolicyServers {
  presets: ServerSettings[];
  /** server id -> the fields the policy fixes */
  fixed: ReadonlyMap<string, readonly PresetServerField[]>;
  /** may the user add servers of their own, and order them */
  allowOwn: boolean;
}

export type PolicyValues = Partial<
  Pick<Settings, Exclude<LockableField, 'authMethod' | 'subscriptions' | 'servers'>>
> & {
  authMethod?: AuthMethod;
  subscriptions?: Subscriptions;
};

const DEFAULT_REASON = 'Set by your organisation (admin policy)';
const MAX_POLICY_BYTES = 256 * 1024;

/** Turn the parsed file into whole, valid settings fields. */
export function policyFromDocument(
  doc: unknown,
  source: string,
): { policy: AdminPolicy | null; error?: string } {
  const parsed = adminPolicyFileSchema.safeParse(doc);
  if (!parsed.success) {
    // a failed parse has an issue, and every issue a message
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? issue.path.join('.') : 'file';
    return {
      policy: null,
      error: `admin policy ${source} is invalid and was ignored: ${where}: ${issue.message}`,
    };
  }
  const p = parsed.data;
  const values: AdminPolicy['values'] = {};
  const servers = presetServers(p);
  if (p.authMethod !== undefined) values.authMethod = p.authMethod;
  if (p.subscriptions !== undefined) values.subscriptions = p.subscriptions;
  if (p.notifications !== undefined) {
    const d = DEFAULT_SETTINGS.notifications;
    values.notifications = {
      threshold: p.notifications.threshold ?? d.threshold,
      perEvent: p.notifications.perEvent ?? d.perEvent,
      mutedChannels: p.notifications.mutedChannels ?? d.mutedChannels,
      quietHours: { ...d.quietHours, ...p.notifications.quietHours },
      criticalBreaksThrough: p.notifications.criticalBreaksThrough ?? d.criticalBreaksThrough,
    };
  }
  if (p.updates !== undefined) values.updates = p.updates;
  if (p.proxyMode !== undefined) values.proxyMode = p.proxyMode;
  if (p.proxyUrl !== undefined) values.proxyUrl = p.proxyUrl;
  if (p.extraCaFile !== undefined) values.extraCaFile = p.extraCaFile;
  const policy: AdminPolicy = { source, reason: p.message ?? DEFAULT_REASON, values };
  if (servers) policy.servers = servers;
  if (p.updateUrl !== undefined) policy.updateUrl = p.updateUrl;
  return { policy };
}

/**
 * A preset server's id: from its address, so it stays the same however the policy's list is
 * reordered or renamed, and the user's token, history and choices for it are found again.
 */
export function presetServerId(url: string): string {
  return `p${createHash('sha256').update(url).digest('hex').slice(0, 15)}`;
}

function presetServers(p: z.infer<typeof adminPolicyFileSchema>): PolicyServers | undefined {
  // `serverUrl` (policy version 1) presets the list of one that version 2 settings migrate
  // to, with the same id, so a token entered for it before the policy arrived is still found;
  // that list is the whole list. An empty URL presets no server: the built-in demo.
  if (p.serverUrl !== undefined) {
    const presets: ServerSettings[] =
      p.serverUrl === ''
        ? []
        : [
            {
              id: LEGACY_SERVER_ID,
              name: defaultServerName(p.serverUrl),
              url: p.serverUrl,
              enabled: true,
              authMethod: p.authMethod ?? 'header',
              subscriptions: p.subscriptions ?? structuredClone(DEFAULT_SUBSCRIPTIONS),
              notifications: null,
              network: null,
            },
          ];
    return {
      presets,
      fixed: new Map(presets.map((s) => [s.id, ['name', 'url'] as PresetServerField[]])),
      allowOwn: false,
    };
  }
  if (p.servers === undefined) return undefined;
  const fixed = new Map<string, PresetServerField[]>();
  const presets = p.servers.map((preset): ServerSettings => {
    const id = presetServerId(preset.url);
    const fields: PresetServerField[] = ['name', 'url'];
    for (const f of ['authMethod', 'subscriptions', 'notifications', 'network'] as const)
      if (preset[f] !== undefined) fields.push(f);
    fixed.set(id, fields);
    return {
      id,
      name: preset.name,
      url: preset.url,
      enabled: true,
      authMethod: preset.authMethod ?? p.authMethod ?? 'header',
      subscriptions:
        preset.subscriptions ?? p.subscriptions ?? structuredClone(DEFAULT_SUBSCRIPTIONS),
      notifications: preset.notifications ?? null,
      network: preset.network ?? null,
    };
  });
  return { presets, fixed, allowOwn: p.allowOwnServers ?? true };
}

/**
 * Why a policy file at `path` cannot be trusted, or null when it can: the file and every folder
 * above it (links resolved) must be owned by root and writable by nobody else, since whoever
 * can write any of them can rewrite the policy. A world-writable folder passes only with the
 * sticky bit (like /tmp), where others cannot replace what root owns. Tests add their own uid
 * to `owners` and present other owners through `stat`.
 */
export function posixPolicyDistrust(
  path: string,
  opts: {
    owners?: readonly number[];
    stat?: (p: string) => Pick<Stats, 'uid' | 'gid' | 'mode' | 'isDirectory'>;
  } = {},
): string | null {
  const owners = opts.owners ?? [0];
  const stat = opts.stat ?? lstatSync;
  let p = realpathSync(path);
  for (;;) {
    const st = stat(p);
    const stickyDir = st.isDirectory() && (st.mode & 0o1000) !== 0;
    if (!owners.includes(st.uid)) return `${p} is owned by user ${st.uid}, not by root`;
    if ((st.mode & 0o002) !== 0 && !stickyDir) return `${p} is writable by every user`;
    if ((st.mode & 0o020) !== 0 && st.gid !== 0 && !stickyDir) {
      return `${p} is writable by group ${st.gid}`;
    }
    const parent = posix.dirname(p);
    if (parent === p) return null;
    p = parent;
  }
}

export interface LoadPolicyOptions {
  /**
   * Why the file is not to be trusted, or null. Default: the owner check of posixPolicyDistrust.
   * The preview passes `() => null` for a file its developer named on the command line.
   */
  distrust?: (path: string) => string | null;
}

/**
 * Read the policy file. No file is the normal case (no policy, no error). A file that cannot be
 * read, is invalid or could have been written by someone other than an administrator gives no
 * policy and an error sentence for the window and the log: the app still starts, with the
 * user's own settings.
 */
export function loadAdminPolicy(
  path: string,
  opts: LoadPolicyOptions = {},
): { policy: AdminPolicy | null; error?: string } {
  let text: string;
  try {
    if (statSync(path).size > MAX_POLICY_BYTES) {
      return { policy: null, error: `admin policy ${path} is larger than 256 KiB and was ignored` };
    }
    const distrust = (opts.distrust ?? posixPolicyDistrust)(path);
    if (distrust !== null) {
      return {
        policy: null,
        error: `admin policy ${path} was ignored: ${distrust}; only an administrator may be able to write it`,
      };
    }
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { policy: null };
    return {
      policy: null,
      error: `admin policy ${path} cannot be read and was ignored: ${(err as Error).message}`,
    };
  }
  return policyFromText(text, path);
}

function policyFromText(
  text: string,
  source: string,
): { policy: AdminPolicy | null; error?: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, '')); // Notepad writes a BOM
  } catch (err) {
    return {
      policy: null,
      error: `admin policy ${source} is not valid JSON and was ignored: ${(err as Error).message}`,
    };
  }
  return policyFromDocument(doc, source);
}

/** The one documented location per OS (docs/admin-policy.md); Windows uses the registry. */
export function defaultPolicyPath(platform: NodeJS.Platform): string {
  return platform === 'darwin'
    ? '/Library/Application Support/Katya Desktop/policy.json'
    : posix.join('/etc', 'katya-desktop', 'policy.json');
}

/**
 * On Windows the policy lives in the registry, where only administrators can write: any user
 * may create %ProgramData%\Katya Desktop\, so a file there proves nothing. The value is the
 * same JSON document as the file, as a string (REG_SZ or REG_EXPAND_SZ).
 */
export const WINDOWS_POLICY_KEY = 'HKLM\\SOFTWARE\\Policies\\Katya Desktop';
export const WINDOWS_POLICY_VALUE = 'Policy';

/**
 * Read the Windows policy through `reg query` (its output is given by `query`, which returns
 * null when the key or value does not exist). Same outcomes as loadAdminPolicy.
 */
export function loadRegistryPolicy(query: () => string | null): {
  policy: AdminPolicy | null;
  error?: string;
} {
  const source = `${WINDOWS_POLICY_KEY}\\${WINDOWS_POLICY_VALUE}`;
  let output: string | null;
  try {
    output = query();
  } catch (err) {
    return {
      policy: null,
      error: `admin policy ${source} cannot be read and was ignored: ${(err as Error).message}`,
    };
  }
  if (output === null) return { policy: null };
  if (output.length > MAX_POLICY_BYTES * 2) {
    return { policy: null, error: `admin policy ${source} is larger than 256 KiB and was ignored` };
  }
  // `reg query` prints "    Policy    REG_SZ    {...}" under the key's name.
  const line = output
    .split(/\r?\n/)
    // Stryker disable next-line Regex: reg indents each value, which ends the line; JSON.parse skips the spaces before it
    .map((l) => /^\s+(\S+)\s+(REG_SZ|REG_EXPAND_SZ)\s+(.*)$/.exec(l))
    .find((m) => m !== null && m[1]!.toLowerCase() === WINDOWS_POLICY_VALUE.toLowerCase());
  if (!line) {
    return {
      policy: null,
      error: `admin policy ${source} is not a string value (REG_SZ) and was ignored`,
    };
  }
  return policyFromText(line[3]!, source);
}

/** `reg query` for the policy value; null when the key or value is absent (exit status 1). */
export function queryRegistryPolicy(): string | null {
  try {
    return execFileSync('reg', ['query', WINDOWS_POLICY_KEY, '/v', WINDOWS_POLICY_VALUE], {
      encoding: 'utf8',
      // Stryker disable next-line BooleanLiteral: only Windows opens a console window to hide
      windowsHide: true,
      timeout: 10_000,
      maxBuffer: MAX_POLICY_BYTES * 4,
    });
  } catch (err) {
    if ((err as { status?: number }).status === 1) return null;
    throw err;
  }
}

/** The policy of this machine, from where its OS keeps it (docs/admin-policy.md). */
export function loadMachinePolicy(
  platform: NodeJS.Platform,
  query: () => string | null = queryRegistryPolicy,
): { policy: AdminPolicy | null; error?: string; source?: string } {
  if (platform === 'win32') {
    const found = loadRegistryPolicy(query);
    return { ...found, source: `${WINDOWS_POLICY_KEY}\\${WINDOWS_POLICY_VALUE}` };
  }
  const path = defaultPolicyPath(platform);
  return { ...loadAdminPolicy(path), source: path };
}
