// The window's state: one factory that owns every signal, subscribes to the contract's
// events and starts the session in the order the contract asks for:
//   app:snapshot -> katya.on(...) -> window:ready -> feed:query.
import { batch, computed, effect, signal } from '@preact/signals';
import type { KatyaApi, EventChannel, EventPayloads } from '../../preload/contract';
import type {
  ConnectionView,
  FeedEvent,
  PolicyLocks,
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
import { createSettingsState } from './settings';
import { createProxyAuthState } from './proxy-auth';
import { createAboutState } from './about';

export const VIEWS = ['feed', 'metrics', 'settings', 'diagnostics', 'about'] as const;
export type View = (typeof VIEWS)[number];

export interface Toast extends ShownNotification {
  key: number;
}

const TOAST_LIMIT = 4;
const TOAST_LIFETIME_MS = 10_000;

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

  // The window keeps as many entries as main's history does (see windowLimit).
  const feed = createFeedState(api, { maxEvents: () => settings.peek()?.history?.maxEvents });
  const metrics = createMetricsState(api);
  const diagnostics = createDiagnosticsState(api);
  const aboutView = createAboutState(api);
  const settingsForm = createSettingsState(api, { settings, token });
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
    listen('subscriptions:changed', (s) => {
      if (Array.isArray(s)) subscriptions.value = s;
    });
    listen('settings:changed', (s) => {
      if (!s || typeof s !== 'object') return;
      batch(() => {
        if (s.settings) settings.value = s.settings;
        if (s.locks) locks.value = s.locks;
        if (s.token) token.value = s.token;
        if (s.proxyAuth) proxyAuthStatus.value = s.proxyAuth;
      });
    });
    listen('unread:changed', (u) => {
      if (!u || typeof u !== 'object') return;
      batch(() => {
        if (typeof u.unread === 'number') unread.value = u.unread;
        snoozedUntil.value = typeof u.snoozedUntil === 'number' ? u.snoozedUntil : null;
      });
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
    if (!unsubscribers.length) subscribe();
    api.send['window:ready']();
    phase.value = 'ready';
    await feed.reload();
  }

  async function snooze(choice: SnoozeChoice): Promise<void> {
    try {
      const r = await api.invoke['notifications:snooze'](choice);
      snoozedUntil.value = typeof r?.snoozedUntil === 'number' ? r.snoozedUntil : null;
    } catch (err) {
      notices.value = [...notices.value, err instanceof Error ? err.message : String(err)];
    }
  }

  async function reconnectNow(): Promise<void> {
    try {
      await api.invoke['connection:reconnectNow']();
    } catch (err) {
      notices.value = [...notices.value, err instanceof Error ? err.message : String(err)];
    }
  }

  function signIn(): void {
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
