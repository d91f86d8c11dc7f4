// The connection engine: one reconnecting WebSocket to a Katya server, exactly as
// docs/protocol.md describes it. The desktop app, the browser preview and `katya tail` all
// run this class; see README.md in this folder for its states, options and guarantees.
//
// Shape of the code: every socket gets listeners that first check "am I still the current
// socket?", so a socket we have given up on can never change state again. All waiting is done
// with the injected Clock and every deadline is re-checked against clock.monotonic(), because
// timers fire late after a laptop sleeps and the wall clock can be stepped. Wall time
// (clock.now()) is only for what people read: state changes, gaps, retry times.
import WebSocket from 'ws';
import type { RawData } from 'ws';
import type { IncomingMessage } from 'node:http';
import {
  CLOSE_CODES,
  ERROR_CODES,
  channelOf,
  isEventType,
  parseServerMessage,
  validateServerUrl,
} from '../common/protocol';
import type { AuthMethod, ClientMessage, EventMessage, ServerMessage } from '../common/protocol';
import { systemClock } from '../clock';
import { redact as redactSecrets } from '../log/redact';
import type { Clock, TimerHandle } from '../clock';
import { DEFAULT_BACKOFF, backoffDelay } from './backoff';
import type { BackoffPolicy } from './backoff';
import { Batcher, DEFAULT_BATCH } from './batcher';
import type { BatchOptions } from './batcher';
import { DEFAULT_DEDUPE_WINDOW, IdWindow } from './dedupe';
import { WebSocketStats } from './stats';
import { RouteAgent, isNetworkProblem } from '../net/route-agent';
import type { NetworkOptions, RouteStage } from '../net/route-agent';
import { describeChoice } from '../common/network';
import type { ConnectionProblem } from '../common/network';
import { SubscriptionLedger } from './subscriptions';
import type {
  ConnectionEvents,
  ConnectionOptions,
  ConnectionState,
  ConnectionStats,
  DesiredSubscriptions,
  LogSink,
  SubscriptionStatus,
} from './types';

export const DEFAULTS = {
  authMethod: 'header' as AuthMethod,
  livenessTimeoutMs: 45_000,
  maxFrameBytes: 1024 * 1024,
  authMessageTimeoutMs: 10_000,
  connectTimeoutMs: 30_000,
  probeTimeoutMs: 10_000,
  dedupeWindow: DEFAULT_DEDUPE_WINDOW,
  backoff: DEFAULT_BACKOFF,
  batch: DEFAULT_BATCH,
} as const;

/** Where the current socket is: handshake, waiting for the auth response, or usable. */
type SocketPhase = 'connecting' | 'authenticating' | 'open';

/**
 * How a socket ended: retry with backoff (with the proxy or certificate problem behind it, if
 * that was the cause), or stop until the user gives a new token.
 */
type Outcome =
  { retry: true; reason: string; problem?: ConnectionProblem } | { retry: false; reason: string };

type ListenerSets = { [K in keyof ConnectionEvents]: Set<ConnectionEvents[K]> };

interface PendingPing {
  sentAt: number;
  resolve: (rttMs: number) => void;
  reject: (err: Error) => void;
}

const AUTH_HTTP_STATUSES = new Set([401, 403]);
/** Invalid frames are logged one by one up to this count per connection, then sampled. */
const INVALID_LOG_LIMIT = 10;

function positive(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

function checkedUrl(input: string): URL {
  // String(): a caller in plain JS (a config file) may hand over anything.
  const result = validateServerUrl(String(input));
  if (!result.ok) throw new Error(`Invalid Katya server URL: ${result.error}`);
  return result.url;
}

function checkedAuthMethod(method: AuthMethod | undefined): AuthMethod {
  if (method === undefined) return DEFAULTS.authMethod;
  if (method !== 'header' && method !== 'query' && method !== 'message') {
    throw new Error(
      `Unknown authentication method "${String(method)}"; use header, query or message`,
    );
  }
  return method;
}

/** A frame's payload as one Buffer (ws hands over a Buffer unless told otherwise). */
function frameBytes(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

export class ConnectionEngine {
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly logSink: LogSink | undefined;
  private readonly livenessTimeoutMs: number;
  private readonly maxFrameBytes: number;
  private readonly authMessageTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly probeTimeoutMs: number;
  private readonly backoffPolicy: BackoffPolicy;
  private readonly network: NetworkOptions;
  /** the route of the last attempt, in words: logged when it changes */
  private lastRouteText: string | null = null;

  private url: URL;
  private authMethod: AuthMethod;
  private token: string | undefined;

  private running = false;
  private state: ConnectionState;
  private readonly listeners: ListenerSets = {
    state: new Set(),
    events: new Set(),
    event: new Set(),
    gap: new Set(),
    subscriptions: new Set(),
    protocolError: new Set(),
  };

  private socket: WebSocket | null = null;
  private phase: SocketPhase | null = null;
  private connectStartedAt = 0;
  private openedAt = 0;
  private lastInboundAt = 0;
  private authRequestId: string | null = null;
  private authDeadline: number | null = null;
  private probe: { deadline: number; framesAtSend: number } | null = null;
  private watchdog: TimerHandle | undefined;
  /** the socket 'error' that precedes its 'close', kept to explain the close */
  private lastSocketError: string | null = null;
  /** the proxy or certificate problem behind lastSocketError, when it was one */
  private lastSocketProblem: ConnectionProblem | null = null;

  /** failed attempts since the last connection that stayed up for backoff.resetAfterMs */
  private attempt = 0;
  private attemptsSinceStart = 0;
  private retryTimer: TimerHandle | undefined;
  /** when the last open connection was lost: the start of a gap not yet reported */
  private lostAt: number | null = null;

  private readonly pings = new Map<string, PendingPing>();
  private requestCounter = 1;
  private invalidThisConnection = 0;

  private readonly stats: WebSocketStats;
  private readonly dedupe: IdWindow;
  private readonly batcher: Batcher<EventMessage>;
  /** the frame of each event in the batcher, in the same order (see ConnectionEvents) */
  private batchFrames: string[] = [];
  private readonly ledger: SubscriptionLedger;

  constructor(options: ConnectionOptions) {
    if (!options || typeof options !== 'object') throw new Error('ConnectionEngine needs options');
    this.url = checkedUrl(options.url);
    this.authMethod = checkedAuthMethod(options.authMethod);
    this.token = options.token || undefined;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.logSink = options.log;
    this.network = options.network ?? {};
    this.livenessTimeoutMs = positive(options.livenessTimeoutMs, DEFAULTS.livenessTimeoutMs);
    this.maxFrameBytes = positive(options.maxFrameBytes, DEFAULTS.maxFrameBytes);
    this.authMessageTimeoutMs = positive(
      options.authMessageTimeoutMs,
      DEFAULTS.authMessageTimeoutMs,
    );
    this.connectTimeoutMs = positive(options.connectTimeoutMs, DEFAULTS.connectTimeoutMs);
    this.probeTimeoutMs = positive(options.probeTimeoutMs, DEFAULTS.probeTimeoutMs);
    this.backoffPolicy = {
      minMs: positive(options.backoff?.minMs, DEFAULTS.backoff.minMs),
      maxMs: positive(options.backoff?.maxMs, DEFAULTS.backoff.maxMs),
      resetAfterMs: positive(options.backoff?.resetAfterMs, DEFAULTS.backoff.resetAfterMs),
    };
    const batch: BatchOptions = {
      maxDelayMs: Math.max(0, options.batch?.maxDelayMs ?? DEFAULTS.batch.maxDelayMs),
      maxSize: Math.max(1, Math.floor(options.batch?.maxSize ?? DEFAULTS.batch.maxSize)),
    };
    this.dedupe = new IdWindow(
      Math.max(1, Math.floor(options.dedupeWindow ?? DEFAULTS.dedupeWindow)),
    );
    this.stats = new WebSocketStats(this.clock);
    this.batcher = new Batcher(this.clock, batch, (events) => {
      const frames = this.batchFrames;
      this.batchFrames = [];
      this.emit('events', events, frames);
    });
    this.ledger = new SubscriptionLedger(options.subscriptions);
    this.state = { state: 'closed', since: this.clock.now() };
  }

  // ---- public API ----------------------------------------------------------------------

  /** Begin connecting. Calling it again while running does nothing. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.attempt = 0;
    this.attemptsSinceStart = 0;
    this.connect();
  }

  /** Close the socket (1000) and stay closed until start(). */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.clearRetryTimer();
    this.dropSocket({ code: CLOSE_CODES.NORMAL, reason: 'client stopped' });
    this.setState({ state: 'closed', since: this.clock.now() });
  }

  /** A new token: leaves auth_failed and reconnects; a changed token reconnects at once. */
  setToken(token: string | undefined): void {
    const next = token || undefined;
    const changed = next !== this.token;
    this.token = next;
    if (!this.running) return;
    if (this.state.state === 'auth_failed' || changed) {
      // A new token may carry other permissions: ask again for names rejected before.
      this.ledger.clearRejections();
      this.restart('new token');
    }
  }

  /** Switch to another server (and optionally another auth method); throws on a bad URL. */
  setUrl(url: string, authMethod?: AuthMethod): void {
    const parsed = checkedUrl(url);
    const method = authMethod === undefined ? this.authMethod : checkedAuthMethod(authMethod);
    this.url = parsed;
    this.authMethod = method;
    // Another server: its rejections, ids and outages are not this one's.
    this.ledger.clearRejections();
    this.dedupe.clear();
    if (!this.running) {
      this.lostAt = null;
      return;
    }
    this.restart('server changed');
    this.lostAt = null;
  }

  /** Apply a new desired set: as a diff now when open, else in full on the next connect. */
  setSubscriptions(desired: DesiredSubscriptions): void {
    if (!desired || typeof desired !== 'object') return;
    if (!this.ledger.setDesired(desired)) return;
    if (this.phase === 'open') this.sendSubscriptionDiff();
    this.emit('subscriptions', this.ledger.statuses());
  }

  /**
   * Resume from sleep or a network change: while waiting to retry, retry now; while
   * connected, check the deadline against the clock and probe the socket with a ping.
   */
  nudge(): void {
    if (!this.running) return;
    if (this.state.state === 'reconnecting') {
      this.clearRetryTimer();
      this.connect();
      return;
    }
    if (!this.socket) return;
    if (this.checkDeadlines()) return;
    if (this.phase === 'open' && !this.probe) {
      this.probe = {
        deadline: this.clock.monotonic() + this.probeTimeoutMs,
        framesAtSend: this.stats.messagesReceived,
      };
      // Stryker disable next-line StringLiteral,UpdateOperator: any frame after the probe answers it (checkDeadlines), so its id is never matched; it only must not be a ping()'s
      this.send({ type: 'ping', id: `probe-${this.requestCounter++}` });
      this.armWatchdog();
    }
  }

  /** The user asked: forget the backoff and connect now (also from auth_failed or closed). */
  reconnectNow(): void {
    if (!this.running) {
      this.start();
      return;
    }
    if (this.phase === 'connecting' || this.phase === 'authenticating') return;
    this.restart('reconnect requested');
  }

  /** Measure the round trip with a client ping; rejects when not connected or on loss. */
  ping(): Promise<number> {
    if (!this.socket || this.phase !== 'open') {
      return Promise.reject(new Error('not connected'));
    }
    // Stryker disable next-line UpdateOperator: ids only need to be unique, and counting down gives unique ids too
    const id = `ping-${this.requestCounter++}`;
    return new Promise<number>((resolve, reject) => {
      this.pings.set(id, { sentAt: this.clock.monotonic(), resolve, reject });
      this.send({ type: 'ping', id });
    });
  }

  getState(): ConnectionState {
    return { ...this.state };
  }

  getStats(): ConnectionStats {
    return this.stats.getStats();
  }

  getSubscriptions(): SubscriptionStatus[] {
    return this.ledger.statuses();
  }

  on<K extends keyof ConnectionEvents>(event: K, listener: ConnectionEvents[K]): () => void {
    const set = this.listeners[event] as Set<ConnectionEvents[K]>;
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  // ---- connecting ----------------------------------------------------------------------

  private connect(): void {
    this.clearRetryTimer();
    if (!this.running || this.socket) return;
    if (!this.token) {
      this.enterAuthFailed('no access token is set');
      return;
    }
    // eslint-disable-next-line no-control-regex -- control characters are exactly the point
    if (/[\u0000-\u001f\u007f]/.test(this.token)) {
      // A header or URL cannot carry it, and retrying would fail the same way forever.
      this.enterAuthFailed('the token contains control characters; paste it again');
      return;
    }
    // An HTTP header carries Latin-1 at most: a token with, say, a zero-width space pasted
    // from a web page would fail every upgrade the same way, forever.
    if (this.authMethod === 'header' && /[^\t\u0020-\u007e\u0080-\u00ff]/.test(this.token)) {
      this.enterAuthFailed('the token contains characters a header cannot carry; paste it again');
      return;
    }
    if (this.attemptsSinceStart++ > 0) this.stats.reconnects++;

    this.phase = 'connecting';
    this.connectStartedAt = this.clock.monotonic();
    this.invalidThisConnection = 0;
    this.ledger.resetConnection();
    this.setState({ state: 'connecting', since: this.clock.now() });
    this.log('info', `connecting to ${this.safeUrl()} (auth: ${this.authMethod})`);

    const target = new URL(this.url);
    if (this.authMethod === 'query') target.searchParams.set('token', this.token);
    const headers: Record<string, string> = {};
    if (this.authMethod === 'header') headers.Authorization = `Bearer ${this.token}`;

    let ws: WebSocket;
    try {
      // The agent finds the way (proxy or not) and makes the TLS connection for every attempt;
      // it is given the URL without the token, so a PAC file or a proxy log never sees it.
      const agent = new RouteAgent(new URL(this.url), this.network, (stage) =>
        this.onRouteStage(stage),
      );
      ws = new WebSocket(target, { headers, maxPayload: this.maxFrameBytes, agent });
    } catch (err) {
      // Should not happen for a validated URL; still, never throw out of a timer.
      this.phase = null;
      this.stats.onError();
      this.scheduleRetry(this.describe(err));
      return;
    }
    this.socket = ws;
    ws.on('open', () => this.onOpen(ws));
    ws.on('message', (data, isBinary) => this.onFrame(ws, data, isBinary));
    ws.on('error', (err) => this.onSocketError(ws, err));
    ws.on('close', (code, reason) => this.onClose(ws, code, reason));
    ws.on('unexpected-response', (_req, res) => this.onUnexpectedResponse(ws, res));
    // WebSocket-level ping/pong control frames are signs of life too.
    ws.on('ping', () => this.onControlFrame(ws));
    ws.on('pong', () => this.onControlFrame(ws));
    this.armWatchdog();
  }

  private onOpen(ws: WebSocket): void {
    if (ws !== this.socket) return;
    this.lastInboundAt = this.clock.monotonic();
    if (this.authMethod === 'message' && this.token) {
      this.phase = 'authenticating';
      // Stryker disable next-line UpdateOperator: ids only need to be unique, and counting down gives unique ids too
      this.authRequestId = `auth-${this.requestCounter++}`;
      this.authDeadline = this.clock.monotonic() + this.authMessageTimeoutMs;
      this.send({ type: 'auth', id: this.authRequestId, token: this.token });
      this.armWatchdog();
    } else {
      this.becomeOpen();
    }
  }

  private becomeOpen(): void {
    const now = this.clock.now();
    this.phase = 'open';
    this.authDeadline = null;
    this.authRequestId = null;
    this.openedAt = this.clock.monotonic();
    this.stats.onConnect();
    if (this.lostAt !== null) {
      const gap = { start: this.lostAt, end: now };
      this.lostAt = null;
      this.emit('gap', gap);
    }
    this.setState({ state: 'open', since: now });
    this.log('info', `connected to ${this.safeUrl()}`);
    this.sendSubscriptionDiff();
    this.emit('subscriptions', this.ledger.statuses());
    this.armWatchdog();
  }

  private restart(reason: string): void {
    this.clearRetryTimer();
    this.attempt = 0;
    this.log('info', `reconnecting: ${reason}`);
    this.dropSocket({ code: CLOSE_CODES.NORMAL, reason });
    this.connect();
  }

  // ---- inbound -------------------------------------------------------------------------

  private onFrame(ws: WebSocket, data: RawData, isBinary: boolean): void {
    if (ws !== this.socket) return;
    this.lastInboundAt = this.clock.monotonic();
    this.stats.onMessage('incoming');
    if (isBinary) {
      this.dropInvalid('binary frame (the protocol is JSON text)');
      return;
    }
    let text: string;
    let parsed: ReturnType<typeof parseServerMessage>;
    try {
      text = frameBytes(data).toString('utf8');
      parsed = parseServerMessage(text);
    } catch (err) {
      this.dropInvalid(this.describe(err));
      return;
    }
    if (!parsed.ok) {
      this.dropInvalid(parsed.reason);
      return;
    }
    try {
      this.handleMessage(ws, parsed.message, text);
    } catch (err) {
      // Our own bug on odd input must cost one message, never the connection or the process.
      this.stats.onError();
      this.log('error', `failed to handle a ${parsed.message.type} message: ${this.describe(err)}`);
    }
  }

  private handleMessage(ws: WebSocket, msg: ServerMessage, frame: string): void {
    switch (msg.type) {
      case 'ping':
        // Answered before anything else, so a flood of events never delays a pong.
        this.send(msg.id !== undefined ? { type: 'pong', id: msg.id } : { type: 'pong' });
        this.stats.onPing();
        return;
      case 'pong':
        this.onPong(msg.data?.requestId, msg.id);
        return;
      case 'event':
        this.onEvent(msg, frame);
        return;
      case 'response':
        this.onResponse(msg.data);
        return;
      case 'error':
        this.onServerError(ws, msg.data);
        return;
    }
  }

  private onRouteStage(stage: RouteStage): void {
    if (stage.stage !== 'route') return;
    const choice = stage.route.choices[0];
    const text = `${choice ? describeChoice(choice) : 'direct (no proxy)'} (${stage.route.source})`;
    if (text === this.lastRouteText) return;
    this.lastRouteText = text;
    this.log('info', `route to ${this.safeUrl()}: ${text}`);
  }

  private onControlFrame(ws: WebSocket): void {
    if (ws === this.socket) this.lastInboundAt = this.clock.monotonic();
  }

  private onEvent(msg: EventMessage, frame: string): void {
    if (!isEventType(msg.event)) {
      this.dropInvalid(`unknown event type "${msg.event.slice(0, 64)}"`);
      return;
    }
    if (this.dedupe.seen(msg.id)) {
      this.stats.duplicatesDropped++;
      return;
    }
    // The catalogue, not the server, says which channel an event type belongs to. Set in
    // place: parseServerMessage built `msg` for this frame alone, so no copy per event.
    msg.channel = channelOf(msg.event);
    // Decisions that cannot wait for the batch window (notifications) hear of it now.
    // Stryker disable next-line ConditionalExpression,EqualityOperator: a shortcut for the flood only; emitting to no listeners does nothing
    if (this.listeners.event.size > 0) this.emit('event', msg);
    // Before push(), which may deliver the batch at once.
    this.batchFrames.push(frame);
    this.batcher.push(msg);
  }

  private onPong(requestId: unknown, id: string | undefined): void {
    this.stats.onPing();
    const key = typeof requestId === 'string' ? requestId : id;
    let entry = key !== undefined ? this.pings.get(key) : undefined;
    let entryKey = key;
    if (!entry && key === undefined) {
      // A server that does not echo ids: answer the oldest outstanding ping.
      const first = this.pings.entries().next();
      if (!first.done) [entryKey, entry] = first.value;
    }
    if (!entry || entryKey === undefined) return;
    this.pings.delete(entryKey);
    const rtt = Math.max(0, this.clock.monotonic() - entry.sentAt);
    this.stats.rttMs = rtt;
    entry.resolve(rtt);
  }

  private onResponse(data: {
    action?: string;
    requestId?: string;
    channels?: string[];
    events?: string[];
  }): void {
    const isAuth =
      data.action === 'auth' ||
      (this.authRequestId !== null && data.requestId === this.authRequestId);
    if (isAuth) {
      if (this.phase === 'authenticating') this.becomeOpen();
      return;
    }
    if (this.ledger.onResponse(data)) this.emit('subscriptions', this.ledger.statuses());
  }

  private onServerError(
    ws: WebSocket,
    data: {
      code: string;
      message?: string;
      channel?: string;
      event?: string;
      requestId?: string;
    },
  ): void {
    this.stats.onError();
    // The server's words are redacted once, here: a server that quotes the token back must not
    // get it shown in the window, diagnostics, the log or `katya tail`, which all read these.
    const said = (text: string | undefined) => (text === undefined ? undefined : this.redact(text));
    const info = {
      code: said(data.code)!,
      message: said(data.message) ?? '',
      ...(data.channel !== undefined && { channel: said(data.channel) }),
      ...(data.event !== undefined && { event: said(data.event) }),
      ...(data.requestId !== undefined && { requestId: data.requestId }),
    };
    this.log('warn', `server error ${info.code}: ${info.message}`);
    this.emit('protocolError', info);
    switch (data.code) {
      case ERROR_CODES.BAD_TOKEN:
        this.socketLost(ws, {
          retry: false,
          reason: info.message || 'the server rejected the token (4001)',
        });
        return;
      case ERROR_CODES.NO_PERMISSION:
      case ERROR_CODES.SUBSCRIPTION_LIMIT:
      case ERROR_CODES.UNKNOWN_NAME:
        if (this.ledger.onError(info)) this.emit('subscriptions', this.ledger.statuses());
        return;
      default:
        // 4003 is our bug (logged above); 5001/5002 are followed by the server's close,
        // which leads to backoff. Unknown codes change nothing.
        return;
    }
  }

  private dropInvalid(reason: string): void {
    this.stats.invalidDropped++;
    const n = ++this.invalidThisConnection;
    if (n <= INVALID_LOG_LIMIT || n % 1000 === 0) {
      this.log('warn', `dropped an invalid frame (${n} on this connection): ${reason}`);
    }
  }

  // ---- losing the socket ---------------------------------------------------------------

  private onSocketError(ws: WebSocket, err: Error): void {
    if (ws !== this.socket) return;
    // 'close' follows every 'error'; remember why for the state and the log.
    this.stats.onError();
    this.lastSocketError = this.describe(err);
    this.lastSocketProblem = isNetworkProblem(err) ? err.problem : null;
    this.log('warn', `socket error: ${this.lastSocketError}`);
  }

  private onClose(ws: WebSocket, code: number, reasonBuffer: Buffer): void {
    if (ws !== this.socket) return;
    const reason = this.redact(reasonBuffer.toString('utf8')).slice(0, 200);
    if (code === CLOSE_CODES.AUTH_FAILED) {
      this.socketLost(ws, {
        retry: false,
        reason: reason || 'the server rejected the token (close 4001)',
      });
      return;
    }
    const why =
      this.lastSocketError ??
      (code === 1006
        ? 'connection lost'
        : `closed by the server (${code}${reason ? `: ${reason}` : ''})`);
    if (code !== CLOSE_CODES.NORMAL && this.lastSocketError === null) this.stats.onError();
    const problem = this.lastSocketProblem;
    this.socketLost(ws, { retry: true, reason: why, ...(problem && { problem }) });
  }

  private onUnexpectedResponse(ws: WebSocket, res: IncomingMessage): void {
    const status = res.statusCode ?? 0;
    res.resume();
    if (ws !== this.socket) return;
    this.stats.onError();
    if (AUTH_HTTP_STATUSES.has(status)) {
      this.socketLost(ws, {
        retry: false,
        reason: `the server refused the token (HTTP ${status})`,
      });
    } else {
      this.socketLost(ws, { retry: true, reason: `the server answered HTTP ${status}` });
    }
  }

  /** The current socket is gone: clean up, then back off or wait for a new token. */
  private socketLost(ws: WebSocket, outcome: Outcome): void {
    if (ws !== this.socket) return;
    const wasOpen = this.phase === 'open';
    const stableFor = this.clock.monotonic() - this.openedAt;
    this.dropSocket('terminate');
    if (wasOpen && stableFor >= this.backoffPolicy.resetAfterMs) this.attempt = 0;
    if (!this.running) return;
    if (outcome.retry) {
      // A refused certificate or proxy backs off like any network fault: it may be fixed on
      // the other side (a renewed certificate, a restarted proxy), and a tight loop helps no one.
      this.scheduleRetry(outcome.reason, outcome.problem);
    } else {
      this.enterAuthFailed(outcome.reason);
    }
  }

  /**
   * Forget the current socket (its listeners go quiet) and close it. Delivers pending events
   * first, so nothing received is lost, and marks the start of a gap if it was open.
   */
  private dropSocket(how: 'terminate' | { code: number; reason: string }): void {
    const ws = this.socket;
    if (!ws) return;
    const wasOpen = this.phase === 'open';
    // Forget the socket first, so a listener that re-enters the engine during the flush
    // below cannot drop it a second time.
    this.socket = null;
    this.phase = null;
    this.batcher.flush();
    this.authDeadline = null;
    this.authRequestId = null;
    this.probe = null;
    this.lastSocketError = null;
    this.lastSocketProblem = null;
    this.clock.clearTimeout(this.watchdog);
    this.watchdog = undefined;
    if (wasOpen) {
      this.lostAt = this.clock.now();
      this.stats.onDisconnect();
    }
    for (const [, p] of this.pings) p.reject(new Error('connection closed'));
    this.pings.clear();
    const hadActive = this.ledger.statuses().some((s) => s.status === 'active');
    this.ledger.resetConnection();
    if (hadActive) this.emit('subscriptions', this.ledger.statuses());
    try {
      if (how === 'terminate' || ws.readyState !== WebSocket.OPEN) ws.terminate();
      else ws.close(how.code, how.reason);
    } catch (err) {
      this.log('debug', `closing the socket: ${this.describe(err)}`);
    }
  }

  private scheduleRetry(reason: string, problem?: ConnectionProblem): void {
    this.clearRetryTimer();
    const delayMs = backoffDelay(this.attempt, this.random, this.backoffPolicy);
    this.attempt++;
    const now = this.clock.now();
    this.setState({
      state: 'reconnecting',
      since: now,
      attempt: this.attempt,
      delayMs,
      retryAt: now + delayMs,
      lastError: reason,
      ...(problem && { problem }),
    });
    this.log('info', `retry ${this.attempt} in ${delayMs} ms: ${reason}`);
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = undefined;
      this.connect();
    }, delayMs);
  }

  private enterAuthFailed(reason: string): void {
    this.clearRetryTimer();
    this.attempt = 0;
    // The reason first: after "token:" the redactor would take its first word for a secret.
    this.log('warn', `authentication failed (${reason}); waiting for a new token`);
    this.setState({ state: 'auth_failed', since: this.clock.now(), reason });
  }

  private clearRetryTimer(): void {
    if (this.retryTimer === undefined) return;
    this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  // ---- deadlines -----------------------------------------------------------------------

  /** The one watchdog timer: wakes at the earliest deadline, which is then re-checked. */
  private armWatchdog(): void {
    this.clock.clearTimeout(this.watchdog);
    this.watchdog = undefined;
    if (!this.socket || !this.phase) return;
    let deadline: number;
    if (this.phase === 'connecting') {
      deadline = this.connectStartedAt + this.connectTimeoutMs;
    } else {
      deadline = this.lastInboundAt + this.livenessTimeoutMs;
      if (this.authDeadline !== null) deadline = Math.min(deadline, this.authDeadline);
      if (this.probe) deadline = Math.min(deadline, this.probe.deadline);
    }
    const wait = Math.max(0, deadline - this.clock.monotonic());
    this.watchdog = this.clock.setTimeout(() => {
      this.watchdog = undefined;
      this.checkDeadlines();
    }, wait);
  }

  /** Drop the socket if a deadline has passed (monotonic time); returns true if it did. */
  private checkDeadlines(): boolean {
    const ws = this.socket;
    if (!ws || !this.phase) return false;
    const now = this.clock.monotonic();
    if (this.probe && this.stats.messagesReceived > this.probe.framesAtSend) this.probe = null;
    let reason: string | null = null;
    if (this.phase === 'connecting') {
      if (now - this.connectStartedAt >= this.connectTimeoutMs) {
        reason = `no answer from the server within ${this.connectTimeoutMs / 1000} s`;
      }
    } else if (now - this.lastInboundAt >= this.livenessTimeoutMs) {
      reason = `nothing received for ${Math.round((now - this.lastInboundAt) / 1000)} s`;
    } else if (this.authDeadline !== null && now >= this.authDeadline) {
      reason = `the server did not confirm authentication within ${this.authMessageTimeoutMs / 1000} s`;
    } else if (this.probe && now >= this.probe.deadline) {
      reason = `no answer to a ping within ${this.probeTimeoutMs / 1000} s`;
    }
    if (reason === null) {
      this.armWatchdog();
      return false;
    }
    this.log('warn', `dropping the connection: ${reason}`);
    this.stats.onError();
    this.socketLost(ws, { retry: true, reason });
    return true;
  }

  // ---- plumbing ------------------------------------------------------------------------

  private sendSubscriptionDiff(): void {
    for (const req of this.ledger.diff()) this.send(req);
  }

  private send(msg: ClientMessage): void {
    const ws = this.socket;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    try {
      ws.send(JSON.stringify(msg), (err) => {
        if (err) this.log('debug', `send failed: ${this.describe(err)}`);
      });
      this.stats.onMessage('outgoing');
    } catch (err) {
      this.log('warn', `send failed: ${this.describe(err)}`);
    }
  }

  private setState(next: ConnectionState): void {
    this.state = next;
    this.emit('state', { ...next });
  }

  private emit<K extends keyof ConnectionEvents>(
    event: K,
    ...args: Parameters<ConnectionEvents[K]>
  ): void {
    for (const listener of [...this.listeners[event]]) {
      try {
        (listener as (...a: Parameters<ConnectionEvents[K]>) => void)(...args);
      } catch (err) {
        // A consumer's bug must not break the connection.
        this.log('error', `a '${event}' listener threw: ${this.describe(err)}`);
      }
    }
  }

  private log(level: Parameters<LogSink>[0], message: string): void {
    if (!this.logSink) return;
    try {
      this.logSink(level, this.redact(message));
    } catch {
      // Logging must never be the thing that fails.
    }
  }

  /** Never let the token reach a log line, a state message or anything the server said. */
  private redact(text: string): string {
    // Stryker disable next-line ArrayDeclaration: without a token the list names nothing to hide; a made-up entry hides only text the engine never writes
    return redactSecrets(text, this.token ? [this.token] : []);
  }

  private describe(err: unknown): string {
    const message = err instanceof Error ? err.message : String(err);
    return this.redact(message);
  }

  private safeUrl(): string {
    return `${this.url.protocol}//${this.url.host}${this.url.pathname}`;
  }
}
