// The app's model: builds the core services (settings, token vault, history, notifier, log,
// connection engine) and answers the IPC contract. The Electron shell and the browser preview
// both run this same object; they differ only in the sinks they pass in (native or in-page
// notifications, IPC or a loopback bridge, electron-store or conf, safeStorage or a test key).
import path from 'node:path';
import { systemClock } from '../core/clock';
import type { Clock } from '../core/clock';
import { ConnectionEngine } from '../core/connection/engine';
import type {
  ConnectionOptions,
  ConnectionState,
  Gap,
  SubscriptionStatus,
} from '../core/connection/types';
import { EventHistory } from '../core/history/history';
import { createLogger } from '../core/log/logger';
import type { Logger } from '../core/log/logger';
import { Notifier, fileSeenStore } from '../core/notify/notifier';
import { fileSnoozeStore } from '../core/notify/snooze-store';
import type { NotificationRequest } from '../core/notify/policy';
import type { EventMessage } from '../core/common/protocol';
import { SettingsService } from '../core/settings/settings';
import type { AdminPolicy, SettingsBackend } from '../core/settings/settings';
import type { Settings, SettingsPatch } from '../core/common/settings-schema';
import { trayState } from '../core/tray-state';
import type { TrayState } from '../core/tray-state';
import { TokenVault } from '../core/vault/token-vault';
import type { Encryptor } from '../core/vault/token-vault';
import type {
  ConnectionView,
  Diagnostics,
  FeedEntry,
  ShownNotification,
  Snapshot,
  SnoozeChoice,
  StateChange,
  TestResult,
} from '../core/common/views';
import { connectionView, OFFLINE_AFTER_MS } from '../core/connection-view';
import { MetricsTracker } from '../core/metrics';
import type { EmitToWindow, EventPayloads, Handlers } from '../../preload/contract';
import { Disposer } from '../core/disposer';
import type { TimerSlot } from '../core/disposer';

export interface NotificationSink {
  show(n: ShownNotification): void;
  withdraw(id: string): void;
}

export interface DemoServer {
  url: string;
  token: string;
  stop(): Promise<void>;
}

export interface AppServiceDeps {
  /** the profile folder: history, notified ids, token file and logs live here */
  dataDir: string;
  settingsBackend: SettingsBackend;
  adminPolicy?: { policy: AdminPolicy | null; error?: string; source?: string | null };
  encryptor: Encryptor;
  notify: NotificationSink;
  emit: EmitToWindow;
  /** starts the built-in demo server; null where demo mode is not offered */
  startDemo: (() => Promise<DemoServer>) | null;
  /** "Test connection": a step-by-step probe of a server */
  probe: (input: {
    url: string;
    authMethod: Settings['authMethod'];
    token: string | undefined;
  }) => Promise<TestResult>;
  setStartAtLogin?: (enabled: boolean) => void | Promise<void>;
  clock?: Clock;
  platform?: string;
  version?: string;
  /** the system locale, e.g. 'ru-RU', for language 'system' (default: Intl's locale) */
  systemLanguage?: () => string;
  /** every log line also goes here (stderr in the preview and the CLI) */
  logEcho?: (line: string) => void;
  /** how long a connection must stay up before a gap is shown on its own (default 5 s) */
  gapSettleMs?: number;
  /** engine timings for tests */
  connection?: Partial<
    Pick<ConnectionOptions, 'livenessTimeoutMs' | 'backoff' | 'batch' | 'random'>
  >;
}

type Navigation =
  | { channel: 'navigate:event'; payload: EventPayloads['navigate:event'] }
  | { channel: 'navigate:view'; payload: EventPayloads['navigate:view'] };

const STATE_HISTORY = 50;

/** how long a connection must stay up after a gap before the gap is shown on its own */
const GAP_SETTLE_MS = 5_000;

export class AppService {
  readonly log: Logger;
  private readonly clock: Clock;
  private readonly settings: SettingsService;
  private readonly vault: TokenVault;
  private readonly notifier: Notifier;
  private readonly metrics = new MetricsTracker();
  private engine: ConnectionEngine | null = null;
  /** the engine's listeners and its token binding, released when the engine is dropped */
  private readonly engineScope = new Disposer();
  /** the service's own timers, released at stop() */
  private readonly lifetime = new Disposer();
  private demo: DemoServer | null = null;
  private demoStarting: Promise<void> | null = null;
  private state: ConnectionState;
  private disconnectedSince: number | null = null;
  /** the same moment on the monotonic clock, which decides when "reconnecting" is "offline" */
  private disconnectedMono: number | null = null;
  private readonly offlineTimer: TimerSlot;
  private lastView: ConnectionView | null = null;
  private readonly stateHistory: StateChange[] = [];
  private readonly trayListeners = new Set<() => void>();
  private readonly metricsTimer: TimerSlot;
  private heldGap: Gap | null = null;
  private pendingNavigation: Navigation | null = null;
  /** a window has said window:ready since it was last (re)built */
  private windowReady = true;
  private connectGeneration = 0;
  private readonly gapTimer: TimerSlot;
  private readonly notices: string[] = [];
  private stopped = false;

  private constructor(
    private readonly deps: AppServiceDeps,
    private readonly history: EventHistory,
    settings: SettingsService,
    vault: TokenVault,
    log: Logger,
  ) {
    this.clock = deps.clock ?? systemClock;
    this.offlineTimer = this.lifetime.timer(this.clock);
    this.metricsTimer = this.lifetime.timer(this.clock);
    this.gapTimer = this.lifetime.timer(this.clock);
    this.settings = settings;
    this.vault = vault;
    this.log = log;
    this.state = { state: 'closed', since: this.clock.now() };
    const snoozes = fileSnoozeStore(path.join(deps.dataDir, 'snooze.json'), log.child('snooze'));
    this.notifier = new Notifier({
      clock: this.clock,
      rules: settings.get().notifications,
      seen: fileSeenStore(path.join(deps.dataDir, 'notified.json'), {
        log: log.child('notified-ids'),
      }),
      show: (n) => this.showNotification(n),
      withdraw: (id) => deps.notify.withdraw(id),
      // A snooze is a promise to the user: it outlives a restart.
      snoozedUntil: snoozes.read(this.clock.now()),
      onSnoozeChange: (until) => {
        snoozes.write(until);
        this.unreadChanged();
      },
      log: log.child('notifier'),
      // Native notifications speak the window's language, read each time one is built.
      language: () => {
        const chosen = this.settings.get().language;
        if (chosen === 'en' || chosen === 'ru') return chosen;
        const locale = (
          deps.systemLanguage ?? (() => Intl.DateTimeFormat().resolvedOptions().locale)
        )();
        return typeof locale === 'string' && locale.toLowerCase().startsWith('ru') ? 'ru' : 'en';
      },
    });
    this.notices.push(...settings.notices());
  }

  static async start(deps: AppServiceDeps): Promise<AppService> {
    const clock = deps.clock ?? systemClock;
    let vault: TokenVault | null = null;
    const log = createLogger({
      dir: path.join(deps.dataDir, 'logs'),
      secrets: () => vault?.secretsForRedaction() ?? [],
      echo: deps.logEcho,
    });
    const settings = new SettingsService({
      backend: deps.settingsBackend,
      policy: deps.adminPolicy?.policy ?? null,
      policyError: deps.adminPolicy?.error,
      log: log.child('settings'),
    });
    vault = new TokenVault({
      file: path.join(deps.dataDir, 'token.bin'),
      encryptor: deps.encryptor,
      acceptWeak: () => settings.get().acceptWeakTokenStorage,
      log: log.child('token vault'),
      legacyOriginFile: path.join(deps.dataDir, 'token-server.json'),
    });
    const s = settings.get();
    const history = await EventHistory.open({
      dir: path.join(deps.dataDir, 'history'),
      clock,
      maxEvents: s.history.maxEvents,
      maxAgeDays: s.history.maxAgeDays,
      log: log.child('history'),
    });
    const app = new AppService(deps, history, settings, vault, log);
    settings.onChange((next) => app.settingsChanged(next));
    log.info(`started: data in ${deps.dataDir}`);
    await app.connect();
    return app;
  }

  // ---- connection ----------------------------------------------------------------------

  private isDemo(): boolean {
    return this.settings.get().serverUrl === '' && this.deps.startDemo !== null;
  }

  /** (Re)build the connection for the current settings: the demo server or the configured one. */
  private async connect(): Promise<void> {
    // Settings, tokens and "Reconnect now" can each ask for a new connection while an earlier
    // request still waits for the demo server; only the newest request may build an engine.
    const generation = ++this.connectGeneration;
    const current = () => !this.stopped && generation === this.connectGeneration;
    this.dropEngine();
    const s = this.settings.get();
    if (s.serverUrl === '') {
      if (!this.deps.startDemo) {
        this.setState({ state: 'closed', since: this.clock.now() });
        return;
      }
      if (!this.demo) {
        this.demoStarting ??= this.deps
          .startDemo()
          .then((d) => {
            this.demo = d;
            this.log.info(`demo server listening on ${d.url}`);
          })
          .finally(() => (this.demoStarting = null));
        await this.demoStarting;
      }
      if (!current() || this.settings.get().serverUrl !== '' || !this.demo) return;
      this.buildEngine(this.demo.url, 'header');
      this.engine!.setToken(this.demo.token);
      this.engine!.start();
      return;
    }
    await this.stopDemo();
    if (!current()) return;
    this.buildEngine(s.serverUrl, s.authMethod);
    if (!this.vault.usableFor(s.serverUrl)) {
      this.setState({ state: 'closed', since: this.clock.now() });
      return;
    }
    // The vault hands the token to the engine and to nobody else, and only for the server it
    // was entered for: were the window ever compromised, a changed server URL gets no token.
    this.engineScope.add(this.vault.bind(this.engine!, s.serverUrl));
    this.engine!.start();
  }

  private buildEngine(url: string, authMethod: Settings['authMethod']) {
    const s = this.settings.get();
    const engine = new ConnectionEngine({
      url,
      authMethod,
      subscriptions: s.subscriptions,
      clock: this.clock,
      log: this.log.sink,
      ...this.deps.connection,
    });
    this.engine = engine;
    for (const off of [
      engine.on('state', (st) => this.setState(st)),
      engine.on('events', (batch, frames) => this.received(batch, frames)),
      engine.on('gap', (gap) => this.gapReported(gap)),
      engine.on('subscriptions', (subs) => this.deps.emit('subscriptions:changed', subs)),
      engine.on('protocolError', (e) =>
        this.log.warn(
          `server error ${e.code}: ${e.message}${e.channel ? ` (channel ${e.channel})` : ''}${e.event ? ` (event ${e.event})` : ''}`,
        ),
      ),
    ]) {
      this.engineScope.add(off);
    }
  }

  private dropEngine() {
    this.engineScope.dispose();
    this.engine?.stop();
    this.engine = null;
    this.disconnectedSince = null;
    this.disconnectedMono = null;
  }

  private async stopDemo() {
    if (this.demoStarting) await this.demoStarting.catch(() => undefined);
    const d = this.demo;
    this.demo = null;
    if (d) {
      await d.stop();
      this.log.info('demo server stopped');
    }
  }

  private setState(st: ConnectionState) {
    const prev = this.state;
    this.state = st;
    if (st.state === 'open') {
      this.disconnectedSince = null;
      this.disconnectedMono = null;
    } else if (prev.state === 'open') {
      this.disconnectedSince = st.since;
      this.disconnectedMono = this.clock.monotonic();
    }
    this.notifier.connection(st);
    this.offlineTimer.clear();
    if (st.state === 'reconnecting' && this.disconnectedMono !== null) {
      // "offline since" follows from time alone: look again when two minutes have passed.
      const due = this.disconnectedMono + OFFLINE_AFTER_MS - this.clock.monotonic();
      this.offlineTimer.set(() => this.viewChanged(), Math.max(0, due) + 10);
    }
    this.viewChanged();
  }

  private view(): ConnectionView {
    const s = this.settings.get();
    const demo = this.isDemo();
    return connectionView({
      state: this.state,
      disconnectedSince: this.disconnectedSince,
      lostForMs:
        this.disconnectedMono === null ? null : this.clock.monotonic() - this.disconnectedMono,
      serverUrl: demo ? (this.demo?.url ?? '') : s.serverUrl,
      demo,
      missingToken: !demo && s.serverUrl !== '' && !this.vault.usableFor(s.serverUrl),
      missingTokenReason: this.missingTokenReason(),
    });
  }

  private missingTokenReason(): string | undefined {
    if (!this.vault.status().stored) return undefined;
    return this.vault.boundTo() === null
      ? "the stored token's server is not known; enter the token again"
      : 'the stored token was entered for another server; enter it again';
  }

  private viewChanged() {
    const v = this.view();
    const last = this.lastView;
    this.lastView = v;
    if (
      last &&
      last.phase === v.phase &&
      last.since === v.since &&
      last.retryAt === v.retryAt &&
      last.demo === v.demo &&
      last.serverUrl === v.serverUrl
    )
      return;
    if (!last || last.phase !== v.phase) {
      this.stateHistory.push({ at: this.clock.now(), phase: v.phase, detail: v.lastError });
      if (this.stateHistory.length > STATE_HISTORY) this.stateHistory.shift();
      this.log.info(`connection: ${v.phase}${v.lastError ? ` (${v.lastError})` : ''}`);
    }
    this.deps.emit('connection:changed', v);
    this.trayChanged();
  }

  // ---- events ----------------------------------------------------------------------------

  /**
   * A server that flaps (accepts, then drops) would put a marker per flap in the feed. Gaps
   * are held until the connection has stayed up for a while or an event arrives, and gaps
   * that follow each other with nothing in between become one.
   */
  private gapReported(gap: Gap) {
    const held = this.heldGap;
    this.heldGap = held
      ? { start: Math.min(held.start, gap.start), end: Math.max(held.end, gap.end) }
      : gap;
    this.gapTimer.set(() => this.commitGap(), this.deps.gapSettleMs ?? GAP_SETTLE_MS);
  }

  private commitGap() {
    this.gapTimer.clear();
    const gap = this.heldGap;
    this.heldGap = null;
    if (gap) this.pushEntries([this.history.addGap(gap)]);
  }

  private received(batch: EventMessage[], frames: readonly Uint8Array[]) {
    this.commitGap();
    const now = this.clock.now();
    const entries = this.history.append(batch, now, frames);
    this.notifier.offer(batch);
    if (this.metrics.add(batch, now)) this.metricsChanged();
    this.pushEntries(entries);
  }

  private pushEntries(entries: FeedEntry[]) {
    if (entries.length === 0) return;
    this.deps.emit('feed:added', entries);
    this.unreadChanged();
  }

  /** Metrics change with every event in a flood; the window needs them at most once a second. */
  private metricsChanged() {
    this.metricsTimer.setIfIdle(() => this.deps.emit('metrics:changed', this.metrics.list()), 1000);
  }

  private unreadChanged() {
    this.deps.emit('unread:changed', {
      unread: this.history.unreadCount(),
      snoozedUntil: this.notifier.snoozedUntil(),
    });
    this.trayChanged();
  }

  private showNotification(n: NotificationRequest) {
    const { kind: _kind, channel: _channel, ...shown } = n;
    this.log.info(`notification: ${n.title}`);
    this.deps.notify.show(shown);
  }

  // ---- settings and token ----------------------------------------------------------------

  private settingsChanged(next: Settings) {
    this.notifier.setRules(next.notifications);
    this.vault.reconsiderStorage();
    this.history.setLimits(next.history.maxEvents, next.history.maxAgeDays);
    this.emitSettings();
  }

  private emitSettings() {
    this.deps.emit('settings:changed', {
      settings: this.settings.get(),
      locks: this.settings.locks(),
      token: this.vault.status(),
    });
  }

  private async updateSettings(patch: SettingsPatch) {
    const before = this.settings.get();
    const result = this.settings.update(patch);
    if (!result.ok) return result;
    const after = result.settings;
    if (after.serverUrl !== before.serverUrl || after.authMethod !== before.authMethod) {
      this.log.info(
        after.serverUrl === ''
          ? 'server: demo'
          : `server: ${after.serverUrl} (${after.authMethod})`,
      );
      await this.connect();
    } else if (JSON.stringify(after.subscriptions) !== JSON.stringify(before.subscriptions)) {
      this.engine?.setSubscriptions(after.subscriptions);
    }
    if (after.startAtLogin !== before.startAtLogin && this.deps.setStartAtLogin) {
      await this.deps.setStartAtLogin(after.startAtLogin);
    }
    this.viewChanged();
    return result;
  }

  private async setToken(token: string, acceptWeakStorage?: boolean) {
    if (acceptWeakStorage && !this.settings.get().acceptWeakTokenStorage) {
      this.settings.update({ acceptWeakTokenStorage: true });
    }
    // Throws when no server is set: the window shows the sentence.
    const serverUrl = this.settings.get().serverUrl;
    const status = this.vault.set(token, { serverUrl, acceptWeakStorage });
    this.log.info(`token stored (${status.stored ? status.storage : 'not stored'})`);
    await this.connect();
    this.emitSettings();
    this.viewChanged();
    return status;
  }

  private clearToken() {
    const status = this.vault.clear();
    this.log.info('token cleared');
    if (this.settings.get().serverUrl !== '' && this.engine) {
      this.engine.stop();
    }
    this.emitSettings();
    this.viewChanged();
    return status;
  }

  // ---- the contract ----------------------------------------------------------------------

  snapshot(): Snapshot {
    return {
      connection: this.view(),
      settings: this.settings.get(),
      locks: this.settings.locks(),
      token: this.vault.status(),
      subscriptions: this.subscriptions(),
      unread: this.history.unreadCount(),
      snoozedUntil: this.notifier.snoozedUntil(),
      notices: [...this.notices],
      platform: this.deps.platform ?? process.platform,
      version: this.deps.version ?? '0.0.0',
    };
  }

  private subscriptions(): SubscriptionStatus[] {
    return this.engine?.getSubscriptions() ?? [];
  }

  diagnostics(): Diagnostics {
    const stats = this.engine?.getStats() ?? {
      uptimeMs: 0,
      connectedAt: null,
      messagesReceived: 0,
      messagesSent: 0,
      errors: 0,
      reconnects: 0,
      lastPing: null,
      rttMs: null,
      duplicatesDropped: 0,
      invalidDropped: 0,
    };
    return {
      connection: this.view(),
      stats,
      subscriptions: this.subscriptions(),
      stateHistory: [...this.stateHistory],
      logLines: this.log.recent(200),
      historyInfo: this.history.info(),
    };
  }

  private diagnosticsText(): string {
    const d = this.diagnostics();
    const lines = [
      `Katya Desktop ${this.deps.version ?? ''} on ${this.deps.platform ?? process.platform}`,
      `connection: ${d.connection.phase} since ${new Date(d.connection.since).toISOString()}${d.connection.demo ? ' (demo)' : ''}`,
      `server: ${d.connection.serverUrl || '(none)'}`,
      `stats: ${JSON.stringify(d.stats)}`,
      `subscriptions: ${d.subscriptions.map((s) => `${s.name}=${s.status}${s.status === 'rejected' ? `(${s.code})` : ''}`).join(', ') || '(none)'}`,
      `history: ${JSON.stringify(d.historyInfo)}`,
      'state changes:',
      ...d.stateHistory.map(
        (c) => `  ${new Date(c.at).toISOString()} ${c.phase}${c.detail ? ` ${c.detail}` : ''}`,
      ),
      'log:',
      ...d.logLines.map((l) => `  ${l}`),
    ];
    // The log is already redacted; the rest is redacted again as a belt-and-braces measure.
    return this.log.redact(lines.join('\n'));
  }

  /** "Test connection": an empty URL means the demo server, which is tested like any other. */
  private testConnection(input: {
    url: string;
    authMethod: Settings['authMethod'];
    token?: string;
  }) {
    if (input.url.trim() === '' && this.demo) {
      return this.deps.probe({ url: this.demo.url, authMethod: 'header', token: this.demo.token });
    }
    return this.deps.probe({
      url: input.url,
      authMethod: input.authMethod,
      token: input.token ?? this.storedTokenForProbe(input.url),
    });
  }

  /**
   * "Test connection" is a connection attempt like the engine's, so it gets the stored token
   * through the vault's one exit (bind), used and dropped at once; the vault hands it over only
   * when `url` is the server the token was entered for.
   */
  private storedTokenForProbe(url: string): string | undefined {
    let token: string | undefined;
    this.vault.bind({ setToken: (t) => (token = t) }, url)();
    return token;
  }

  snooze(choice: SnoozeChoice): number | null {
    const until = this.notifier.snooze(choice);
    this.log.info(until ? `snoozed until ${new Date(until).toISOString()}` : 'snooze ended');
    return until;
  }

  reconnectNow() {
    if (this.engine) this.engine.reconnectNow();
    else this.connect().catch((err: Error) => this.log.error(`reconnect failed: ${err.message}`));
  }

  /** resume from sleep, network change */
  nudge() {
    this.engine?.nudge();
  }

  /**
   * A notification was clicked or the tray asked for a view: the shell shows the window, the
   * window navigates. A window that is still loading cannot hear it yet, so it is told when it
   * says it is ready.
   */
  openEvent(eventId: string) {
    this.navigate({ channel: 'navigate:event', payload: { eventId } });
  }

  openView(view: EventPayloads['navigate:view']['view']) {
    this.navigate({ channel: 'navigate:view', payload: { view } });
  }

  /** The shell built a new window: nothing reaches it until it sends window:ready. */
  windowCreated() {
    this.windowReady = false;
  }

  private navigate(n: Navigation) {
    if (this.windowReady) this.emitNavigation(n);
    else this.pendingNavigation = n;
  }

  private emitNavigation(n: Navigation) {
    if (n.channel === 'navigate:event') this.deps.emit('navigate:event', n.payload);
    else this.deps.emit('navigate:view', n.payload);
  }

  trayState(formatTime: (ms: number) => string): TrayState {
    const now = this.clock.now();
    const alerts = this.history.query({
      channels: ['security'],
      severities: ['high', 'critical'],
      unreadOnly: true,
      limit: 1,
    });
    return trayState({
      connection: this.view(),
      unread: this.history.unreadCount(),
      unreadAlerts: alerts.total,
      snoozedUntil: this.notifier.snoozedUntil(),
      now,
      formatTime,
    });
  }

  /** Told when what the tray shows may have changed; the shell then asks trayState(). */
  onTrayChange(fn: () => void): () => void {
    this.trayListeners.add(fn);
    return () => this.trayListeners.delete(fn);
  }

  private trayChanged() {
    for (const fn of this.trayListeners) fn();
  }

  readonly handlers: Handlers = {
    invoke: {
      'app:snapshot': () => this.snapshot(),
      'feed:query': (q) => this.history.query(q),
      'feed:get': (id) => this.history.get(id),
      'feed:markRead': (ids) => {
        const unread = this.history.markRead(ids);
        this.unreadChanged();
        return { unread };
      },
      'feed:markAllRead': () => {
        const unread = this.history.markAllRead();
        this.unreadChanged();
        return { unread };
      },
      'metrics:list': () => this.metrics.list(),
      'settings:update': (patch) => this.updateSettings(patch),
      'token:set': (input) => this.setToken(input.token, input.acceptWeakStorage),
      'token:clear': () => this.clearToken(),
      'connection:reconnectNow': () => this.reconnectNow(),
      'connection:test': (input) => this.testConnection(input),
      'notifications:snooze': (choice) => ({ snoozedUntil: this.snooze(choice) }),
      'diagnostics:get': () => this.diagnostics(),
      'diagnostics:copy': () => this.diagnosticsText(),
    },
    send: {
      'window:ready': () => {
        this.windowReady = true;
        const pending = this.pendingNavigation;
        this.pendingNavigation = null;
        if (pending) this.emitNavigation(pending);
      },
      'feed:opened': (id) => {
        this.history.markRead([id]);
        this.unreadChanged();
      },
    },
  };

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.dropEngine();
    this.commitGap();
    this.lifetime.close();
    this.notifier.dispose();
    await this.stopDemo();
    await this.history.close();
    this.log.info('stopped');
  }
}
