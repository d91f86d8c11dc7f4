// The window's state: one factory that owns every signal, subscribes to the contract's
// events and starts the session in the order the contract asks for:
//   app:snapshot -> katya.on(...) -> window:ready -> feed:query.
import { batch, computed, effect, signal } from '@preact/signals';
import type { KatyaApi, EventChannel, EventPayloads } from '../../preload/contract';
import type {
  ConnectionView,
  FeedEvent,
  PolicyLocks,
  ServerView,
  Settings,
  ShownNotification,
  SnoozeChoice,
  SubscriptionStatus,
  TokenStatus,
  ProxyAuthStatus,
} from '../../main/core/common/views';
import { DEFAULT_SETTINGS } from '../../main/core/common/settings-schema';
import { createI18n, resolveLang } from '../i18n';
import { eventLine } from '../format/event-line';
import { createFeedState } from './feed';
import { createMetricsState } from './metrics';
import { createDiagnosticsState } from './diagnostics';
import { createSettingsState, followedServers } from './settings';
import { createProxyAuthState } from './proxy-auth';
import { createAboutState } from './about';

export const VIEWS = ['feed', 'metrics', 'settings', 'diagnostics', 'about'] as const;
export type View = (typeof VIEWS)[number];

export interface Toast extends ShownNotification {
  key: number;
}

const TOAST_LIMIT = 4;
const TOAST_LIFETIME_MS = 10_000;

/** How long the window waits before asking main for each server's unread count again. */

/** The built-in demo server's id (main's DEMO_SLOT), listed when no server is configured. */
export const DEMO_SERVER = 'demo';

/** A sound server view (the window never trusts what it is handed), or null. */
export function toServerView(value: unknown): ServerView | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  if (typeof v.id !== 'string' || !v.id) return null;
  const c = v.connection as Record<string, unknown> | null | undefined;
  if (!c || typeof c !== 'object' || typeof c.phase !== 'string') return null;
  const token = v.token as Record<string, unknown> | null | undefined;
  return {
    id: v.id,
    name: typeof v.name === 'string' ? v.name : '',
    connection: c as unknown as ConnectionView,
    token:
      token && typeof token === 'object' && typeof token.stored === 'boolean'
        ? (token as unknown as TokenStatus)
        : { stored: false },
    unread: typeof v.unread === 'number' && Number.isFinite(v.unread) ? v.unread : 0,
    snoozedUntil: typeof v.snoozedUntil === 'number' ? v.snoozedUntil : null,
    subscriptions: Array.isArray(v.subscriptions)
      ? (v.subscriptions as unknown[]).filter(
          (x): x is SubscriptionStatus =>
            !!x && typeof x === 'object' && typeof (x as SubscriptionStatus).name === 'string',
        )
      : [],
  };
}

function serverViews(list: unknown): ServerView[] | null {
  if (!Array.isArray(list)) return null;
  return list.map(toServerView).filter((v): v is ServerView => v !== null);
}

export interface AppEnvironment {
  /** navigator.languages, for language 'system' */
  systemLanguages: readonly string[];
  now?: () => number;
}

export function createAppState(api: KatyaApi, env: AppEnvironment) {
  const now = env.now ?? (() => Date.now());

  const phase = signal<'starting' | 'ready' | 'failed'>('starting');
  const startError = signal<string | null>(null);
  const view = signal<View>('feed');
  const connection = signal<ConnectionView | null>(null);
  const settings = signal<Settings>(DEFAULT_SETTINGS);
  const locks = signal<PolicyLocks>({ locked: {}, source: null });
  const token = signal<TokenStatus>({ stored: false });
  /** every server followed, as main reports them (the demo alone when none is configured) */
  const servers = signal<ServerView[]>([]);
  const proxyAuthStatus = signal<ProxyAuthStatus>({ stored: false });
  const subscriptions = signal<SubscriptionStatus[]>([]);
  const unread = signal(0);
  const snoozedUntil = signal<number | null>(null);
  const notices = signal<string[]>([]);
  const about = signal({ platform: '', version: '' });
  const toasts = signal<Toast[]>([]);
  /** the text of the assertive live region: new critical alerts */
  const announcement = signal('');
  /** ticks every second; views that show relative times read it */
  const clock = signal(now());
  /** the clock in quarter minutes: enough for "5 minutes ago", and lists re-render rarely */
  const coarseClock = computed(() => Math.floor(clock.value / 15_000) * 15_000);
  /** asks the settings view to focus the token field ("Sign in") */
  const focusToken = signal(0);

  const lang = computed(() => resolveLang(settings.value.language, env.systemLanguages));
  const i18n = computed(() => createI18n(lang.value));

  /** Rows, filters and the status bar name the server only when there is more than one. */
  const multiServer = computed(() => (settings.value.servers?.length ?? 0) > 1);
  /** server id -> the name to show: the settings' name, 'Demo', or what main calls it */
  const serverNames = computed(() => {
    const names = new Map<string, string>();
    for (const v of servers.value) if (v.name) names.set(v.id, v.name);
    names.set(DEMO_SERVER, i18n.value.t('server.demo'));
    for (const s of settings.value.servers ?? []) names.set(s.id, s.name);
    return names;
  });
  const serverName = (id: string): string => serverNames.value.get(id) ?? id;

  // The window keeps as many entries as main's history does (see windowLimit).
  // Each server's history keeps history.maxEvents: the merged feed holds that many per server.
  const feed = createFeedState(api, {
    maxEvents: () => {
      const s = settings.peek();
      const max = s?.history?.maxEvents;
      return typeof max === 'number' ? max * Math.max(1, s.servers?.length ?? 0) : max;
    },
  });
  const metrics = createMetricsState(api);
  const diagnostics = createDiagnosticsState(api);
  const aboutView = createAboutState(api);
  /** Servers main stopped following: their entries leave the feed, which asks main again. */
  function serversGone(ids: string[]): void {
    metrics.forgetSources(ids);
    feed.forgetServers(ids);
    void feed.reload();
  }
  const settingsForm = createSettingsState(api, {
    settings,
    token,
    servers,
    onServersGone: serversGone,
  });
  const proxyAuth = createProxyAuthState(api, proxyAuthStatus);

  let toastKey = 0;
  const unsubscribers: (() => void)[] = [];
  const timers: ReturnType<typeof setInterval>[] = [];

  function dismissToast(key: number): void {
    toasts.value = toasts.value.filter((t) => t.key !== key);
  }

  function showToast(n: ShownNotification): void {
    if (!n || typeof n !== 'object' || typeof n.id !== 'string') return;
    const key = ++toastKey;
    toasts.value = [...toasts.value, { ...n, key }].slice(-TOAST_LIMIT);
    setTimeout(() => dismissToast(key), TOAST_LIFETIME_MS);
  }

  function announceCritical(events: FeedEvent[]): void {
    const critical = events.filter((e) => e.severity === 'critical');
    if (!critical.length) return;
    const t = i18n.value.t;
    // Replacing the text (rather than appending) makes screen readers speak each batch once.
    announcement.value = critical
      .slice(0, 3)
      .map((e) => t('announce.critical', { line: eventLine(e, i18n.value) }))
      .join(' ');
  }

  function setServers(list: ServerView[]): void {
    servers.value = list;
    const first = list[0];
    if (first && settings.peek().servers?.[0]?.id === first.id) token.value = first.token;
  }

  /** Each server's unread count, as main sends it with every change of the total. */
  function setServerCounts(counts: unknown): void {
    if (!Array.isArray(counts)) return;
    const byId = new Map<string, number>();
    for (const c of counts as { id?: unknown; unread?: unknown }[])
      if (typeof c?.id === 'string' && typeof c.unread === 'number') byId.set(c.id, c.unread);
    servers.value = servers.peek().map((v) => {
      const n = byId.get(v.id);
      return n !== undefined && n !== v.unread ? { ...v, unread: n } : v;
    });
  }

  function navigate(to: unknown): void {
    if (typeof to === 'string' && (VIEWS as readonly string[]).includes(to))
      view.value = to as View;
  }

  function openEvent(eventId: string): void {
    view.value = 'feed';
    void feed.open(eventId);
  }

  /** Listeners never throw into the bridge: bad payloads are dropped. */
  function listen<C extends EventChannel>(channel: C, fn: (payload: EventPayloads[C]) => void) {
    const safe = (payload: EventPayloads[C]) => {
      try {
        fn(payload);
      } catch (err) {
        console.warn(`katya: ignored a bad '${channel}' payload`, err);
      }
    };
    unsubscribers.push(api.on(channel, safe));
  }

  function subscribe(): void {
    listen('feed:added', (entries) => announceCritical(feed.addEntries(entries)));
    listen('connection:changed', (c) => {
      if (c && typeof c.phase === 'string') connection.value = c;
    });
    listen('servers:changed', (list) => {
      const views = serverViews(list);
      if (views) setServers(views);
    });
    listen('subscriptions:changed', (s) => {
      if (Array.isArray(s)) subscriptions.value = s;
    });
    listen('settings:changed', (s) => {
      if (!s || typeof s !== 'object') return;
      const before = followedServers(settings.peek().servers);
      const after = s.settings ? new Set(followedServers(s.settings.servers)) : null;
      const gone = after ? before.filter((id) => !after.has(id)) : [];
      batch(() => {
        if (s.settings) settings.value = s.settings;
        if (s.locks) locks.value = s.locks;
        if (s.token) token.value = s.token;
        if (s.proxyAuth) proxyAuthStatus.value = s.proxyAuth;
      });
      if (gone.length) serversGone(gone);
    });
    listen('unread:changed', (u) => {
      if (!u || typeof u !== 'object') return;
      batch(() => {
        if (typeof u.unread === 'number') unread.value = u.unread;
        snoozedUntil.value = typeof u.snoozedUntil === 'number' ? u.snoozedUntil : null;
      });
      setServerCounts(u.servers);
    });
    listen('metrics:changed', (m) => metrics.apply(m));
    listen('notification:shown', (n) => showToast(n));
    listen('navigate:event', (n) => {
      if (n && typeof n.eventId === 'string' && n.eventId) openEvent(n.eventId);
    });
    listen('navigate:view', (n) => navigate(n?.view));
    listen('update:changed', (u) => aboutView.applyUpdate(u));
  }

  async function start(): Promise<void> {
    phase.value = 'starting';
    startError.value = null;
    try {
      const snap = await api.invoke['app:snapshot']();
      batch(() => {
        connection.value = snap.connection;
        settings.value = snap.settings ?? DEFAULT_SETTINGS;
        locks.value = snap.locks ?? { locked: {}, source: null };
        token.value = snap.token ?? { stored: false };
        servers.value = serverViews(snap.servers) ?? [];
        proxyAuthStatus.value = snap.proxyAuth ?? { stored: false };
        subscriptions.value = Array.isArray(snap.subscriptions) ? snap.subscriptions : [];
        unread.value = typeof snap.unread === 'number' ? snap.unread : 0;
        snoozedUntil.value = typeof snap.snoozedUntil === 'number' ? snap.snoozedUntil : null;
        notices.value = Array.isArray(snap.notices) ? snap.notices.map(String) : [];
        about.value = {
          platform: String(snap.platform ?? ''),
          version: String(snap.version ?? ''),
        };
      });
    } catch (err) {
      phase.value = 'failed';
      startError.value = err instanceof Error ? err.message : String(err);
      return;
    }
    if (!unsubscribers.length) {
      subscribe();
      // A server filter never names a server that is gone, and goes with the second server.
      unsubscribers.push(
        effect(() => {
          const list = settings.value.servers ?? [];
          const ids = new Set(list.map((s) => s.id));
          const chosen = feed.filters.peek().servers;
          const keep = list.length > 1 ? chosen.filter((id) => ids.has(id)) : [];
          if (keep.length !== chosen.length) feed.setFilters({ servers: keep });
        }),
      );
    }
    api.send['window:ready']();
    phase.value = 'ready';
    await feed.reload();
  }

  /**
   * Snooze every server's notifications, or one server's (its id). Main answers with the end,
   * which is that server's own; everyone's "off" ends each server's snooze too. Each server's
   * end after everyone's snooze comes with `servers:changed` (their rules may differ on when
   * "tomorrow" starts), which main sends before it answers.
   */
  async function snooze(choice: SnoozeChoice, server?: string): Promise<void> {
    try {
      const r = await (server === undefined
        ? api.invoke['notifications:snooze'](choice)
        : api.invoke['notifications:snooze'](choice, { server }));
      const until = typeof r?.snoozedUntil === 'number' ? r.snoozedUntil : null;
      batch(() => {
        if (server === undefined) snoozedUntil.value = until;
        if (server === undefined && until !== null) return;
        servers.value = servers
          .peek()
          .map((v) =>
            (server === undefined || v.id === server) && v.snoozedUntil !== until
              ? { ...v, snoozedUntil: until }
              : v,
          );
      });
    } catch (err) {
      notices.value = [...notices.value, err instanceof Error ? err.message : String(err)];
    }
  }

  /** Reconnect one server (its id), or every server. */
  async function reconnectNow(server?: string): Promise<void> {
    try {
      await (server === undefined
        ? api.invoke['connection:reconnectNow']()
        : api.invoke['connection:reconnectNow']({ server }));
    } catch (err) {
      notices.value = [...notices.value, err instanceof Error ? err.message : String(err)];
    }
  }

  let tokenFocusTaken = 0;
  /** Whether a "Sign in" still waits for the token field to take the keyboard (once each). */
  function takeTokenFocus(): boolean {
    if (focusToken.peek() <= tokenFocusTaken) return false;
    tokenFocusTaken = focusToken.peek();
    return true;
  }

  /** "Sign in": the settings of that server (the first when none is named), at its token. */
  function signIn(server?: string): void {
    const configured = settings.peek().servers ?? [];
    const id = configured.some((s) => s.id === server) ? server : configured[0]?.id;
    if (id) settingsForm.select(id);
    view.value = 'settings';
    focusToken.value++;
  }

  /** Keep <html lang> and data-theme in step with the settings, and the clock ticking. */
  function attachDocument(doc: Document): () => void {
    const stop = effect(() => {
      doc.documentElement.lang = lang.value;
      doc.documentElement.dataset.theme = settings.value.theme;
      doc.title = i18n.value.t('app.title');
    });
    timers.push(setInterval(() => (clock.value = now()), 1000));
    return stop;
  }

  function dispose(): void {
    for (const off of unsubscribers.splice(0)) off();
    for (const t of timers.splice(0)) clearInterval(t);
  }

  return {
    phase,
    startError,
    view,
    connection,
    settings,
    locks,
    token,
    servers,
    multiServer,
    serverName,
    subscriptions,
    unread,
    snoozedUntil,
    notices,
    about,
    toasts,
    announcement,
    clock,
    coarseClock,
    focusToken,
    takeTokenFocus,
    lang,
    i18n,
    feed,
    metrics,
    diagnostics,
    aboutView,
    settingsForm,
    proxyAuth,
    start,
    navigate,
    openEvent,
    dismissToast,
    snooze,
    reconnectNow,
    signIn,
    attachDocument,
    dispose,
  };
}

export type AppState = ReturnType<typeof createAppState>;
