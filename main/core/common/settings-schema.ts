// The settings document: its schema, defaults and version. Node-free, because the IPC
// contract and the renderer's settings form validate against the same schema.
import { z } from 'zod';
import { AUTH_METHODS, CHANNELS, EVENT_TYPES, SEVERITIES, validateServerUrl } from './protocol';
import type { Channel, EventType } from './protocol';
import { errorParams, rangeMessage } from './settings-errors';
import { UPDATE_MODES } from './update-view';
import { PROXY_MODES, parseProxyUrl } from './network';

export const SETTINGS_VERSION = 3;

// The limits below are the only place these numbers are written: the settings form reads them
// for its inputs and its messages, and the IPC contract for the token.

/** Quiet hours are local times in the 24-hour form HH:MM. */
export const CLOCK_TIME_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;
/** How much history to keep: whole numbers in these ranges. */
export const HISTORY_LIMITS = {
  maxEvents: { min: 100, max: 100_000 },
  maxAgeDays: { min: 1, max: 365 },
} as const;
/** The longest access token accepted. */
export const TOKEN_MAX_LENGTH = 4096;
/** The servers list: how many, and how long a name may be. */
export const SERVER_LIMITS = { max: 10, nameLength: 40 } as const;
/**
 * A server's id: chosen once (by the window when the server is added), never shown, and the
 * name of the server's folder in the profile, so kept to a safe alphabet.
 */
export const SERVER_ID_PATTERN = /^[a-z0-9]{1,16}$/;

const channel = z.enum(CHANNELS as [Channel, ...Channel[]]);
const eventType = z.enum(EVENT_TYPES as [EventType, ...EventType[]]);

export const clockTimeSchema = z.string().refine((v) => CLOCK_TIME_PATTERN.test(v), {
  message: 'use the 24-hour form HH:MM',
  params: errorParams('hhmm'),
});

/** One check with one code for "a whole number in range", however the number is wrong. */
function wholeNumberIn(limits: { readonly min: number; readonly max: number }) {
  return z.number().refine((n) => Number.isSafeInteger(n) && n >= limits.min && n <= limits.max, {
    message: rangeMessage(limits),
    params: errorParams('range', { min: limits.min, max: limits.max }),
  });
}

export const serverUrlSchema = z.string().superRefine((value, ctx) => {
  if (value === '') return; // empty means: no account, use the built-in demo server
  const checked = validateServerUrl(value);
  if (!checked.ok)
    ctx.addIssue({
      code: 'custom',
      message: checked.error,
      params: errorParams(`url.${checked.problem}`),
    });
});

/** A manual proxy: '' (none set yet) or scheme://HOST:PORT, credentials kept elsewhere. */
export const proxyUrlSchema = z.string().superRefine((value, ctx) => {
  if (value === '') return;
  const parsed = parseProxyUrl(value);
  if (!parsed.ok)
    ctx.addIssue({
      code: 'custom',
      message: parsed.error,
      params: errorParams(`proxy.${parsed.problem}`),
    });
});

/** A PEM file of CA certificates to trust as well: '' (none) or an absolute path. */
export const caFileSchema = z.string().refine((v) => v === '' || isAbsolutePath(v), {
  message: 'use the full path of a PEM file, such as /etc/ssl/acme-ca.pem',
  params: errorParams('caFile.absolute'),
});

/** Absolute on any OS (the window checks paths it cannot resolve): /x, C:\x, \\server\share. */
function isAbsolutePath(p: string): boolean {
  return p.length <= 4096 && /^(\/|[A-Za-z]:[\\/]|\\\\[^\\]+\\)/.test(p);
}

export const notificationRulesSchema = z.object({
  /** alerts at or above this severity pop up */
  threshold: z.enum(SEVERITIES),
  /** per event type override of the defaults: notify, or feed only */
  perEvent: z.partialRecord(eventType, z.enum(['notify', 'feed'])),
  mutedChannels: z.array(channel),
  quietHours: z.object({ enabled: z.boolean(), start: clockTimeSchema, end: clockTimeSchema }),
  criticalBreaksThrough: z.boolean(),
});

export const historySchema = z.object({
  maxEvents: wholeNumberIn(HISTORY_LIMITS.maxEvents),
  maxAgeDays: wholeNumberIn(HISTORY_LIMITS.maxAgeDays),
});

const authMethod = z.enum(AUTH_METHODS as ['header', 'query', 'message']);
const subscriptionsSchema = z.object({
  channels: z.array(channel),
  events: z.array(eventType),
});

/** How to reach a server: the system's proxy, none, or a manual one; and extra CAs to trust. */
export const serverNetworkSchema = z.object({
  proxyMode: z.enum(PROXY_MODES),
  proxyUrl: proxyUrlSchema,
  extraCaFile: caFileSchema,
});

export const serverNameSchema = z
  .string()
  .refine(
    (v) =>
      v.trim() === v &&
      v.length >= 1 &&
      v.length <= SERVER_LIMITS.nameLength &&
      !/[\p{Cc}\p{Cf}]/u.test(v),
    {
      message: `a name of 1 to ${SERVER_LIMITS.nameLength} characters, without spaces at either end`,
      params: errorParams('serverName', { max: SERVER_LIMITS.nameLength }),
    },
  );

/** One Katya server the app follows. Its token is kept in the vault, bound to its origin. */
export const serverSchema = z.object({
  id: z.string().regex(SERVER_ID_PATTERN),
  name: serverNameSchema,
  url: serverUrlSchema.refine((v) => v !== '', {
    message: 'enter the server address',
    params: errorParams('url.empty'),
  }),
  /** a disabled server keeps its token and history but is not connected */
  enabled: z.boolean(),
  authMethod,
  subscriptions: subscriptionsSchema,
  /** this server's own notification rules; null: the app's rules (`notifications`) */
  notifications: notificationRulesSchema.nullable(),
  /** this server's own way through the network; null: the app's (`proxyMode`...) */
  network: serverNetworkSchema.nullable(),
});

export const serversSchema = z.array(serverSchema).superRefine((list, ctx) => {
  if (list.length > SERVER_LIMITS.max)
    ctx.addIssue({
      code: 'custom',
      message: `at most ${SERVER_LIMITS.max} servers`,
      params: errorParams('servers.tooMany', { max: SERVER_LIMITS.max }),
    });
  const ids = new Set<string>();
  const names = new Set<string>();
  list.forEach((server, i) => {
    if (ids.has(server.id))
      ctx.addIssue({ code: 'custom', path: [i, 'id'], message: 'two servers share an id' });
    const name = server.name.toLocaleLowerCase();
    if (names.has(name))
      ctx.addIssue({
        code: 'custom',
        path: [i, 'name'],
        message: 'another server has this name',
        params: errorParams('serverName.taken'),
      });
    ids.add(server.id);
    names.add(name);
  });
});

export const settingsSchema = z.object({
  version: z.literal(SETTINGS_VERSION),
  /** the servers followed, in the user's order; none: the built-in demo server */
  servers: serversSchema,
  /** the rules of every server that has none of its own */
  notifications: notificationRulesSchema,
  startAtLogin: z.boolean(),
  language: z.enum(['system', 'en', 'ru']),
  theme: z.enum(['system', 'light', 'dark']),
  /** the user explicitly accepted keeping the token on disk without a keychain */
  acceptWeakTokenStorage: z.boolean(),
  history: historySchema,
  /** updates in the app: off, notify (say so, download when asked) or auto (see update-view.ts) */
  updates: z.enum(UPDATE_MODES),
  /** the way to the servers: the system's proxy (PAC, WPAD, OS settings), none, or proxyUrl */
  proxyMode: z.enum(PROXY_MODES),
  proxyUrl: proxyUrlSchema,
  /** CA certificates to trust besides Node's list and the system store */
  extraCaFile: caFileSchema,
});

export type Settings = z.infer<typeof settingsSchema>;
export type NotificationRules = z.infer<typeof notificationRulesSchema>;
export type ServerSettings = z.infer<typeof serverSchema>;
export type ServerNetwork = z.infer<typeof serverNetworkSchema>;
export type Subscriptions = z.infer<typeof subscriptionsSchema>;

/** Every channel: six subscriptions, inside the protocol's limit of ten. */
export const DEFAULT_SUBSCRIPTIONS: Subscriptions = { channels: [...CHANNELS], events: [] };

export const DEFAULT_SETTINGS: Settings = {
  version: SETTINGS_VERSION,
  servers: [],
  notifications: {
    threshold: 'high',
    perEvent: {},
    mutedChannels: [],
    quietHours: { enabled: false, start: '22:00', end: '07:00' },
    criticalBreaksThrough: true,
  },
  startAtLogin: false,
  language: 'system',
  theme: 'system',
  acceptWeakTokenStorage: false,
  history: { maxEvents: 5000, maxAgeDays: 30 },
  updates: 'auto',
  proxyMode: 'system',
  proxyUrl: '',
  extraCaFile: '',
};

/** A change from the settings form: any top-level field, whole. */
export const settingsPatchSchema = settingsSchema.omit({ version: true }).partial();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

/** Fields an admin policy file can lock. */
export const LOCKABLE_FIELDS = [
  /** the list itself: which servers, their names, addresses and order */
  'servers',
  /** every server's auth method */
  'authMethod',
  /** every server's subscriptions */
  'subscriptions',
  'notifications',
  'updates',
  'proxyMode',
  'proxyUrl',
  'extraCaFile',
] as const;
export type LockableField = (typeof LOCKABLE_FIELDS)[number];
