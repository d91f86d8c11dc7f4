// The scripted window API: a self-contained implementation of KatyaApi that runs inside the
// page (bundled by scripted-katya.ts and installed with page.addInitScript before any window
// code). It keeps real in-page state (events, read marks, settings, token status...) and
// answers the contract the way main does, so the renderer is exercised for real. Specs steer
// it through `window.__katyaScript`.
//
// Servers: it follows settings.servers as main does (the demo server alone, id 'demo', when
// none is configured): each server has its connection, its token, its events (feed ids
// `<server>/<event id>`) and unread count; a removed server loses its token and history. Like
// main, it announces `servers:changed` when a server's connection, token or the list changes,
// and each server's unread count with every `unread:changed`.
//
// Snooze as main's AppService.snooze: everyone's snooze sets each server's own (and is what the
// snapshot and `unread:changed` report); one server's sets only its own; everyone's "off" ends
// them all, one server's "off" only its own. A server added during everyone's snooze starts
// snoozed, as main's new slots do. Metrics carry `source`, the server that sent them.
import './scripted-katya-jitless';
import type {
  AboutInfo,
  ConnectionView,
  Diagnostics,
  EventChannel,
  EventPayloads,
  FeedEntry,
  FeedEvent,
  FeedQuery,
  KatyaApi,
  MetricSeries,
  PolicyLocks,
  ProxyAuthStatus,
  ServerView,
  Settings,
  SettingsFieldError,
  SettingsResult,
  Snapshot,
  SubscriptionStatus,
  TestResult,
  TokenStatus,
  UpdateView,
} from '../../../preload/contract';
import { DEFAULT_SETTINGS, settingsPatchSchema } from '../../../main/core/common/settings-schema';
import type { SettingsPatch } from '../../../main/core/common/settings-schema';
import { validateServerUrl } from '../../../main/core/common/protocol';
import { fieldErrorsFromIssues } from '../../../main/core/common/settings-errors';
import { worstConnection } from '../../../main/core/tray-state';
import { DEMO_SERVER, makeEvent } from './scripted-katya-samples';

export interface ScriptOptions {
  /** this many generated events of all 22 types, newest received 1 s before load, from the
   * first server (the demo when none is configured) */
  seed?: number;
  /** ms between generated events */
  spacingMs?: number;
  /** extra entries (events and gaps) */
  entries?: FeedEntry[];
  settings?: Partial<Settings>;
  /**
   * How many events main's history keeps. Main keeps history.maxEvents, the same bound as the
   * window (the default here); a larger number models a main that holds more than the window
   * shows, to test that trimming and paging stay right even then.
   */
  historyKeeps?: number;
  locks?: PolicyLocks;
  /** the first server's token (the demo's, when none is configured) */
  token?: TokenStatus;
  /** other servers' tokens, by server id */
  tokens?: Record<string, TokenStatus>;
  /** what a newly set token becomes: keychain (default), weak or memory (no keyring) */
  tokenBackend?: 'keychain' | 'weak' | 'memory';
  /** the first server's connection (the demo's, when none is configured) */
  connection?: Partial<ConnectionView>;
  /** other servers' connections, by server id (default: connected to their URL) */
  connections?: Record<string, Partial<ConnectionView>>;
  subscriptions?: SubscriptionStatus[];
  /** series as main lists them; those without `source` come from the first server */
  metrics?: MetricSeries[];
  diagnostics?: Partial<Diagnostics>;
  testResult?: TestResult;
  notices?: string[];
  /** the first this many 'app:snapshot' calls fail, as if main were not ready */
  failSnapshots?: number;
  /** delay every invoke answer by this much (to see loading states) */
  latencyMs?: number;
  /** where updates stand at load (default: up to date, mode auto) */
  update?: Partial<UpdateView>;
  /** what 'app:about' answers besides the update (default: versions of an Electron app) */
  about?: Partial<AboutInfo>;
}

export interface Call {
  channel: string;
  args: unknown[];
}

export interface ScriptHandle {
  calls: Call[];
  clipboard: string[];
  ready: boolean;
  /** add entries as main would: store them and send 'feed:added' (newest last) */
  push(entries: FeedEntry[]): void;
  /** send any event to the window */
  emit<C extends EventChannel>(channel: C, payload: EventPayloads[C]): void;
  /** change a server's connection (default: the first's) and announce it as main does */
  setConnection(patch: Partial<ConnectionView>, server?: string): void;
  /** errors the next 'settings:update' answers with (codes, as main sends them) */
  failNextUpdate(errors: SettingsFieldError[]): void;
  makeEvent: typeof makeEvent;
  /** unread events in all, or of one server */
  unread(server?: string): number;
  settings(): Settings;
  /** what main would list as the servers now */
  servers(): ServerView[];
  /** entries in all, or of one server */
  entryCount(server?: string): number;
  /** series that changed (new ones added), announced as main does: every series, at once */
  setMetrics(series: MetricSeries[]): void;
}

declare global {
  interface Window {
    __katyaScript: ScriptHandle;
    __katyaScriptOptions?: ScriptOptions;
  }
}

const opts: ScriptOptions = window.__katyaScriptOptions ?? {};
const clone = <T>(v: T): T => (v === undefined ? v : structuredClone(v));
const base = Date.now();

// ---- state ------------------------------------------------------------------------------

let settings: Settings = { ...structuredClone(DEFAULT_SETTINGS), ...clone(opts.settings ?? {}) };

/** The servers followed: the configured ones, or the demo. */
function serverIds(): string[] {
  return settings.servers.length ? settings.servers.map((s) => s.id) : [DEMO_SERVER];
}

/** newest first */
let store: FeedEntry[] = [];
const seed = opts.seed ?? 0;
const spacing = opts.spacingMs ?? 30_000;
const seedServer = serverIds()[0]!;
for (let i = seed - 1; i >= 0; i--) {
  // i = 0 is the oldest; every third event is unread
  store.push(
    makeEvent(i, {
      receivedAt: base - 1000 - (seed - 1 - i) * spacing,
      read: i % 3 !== 0,
      server: seedServer,
    }),
  );
}
if (opts.entries) store = sortNewestFirst([...opts.entries, ...store]);
retain();

const locks: PolicyLocks = opts.locks ?? { locked: {}, source: null };
const tokens = new Map<string, TokenStatus>(Object.entries(clone(opts.tokens ?? {})));
tokens.set(seedServer, opts.token ?? { stored: false, reason: 'none' });
let proxyAuth: ProxyAuthStatus = { stored: false };

function connected(url: string): ConnectionView {
  return {
    phase: 'connected',
    since: base - 60_000,
    retryAt: null,
    attempt: 0,
    lastError: null,
    serverUrl: url,
    demo: false,
  };
}
/** each server's connection while it is enabled */
const connections = new Map<string, ConnectionView>();
for (const s of settings.servers)
  connections.set(s.id, { ...connected(s.url), ...opts.connections?.[s.id] });
connections.set(seedServer, {
  ...connected(settings.servers[0]?.url ?? 'wss://katya.example/v1/ws'),
  ...opts.connection,
});

/** A server's connection as main shows it: paused while the server is switched off. */
function connectionOf(id: string): ConnectionView {
  const own = connections.get(id) ?? connected('');
  const server = settings.servers.find((s) => s.id === id);
  if (server && !server.enabled)
    return { ...own, phase: 'paused', retryAt: null, problem: null, lastError: null };
  return own;
}

function serverViews(): ServerView[] {
  return serverIds().map((id) => ({
    id,
    name: settings.servers.find((s) => s.id === id)?.name ?? 'Demo',
    connection: connectionOf(id),
    token: tokens.get(id) ?? { stored: false, reason: 'none' },
    unread: unreadCount(id),
    snoozedUntil: running(serverSnoozes.get(id)),
    // (the scripted statuses are the first server's, as the snapshot's are)
    subscriptions: id === serverIds()[0] ? subscriptions : [],
  }));
}

/** The status bar's connection: the one that needs the user most. */
function summary(): ConnectionView {
  return worstConnection(serverIds().map(connectionOf)) ?? connectionOf(seedServer);
}

function firstToken(): TokenStatus {
  return tokens.get(serverIds()[0]!) ?? { stored: false, reason: 'none' };
}
const subscriptions: SubscriptionStatus[] = opts.subscriptions ?? [
  { kind: 'channel', name: 'security', status: 'active' },
  { kind: 'channel', name: 'system', status: 'active' },
];
let metrics: MetricSeries[] = (opts.metrics ?? []).map((m) => ({
  ...m,
  source: m.source ?? seedServer,
}));
/** every server's snooze: main's snooze store, which the snapshot and the tray report */
let snoozedUntil: number | null = null;
/** each server's own snooze, by id, as each slot's notifier keeps it */
const serverSnoozes = new Map<string, number>();
/** a snooze that has run out reads as none, as main's store and notifiers answer */
function running(until: number | null | undefined): number | null {
  return typeof until === 'number' && until > Date.now() ? until : null;
}
/** The end of a snooze chosen now: main's snoozeUntil, "tomorrow" at the end of quiet hours. */
function snoozeEnd(choice: '1h' | '4h' | 'tomorrow', server: string): number {
  const now = Date.now();
  if (choice === '1h') return now + 3_600_000;
  if (choice === '4h') return now + 4 * 3_600_000;
  const own = settings.servers.find((s) => s.id === server)?.notifications;
  const [h, m] = (own ?? settings.notifications).quietHours.end.split(':').map(Number);
  // the next such wall time at least an hour from now (local time)
  const from = new Date(now + 3_600_000);
  const at = new Date(from);
  at.setHours(h ?? 7, m ?? 0, 0, 0);
  if (at < from) at.setDate(at.getDate() + 1);
  return at.getTime();
}
let nextUpdateErrors: SettingsFieldError[] | null = null;
const listeners = new Map<string, Set<(p: unknown) => void>>();

function timeOf(e: FeedEntry): number {
  return e.kind === 'gap' ? e.end : e.receivedAt;
}
function sortNewestFirst(list: FeedEntry[]): FeedEntry[] {
  return list.sort((a, b) => timeOf(b) - timeOf(a));
}
/**
 * Keep what main's histories keep: each server's newest history.maxEvents events (see
 * historyKeeps), and the gaps newer than the newest event dropped. Main applies it on every
 * append and at once on new limits.
 */
function retain() {
  const keep = opts.historyKeeps ?? settings.history.maxEvents;
  const events = new Map<string, number>();
  const full = new Set<string>();
  store = store.filter((e) => {
    if (full.has(e.server)) return false;
    if (e.kind !== 'event') return true;
    const n = (events.get(e.server) ?? 0) + 1;
    events.set(e.server, n);
    if (n <= keep) return true;
    full.add(e.server);
    return false;
  });
}
function unreadCount(server?: string): number {
  let n = 0;
  for (const e of store)
    if (e.kind === 'event' && !e.read && (server === undefined || e.server === server)) n++;
  return n;
}

function strings(value: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 6) return out;
  if (typeof value === 'string') out.push(value.toLowerCase());
  else if (typeof value === 'number' || typeof value === 'boolean') out.push(String(value));
  else if (value && typeof value === 'object')
    for (const v of Object.values(value)) strings(v, out, depth + 1);
  return out;
}

function matches(e: FeedEntry, q: FeedQuery): boolean {
  const text = q.text?.trim().toLowerCase();
  if (q.servers && !q.servers.includes(e.server)) return false;
  if (e.kind === 'gap') return !q.unreadOnly && !text;
  if (q.channels?.length && !q.channels.includes(e.channel)) return false;
  if (q.events?.length && !q.events.includes(e.event)) return false;
  if (q.severities?.length && (!e.severity || !q.severities.includes(e.severity))) return false;
  if (q.unreadOnly && e.read) return false;
  if (text && ![e.event, e.channel, e.eventId, ...strings(e.data)].some((s) => s.includes(text)))
    return false;
  return true;
}

function emit(channel: string, payload: unknown): void {
  for (const fn of listeners.get(channel) ?? []) fn(clone(payload));
}

function emitUnread(): void {
  emit('unread:changed', {
    unread: unreadCount(),
    snoozedUntil: running(snoozedUntil),
    servers: serverIds().map((id) => ({ id, unread: unreadCount(id) })),
  });
}

/** As main's serversChanged: the summary connection, then every server. */
function emitServers(): void {
  emit('connection:changed', summary());
  emit('servers:changed', serverViews());
}

function setConnectionOf(id: string, patch: Partial<ConnectionView>): void {
  connections.set(id, { ...(connections.get(id) ?? connected('')), ...patch });
}

/**
 * The fields of a change that an admin policy refuses, as main's lockedChanges names them. The
 * double knows the policy's values only as the current settings, which already follow them.
 */
function lockedFields(patch: SettingsPatch): string[] {
  const locked = locks.locked;
  const out: string[] = [];
  for (const [key, value] of Object.entries(patch)) {
    if (key !== 'servers') {
      if (
        key in locked &&
        JSON.stringify(value) !== JSON.stringify(settings[key as keyof Settings])
      )
        out.push(key);
      continue;
    }
    const list = value as Settings['servers'];
    const presets = locks.presets ?? [];
    if (presets.length) {
      // presets first and in order; others only where the list is not locked
      const ids = list.map((s) => s.id);
      const presetIds = presets.map((p) => p.id);
      if (
        JSON.stringify(ids.slice(0, presetIds.length)) !== JSON.stringify(presetIds) ||
        ('servers' in locked && ids.length > presetIds.length)
      )
        out.push('servers');
    } else {
      const shape = (l: Settings['servers']) => JSON.stringify(l.map((s) => [s.id, s.name, s.url]));
      if ('servers' in locked && shape(list) !== shape(settings.servers)) out.push('servers');
    }
    list.forEach((server, i) => {
      const before = settings.servers.find((s) => s.id === server.id) ?? settings.servers[0];
      if (!before) return;
      const preset = presets.find((p) => p.id === server.id);
      for (const field of preset?.fields ?? [])
        if (
          before.id === server.id &&
          JSON.stringify(server[field]) !== JSON.stringify(before[field])
        )
          out.push(`servers.${i}.${field}`);
      if ('authMethod' in locked && server.authMethod !== before.authMethod)
        out.push(`servers.${i}.authMethod`);
      if (
        'subscriptions' in locked &&
        JSON.stringify(server.subscriptions) !== JSON.stringify(before.subscriptions)
      )
        out.push(`servers.${i}.subscriptions`);
    });
  }
  return out;
}

/** A new servers list: removed servers lose their token and history, new ones connect. */
function serversReplaced(before: Settings['servers']): void {
  const now = new Set(settings.servers.map((s) => s.id));
  const gone = new Set(before.map((s) => s.id).filter((id) => !now.has(id)));
  // the demo stops when the first server is added; its history goes with it, as in main
  if (!before.length && settings.servers.length) gone.add(DEMO_SERVER);
  for (const id of gone) {
    tokens.delete(id);
    connections.delete(id);
    serverSnoozes.delete(id);
  }
  metrics = metrics.filter((m) => !gone.has(m.source ?? ''));
  // a new server starts with everyone's snooze, as main opens its slot
  const everyone = running(snoozedUntil);
  for (const s of settings.servers)
    if (everyone !== null && !before.some((b) => b.id === s.id)) serverSnoozes.set(s.id, everyone);
  const count = store.length;
  if (gone.size) store = store.filter((e) => !gone.has(e.server));
  for (const s of settings.servers) {
    const old = before.find((b) => b.id === s.id);
    if (old && old.url === s.url) continue;
    setConnectionOf(s.id, {
      ...connected(s.url),
      phase: 'connecting',
      since: Date.now(),
    });
    setTimeout(() => {
      if (connections.get(s.id)?.phase !== 'connecting') return;
      setConnectionOf(s.id, { phase: 'connected', since: Date.now() });
      emitServers();
    }, 100);
  }
  emitServers();
  if (store.length !== count) emitUnread();
}

/** The server a token call is for: the one named, or the first; main refuses the demo. */
function tokenServer(server: string | undefined): string {
  const id = server ?? settings.servers[0]?.id;
  if (id === undefined) throw new Error('add a server first: no server is configured');
  if (!settings.servers.some((s) => s.id === id)) throw new Error(`no server "${id}"`);
  return id;
}

/** Mark events read and announce the unread count, as main's history and AppService do. */
function markRead(ids: string[]): void {
  const set = new Set(ids);
  store = store.map((e) => (e.kind === 'event' && set.has(e.id) ? { ...e, read: true } : e));
  emitUnread();
}

let snapshotFailures = 0;

// Updates as main's UpdateController reports them: a check finds nothing, a download completes.
let update: UpdateView = {
  phase: 'idle',
  mode: 'auto',
  unavailable: null,
  current: '0.1.0-test',
  version: null,
  percent: null,
  lastCheckedAt: null,
  nextCheckAt: null,
  error: null,
  feedUrl: null,
  ...opts.update,
};

function setUpdate(patch: Partial<UpdateView>): UpdateView {
  update = { ...update, ...patch };
  emit('update:changed', update);
  return update;
}

function snapshot(): Snapshot {
  return {
    connection: summary(),
    servers: serverViews(),
    settings,
    locks,
    token: firstToken(),
    subscriptions,
    unread: unreadCount(),
    snoozedUntil: running(snoozedUntil),
    notices: opts.notices ?? [],
    platform: 'linux',
    version: '0.1.0-test',
  };
}

function entryCount(server?: string): number {
  return server === undefined ? store.length : store.filter((e) => e.server === server).length;
}

function query(q: FeedQuery) {
  const all = store.filter((e) => matches(e, q));
  let start = 0;
  if (q.before) {
    const at = all.findIndex((e) => e.id === q.before);
    start = at < 0 ? all.length : at + 1;
  }
  const limit = q.limit ?? 200;
  const entries = all.slice(start, start + limit);
  const events = all.filter((e): e is FeedEvent => e.kind === 'event');
  return {
    entries,
    total: events.length,
    unread: events.filter((e) => !e.read).length,
    nextCursor: start + limit < all.length ? (entries[entries.length - 1]?.id ?? null) : null,
  };
}

// ---- the contract -------------------------------------------------------------------------

const handlers: { [C in keyof KatyaApi['invoke']]: (...args: never[]) => unknown } = {
  'app:snapshot': (): Snapshot => {
    if (snapshotFailures++ < (opts.failSnapshots ?? 0)) throw new Error('main is not ready');
    return snapshot();
  },
  'feed:query': (q: FeedQuery) => query(q),
  'feed:get': (id: string) => store.find((e) => e.id === id && e.kind === 'event') ?? null,
  'feed:markRead': (ids: string[]) => {
    markRead(ids);
    return { unread: unreadCount() };
  },
  'feed:markAllRead': () => {
    store = store.map((e) => (e.kind === 'event' ? { ...e, read: true } : e));
    emitUnread();
    return { unread: 0 };
  },
  'metrics:list': () => metrics,
  'settings:update': (patch: Record<string, unknown>): SettingsResult => {
    if (nextUpdateErrors) {
      const errors = nextUpdateErrors;
      nextUpdateErrors = null;
      return { ok: false, errors };
    }
    // The same errors main's SettingsService gives: codes from the shared schema.
    const parsed = settingsPatchSchema.safeParse(patch);
    if (!parsed.success) return { ok: false, errors: fieldErrorsFromIssues(parsed.error.issues) };
    const locked = lockedFields(parsed.data);
    if (locked.length) {
      const reason = Object.values(locks.locked)[0] ?? '';
      return {
        ok: false,
        errors: locked.map((field) => {
          const own = locks.locked[field as keyof PolicyLocks['locked']];
          const why = own ?? reason;
          return { field, code: 'locked', params: { reason: why }, message: `locked: ${why}` };
        }),
      };
    }
    const before = settings.servers;
    settings = { ...settings, ...parsed.data };
    retain();
    emit('settings:changed', { settings, locks, token: firstToken() });
    if (parsed.data.servers) serversReplaced(before);
    return { ok: true, settings };
  },
  'token:set': (input: { token: string; acceptWeakStorage?: boolean; server?: string }) => {
    const id = tokenServer(input.server);
    const backend = opts.tokenBackend ?? 'keychain';
    const token: TokenStatus = {
      stored: true,
      storage: backend === 'memory' && input.acceptWeakStorage ? 'weak' : backend,
    };
    tokens.set(id, token);
    emit('settings:changed', { settings, locks, token: firstToken() });
    emitServers();
    return token;
  },
  'token:clear': (input?: { server?: string }) => {
    const id = tokenServer(input?.server);
    const token: TokenStatus = { stored: false, reason: 'none' };
    tokens.set(id, token);
    emit('settings:changed', { settings, locks, token: firstToken() });
    emitServers();
    return token;
  },
  'proxyAuth:set': (): ProxyAuthStatus => {
    proxyAuth = { stored: true, storage: opts.tokenBackend ?? 'keychain' };
    return proxyAuth;
  },
  'proxyAuth:clear': (): ProxyAuthStatus => {
    proxyAuth = { stored: false };
    return proxyAuth;
  },
  'connection:reconnectNow': (input?: { server?: string }) => {
    const ids = input?.server ? [input.server] : serverIds();
    for (const id of ids)
      setConnectionOf(id, { phase: 'connecting', since: Date.now(), retryAt: null });
    emitServers();
  },
  'connection:test': (input: { url: string }): TestResult => {
    if (opts.testResult) return opts.testResult;
    const url = validateServerUrl(input.url);
    if (!url.ok) return { ok: false, steps: [{ step: 'url', ok: false, detail: url.error }] };
    return {
      ok: true,
      steps: [
        { step: 'url', ok: true, detail: input.url },
        { step: 'dns', ok: true, detail: '203.0.113.7' },
        { step: 'tcp', ok: true, detail: 'port 443' },
        { step: 'tls', ok: true, detail: 'TLS 1.3' },
        { step: 'upgrade', ok: true, detail: '101 Switching Protocols' },
        { step: 'auth', ok: true, detail: 'token accepted' },
        { step: 'subscribe', ok: true, detail: '6 channels' },
        { step: 'rtt', ok: true, detail: '42 ms' },
      ],
    };
  },
  'notifications:snooze': (choice: string, which?: { server?: string }) => {
    const server = which?.server;
    const ids = server === undefined ? serverIds() : serverIds().filter((id) => id === server);
    if (server !== undefined && ids.length === 0) throw new Error(`no server "${server}"`);
    let until: number | null = null;
    for (const id of ids) {
      if (choice === '1h' || choice === '4h' || choice === 'tomorrow') {
        until = snoozeEnd(choice, id);
        serverSnoozes.set(id, until);
      } else {
        until = null;
        serverSnoozes.delete(id);
      }
    }
    // only everyone's is kept for the tray and the next start
    if (server === undefined) snoozedUntil = until;
    emitUnread();
    emitServers();
    return { snoozedUntil: until };
  },
  'diagnostics:get': (): Diagnostics => ({
    connection: connectionOf(serverIds()[0]!),
    stats: {
      uptimeMs: 3_723_000,
      connectedAt: base - 3_723_000,
      messagesReceived: 1234,
      messagesSent: 56,
      errors: 2,
      reconnects: 3,
      lastPing: base - 5000,
      rttMs: 42,
      duplicatesDropped: 7,
      invalidDropped: 1,
    },
    subscriptions,
    stateHistory: [
      { at: base - 7_200_000, phase: 'connecting', detail: null },
      { at: base - 7_199_000, phase: 'connected', detail: null },
      { at: base - 3_800_000, phase: 'reconnecting', detail: 'socket closed (1006)' },
      { at: base - 3_723_000, phase: 'connected', detail: null },
    ],
    logLines: [
      '2025-01-01T12:00:00Z info connecting to wss://katya.example/v1/ws (token ***)',
      '2025-01-01T12:00:01Z info connected',
      '2025-01-01T12:58:00Z warn socket closed (1006), retrying in 0.8 s',
    ],
    historyInfo: {
      events: entryCount(serverIds()[0]),
      fileBytes: 1_572_864,
      damagedRecordsSkipped: 0,
    },
    ...(settings.servers.length > 1
      ? {
          servers: serverViews().map((v) => ({
            id: v.id,
            name: v.name,
            connection: v.connection,
            stats: {
              uptimeMs: 60_000,
              connectedAt: base - 60_000,
              messagesReceived: entryCount(v.id),
              messagesSent: 1,
              errors: 0,
              reconnects: 0,
              lastPing: null,
              rttMs: null,
              duplicatesDropped: 0,
              invalidDropped: 0,
            },
            subscriptions: [],
            stateHistory: [],
            historyInfo: { events: entryCount(v.id), fileBytes: 4096, damagedRecordsSkipped: 0 },
            network: [],
          })),
        }
      : {}),
    ...opts.diagnostics,
  }),
  'diagnostics:copy': () =>
    `Katya Desktop 0.1.0-test diagnostics\nstate: ${summary().phase}\ntoken: [redacted]`,
  'app:about': (): AboutInfo => ({
    name: 'Katya Desktop',
    version: '0.1.0-test',
    platform: 'linux',
    arch: 'x64',
    versions: { electron: '45.5.0', chromium: '140.0.7339.249', node: '22.20.0' },
    update,
    ...opts.about,
  }),
  'update:check': () => {
    setTimeout(() => setUpdate({ phase: 'idle', lastCheckedAt: Date.now() }), 50);
    return setUpdate({ phase: 'checking' });
  },
  'update:download': () => {
    setTimeout(() => setUpdate({ phase: 'downloading', percent: 40 }), 30);
    setTimeout(() => setUpdate({ phase: 'ready', percent: null }), 80);
    return setUpdate({ phase: 'downloading', percent: 0 });
  },
  'update:install': () => update,
};

const calls: Call[] = [];

function record(channel: string, args: unknown[]): void {
  calls.push({ channel, args: clone(args) });
}

const invoke = Object.fromEntries(
  Object.entries(handlers).map(([channel, fn]) => [
    channel,
    async (...args: unknown[]) => {
      record(channel, args);
      if (opts.latencyMs) await new Promise((r) => setTimeout(r, opts.latencyMs));
      // Like IPC: answers are copies, never live references into this state.
      return clone((fn as (...a: unknown[]) => unknown)(...args));
    },
  ]),
) as KatyaApi['invoke'];

const api: KatyaApi = {
  invoke,
  send: {
    'window:ready': () => {
      record('window:ready', []);
      handle.ready = true;
    },
    // main marks the opened event read and announces the unread count (app-service.ts)
    'feed:opened': (id: string) => {
      record('feed:opened', [id]);
      markRead([id]);
    },
  },
  on(channel, listener) {
    record(`on:${channel}`, []);
    let set = listeners.get(channel);
    if (!set) listeners.set(channel, (set = new Set()));
    const fn = listener as (p: unknown) => void;
    set.add(fn);
    return () => set.delete(fn);
  },
};

const clipboard: string[] = [];
Object.defineProperty(navigator, 'clipboard', {
  configurable: true,
  value: {
    writeText: async (text: string) => {
      clipboard.push(String(text));
    },
    readText: async () => clipboard[clipboard.length - 1] ?? '',
  },
});

const handle: ScriptHandle = {
  calls,
  clipboard,
  ready: false,
  push(entries) {
    const copy = clone(entries);
    store = sortNewestFirst([...copy, ...store]);
    retain();
    if (handle.ready) {
      emit('feed:added', copy);
      emitUnread();
    }
  },
  emit: (channel, payload) => emit(channel, payload),
  setConnection(patch, server) {
    setConnectionOf(server ?? serverIds()[0]!, patch);
    emitServers();
  },
  failNextUpdate(errors) {
    nextUpdateErrors = errors;
  },
  makeEvent,
  unread: unreadCount,
  settings: () => clone(settings),
  servers: () => clone(serverViews()),
  entryCount,
  setMetrics(series) {
    const key = (m: MetricSeries) => `${m.source}\u0000${m.server}\u0000${m.name}`;
    const byKey = new Map(metrics.map((m) => [key(m), m]));
    for (const m of clone(series)) {
      const own = { ...m, source: m.source ?? serverIds()[0]! };
      byKey.set(key(own), own);
    }
    metrics = [...byKey.values()];
    emit('metrics:changed', metrics);
  },
};

Object.defineProperty(window, 'katya', { value: api, configurable: false, writable: false });
window.__katyaScript = handle;
