// The scripted window API: a self-contained implementation of KatyaApi that runs inside the
// page (bundled by scripted-katya.ts and installed with page.addInitScript before any window
// code). It keeps real in-page state (events, read marks, settings, token status...) and
// answers the contract the way main does, so the renderer is exercised for real. Specs steer
// it through `window.__katyaScript`.
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
import { validateServerUrl } from '../../../main/core/common/protocol';
import { fieldErrorsFromIssues } from '../../../main/core/common/settings-errors';
import { makeEvent } from './scripted-katya-samples';

export interface ScriptOptions {
  /** this many generated events of all 22 types, newest received 1 s before load */
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
  token?: TokenStatus;
  /** what a newly set token becomes: keychain (default), weak or memory (no keyring) */
  tokenBackend?: 'keychain' | 'weak' | 'memory';
  connection?: Partial<ConnectionView>;
  subscriptions?: SubscriptionStatus[];
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
  setConnection(patch: Partial<ConnectionView>): void;
  /** errors the next 'settings:update' answers with (codes, as main sends them) */
  failNextUpdate(errors: SettingsFieldError[]): void;
  makeEvent: typeof makeEvent;
  unread(): number;
  settings(): Settings;
  entryCount(): number;
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

/** newest first */
let store: FeedEntry[] = [];
const seed = opts.seed ?? 0;
const spacing = opts.spacingMs ?? 30_000;
for (let i = seed - 1; i >= 0; i--) {
  // i = 0 is the oldest; every third event is unread
  store.push(
    makeEvent(i, { receivedAt: base - 1000 - (seed - 1 - i) * spacing, read: i % 3 !== 0 }),
  );
}
if (opts.entries) store = sortNewestFirst([...opts.entries, ...store]);

let settings: Settings = { ...structuredClone(DEFAULT_SETTINGS), ...clone(opts.settings ?? {}) };
retain();
const locks: PolicyLocks = opts.locks ?? { locked: {}, source: null };
let token: TokenStatus = opts.token ?? { stored: false, reason: 'none' };
let proxyAuth: ProxyAuthStatus = { stored: false };
let connection: ConnectionView = {
  phase: 'connected',
  since: base - 60_000,
  retryAt: null,
  attempt: 0,
  lastError: null,
  serverUrl: 'wss://katya.example/v1/ws',
  demo: false,
  ...opts.connection,
};
const subscriptions: SubscriptionStatus[] = opts.subscriptions ?? [
  { kind: 'channel', name: 'security', status: 'active' },
  { kind: 'channel', name: 'system', status: 'active' },
];
const metrics: MetricSeries[] = opts.metrics ?? [];
let snoozedUntil: number | null = null;
let nextUpdateErrors: SettingsFieldError[] | null = null;
const listeners = new Map<string, Set<(p: unknown) => void>>();

function timeOf(e: FeedEntry): number {
  return e.kind === 'gap' ? e.end : e.receivedAt;
}
function sortNewestFirst(list: FeedEntry[]): FeedEntry[] {
  return list.sort((a, b) => timeOf(b) - timeOf(a));
}
/**
 * Keep what main's history keeps: the newest history.maxEvents events (see historyKeeps), and
 * the gaps newer than the newest event dropped. Main applies it on every append and at once on
 * new limits.
 */
function retain() {
  const keep = opts.historyKeeps ?? settings.history.maxEvents;
  let events = 0;
  const cut = store.findIndex((e) => e.kind === 'event' && ++events > keep);
  if (cut >= 0) store = store.slice(0, cut);
}
function unreadCount(): number {
  let n = 0;
  for (const e of store) if (e.kind === 'event' && !e.read) n++;
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
  if (e.kind === 'gap') return !q.unreadOnly && !text;
  if (q.channels?.length && !q.channels.includes(e.channel)) return false;
  if (q.events?.length && !q.events.includes(e.event)) return false;
  if (q.severities?.length && (!e.severity || !q.severities.includes(e.severity))) return false;
  if (q.unreadOnly && e.read) return false;
  if (text && ![e.event, e.channel, e.id, ...strings(e.data)].some((s) => s.includes(text)))
    return false;
  return true;
}

function emit(channel: string, payload: unknown): void {
  for (const fn of listeners.get(channel) ?? []) fn(clone(payload));
}

function emitUnread(): void {
  emit('unread:changed', { unread: unreadCount(), snoozedUntil });
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
    connection,
    settings,
    locks,
    token,
    subscriptions,
    unread: unreadCount(),
    snoozedUntil,
    notices: opts.notices ?? [],
    platform: 'linux',
    version: '0.1.0-test',
  };
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
    const lockedField = Object.keys(parsed.data).find((k) => k in locks.locked);
    if (lockedField) {
      const reason = locks.locked[lockedField as keyof PolicyLocks['locked']] ?? '';
      return {
        ok: false,
        errors: [
          { field: lockedField, code: 'locked', params: { reason }, message: `locked: ${reason}` },
        ],
      };
    }
    settings = { ...settings, ...parsed.data };
    retain();
    emit('settings:changed', { settings, locks, token });
    return { ok: true, settings };
  },
  'token:set': (input: { token: string; acceptWeakStorage?: boolean }) => {
    const backend = opts.tokenBackend ?? 'keychain';
    token = {
      stored: true,
      storage: backend === 'memory' && input.acceptWeakStorage ? 'weak' : backend,
    };
    return token;
  },
  'token:clear': () => {
    token = { stored: false, reason: 'none' };
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
  'connection:reconnectNow': () => {
    connection = { ...connection, phase: 'connecting', since: Date.now(), retryAt: null };
    emit('connection:changed', connection);
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
  'notifications:snooze': (choice: string) => {
    const now = Date.now();
    if (choice === 'off') snoozedUntil = null;
    else if (choice === '1h') snoozedUntil = now + 3_600_000;
    else if (choice === '4h') snoozedUntil = now + 4 * 3_600_000;
    else {
      const d = new Date(now);
      d.setHours(24, 0, 0, 0);
      snoozedUntil = d.getTime();
    }
    emitUnread();
    return { snoozedUntil };
  },
  'diagnostics:get': (): Diagnostics => ({
    connection,
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
    historyInfo: { events: store.length, fileBytes: 1_572_864, damagedRecordsSkipped: 0 },
    ...opts.diagnostics,
  }),
  'diagnostics:copy': () =>
    `Katya Desktop 0.1.0-test diagnostics\nstate: ${connection.phase}\ntoken: [redacted]`,
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
  setConnection(patch) {
    connection = { ...connection, ...patch };
    emit('connection:changed', connection);
  },
  failNextUpdate(errors) {
    nextUpdateErrors = errors;
  },
  makeEvent,
  unread: unreadCount,
  settings: () => clone(settings),
  entryCount: () => store.length,
};

Object.defineProperty(window, 'katya', { value: api, configurable: false, writable: false });
window.__katyaScript = handle;
