// The app's model: builds the core services (settings, token vault, history, notifier, log,
// connection engine) and answers the IPC contract. The Electron shell and the browser preview
// both run this same object; they differ only in the sinks they pass in (native or in-page
// notifications, IPC or a loopback bridge, electron-store or conf, safeStorage or a test key).
import path from 'node:path';
import { systemClock } from '../core/clock';
import type { Clock } from '../core/clock';
import type { ConnectionOptions } from '../core/connection/types';
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
import { resolveLanguage } from '../core/common/messages';
import type { TrayState } from '../core/tray-state';
import { TokenVault } from '../core/vault/token-vault';
import type { Encryptor } from '../core/vault/token-vault';
import type {
  Diagnostics,
  FeedEntry,
  ShownNotification,
  Snapshot,
  SnoozeChoice,
  TestResult,
} from '../core/common/views';
import { MetricsTracker } from '../core/metrics';
import type { EmitToWindow, EventPayloads, Handlers } from '../../preload/contract';
import { Disposer } from '../core/disposer';
import { UpdateController } from '../core/updates/controller';
import type { UpdaterPort } from '../core/updates/controller';
import { DEVELOPMENT_BUILD } from '../core/updates/install';
import type { InstallFacts } from '../core/updates/install';
import type { AboutInfo, RuntimeVersions } from '../core/common/update-view';
import type { ScopedLog } from '../core/log/scoped';
import { diagnosticsText } from './diagnostics-text';
import { ProxyCredentialVault } from '../core/vault/proxy-credentials';
import type { ProxyCredentials } from '../core/common/network';
import type { NetworkOptions } from '../core/net/route-agent';
import { appNetwork } from './network';
import type { SystemProxy } from './network';
import { ServerLink } from './server-link';
import type { DemoServer } from './server-link';
import type { TimerSlot } from '../core/disposer';

export interface NotificationSink {
  show(n: ShownNotification): void;
  withdraw(id: string): void;
}

export type { DemoServer } from './server-link';

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
    /** the same proxy and trusted certificates as the connection's */
    network?: NetworkOptions;
  }) => Promise<TestResult>;
  /**
   * The system's proxy for a URL (Electron: Chromium's resolver, so PAC, WPAD and the OS
   * settings); absent: the environment's HTTPS_PROXY and friends stand in (the preview, tests)
   */
  systemProxy?: SystemProxy | null;
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
  /** the About view's Electron, Chromium and Node versions (default: Node's only) */
  runtime?: RuntimeVersions;
  /** how this copy was installed and its updater; absent: it does not update itself */
  updates?: {
    install: InstallFacts;
    createPort: (log: ScopedLog) => UpdaterPort;
    /** the first check's delay after start (tests) */
    firstCheckDelayMs?: number;
  };
  /** engine timings for tests */
  connection?: Partial<
    Pick<ConnectionOptions, 'livenessTimeoutMs' | 'backoff' | 'batch' | 'random'>
  >;
}

type Navigation =
  | { channel: 'navigate:event'; payload: EventPayloads['navigate:event'] }
  | { channel: 'navigate:view'; payload: EventPayloads['navigate:view'] };

export class AppService {
  readonly log: Logger;
  private readonly clock: Clock;
  private readonly settings: SettingsService;
  private readonly vault: TokenVault;
  private readonly notifier: Notifier;
  private readonly metrics = new MetricsTracker();
  private readonly link: ServerLink;
  private readonly updates: UpdateController;
  /** the service's own timers, released at stop() */
  private readonly lifetime = new Disposer();
  private readonly trayListeners = new Set<() => void>();
  private readonly metricsTimer: TimerSlot;
  private pendingNavigation: Navigation | null = null;
  /** a window has said window:ready since it was last (re)built */
  private windowReady = true;
  private readonly notices: string[] = [];
  private stopped = false;

  private readonly network: ReturnType<typeof appNetwork>;

  private constructor(
    private readonly deps: AppServiceDeps,
    private readonly history: EventHistory,
    settings: SettingsService,
    vault: TokenVault,
    private readonly proxyVault: ProxyCredentialVault,
    log: Logger,
  ) {
    this.clock = deps.clock ?? systemClock;
    this.metricsTimer = this.lifetime.timer(this.clock);
    this.settings = settings;
    this.vault = vault;
    this.log = log;
    this.network = appNetwork({
      settings: () => this.settings.get(),
      credentials: () => proxyVault.credentials(),
      systemProxy: deps.systemProxy ?? null,
    });
    this.link = new ServerLink({
      network: this.network,
      clock: this.clock,
      log,
      vault,
      settings: () => this.settings.get(),
      startDemo: deps.startDemo,
      gapSettleMs: deps.gapSettleMs,
      connection: deps.connection,
      on: {
        state: (st) => this.notifier.connection(st),
        events: (batch, frames) => this.received(batch, frames),
        // Whether to notify is decided per event as it arrives, not after the batch window.
        event: (event) => this.notifier.offer([event]),
        gap: (gap) => this.pushEntries([this.history.addGap(gap)]),
        subscriptions: (subs) => this.deps.emit('subscriptions:changed', subs),
        view: (v) => {
          this.deps.emit('connection:changed', v);
          this.trayChanged();
        },
      },
    });
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
      language: () => this.language(),
    });
    this.notices.push(...settings.notices());
    const updateLog = log.child('updates');
    this.updates = new UpdateController({
      clock: this.clock,
      current: deps.version ?? '0.0.0',
      install: deps.updates?.install ?? DEVELOPMENT_BUILD,
      port: deps.updates ? deps.updates.createPort(updateLog) : null,
      // The policy's mode arrives through the settings (a locked field); its feed does not,
      // since no one else may set it.
      mode: settings.get().updates,
      feedUrl: deps.adminPolicy?.policy?.updateUrl ?? null,
      firstCheckDelayMs: deps.updates?.firstCheckDelayMs,
      onChange: (view) => {
        this.deps.emit('update:changed', view);
        this.trayChanged();
      },
      notify: (n) => this.deps.notify.show(n),
      language: () => this.language(),
      log: updateLog,
    });
  }

  static async start(deps: AppServiceDeps): Promise<AppService> {
    const clock = deps.clock ?? systemClock;
    let vault: TokenVault | null = null;
    let proxyVault: ProxyCredentialVault | null = null;
    const log = createLogger({
      dir: path.join(deps.dataDir, 'logs'),
      secrets: () => [
        ...(vault?.secretsForRedaction() ?? []),
        ...(proxyVault?.secretsForRedaction() ?? []),
      ],
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
    proxyVault = new ProxyCredentialVault({
      file: path.join(deps.dataDir, 'proxy-auth.bin'),
      encryptor: deps.encryptor,
      // Kept like the token: the same standing choice about weak storage applies.
      acceptWeak: () => settings.get().acceptWeakTokenStorage,
      log: log.child('proxy credentials'),
    });
    const s = settings.get();
    const history = await EventHistory.open({
      dir: path.join(deps.dataDir, 'history'),
      clock,
      maxEvents: s.history.maxEvents,
      maxAgeDays: s.history.maxAgeDays,
      log: log.child('history'),
    });
    const app = new AppService(deps, history, settings, vault, proxyVault, log);
    settings.onChange((next) => app.settingsChanged(next));
    log.info(`started: data in ${deps.dataDir}`);
    await app.link.connect();
    app.updates.start();
    return app;
  }

  // ---- events ----------------------------------------------------------------------------

  private received(batch: EventMessage[], frames: readonly Uint8Array[]) {
    const now = this.clock.now();
    const entries = this.history.append(batch, now, frames);
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
    this.updates.setMode(next.updates);
    this.vault.reconsiderStorage();
    this.proxyVault.reconsiderStorage();
    this.history.setLimits(next.history.maxEvents, next.history.maxAgeDays);
    this.emitSettings();
    this.trayChanged(); // the tray speaks the language setting
  }

  private emitSettings() {
    this.deps.emit('settings:changed', {
      settings: this.settings.get(),
      locks: this.settings.locks(),
      token: this.vault.status(),
      proxyAuth: this.proxyVault.status(),
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
      await this.link.connect();
    } else if (JSON.stringify(after.subscriptions) !== JSON.stringify(before.subscriptions)) {
      this.link.setSubscriptions(after.subscriptions);
    }
    if (
      after.proxyMode !== before.proxyMode ||
      after.proxyUrl !== before.proxyUrl ||
      after.extraCaFile !== before.extraCaFile
    ) {
      // The route and the trust are read at every attempt; try the new way now.
      this.log.info(
        `network: ${this.network.describe()[0]}; extra CA file: ${after.extraCaFile || 'none'}`,
      );
      this.link.reconnectNow();
    }
    if (after.startAtLogin !== before.startAtLogin && this.deps.setStartAtLogin) {
      await this.deps.setStartAtLogin(after.startAtLogin);
    }
    this.link.refreshView();
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
    await this.link.connect();
    this.emitSettings();
    this.link.refreshView();
    return status;
  }

  /** Proxy credentials from the settings form: stored, then a new attempt that uses them. */
  private setProxyAuth(input: ProxyCredentials & { acceptWeakStorage?: boolean }) {
    const { acceptWeakStorage, ...credentials } = input;
    if (acceptWeakStorage && !this.settings.get().acceptWeakTokenStorage) {
      this.settings.update({ acceptWeakTokenStorage: true });
    }
    const status = this.proxyVault.set(credentials, { acceptWeakStorage });
    this.log.info(`proxy credentials stored (${status.stored ? status.storage : 'not stored'})`);
    this.emitSettings();
    this.link.reconnectNow();
    return status;
  }

  private clearProxyAuth() {
    const status = this.proxyVault.clear();
    this.log.info('proxy credentials cleared');
    this.emitSettings();
    this.link.reconnectNow();
    return status;
  }

  private async clearToken() {
    const status = this.vault.clear();
    this.log.info('token cleared');
    // A real server now has no token: the link stays closed and says "sign-in needed".
    if (this.settings.get().serverUrl !== '') await this.link.connect();
    this.emitSettings();
    this.link.refreshView();
    return status;
  }

  // ---- the contract ----------------------------------------------------------------------

  snapshot(): Snapshot {
    return {
      connection: this.link.view(),
      settings: this.settings.get(),
      locks: this.settings.locks(),
      token: this.vault.status(),
      proxyAuth: this.proxyVault.status(),
      subscriptions: this.link.subscriptions(),
      unread: this.history.unreadCount(),
      snoozedUntil: this.notifier.snoozedUntil(),
      notices: [...this.notices],
      platform: this.deps.platform ?? process.platform,
      version: this.deps.version ?? '0.0.0',
    };
  }

  diagnostics(): Diagnostics {
    return {
      connection: this.link.view(),
      stats: this.link.stats(),
      subscriptions: this.link.subscriptions(),
      stateHistory: this.link.stateHistory(),
      logLines: this.log.recent(200),
      historyInfo: this.history.info(),
      network: this.network.describe(),
    };
  }

  /** "Test connection": an empty URL means the demo server, which is tested like any other. */
  private testConnection(input: {
    url: string;
    authMethod: Settings['authMethod'];
    token?: string;
  }) {
    const demo = this.link.demoTarget();
    if (input.url.trim() === '' && demo) {
      return this.deps.probe({ url: demo.url, authMethod: 'header', token: demo.token });
    }
    return this.deps.probe({
      url: input.url,
      authMethod: input.authMethod,
      token: input.token ?? this.storedTokenForProbe(input.url),
      network: this.network,
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
    this.link.reconnectNow();
  }

  /** resume from sleep, network change */
  nudge() {
    this.link.nudge();
    this.updates.nudge();
  }

  /** The tray's update item: restart into a downloaded update, or download one. */
  updateNow() {
    this.updates.act();
  }

  about(): AboutInfo {
    return {
      name: 'Katya Desktop',
      version: this.deps.version ?? '0.0.0',
      platform: this.deps.platform ?? process.platform,
      arch: process.arch,
      versions: this.deps.runtime ?? {
        electron: null,
        chromium: null,
        node: process.versions.node,
      },
      update: this.updates.view(),
    };
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

  /** Our words outside the window (notifications, the tray) follow the window's language. */
  private language() {
    const systemLocale =
      this.deps.systemLanguage ?? (() => Intl.DateTimeFormat().resolvedOptions().locale);
    return resolveLanguage(this.settings.get().language, [systemLocale()]);
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
      connection: this.link.view(),
      unread: this.history.unreadCount(),
      unreadAlerts: alerts.total,
      snoozedUntil: this.notifier.snoozedUntil(),
      now,
      formatTime,
      language: this.language(),
      update: this.updates.view(),
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
      'proxyAuth:set': (input) => this.setProxyAuth(input),
      'proxyAuth:clear': () => this.clearProxyAuth(),
      'connection:reconnectNow': () => this.reconnectNow(),
      'connection:test': (input) => this.testConnection(input),
      'notifications:snooze': (choice) => ({ snoozedUntil: this.snooze(choice) }),
      'diagnostics:get': () => this.diagnostics(),
      'diagnostics:copy': () =>
        // The log is already redacted; the rest is redacted again as a belt-and-braces measure.
        this.log.redact(
          diagnosticsText(this.diagnostics(), {
            version: this.deps.version ?? '',
            platform: this.deps.platform ?? process.platform,
          }),
        ),
      'app:about': () => this.about(),
      // The outcome of a check or a download arrives as update:changed; the window does not wait.
      'update:check': () => {
        void this.updates.checkNow();
        return this.updates.view();
      },
      'update:download': () => {
        void this.updates.download();
        return this.updates.view();
      },
      'update:install': () => this.updates.install(),
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
    // The link first: a gap it still holds goes into the history before that closes.
    await this.link.stop();
    this.updates.stop();
    this.lifetime.close();
    this.notifier.dispose();
    await this.history.close();
    this.log.info('stopped');
  }
}
