// View models: what the core hands to the window (through the IPC contract in
// preload/contract.ts, which re-exports all of this) and the queries the window sends back.
// Node-free, so the renderer can import these types.
import { z } from 'zod';
import { CHANNELS, EVENT_TYPES, SEVERITIES } from './protocol';
import type { Channel, EventType, Severity } from './protocol';
import type { LockableField, Settings } from './settings-schema';
import type { ConnectionStats, SubscriptionStatus } from './connection-types';
import type { SettingsErrorCode, SettingsFieldError } from './settings-errors';
import type { ConnectionProblem } from './network';

export type {
  Channel,
  EventType,
  Severity,
  Settings,
  LockableField,
  SubscriptionStatus,
  ConnectionStats,
  SettingsErrorCode,
  SettingsFieldError,
};

/**
 * The connection as the user sees it (docs/architecture.md, "Behaviour the design fixes").
 * 'certificate' and 'proxy' are reconnecting too, but say what stands in the way: a server
 * certificate this computer does not trust, or a proxy that refused (see `problem`).
 */
export type ConnectionPhase =
  | 'connecting'
  | 'connected'
  | 'reconnecting'
  | 'offline'
  | 'signin'
  | 'paused'
  | 'certificate'
  | 'proxy';

export interface ConnectionView {
  phase: ConnectionPhase;
  /** epoch ms the phase began (for "offline since HH:MM") */
  since: number;
  /** epoch ms of the next attempt, when reconnecting or offline */
  retryAt: number | null;
  attempt: number;
  lastError: string | null;
  /** for 'certificate' and 'proxy': which certificate or proxy, and why, for the window's words */
  problem?: ConnectionProblem | null;
  serverUrl: string;
  demo: boolean;
}

/** An event as one server's history keeps it; `id` is the id the server gave it. */
export interface HistoryEvent {
  kind: 'event';
  id: string;
  event: EventType;
  channel: Channel;
  /** the server's timestamp, as sent (may be absent or odd; display only) */
  timestamp: string | null;
  /** epoch ms the client received it: ordering and relative time use this */
  receivedAt: number;
  severity: Severity | null;
  read: boolean;
  data: Record<string, unknown>;
}

export interface HistoryGap {
  kind: 'gap';
  id: string;
  start: number;
  end: number;
}

export type HistoryEntry = HistoryEvent | HistoryGap;

export interface HistoryPage {
  entries: HistoryEntry[];
  /** events matching the query in all */
  total: number;
  unread: number;
  /** pass as `before` for the next (older) page; null at the end */
  nextCursor: string | null;
}

/**
 * An event in the window's feed, which merges every server's history: `server` is the server's
 * id, `eventId` the id that server gave the event, and `id` the two together (feedKey), unique
 * in the feed, since two servers may well use the same ids.
 */
export interface FeedEvent extends Omit<HistoryEvent, 'id'> {
  id: string;
  eventId: string;
  server: string;
}

export interface FeedGap extends HistoryGap {
  server: string;
}

export type FeedEntry = FeedEvent | FeedGap;

export interface FeedPage {
  entries: FeedEntry[];
  /** events matching the query in all */
  total: number;
  unread: number;
  /** pass as `before` for the next (older) page; null at the end */
  nextCursor: string | null;
}

export type TokenStatus =
  | { stored: false; reason?: 'none' | 'decrypt_failed' }
  | { stored: true; storage: 'keychain' | 'weak' | 'memory' };

/** Whether proxy credentials are kept, and where; never what they are. */
export type ProxyAuthStatus =
  { stored: false } | { stored: true; storage: 'keychain' | 'weak' | 'memory' };

export interface PolicyLocks {
  /**
   * field -> reason shown to the user. `servers`: which servers are listed and in what order
   * (none can be added, removed or moved); each preset server's own locks are in `presets`.
   */
  locked: Partial<Record<LockableField, string>>;
  /** the servers the policy presets, first in the list: never removed, these fields fixed */
  presets?: { id: string; fields: PresetServerField[] }[];
  source: string | null;
}

/** What a policy can fix of a server it presets: each field it names. */
export type PresetServerField =
  'name' | 'url' | 'authMethod' | 'subscriptions' | 'notifications' | 'network';

/** One server as the window lists it: its name, connection, token and unread count. */
export interface ServerView {
  /** the server's id in the settings; 'demo' for the built-in demo server */
  id: string;
  name: string;
  connection: ConnectionView;
  token: TokenStatus;
  unread: number;
  /** notifications of this server held until then: its own snooze or everyone's */
  snoozedUntil: number | null;
  /** what the server answered to each subscription */
  subscriptions: SubscriptionStatus[];
}

export interface Snapshot {
  /** the connection that needs the user most, across servers (the status bar's) */
  connection: ConnectionView;
  /** every server followed, in the user's order (the demo alone when none is configured) */
  servers: ServerView[];
  settings: Settings;
  locks: PolicyLocks;
  /** the first server's token (see servers for each) */
  token: TokenStatus;
  /** absent from builds before proxy support (and from scripted test doubles) */
  proxyAuth?: ProxyAuthStatus;
  subscriptions: SubscriptionStatus[];
  unread: number;
  snoozedUntil: number | null;
  /** a problem the user should know about at start (for example a settings file reset) */
  notices: string[];
  platform: string;
  version: string;
}

export interface MetricSeries {
  name: string;
  /** the Katya server (its id in the settings) that sent it; absent from a lone tracker's list */
  source?: string;
  /** the machine the metric is about, as the metric names it */
  server: string;
  region: string | null;
  unit: string;
  latest: number;
  updatedAt: number;
  /** oldest first, at most 60 */
  recent: number[];
}

export interface TestStep {
  /** proxy: where the URL's route goes; tunnel: the proxy's CONNECT; chain: one certificate each */
  step:
    | 'url'
    | 'proxy'
    | 'dns'
    | 'tcp'
    | 'tunnel'
    | 'tls'
    | 'chain'
    | 'upgrade'
    | 'auth'
    | 'subscribe'
    | 'rtt';
  /** true only when the step ran and passed (a skipped step is not ok) */
  ok: boolean;
  detail: string;
  /** 'skip': not run, because an earlier step failed or it does not apply (ws:// has no TLS) */
  outcome?: 'ok' | 'fail' | 'skip';
  /** what to do about it: set on failures, and on passes worth a warning (slow, cert expiring) */
  advice?: string;
}

export interface TestResult {
  ok: boolean;
  steps: TestStep[];
}

export interface StateChange {
  at: number;
  phase: ConnectionPhase;
  detail: string | null;
}

export interface Diagnostics {
  connection: ConnectionView;
  stats: ConnectionStats;
  subscriptions: SubscriptionStatus[];
  stateHistory: StateChange[];
  logLines: string[];
  historyInfo: { events: number; fileBytes: number; damagedRecordsSkipped: number };
  /** the proxy setting, the certificates trusted and from where, in English lines */
  network?: string[];
  /** each server's own (the fields above are the first server's), in the user's order */
  servers?: ServerDiagnostics[];
}

export interface ServerDiagnostics {
  id: string;
  name: string;
  connection: ConnectionView;
  stats: ConnectionStats;
  subscriptions: SubscriptionStatus[];
  stateHistory: StateChange[];
  historyInfo: { events: number; fileBytes: number; damagedRecordsSkipped: number };
  network: string[];
}

export interface ShownNotification {
  id: string;
  title: string;
  body: string;
  /** the event to open on click; null for summaries and the offline notice */
  eventId: string | null;
  severity: Severity | null;
  /** critical: shown with the OS's urgent/critical style */
  urgent: boolean;
  /** no sound */
  silent: boolean;
}

/** A refused change says why per field, as a code the window translates (settings-errors.ts). */
export type SettingsResult =
  { ok: true; settings: Settings } | { ok: false; errors: SettingsFieldError[] };

// ---- queries from the window -------------------------------------------------------------

export const feedQuerySchema = z
  .object({
    channels: z
      .array(z.enum(CHANNELS as [Channel, ...Channel[]]))
      .max(6)
      .optional(),
    severities: z.array(z.enum(SEVERITIES)).max(4).optional(),
    events: z
      .array(z.enum(EVENT_TYPES as [EventType, ...EventType[]]))
      .max(22)
      .optional(),
    unreadOnly: z.boolean().optional(),
    text: z.string().max(200).optional(),
    /** only these servers' entries (ids); absent: every server's */
    servers: z.array(z.string().max(32)).max(32).optional(),
    /** a page's nextCursor: a position in each server's history */
    before: z.string().max(1024).nullable().optional(),
    limit: z.number().int().min(1).max(10_000).optional(),
  })
  .strict();
export type FeedQuery = z.infer<typeof feedQuerySchema>;

export const snoozeSchema = z.enum(['1h', '4h', 'tomorrow', 'off']);
export type SnoozeChoice = z.infer<typeof snoozeSchema>;
