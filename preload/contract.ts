// The one IPC contract between the main process and the window.
//
// Three maps, one per direction and style:
//   invoke: renderer asks, main answers (ipcRenderer.invoke / ipcMain.handle)
//   send:   renderer tells, no answer    (ipcRenderer.send / ipcMain.on)
//   events: main tells the renderer      (webContents.send / ipcRenderer.on)
// Every argument that comes from the renderer has a runtime schema here and is validated by
// main before any handler runs. The token can be set and cleared, never read: nothing in the
// contract returns it.
//
// To add a method: add its schema and types below, implement it in main/core/app (AppService),
// and the Electron preload, the preview bridge and the IPC router pick it up from the maps.
import { z } from 'zod';
import { EVENT_CHANNELS, INVOKE_CHANNELS, SEND_CHANNELS } from './channels';
import {
  SERVER_ID_PATTERN,
  settingsPatchSchema,
  TOKEN_MAX_LENGTH,
} from '../main/core/common/settings-schema';
import { feedQuerySchema, snoozeSchema } from '../main/core/common/views';
import type {
  ConnectionView,
  Diagnostics,
  FeedEntry,
  FeedEvent,
  FeedPage,
  MetricSeries,
  PolicyLocks,
  ProxyAuthStatus,
  ServerView,
  Settings,
  SettingsResult,
  ShownNotification,
  Snapshot,
  SubscriptionStatus,
  TestResult,
  TokenStatus,
} from '../main/core/common/views';
import type { AboutInfo, UpdateView } from '../main/core/common/update-view';

export * from '../main/core/common/views';
export type * from '../main/core/common/update-view';

// ---- argument schemas (renderer -> main; validated at runtime) ---------------------------

const id = z.string().min(1).max(256);
const serverIdSchema = z.string().regex(SERVER_ID_PATTERN);
/** which server; absent: the first (token:clear) or every one (connection:reconnectNow) */
const serverChoice = z.object({ server: serverIdSchema.optional() }).strict();

export const tokenInputSchema = z
  .object({
    token: z
      .string()
      .min(1, 'enter a token')
      .max(TOKEN_MAX_LENGTH)
      .refine((t) => t.trim() === t && !/\s/.test(t), 'a token has no spaces'),
    acceptWeakStorage: z.boolean().optional(),
    /** the server it is for (its id); absent: the first server */
    server: serverIdSchema.optional(),
  })
  .strict();

/** Proxy credentials from the settings form: write-only, like the token. */
export const proxyAuthInputSchema = z
  .object({
    username: z.string().min(1).max(256),
    password: z.string().max(1024),
    acceptWeakStorage: z.boolean().optional(),
  })
  .strict();

export const connectionTestSchema = z
  .object({
    url: z.string().max(2048),
    authMethod: z.enum(['header', 'query', 'message']),
    /** a token typed into the form but not saved yet; otherwise the stored one is used */
    token: z.string().max(TOKEN_MAX_LENGTH).optional(),
    /** the server whose stored token and network to use; absent: the first */
    server: serverIdSchema.optional(),
  })
  .strict();

const none = z.tuple([]);

/** invoke: channel -> [argument schema tuple, result type] */
export const invokeSchemas = {
  'app:snapshot': none,
  'feed:query': z.tuple([feedQuerySchema]),
  'feed:get': z.tuple([id]),
  'feed:markRead': z.tuple([z.array(id).min(1).max(10_000)]),
  'feed:markAllRead': none,
  'metrics:list': none,
  'settings:update': z.tuple([settingsPatchSchema]),
  'token:set': z.tuple([tokenInputSchema]),
  'token:clear': z.tuple([serverChoice.optional()]),
  'proxyAuth:set': z.tuple([proxyAuthInputSchema]),
  'proxyAuth:clear': none,
  'connection:reconnectNow': z.tuple([serverChoice.optional()]),
  'connection:test': z.tuple([connectionTestSchema]),
  /** every server's notifications, or one server's */
  'notifications:snooze': z.tuple([snoozeSchema, serverChoice.optional()]),
  'diagnostics:get': none,
  'diagnostics:copy': none,
  'app:about': none,
  /** "Check for updates": answers at once ("checking"); the outcome comes as update:changed */
  'update:check': none,
  /** download the update the last check found (mode notify); progress comes as update:changed */
  'update:download': none,
  /** restart into the downloaded update */
  'update:install': none,
} as const;

export interface InvokeResults {
  'app:snapshot': Snapshot;
  'feed:query': FeedPage;
  'feed:get': FeedEvent | null;
  'feed:markRead': { unread: number };
  'feed:markAllRead': { unread: number };
  'metrics:list': MetricSeries[];
  'settings:update': SettingsResult;
  'token:set': TokenStatus;
  'token:clear': TokenStatus;
  'proxyAuth:set': ProxyAuthStatus;
  'proxyAuth:clear': ProxyAuthStatus;
  'connection:reconnectNow': void;
  'connection:test': TestResult;
  'notifications:snooze': { snoozedUntil: number | null };
  'diagnostics:get': Diagnostics;
  /** the text "Copy diagnostics" puts on the clipboard (token redacted) */
  'diagnostics:copy': string;
  /** the app's, Electron's, Chromium's and Node's versions, and where updates stand */
  'app:about': AboutInfo;
  'update:check': UpdateView;
  'update:download': UpdateView;
  'update:install': UpdateView;
}

/** send: channel -> argument schema tuple (no answer) */
export const sendSchemas = {
  /** the window has subscribed to events and wants the stream to start */
  'window:ready': none,
  /** the user looked at an event (opened it in the detail pane) */
  'feed:opened': z.tuple([id]),
} as const;

/** events: main -> renderer; each is batched by main where it can be frequent */
export interface EventPayloads {
  /** new entries, newest last, at most one message per batch window */
  'feed:added': FeedEntry[];
  /** the connection that needs the user most, across servers */
  'connection:changed': ConnectionView;
  /** every server's name, connection, token and unread count */
  'servers:changed': ServerView[];
  'subscriptions:changed': SubscriptionStatus[];
  'settings:changed': {
    settings: Settings;
    locks: PolicyLocks;
    token: TokenStatus;
    proxyAuth?: ProxyAuthStatus;
  };
  /** the total, everyone's snooze, and each server's own count */
  'unread:changed': {
    unread: number;
    snoozedUntil: number | null;
    servers?: { id: string; unread: number }[];
  };
  'metrics:changed': MetricSeries[];
  'notification:shown': ShownNotification;
  /** open the window on this event (a notification was clicked) */
  'navigate:event': { eventId: string };
  'navigate:view': { view: 'feed' | 'metrics' | 'settings' | 'diagnostics' | 'about' };
  /** where updates stand changed (a check, download progress, the mode) */
  'update:changed': UpdateView;
}

export type InvokeChannel = keyof typeof invokeSchemas;
export type SendChannel = keyof typeof sendSchemas;
export type EventChannel = keyof EventPayloads;

export type InvokeArgs<C extends InvokeChannel> = z.infer<(typeof invokeSchemas)[C]>;
export type SendArgs<C extends SendChannel> = z.infer<(typeof sendSchemas)[C]>;

export { INVOKE_CHANNELS, SEND_CHANNELS, EVENT_CHANNELS };

// The name lists in channels.ts must match the maps above exactly (a compile error otherwise).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const namesMatch: [
  Same<(typeof INVOKE_CHANNELS)[number], InvokeChannel>,
  Same<(typeof SEND_CHANNELS)[number], SendChannel>,
  Same<(typeof EVENT_CHANNELS)[number], EventChannel>,
] = [true, true, true];
void namesMatch;

/**
 * What the window sees as `window.katya`: one method per channel. The Electron preload and the
 * browser preview's bridge both implement exactly this.
 */
export type KatyaApi = {
  invoke: { [C in InvokeChannel]: (...args: InvokeArgs<C>) => Promise<InvokeResults[C]> };
  send: { [C in SendChannel]: (...args: SendArgs<C>) => void };
  /** subscribe to one event channel; returns the unsubscribe function */
  on<C extends EventChannel>(channel: C, listener: (payload: EventPayloads[C]) => void): () => void;
};

/** What main implements: one handler per invoke and send channel. */
export type InvokeHandlers = {
  [C in InvokeChannel]: (...args: InvokeArgs<C>) => Promise<InvokeResults[C]> | InvokeResults[C];
};
export type SendHandlers = { [C in SendChannel]: (...args: SendArgs<C>) => void };
export interface Handlers {
  invoke: InvokeHandlers;
  send: SendHandlers;
}

/** How main pushes an event to the window (IPC in the app, the loopback bridge in the preview). */
export type EmitToWindow = <C extends EventChannel>(channel: C, payload: EventPayloads[C]) => void;

/** Validate renderer arguments for a channel: the parsed tuple, or a sentence saying what is wrong. */
export function parseArgs(
  schema: z.ZodType,
  args: unknown[],
): { ok: true; args: unknown[] } | { ok: false; error: string } {
  const parsed = schema.safeParse(args);
  if (parsed.success) return { ok: true, args: parsed.data as unknown[] };
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? `argument ${issue.path.join('.')}` : 'arguments';
  return { ok: false, error: `${where}: ${issue?.message ?? 'invalid'}` };
}
