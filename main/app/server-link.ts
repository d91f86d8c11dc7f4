// One server as the app follows it: the connection engine built for the current settings (or
// the built-in demo server), the token bound to that server, and what the connection means to
// a person: its state in words, since when, the changes seen, and the gaps in the feed. The app
// model (app-service.ts) decides what to do with the events and the changes this reports.
import { ConnectionEngine } from '../core/connection/engine';
import type {
  ConnectionOptions,
  ConnectionState,
  ConnectionStats,
  Gap,
  SubscriptionStatus,
} from '../core/connection/types';
import type { Clock } from '../core/clock';
import type { EventMessage } from '../core/common/protocol';
import type { ServerSettings, Subscriptions } from '../core/common/settings-schema';
import { DEFAULT_SUBSCRIPTIONS } from '../core/common/settings-schema';
import type { ConnectionView, StateChange } from '../core/common/views';
import { connectionView, OFFLINE_AFTER_MS } from '../core/connection-view';
import { Disposer } from '../core/disposer';
import type { TimerSlot } from '../core/disposer';
import type { ScopedLog } from '../core/log/scoped';
import type { TokenVault } from '../core/vault/token-vault';
import type { NetworkOptions } from '../core/net/route-agent';

export interface DemoServer {
  url: string;
  token: string;
  stop(): Promise<void>;
}

/** What the link reports; each is called synchronously, in the order things happened. */
export interface ServerLinkEvents {
  state(state: ConnectionState): void;
  /** events as received, in batches; a gap before them has been reported first */
  events(batch: EventMessage[], frames: readonly string[]): void;
  /** each event the moment it is accepted, ahead of its batch (see ConnectionEvents.event) */
  event(event: EventMessage): void;
  /** a disconnected period, once it has settled (see gapSettleMs) */
  gap(gap: Gap): void;
  subscriptions(statuses: SubscriptionStatus[]): void;
  /** the connection reads differently to a person (phase, since, retry time, server) */
  view(view: ConnectionView): void;
}

export interface ServerLinkDeps {
  clock: Clock;
  log: ScopedLog;
  /** this server's token, bound to its origin */
  vault: TokenVault;
  /** the server as configured now; null: the built-in demo server */
  server: () => ServerSettings | null;
  /** starts the built-in demo server; null where demo mode is not offered */
  startDemo: (() => Promise<DemoServer>) | null;
  /** how long a connection must stay up before a gap is shown on its own (default 5 s) */
  gapSettleMs?: number;
  /**
   * the proxy and the trusted certificates for a configured server; the built-in demo server
   * listens on loopback and is always reached directly
   */
  network?: NetworkOptions;
  /** engine timings for tests */
  connection?: Partial<
    Pick<ConnectionOptions, 'livenessTimeoutMs' | 'backoff' | 'batch' | 'random'>
  >;
  on: ServerLinkEvents;
}

const STATE_HISTORY = 50;
const GAP_SETTLE_MS = 5_000;

const NO_STATS: ConnectionStats = {
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

export class ServerLink {
  readonly #deps: ServerLinkDeps;
  readonly #clock: Clock;
  #engine: ConnectionEngine | null = null;
  /** the engine's listeners and its token binding, released when the engine is dropped */
  readonly #engineScope = new Disposer();
  /** the link's own timers, released at stop() */
  readonly #lifetime = new Disposer();
  readonly #offlineTimer: TimerSlot;
  readonly #gapTimer: TimerSlot;
  #demo: DemoServer | null = null;
  #demoStarting: Promise<void> | null = null;
  #generation = 0;
  #stopped = false;

  #state: ConnectionState;
  #disconnectedSince: number | null = null;
  /** the same moment on the monotonic clock, which decides when "reconnecting" is "offline" */
  #disconnectedMono: number | null = null;
  #lastView: ConnectionView | null = null;
  readonly #history: StateChange[] = [];
  #heldGap: Gap | null = null;

  constructor(deps: ServerLinkDeps) {
    this.#deps = deps;
    this.#clock = deps.clock;
    this.#offlineTimer = this.#lifetime.timer(this.#clock);
    this.#gapTimer = this.#lifetime.timer(this.#clock);
    this.#state = { state: 'closed', since: this.#clock.now() };
  }

  // ---- connecting -----------------------------------------------------------------------

  /** (Re)build the connection for the current settings: the demo server or the configured one. */
  async connect(): Promise<void> {
    // Settings, tokens and "Reconnect now" can each ask for a new connection while an earlier
    // request still waits for the demo server; only the newest request may build an engine.
    const generation = ++this.#generation;
    const current = () => !this.#stopped && generation === this.#generation;
    this.#dropEngine();
    const s = this.#deps.server();
    if (s === null) {
      if (!this.#deps.startDemo) {
        this.#setState({ state: 'closed', since: this.#clock.now() });
        return;
      }
      if (!this.#demo) {
        this.#demoStarting ??= this.#deps
          .startDemo()
          .then((d) => {
            this.#demo = d;
            this.#deps.log.info(`demo server listening on ${d.url}`);
          })
          .finally(() => (this.#demoStarting = null));
        await this.#demoStarting;
      }
      if (!current() || this.#deps.server() !== null || !this.#demo) return;
      const engine = this.#buildEngine(this.#demo.url, 'header', {});
      engine.setToken(this.#demo.token);
      engine.start();
      return;
    }
    await this.#stopDemo();
    if (!current()) return;
    if (!s.enabled) {
      this.#setState({ state: 'closed', since: this.#clock.now() });
      return;
    }
    const engine = this.#buildEngine(s.url, s.authMethod, this.#deps.network ?? {});
    if (!this.#deps.vault.usableFor(s.url)) {
      this.#setState({ state: 'closed', since: this.#clock.now() });
      return;
    }
    // The vault hands the token to the engine and to nobody else, and only for the server it
    // was entered for: were the window ever compromised, a changed server URL gets no token.
    this.#engineScope.add(this.#deps.vault.bind(engine, s.url));
    engine.start();
  }

  reconnectNow(): void {
    if (this.#engine) this.#engine.reconnectNow();
    else
      this.connect().catch((err: Error) =>
        this.#deps.log.error(`reconnect failed: ${err.message}`),
      );
  }

  /** resume from sleep, network change */
  nudge(): void {
    this.#engine?.nudge();
  }

  setSubscriptions(desired: Subscriptions): void {
    this.#engine?.setSubscriptions(desired);
  }

  /** The demo server, for "Test connection" of an empty URL; null when not in demo mode. */
  demoTarget(): { url: string; token: string } | null {
    return this.#demo ? { url: this.#demo.url, token: this.#demo.token } : null;
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#dropEngine();
    this.#commitGap();
    this.#lifetime.close();
    await this.#stopDemo();
  }

  // ---- reading --------------------------------------------------------------------------

  view(): ConnectionView {
    const s = this.#deps.server();
    const demo = this.#isDemo();
    const url = s?.url ?? '';
    return connectionView({
      state: this.#state,
      disconnectedSince: this.#disconnectedSince,
      lostForMs:
        this.#disconnectedMono === null ? null : this.#clock.monotonic() - this.#disconnectedMono,
      serverUrl: demo ? (this.#demo?.url ?? '') : url,
      demo,
      // a server switched off reads as paused, token or not
      missingToken: !demo && s?.enabled === true && !this.#deps.vault.usableFor(url),
      missingTokenReason: this.#missingTokenReason(),
    });
  }

  /** The last phase changes, oldest first, for diagnostics. */
  stateHistory(): StateChange[] {
    return [...this.#history];
  }

  stats(): ConnectionStats {
    return this.#engine?.getStats() ?? { ...NO_STATS };
  }

  subscriptions(): SubscriptionStatus[] {
    return this.#engine?.getSubscriptions() ?? [];
  }

  /** Look at the view again (settings or the token changed what it says). */
  refreshView(): void {
    const v = this.view();
    const last = this.#lastView;
    this.#lastView = v;
    if (
      last &&
      last.phase === v.phase &&
      last.since === v.since &&
      last.retryAt === v.retryAt &&
      last.demo === v.demo &&
      last.serverUrl === v.serverUrl &&
      last.lastError === v.lastError
    )
      return;
    if (!last || last.phase !== v.phase) {
      this.#history.push({ at: this.#clock.now(), phase: v.phase, detail: v.lastError });
      if (this.#history.length > STATE_HISTORY) this.#history.shift();
      this.#deps.log.info(`connection: ${v.phase}${v.lastError ? ` (${v.lastError})` : ''}`);
    }
    this.#deps.on.view(v);
  }

  // ---- inside ---------------------------------------------------------------------------

  #isDemo(): boolean {
    return this.#deps.server() === null && this.#deps.startDemo !== null;
  }

  #missingTokenReason(): string | undefined {
    const vault = this.#deps.vault;
    if (!vault.status().stored) return undefined;
    return vault.boundTo() === null
      ? "the stored token's server is not known; enter the token again"
      : 'the stored token was entered for another server; enter it again';
  }

  #buildEngine(
    url: string,
    authMethod: ServerSettings['authMethod'],
    network: NetworkOptions,
  ): ConnectionEngine {
    const on = this.#deps.on;
    const log = this.#deps.log;
    const engine = new ConnectionEngine({
      url,
      authMethod,
      subscriptions: this.#deps.server()?.subscriptions ?? DEFAULT_SUBSCRIPTIONS,
      clock: this.#clock,
      log: (level, message) => log[level](message),
      network,
      ...this.#deps.connection,
    });
    this.#engine = engine;
    for (const off of [
      engine.on('state', (st) => this.#setState(st)),
      engine.on('events', (batch, frames) => {
        this.#commitGap();
        on.events(batch, frames);
      }),
      engine.on('event', (event) => on.event(event)),
      engine.on('gap', (gap) => this.#holdGap(gap)),
      engine.on('subscriptions', (subs) => on.subscriptions(subs)),
      engine.on('protocolError', (e) =>
        log.warn(
          `server error ${e.code}: ${e.message}${e.channel ? ` (channel ${e.channel})` : ''}${e.event ? ` (event ${e.event})` : ''}`,
        ),
      ),
    ]) {
      this.#engineScope.add(off);
    }
    return engine;
  }

  #dropEngine(): void {
    this.#engineScope.dispose();
    this.#engine?.stop();
    this.#engine = null;
    this.#disconnectedSince = null;
    this.#disconnectedMono = null;
  }

  async #stopDemo(): Promise<void> {
    if (this.#demoStarting) await this.#demoStarting.catch(() => undefined);
    const d = this.#demo;
    this.#demo = null;
    if (d) {
      await d.stop();
      this.#deps.log.info('demo server stopped');
    }
  }

  #setState(st: ConnectionState): void {
    const prev = this.#state;
    this.#state = st;
    if (st.state === 'open') {
      this.#disconnectedSince = null;
      this.#disconnectedMono = null;
    } else if (prev.state === 'open') {
      this.#disconnectedSince = st.since;
      this.#disconnectedMono = this.#clock.monotonic();
    }
    this.#deps.on.state(st);
    this.#offlineTimer.clear();
    if (st.state === 'reconnecting' && this.#disconnectedMono !== null) {
      // "offline since" follows from time alone: look again when two minutes have passed.
      const due = this.#disconnectedMono + OFFLINE_AFTER_MS - this.#clock.monotonic();
      this.#offlineTimer.set(() => this.refreshView(), Math.max(0, due) + 10);
    }
    this.refreshView();
  }

  /**
   * A server that flaps (accepts, then drops) would put a marker per flap in the feed. Gaps
   * are held until the connection has stayed up for a while or an event arrives, and gaps
   * that follow each other with nothing in between become one.
   */
  #holdGap(gap: Gap): void {
    const held = this.#heldGap;
    this.#heldGap = held
      ? { start: Math.min(held.start, gap.start), end: Math.max(held.end, gap.end) }
      : gap;
    this.#gapTimer.set(() => this.#commitGap(), this.#deps.gapSettleMs ?? GAP_SETTLE_MS);
  }

  #commitGap(): void {
    this.#gapTimer.clear();
    const gap = this.#heldGap;
    this.#heldGap = null;
    if (gap) this.#deps.on.gap(gap);
  }
}
