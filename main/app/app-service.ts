// The app's model: builds the core services (settings, token vault, history, notifier, log,
// connection engine) and answers the IPC contract. The Electron shell and the browser preview
// both run this same object; they differ only in the sinks they pass in (native or in-page
// notifications, IPC or a loopback bridge, electron-store or conf, safeStorage or a test key).
import path from 'node:path';
import { systemClock } from '../core/clock';
import type { Clock } from '../core/clock';
import type { ConnectionOptions } from '../core/connection/types';
import { createLogger } from '../core/log/logger';
import type { Logger } from '../core/log/logger';
import { fileSnoozeStore } from '../core/notify/snooze-store';
import type { NotificationRequest } from '../core/notify/policy';
import type { EventMessage } from '../core/common/protocol';
import { SettingsService } from '../core/settings/settings';
import type { AdminPolicy, SettingsBackend } from '../core/settings/settings';
import type { ServerSettings, Settings, SettingsPatch } from '../core/common/settings-schema';
import { trayState, worstConnection } from '../core/tray-state';
import { resolveLanguage } from '../core/common/messages';
import type { TrayState } from '../core/tray-state';
import type { Encryptor } from '../core/vault/token-vault';
import type {
  ConnectionView,
  Diagnostics,
  FeedEntry,
  FeedEvent,
  ServerDiagnostics,
  ServerView,
  ShownNotification,
  Snapshot,
  SnoozeChoice,
  TestResult,
} from '../core/common/views';
import {
  queryMergedFeed,
  splitFeedKey,
  toFeedEntry,
  toFeedEvent,
} from '../core/history/merged-feed';
import { DEMO_SLOT, ServerSlot } from './server-slot';
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
import type { SystemProxy } from './network';
import type { DemoServer } from './server-link';
import type { TimerSlot } from '../core/disposer';
import { isDeepStrictEqual } from 'node:util';

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
    authMethod: ServerSettings['authMethod'];
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
  /** how long a server's history waits at most for its connection before being read (1 s) */
  historyReadDeadlineMs?: number;
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

/** entries per 'feed:added' when the events held before a history's read are sent on */
const HELD_BATCH = 500;

export class AppService {
  readonly log: Logger;
  private readonly clock: Clock;
  private readonly settings: SettingsService;
  /** one per server followed, in the user's order; the demo's alone when none is configured */
  private slots: ServerSlot[] = [];
  /** tokens of servers removed this session: log lines written before still get redacted */
  private readonly retiredSecrets = new Set<string>();
  /** settings changes reach the slots one at a time, in order */
  private syncing: Promise<void> = Promise.resolve();
  private readonly snoozes: ReturnType<typeof fileSnoozeStore>;
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
  /** Intl's idea of this machine's locale: building a formatter to ask costs ICU work */
  private intlLocale: string | null = null;

  private constructor(
    private readonly deps: AppServiceDeps,
    settings: SettingsService,
    private readonly proxyVault: ProxyCredentialVault,
    log: Logger,
  ) {
    this.clock = deps.clock ?? systemClock;
    this.metricsTimer = this.lifetime.timer(this.clock);
    this.settings = settings;
    this.log = log;
    this.snoozes = fileSnoozeStore(path.join(deps.dataDir, 'snooze.json'), log.child('snooze'));
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
    let app: AppService | null = null;
    let proxyVault: ProxyCredentialVault | null = null;
    const log = createLogger({
      dir: path.join(deps.dataDir, 'logs'),
      secrets: () => [...(app?.tokenSecrets() ?? []), ...(proxyVault?.secretsForRedaction() ?? [])],
      echo: deps.logEcho,
    });
    const settings = new SettingsService({
      backend: deps.settingsBackend,
      policy: deps.adminPolicy?.policy ?? null,
      policyError: deps.adminPolicy?.error,
      log: log.child('settings'),
    });
    proxyVault = new ProxyCredentialVault({
      file: path.join(deps.dataDir, 'proxy-auth.bin'),
      encryptor: deps.encryptor,
      // Kept like the token: the same standing choice about weak storage applies.
      acceptWeak: () => settings.get().acceptWeakTokenStorage,
      log: log.child('proxy credentials'),
    });
    app = new AppService(deps, settings, proxyVault, log);
    settings.onChange((next) => app.settingsChanged(next));
    log.info(`started: data in ${deps.dataDir}`);
    await app.syncSlots();
    app.updates.start();
    return app;
  }

  // ---- servers ---------------------------------------------------------------------------

  /** The slots the settings call for: each listed server, or the demo when there is none. */
  private wantedSlots(s: Settings): string[] {
    return s.servers.length ? s.servers.map((server) => server.id) : [DEMO_SLOT];
  }

  /**
   * Make the slots agree with the settings: open the new servers' (and connect them), close and
   * wipe the removed ones', keep the order. Runs one at a time, in the order of the changes.
   */
  private syncSlots(): Promise<void> {
    const run = this.syncing.then(async () => {
      if (this.stopped) return;
      const wanted = this.wantedSlots(this.settings.get());
      const kept = new Map(this.slots.map((slot) => [slot.id, slot]));
      const next: ServerSlot[] = [];
      const opened: ServerSlot[] = [];
      for (const id of wanted) {
        let slot = kept.get(id);
        if (slot) kept.delete(id);
        else {
          slot = this.openSlot(id);
          opened.push(slot);
        }
        next.push(slot);
      }
      this.slots = next;
      for (const gone of kept.values()) {
        for (const secret of gone.vault.secretsForRedaction()) this.retiredSecrets.add(secret);
        // The demo's data is the profile's own; a removed server's goes with it.
        if (gone.id === DEMO_SLOT) await gone.close();
        else {
          this.log.info(`server ${gone.id} removed: its token and history are wiped`);
          await gone.wipe();
        }
      }
      for (const slot of opened) await slot.link.connect();
      if (opened.length || kept.size) this.serversChanged();
    });
    this.syncing = run.catch((err: Error) => this.log.error(`servers: ${err.message}`));
    return run;
  }

  private openSlot(id: string): ServerSlot {
    const deps = this.deps;
    return new ServerSlot({
      id,
      dataDir: deps.dataDir,
      clock: this.clock,
      log: this.log,
      encryptor: deps.encryptor,
      settings: () => this.settings.get(),
      startDemo: deps.startDemo,
      systemProxy: deps.systemProxy ?? null,
      proxyCredentials: () => this.proxyVault.credentials(),
      language: () => this.language(),
      // A snooze is a promise to the user: it outlives a restart, and covers every server.
      snoozedUntil: this.snoozes.read(this.clock.now()),
      gapSettleMs: deps.gapSettleMs,
      historyReadDeadlineMs: deps.historyReadDeadlineMs,
      connection: deps.connection,
      on: {
        events: (slot, batch, frames) => this.received(slot, batch, frames),
        gap: (_slot, gap) => this.pushEntries([gap]),
        historyLoaded: (slot, held) => {
          // In batches no larger than the engine's: a flood held through a slow read must
          // not become one message of tens of thousands of entries.
          for (let i = 0; i < held.length; i += HELD_BATCH) {
            const batch = held.slice(i, i + HELD_BATCH);
            this.deps.emit(
              'feed:added',
              batch.map((e) => toFeedEntry(slot.id, e)),
            );
          }
          // The unread counts on disk are known now.
          this.unreadChanged();
          this.serversChanged();
        },
        subscriptions: (slot, subs) => {
          if (slot === this.slots[0]) this.deps.emit('subscriptions:changed', subs);
          this.serversChanged();
        },
        view: () => this.serversChanged(),
        notify: (slot, n) => this.showNotification(slot, n),
        withdraw: (_slot, id) => deps.notify.withdraw(id),
        snoozeChange: () => {
          this.unreadChanged();
          this.serversChanged();
        },
      },
    });
  }

  private slot(id: string | undefined): ServerSlot | null {
    if (id === undefined) return this.slots[0] ?? null;
    return this.slots.find((slot) => slot.id === id) ?? null;
  }

  /** The slot of a configured server, or an error the window shows as it is. */
  private configuredSlot(id: string | undefined): ServerSlot {
    const slot = this.slot(id);
    if (!slot || slot.id === DEMO_SLOT) {
      throw new Error(
        id === undefined ? 'add a server first: no server is configured' : `no server "${id}"`,
      );
    }
    return slot;
  }

  private tokenSecrets(): string[] {
    return [
      ...this.retiredSecrets,
      ...this.slots.flatMap((slot) => slot.vault.secretsForRedaction()),
    ];
  }

  private serverViews(): ServerView[] {
    return this.slots.map((slot) => ({
      id: slot.id,
      name: slot.name(),
      connection: slot.link.view(),
      token: slot.vault.status(),
      unread: slot.history.unreadCount(),
      snoozedUntil: slot.notifier.snoozedUntil(),
      subscriptions: slot.link.subscriptions(),
    }));
  }

  /** The connection that needs the user most: the status bar and the tray show it. */
  private summaryView(): ConnectionView {
    return (
      worstConnection(this.slots.map((slot) => slot.link.view())) ?? {
        phase: 'paused',
        since: this.clock.now(),
        retryAt: null,
        attempt: 0,
        lastError: null,
        serverUrl: '',
        demo: false,
      }
    );
  }

  private serversChanged() {
    this.deps.emit('connection:changed', this.summaryView());
    this.deps.emit('servers:changed', this.serverViews());
    this.trayChanged();
  }

  // ---- events ----------------------------------------------------------------------------

  private received(slot: ServerSlot, batch: EventMessage[], frames: readonly string[]) {
    const now = this.clock.now();
    const entries = slot.history.append(batch, now, frames);
    if (slot.metrics.add(batch, now)) this.metricsChanged();
    this.pushEntries(entries.map((e) => toFeedEntry(slot.id, e)));
  }

  private pushEntries(entries: FeedEntry[]) {
    if (entries.length === 0) return;
    this.deps.emit('feed:added', entries);
    this.unreadChanged();
  }

  /** Metrics change with every event in a flood; the window needs them at most once a second. */
  private metricsChanged() {
    this.metricsTimer.setIfIdle(() => this.deps.emit('metrics:changed', this.metricsList()), 1000);
  }

  /** Every server's metrics, each series naming the server it came from. */
  private metricsList() {
    return this.slots.flatMap((slot) =>
      slot.metrics.list().map((series) => ({ ...series, source: slot.id })),
    );
  }

  private unread(): number {
    return this.slots.reduce((sum, slot) => sum + slot.history.unreadCount(), 0);
  }

  /**
   * Until when every server is snoozed (the tray's and the status bar's "snoozed"): the earliest
   * end, or null while any server is not. Each server's own is in ServerView.
   */
  private snoozedUntil(): number | null {
    let until: number | null = null;
    for (const slot of this.slots) {
      const own = slot.notifier.snoozedUntil();
      if (own === null) return null;
      until = until === null ? own : Math.min(until, own);
    }
    return until;
  }

  private unreadChanged() {
    this.deps.emit('unread:changed', {
      unread: this.unread(),
      snoozedUntil: this.snoozedUntil(),
      servers: this.slots.map((slot) => ({ id: slot.id, unread: slot.history.unreadCount() })),
    });
    this.trayChanged();
  }

  private showNotification(slot: ServerSlot, n: NotificationRequest) {
    const { kind: _kind, channel: _channel, ...shown } = n;
    // With several servers, the title says which one: "Production: Security alert".
    if (this.settings.get().servers.length > 1) shown.title = `${slot.name()}: ${shown.title}`;
    // Shown before the log line, whose write to disk is synchronous.
    this.deps.notify.show(shown);
    this.log.info(`notification: ${shown.title}`);
  }

  // ---- settings and token ----------------------------------------------------------------

  private settingsChanged(next: Settings) {
    for (const slot of this.slots) slot.settingsChanged(next);
    this.updates.setMode(next.updates);
    this.proxyVault.reconsiderStorage();
    this.emitSettings();
    this.trayChanged(); // the tray speaks the language setting
  }

  private emitSettings() {
    this.deps.emit('settings:changed', {
      settings: this.settings.get(),
      locks: this.settings.locks(),
      token: this.firstToken(),
      proxyAuth: this.proxyVault.status(),
    });
  }

  private firstToken() {
    const first = this.slots[0];
    return first && first.id !== DEMO_SLOT
      ? first.vault.status()
      : ({ stored: false, reason: 'none' } as const);
  }

  private async updateSettings(patch: SettingsPatch) {
    const before = this.settings.get();
    const result = this.settings.update(patch);
    if (!result.ok) return result;
    const after = result.settings;
    await this.syncSlots();
    const was = new Map(before.servers.map((server) => [server.id, server]));
    const networkChanged =
      after.proxyMode !== before.proxyMode ||
      after.proxyUrl !== before.proxyUrl ||
      after.extraCaFile !== before.extraCaFile;
    if (networkChanged) {
      this.log.info(
        `network: proxy ${after.proxyMode}; extra CA file: ${after.extraCaFile || 'none'}`,
      );
    }
    for (const server of after.servers) {
      const old = was.get(server.id);
      const slot = this.slot(server.id);
      if (!old || !slot) continue; // a new server: its slot connected as it opened
      if (
        old.url !== server.url ||
        old.authMethod !== server.authMethod ||
        old.enabled !== server.enabled
      ) {
        this.log.info(
          `server ${server.id}: ${server.enabled ? `${server.url} (${server.authMethod})` : 'switched off'}`,
        );
        await slot.link.connect();
      } else if (!isDeepStrictEqual(old.subscriptions, server.subscriptions)) {
        slot.link.setSubscriptions(server.subscriptions);
      }
      // The route and the trust are read at every attempt; try the new way now.
      if (networkChanged || !isDeepStrictEqual(old.network, server.network))
        slot.link.reconnectNow();
    }
    if (networkChanged && after.servers.length === 0) this.slots[0]?.link.reconnectNow();
    if (after.startAtLogin !== before.startAtLogin && this.deps.setStartAtLogin) {
      await this.deps.setStartAtLogin(after.startAtLogin);
    }
    for (const slot of this.slots) slot.link.refreshView();
    this.serversChanged();
    return result;
  }

  private async setToken(input: { token: string; acceptWeakStorage?: boolean; server?: string }) {
    const { token, acceptWeakStorage } = input;
    // Throws when no server is set: the window shows the sentence.
    const slot = this.configuredSlot(input.server);
    if (acceptWeakStorage && !this.settings.get().acceptWeakTokenStorage) {
      this.settings.update({ acceptWeakTokenStorage: true });
    }
    const serverUrl = slot.settings()!.url;
    const status = slot.vault.set(token, { serverUrl, acceptWeakStorage });
    this.log.info(
      `token stored for ${slot.name()} (${status.stored ? status.storage : 'not stored'})`,
    );
    await slot.link.connect();
    this.emitSettings();
    slot.link.refreshView();
    this.serversChanged();
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
    for (const slot of this.slots) slot.link.reconnectNow();
    return status;
  }

  private clearProxyAuth() {
    const status = this.proxyVault.clear();
    this.log.info('proxy credentials cleared');
    this.emitSettings();
    for (const slot of this.slots) slot.link.reconnectNow();
    return status;
  }

  private async clearToken(input?: { server?: string }) {
    const slot = this.slot(input?.server);
    if (!slot || slot.id === DEMO_SLOT) return { stored: false } as const;
    const status = slot.vault.clear();
    this.log.info(`token cleared for ${slot.name()}`);
    // The server now has no token: the link stays closed and says "sign-in needed".
    await slot.link.connect();
    this.emitSettings();
    slot.link.refreshView();
    this.serversChanged();
    return status;
  }

  // ---- the contract ----------------------------------------------------------------------

  snapshot(): Snapshot {
    return {
      connection: this.summaryView(),
      servers: this.serverViews(),
      settings: this.settings.get(),
      locks: this.settings.locks(),
      token: this.firstToken(),
      proxyAuth: this.proxyVault.status(),
      subscriptions: this.slots[0]?.link.subscriptions() ?? [],
      unread: this.unread(),
      snoozedUntil: this.snoozedUntil(),
      notices: [...this.notices],
      platform: this.deps.platform ?? process.platform,
      version: this.deps.version ?? '0.0.0',
    };
  }

  private serverDiagnostics(slot: ServerSlot): ServerDiagnostics {
    return {
      id: slot.id,
      name: slot.name(),
      connection: slot.link.view(),
      stats: slot.link.stats(),
      subscriptions: slot.link.subscriptions(),
      stateHistory: slot.link.stateHistory(),
      historyInfo: slot.history.info(),
      network: slot.network.describe(),
    };
  }

  diagnostics(): Diagnostics {
    const servers = this.slots.map((slot) => this.serverDiagnostics(slot));
    const first = servers[0]!;
    return {
      connection: first.connection,
      stats: first.stats,
      subscriptions: first.subscriptions,
      stateHistory: first.stateHistory,
      logLines: this.log.recent(200),
      historyInfo: first.historyInfo,
      network: first.network,
      servers,
    };
  }

  /** "Test connection": an empty URL means the demo server, which is tested like any other. */
  private testConnection(input: {
    url: string;
    authMethod: ServerSettings['authMethod'];
    token?: string;
    server?: string;
  }) {
    const demo = this.slot(DEMO_SLOT)?.link.demoTarget();
    if (input.url.trim() === '' && demo) {
      return this.deps.probe({ url: demo.url, authMethod: 'header', token: demo.token });
    }
    const slot = this.slot(input.server) ?? this.slots[0]!;
    return this.deps.probe({
      url: input.url,
      authMethod: input.authMethod,
      token: input.token ?? this.storedTokenForProbe(slot, input.url),
      network: slot.network,
    });
  }

  /**
   * "Test connection" is a connection attempt like the engine's, so it gets the stored token
   * through the vault's one exit (bind), used and dropped at once; the vault hands it over only
   * when `url` is the server the token was entered for.
   */
  private storedTokenForProbe(slot: ServerSlot, url: string): string | undefined {
    let token: string | undefined;
    slot.vault.bind({ setToken: (t) => (token = t) }, url)();
    return token;
  }

  /**
   * Snooze every server, or one ("Snooze Staging"). Ending the snooze of every server ends each
   * server's own as well: "Resume notifications" means all of them.
   */
  snooze(choice: SnoozeChoice, server?: string): number | null {
    const slots = server === undefined ? this.slots : this.slots.filter((s) => s.id === server);
    if (server !== undefined && slots.length === 0) throw new Error(`no server "${server}"`);
    let until: number | null = null;
    for (const slot of slots) until = slot.notifier.snooze(choice);
    // The file of everyone's snooze is what a server added later starts from. Once one server's
    // snooze is changed on its own, "everyone's" no longer holds; each server keeps its own file.
    this.snoozes.write(server === undefined ? until : null);
    const who = server === undefined ? '' : ` (${slots[0]!.name()})`;
    this.log.info(
      until ? `snoozed until ${new Date(until).toISOString()}${who}` : `snooze ended${who}`,
    );
    this.unreadChanged();
    this.serversChanged();
    return until;
  }

  /** "Reconnect now": one server's, or every server's. */
  reconnectNow(server?: string) {
    for (const slot of this.slots)
      if (server === undefined || slot.id === server) slot.link.reconnectNow();
  }

  /** resume from sleep, network change */
  nudge() {
    for (const slot of this.slots) slot.link.nudge();
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
    this.windowComing();
  }

  /**
   * A window is loading and will ask for the feed first thing: read the histories now, while
   * it loads, rather than when it asks.
   */
  windowComing() {
    void this.historiesRead();
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
    const system = this.deps.systemLanguage
      ? this.deps.systemLanguage()
      : (this.intlLocale ??= Intl.DateTimeFormat().resolvedOptions().locale);
    return resolveLanguage(this.settings.get().language, [system]);
  }

  trayState(formatTime: (ms: number) => string): TrayState {
    const now = this.clock.now();
    let unreadAlerts = 0;
    for (const slot of this.slots) {
      unreadAlerts += slot.history.query({
        channels: ['security'],
        severities: ['high', 'critical'],
        unreadOnly: true,
        limit: 1,
      }).total;
    }
    const several = this.settings.get().servers.length > 1;
    return trayState({
      connection: this.summaryView(),
      servers: several
        ? this.slots.map((slot) => ({
            id: slot.id,
            name: slot.name(),
            connection: slot.link.view(),
          }))
        : [],
      unread: this.unread(),
      unreadAlerts,
      snoozedUntil: this.snoozedUntil(),
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

  /** One event of the feed by its feed id (server/event id). */
  private feedEvent(key: string): FeedEvent | null {
    const where = splitFeedKey(key);
    const slot = where && this.slot(where.server);
    const event = slot ? slot.history.get(where.id) : null;
    return event && slot ? toFeedEvent(slot.id, event) : null;
  }

  /** Every server's history with its file read: what a question about the feed waits for. */
  private async historiesRead(): Promise<void> {
    // Servers added meanwhile come with unread histories: wait for the list that is current.
    for (;;) {
      const slots = this.slots;
      await Promise.all(slots.map((slot) => slot.historyReady()));
      if (slots === this.slots) return;
    }
  }

  /** Mark events read by their feed ids, each in its own server's history. */
  private markRead(keys: readonly string[]) {
    const byServer = new Map<string, string[]>();
    for (const key of keys) {
      const where = splitFeedKey(key);
      if (!where) continue;
      const ids = byServer.get(where.server) ?? [];
      ids.push(where.id);
      byServer.set(where.server, ids);
    }
    for (const [server, ids] of byServer) this.slot(server)?.history.markRead(ids);
  }

  readonly handlers: Handlers = {
    invoke: {
      'app:snapshot': () => this.snapshot(),
      'feed:query': async (q) => {
        await this.historiesRead();
        return queryMergedFeed(
          this.slots.map((slot) => ({ server: slot.id, history: slot.history })),
          q,
        );
      },
      'feed:get': async (id) => {
        await this.historiesRead();
        return this.feedEvent(id);
      },
      'feed:markRead': async (ids) => {
        await this.historiesRead();
        this.markRead(ids);
        this.unreadChanged();
        return { unread: this.unread() };
      },
      'feed:markAllRead': async () => {
        await this.historiesRead();
        for (const slot of this.slots) slot.history.markAllRead();
        this.unreadChanged();
        return { unread: this.unread() };
      },
      'metrics:list': () => this.metricsList(),
      'settings:update': (patch) => this.updateSettings(patch),
      'token:set': (input) => this.setToken(input),
      'token:clear': (input) => this.clearToken(input),
      'proxyAuth:set': (input) => this.setProxyAuth(input),
      'proxyAuth:clear': () => this.clearProxyAuth(),
      'connection:reconnectNow': (input) => this.reconnectNow(input?.server),
      'connection:test': (input) => this.testConnection(input),
      'notifications:snooze': (choice, which) => ({
        snoozedUntil: this.snooze(choice, which?.server),
      }),
      // The history's figures count only once its file is read.
      'diagnostics:get': async () => {
        await this.historiesRead();
        return this.diagnostics();
      },
      'diagnostics:copy': async () => {
        await this.historiesRead();
        // The log is already redacted; the rest is redacted again as a belt-and-braces measure.
        return this.log.redact(
          diagnosticsText(this.diagnostics(), {
            version: this.deps.version ?? '',
            platform: this.deps.platform ?? process.platform,
          }),
        );
      },
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
        this.markRead([id]);
        this.unreadChanged();
      },
    },
  };

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.syncing;
    this.updates.stop();
    this.lifetime.close();
    for (const slot of this.slots) await slot.close();
    this.log.info('stopped');
  }
}
