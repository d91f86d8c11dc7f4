// The reference Katya server: the whole protocol of docs/protocol.md on one port, WebSocket at
// /v1/ws and a small HTTP API beside it (GET /healthz, POST /v1/events). It serves the app's
// demo mode (in-process, on loopback), every test that needs a real server, `katya server`,
// and anyone building a client against Katya.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { WebSocketServer, WebSocket } from 'ws';
import type { RawData } from 'ws';
import {
  CLOSE_CODES,
  ERROR_CODES,
  channelOf,
  clientMessageSchema,
  isEventType,
} from '../core/common/protocol';
import type { Channel, EventMessage, EventType } from '../core/common/protocol';
import { createAuthThrottle } from './auth-throttle';
import type { AuthThrottleOptions } from './auth-throttle';
import { createDemoGenerator } from './demo';
import { handleHttpRequest, remoteAddress, requestTarget } from './http';
import type { SignIn } from './http';
import {
  EMPTY_SUBSCRIPTIONS,
  applySubscriptionRequest,
  pruneToGrant,
  wants,
} from './subscriptions';
import type { Rejection, SubscriptionSet } from './subscriptions';
import { findGrant, generateDemoToken, grantTable, mayRead } from './tokens';
import type { GrantTable, ResolvedGrant, TokenGrant } from './tokens';

export type { TokenGrant } from './tokens';

export interface KatyaServerOptions {
  /** default 127.0.0.1 */
  host?: string;
  /** default 0: a free port */
  port?: number;
  /** default: one generated demo token with every right (see `demoToken`) */
  tokens?: TokenGrant[];
  /** channels plus event types per connection; default 10 */
  maxSubscriptions?: number;
  /** default 30 000 ms; a client that leaves two pings unanswered is closed with 1001 */
  pingIntervalMs?: number;
  /** demo events per second, default 0 here (the CLI defaults to 2); 0 turns the generator off */
  demoRate?: number;
  /** how long a connection may stay unauthenticated; default 10 000 ms */
  authTimeoutMs?: number;
  /**
   * After an error that ends a connection (bad or revoked token, authentication timeout,
   * 5001/5002), how long the server keeps it open, ignoring the client, before it closes;
   * default 1000 ms (docs/protocol.md, "Endpoint and authentication")
   */
  closeGraceMs?: number;
  /**
   * Failed sign-ins per address: by default 5 within 60 s block the address for 60 s, and at
   * most 10 000 addresses are remembered (see auth-throttle.ts)
   */
  authThrottle?: Omit<AuthThrottleOptions, 'now'>;
  /** one line per notable happening (connections, closes, publishes); never contains tokens */
  log?: (line: string) => void;
}

export interface KatyaServer {
  /** ws://HOST:PORT/v1/ws */
  url: string;
  /** http://HOST:PORT */
  httpUrl: string;
  port: number;
  /** the generated token when no tokens were given, else null */
  demoToken: string | null;
  /** deliver an event to every subscriber, as POST /v1/events does */
  publish(event: EventType, data: Record<string, unknown>): EventMessage;
  /** replace the grants; connections whose token is gone get error 4001 and, after the grace, close 4001 */
  setTokens(tokens: TokenGrant[]): void;
  /** error 5001/5002 to every client, then, after the grace, close 1011/1013 */
  injectFailure(code: '5001' | '5002'): void;
  /** connections open now */
  clientCount(): number;
  /** upgrades accepted since start (tests count reconnects with it) */
  connectionCount(): number;
  /** close every client with 1001 at once (graces under way included) and stop listening */
  close(): Promise<void>;
}

export const DEFAULTS = {
  host: '127.0.0.1',
  maxSubscriptions: 10,
  pingIntervalMs: 30_000,
  authTimeoutMs: 10_000,
  closeGraceMs: 1000,
  maxFrameBytes: 64 * 1024,
  maxMessagesPerSecond: 100,
  /** a client this far behind in reading is not keeping up; see `send` */
  maxBufferedBytes: 16 * 1024 * 1024,
} as const;

interface Client {
  n: number;
  ws: WebSocket;
  /** the peer's address, for the sign-in throttle */
  address: string;
  grant: ResolvedGrant | null;
  subs: SubscriptionSet;
  authTimer: NodeJS.Timeout | null;
  unansweredPings: number;
  /**
   * Arrival times (performance.now()) of the last maxMessagesPerSecond messages, in a ring
   * whose next slot holds the oldest: fixed memory per client, whatever it sends.
   */
  arrivals: Float64Array;
  nextArrival: number;
  /** nothing more is read from or sent to it: a grace or a close is under way */
  closing: boolean;
  /** the close frame went out */
  closeSent: boolean;
  /** ends the grace of an "error, then close" */
  graceTimer: NodeJS.Timeout | null;
}

type ServerMessageType = 'event' | 'response' | 'error' | 'ping' | 'pong';

/** Id prefixes, one per kind of server message, so an id says what it belongs to. */
const ID_PREFIX = {
  event: 'evt',
  response: 'rsp',
  error: 'err',
  ping: 'png',
  pong: 'pog',
} as const satisfies Record<ServerMessageType, string>;

const isoNow = () => new Date().toISOString();

export async function startKatyaServer(opts: KatyaServerOptions = {}): Promise<KatyaServer> {
  const host = opts.host ?? DEFAULTS.host;
  const maxSubscriptions = opts.maxSubscriptions ?? DEFAULTS.maxSubscriptions;
  const pingIntervalMs = opts.pingIntervalMs ?? DEFAULTS.pingIntervalMs;
  const authTimeoutMs = opts.authTimeoutMs ?? DEFAULTS.authTimeoutMs;
  const closeGraceMs = opts.closeGraceMs ?? DEFAULTS.closeGraceMs;
  const throttle = createAuthThrottle(opts.authThrottle);
  const startedAt = performance.now();
  const demoRate = opts.demoRate ?? 0;
  const log = opts.log ?? (() => {});

  let demoToken: string | null = null;
  let grants: GrantTable = new Map();
  const setGrants = (list: TokenGrant[]) => {
    grants = grantTable(list);
  };
  if (opts.tokens) {
    setGrants(opts.tokens);
  } else {
    const demo = generateDemoToken();
    demoToken = demo.token;
    setGrants([demo]);
  }

  const clients = new Set<Client>();
  let accepted = 0;
  let closed = false;
  // Message ids: the kind's prefix, a per-server random part and a counter, unique across
  // restarts of the server (the client de-duplicates events by id, and remembers ids across
  // its own restarts).
  const serverPart = randomBytes(4).toString('hex');
  let idCounter = 0;
  const newId = (type: ServerMessageType) =>
    `${ID_PREFIX[type]}_${serverPart}${(++idCounter).toString(36).padStart(6, '0')}`;

  /** The envelope every server message shares (docs/protocol.md, "Envelope"). */
  const envelope = <T extends ServerMessageType>(type: T) => ({
    type,
    id: newId(type),
    timestamp: isoNow(),
  });

  // ---- sending ------------------------------------------------------------------------

  function send(client: Client, message: object | string) {
    if (client.ws.readyState !== WebSocket.OPEN) return;
    // A client that does not read would make the server hold its events without end.
    if (client.ws.bufferedAmount > DEFAULTS.maxBufferedBytes) {
      closeClient(client, CLOSE_CODES.TRY_AGAIN_LATER, 'not reading fast enough');
      return;
    }
    client.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  function sendError(client: Client, rejection: Rejection, requestId?: string) {
    send(client, {
      ...envelope('error'),
      data: { ...rejection, ...(requestId !== undefined ? { requestId } : {}) },
    });
  }

  /** Close now: for closes that no error message announces (1001, 1008, 1013) and after a grace. */
  function closeClient(client: Client, code: number, reason: string) {
    if (client.closeSent) return;
    client.closing = true;
    client.closeSent = true;
    if (client.graceTimer) clearTimeout(client.graceTimer);
    client.graceTimer = null;
    log(`client ${client.n}: closing with ${code} (${reason})`);
    client.ws.close(code, reason);
    // Read again (a grace paused the socket) so the peer's answer to the close is seen.
    client.ws.resume();
    // A peer that never answers the close handshake is cut off, so close() cannot hang.
    setTimeout(() => client.ws.terminate(), 3000).unref();
  }

  /**
   * Send an error, then close after the grace. A client that writes before it reads (the
   * document's own Python client subscribes first) would otherwise lose the error to a closed
   * connection. During the grace the socket is paused: the client's messages are not read at
   * all, so it gets no answers, no errors and no rate-limit close, and not even the library's
   * own reactions (pongs to protocol pings, 1009 for a big frame).
   */
  function failAndClose(
    client: Client,
    rejection: Rejection,
    close: { code: number; reason: string },
    requestId?: string,
  ) {
    if (client.closing) return;
    sendError(client, rejection, requestId);
    client.closing = true;
    if (client.authTimer) clearTimeout(client.authTimer);
    client.authTimer = null;
    client.ws.pause();
    log(`client ${client.n}: error ${rejection.code}, closing in ${closeGraceMs} ms`);
    client.graceTimer = setTimeout(
      () => closeClient(client, close.code, close.reason),
      closeGraceMs,
    );
    client.graceTimer.unref();
  }

  function rejectAuth(client: Client, message: string, requestId?: string) {
    failAndClose(
      client,
      { code: ERROR_CODES.BAD_TOKEN, message },
      { code: CLOSE_CODES.AUTH_FAILED, reason: 'authentication failed' },
      requestId,
    );
  }

  /** How long a blocked address must wait, and the sentence that says so; null if it may try. */
  function throttled(address: string): { retryAfterS: number; message: string } | null {
    const waitMs = throttle.retryAfterMs(address);
    if (waitMs <= 0) return null;
    const retryAfterS = Math.ceil(waitMs / 1000);
    return {
      retryAfterS,
      message: `too many failed sign-ins from this address; try again in ${retryAfterS} s`,
    };
  }

  /**
   * Check a presented token, over WebSocket or HTTP alike: an address that failed too often
   * is refused without a look at the token, and each unknown token counts against its address.
   */
  function signIn(token: string, address: string): SignIn {
    const wait = throttled(address);
    if (wait) return { outcome: 'throttled', ...wait };
    const grant = findGrant(grants, token);
    if (grant) return { outcome: 'ok', grant };
    if (throttle.fail(address)) log(`${address}: too many failed sign-ins; refused for a while`);
    return { outcome: 'refused' };
  }

  /** Sign a connection in with a token from the upgrade or an auth message; false if refused. */
  function authenticate(client: Client, token: string, how: string, requestId?: string): boolean {
    const result = signIn(token, client.address);
    if (result.outcome === 'throttled') {
      log(`client ${client.n}: ${how} refused: too many failed sign-ins from its address`);
      rejectAuth(client, result.message, requestId);
      return false;
    }
    if (result.outcome === 'refused') {
      log(`client ${client.n}: unknown token ${how}`);
      rejectAuth(client, 'invalid or expired token', requestId);
      return false;
    }
    client.grant = result.grant;
    if (client.authTimer) clearTimeout(client.authTimer);
    client.authTimer = null;
    return true;
  }

  /** Whether a client gets an event: signed in, allowed, subscribed and not on its way out. */
  function receives(client: Client, channel: Channel, event: EventType): boolean {
    return (
      !client.closing &&
      client.grant !== null &&
      mayRead(client.grant, channel) &&
      wants(client.subs, channel, event)
    );
  }

  // ---- publishing ---------------------------------------------------------------------

  function publish(event: EventType, data: Record<string, unknown>): EventMessage {
    if (!isEventType(event)) throw new Error(`unknown event type "${String(event)}"`);
    const channel = channelOf(event);
    const message: EventMessage = {
      ...envelope('event'),
      event,
      channel,
      data,
    };
    const text = JSON.stringify(message);
    for (const client of clients) if (receives(client, channel, event)) send(client, text);
    return message;
  }

  function deliveredTo(event: EventType): number {
    const channel = channelOf(event);
    let n = 0;
    for (const c of clients) if (receives(c, channel, event)) n++;
    return n;
  }

  // ---- one client's messages ----------------------------------------------------------

  /** True when this message is the (max + 1)th within a second. */
  function overRateLimit(client: Client): boolean {
    const now = performance.now();
    const oldest = client.arrivals[client.nextArrival]!;
    client.arrivals[client.nextArrival] = now;
    client.nextArrival = (client.nextArrival + 1) % client.arrivals.length;
    return now - oldest < 1000;
  }

  function onMessage(client: Client, raw: RawData) {
    if (client.closing) return;
    if (overRateLimit(client)) {
      closeClient(
        client,
        CLOSE_CODES.POLICY,
        `more than ${DEFAULTS.maxMessagesPerSecond} messages per second`,
      );
      return;
    }
    const text = Buffer.isBuffer(raw)
      ? raw.toString('utf8')
      : Array.isArray(raw)
        ? Buffer.concat(raw).toString('utf8')
        : Buffer.from(raw).toString('utf8');

    let parsedJson: unknown;
    try {
      parsedJson = JSON.parse(text);
    } catch {
      sendError(client, { code: ERROR_CODES.MALFORMED, message: 'the message is not valid JSON' });
      return;
    }
    // The document's own examples never send ids, but some clients send numbers: accept both.
    let requestId: string | undefined;
    if (parsedJson && typeof parsedJson === 'object' && !Array.isArray(parsedJson)) {
      const id = (parsedJson as { id?: unknown }).id;
      if (typeof id === 'number' && Number.isFinite(id)) {
        (parsedJson as { id?: unknown }).id = String(id);
      }
      const fixed = (parsedJson as { id?: unknown }).id;
      if (typeof fixed === 'string' && fixed.length <= 256) requestId = fixed;
    }
    const parsed = clientMessageSchema.safeParse(parsedJson);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
      sendError(
        client,
        {
          code: ERROR_CODES.MALFORMED,
          message: `malformed message: ${where}${issue?.message ?? 'invalid'} (expected type auth, subscribe, unsubscribe, ping or pong)`,
        },
        requestId,
      );
      return;
    }
    const message = parsed.data;
    const reply = (data: Record<string, unknown>) =>
      send(client, {
        ...envelope('response'),
        data: { ...data, ...(requestId !== undefined ? { requestId } : {}) },
      });

    switch (message.type) {
      case 'ping':
        send(client, {
          ...envelope('pong'),
          ...(requestId !== undefined ? { data: { requestId } } : {}),
        });
        return;
      case 'pong':
        client.unansweredPings = 0;
        return;
      case 'auth': {
        if (!authenticate(client, message.token, 'in an auth message', requestId)) return;
        // A different valid token may read less than the one before it.
        const pruned = pruneToGrant(client.subs, client.grant!);
        client.subs = pruned.next;
        for (const r of pruned.rejections) sendError(client, r);
        log(`client ${client.n}: authenticated by message`);
        reply({ action: 'auth', status: 'ok' });
        return;
      }
      case 'subscribe':
      case 'unsubscribe': {
        if (!client.grant) {
          sendError(
            client,
            {
              code: ERROR_CODES.MALFORMED,
              message: `authenticate first: send {"type":"auth","token":"..."} within ${Math.round(authTimeoutMs / 1000)} s of connecting`,
            },
            requestId,
          );
          return;
        }
        const outcome = applySubscriptionRequest(
          client.subs,
          { action: message.type, channels: message.channels, events: message.events },
          client.grant,
          maxSubscriptions,
        );
        for (const r of outcome.rejections) sendError(client, r, requestId);
        if (!outcome.applied) return;
        client.subs = outcome.next;
        reply({
          action: message.type,
          channels: [...client.subs.channels],
          events: [...client.subs.events],
        });
        return;
      }
    }
  }

  // ---- connections --------------------------------------------------------------------

  const wss = new WebSocketServer({ noServer: true, maxPayload: DEFAULTS.maxFrameBytes });

  /** The token of an upgrade request and how it came: header, query or (later) message. */
  function tokenFromUpgrade(
    req: http.IncomingMessage,
    target: URL,
  ): { token: string; how: 'header' | 'query' } | null {
    const header = req.headers.authorization;
    if (typeof header === 'string') {
      const m = /^Bearer\s+(.+)$/i.exec(header.trim());
      if (m) return { token: m[1]!.trim(), how: 'header' };
    }
    const query = target.searchParams.get('token');
    return query === null ? null : { token: query, how: 'query' };
  }

  function onConnection(ws: WebSocket, req: http.IncomingMessage, target: URL) {
    accepted++;
    const client: Client = {
      n: accepted,
      ws,
      address: remoteAddress(req),
      grant: null,
      subs: EMPTY_SUBSCRIPTIONS,
      authTimer: null,
      unansweredPings: 0,
      arrivals: new Float64Array(DEFAULTS.maxMessagesPerSecond).fill(-Infinity),
      nextArrival: 0,
      closing: false,
      closeSent: false,
      graceTimer: null,
    };
    clients.add(client);
    const presented = tokenFromUpgrade(req, target);
    log(
      `client ${client.n}: connected from ${client.address} (auth: ${presented?.how ?? 'message'})`,
    );

    ws.on('message', (data) => {
      try {
        onMessage(client, data);
      } catch (err) {
        // A bug here must cost one client its connection, never the server.
        log(`client ${client.n}: internal error: ${(err as Error).stack ?? String(err)}`);
        failAndClose(
          client,
          { code: ERROR_CODES.INTERNAL, message: 'internal server error' },
          { code: CLOSE_CODES.INTERNAL, reason: 'internal error' },
        );
      }
    });
    ws.on('error', (err) => log(`client ${client.n}: ${err.message}`));
    ws.on('close', (code) => {
      clients.delete(client);
      if (client.authTimer) clearTimeout(client.authTimer);
      if (client.graceTimer) clearTimeout(client.graceTimer);
      log(`client ${client.n}: closed (${code})`);
    });

    if (presented) {
      authenticate(client, presented.token, `on the upgrade (${presented.how})`);
      return;
    }
    client.authTimer = setTimeout(() => {
      if (!client.grant) {
        rejectAuth(
          client,
          `not authenticated within ${Math.round(authTimeoutMs / 100) / 10} s; send {"type":"auth","token":"..."} first`,
        );
      }
    }, authTimeoutMs);
    client.authTimer.unref();
  }

  const httpServer = http.createServer((req, res) => {
    handleHttpRequest(req, res, {
      signIn,
      publish: (event, data) => {
        const message = publish(event, data);
        return { id: message.id, channel: message.channel, delivered: deliveredTo(event) };
      },
      clientCount: () => clients.size,
      startedAt,
      log,
    });
  });

  /** Answer an upgrade request with an HTTP error instead of a WebSocket. */
  function refuseUpgrade(
    socket: Duplex,
    status: string,
    text: string,
    headers: Record<string, string> = {},
  ) {
    const lines = [
      `HTTP/1.1 ${status}`,
      'Connection: close',
      'Content-Type: text/plain; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(text)}`,
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    ];
    socket.end(`${lines.join('\r\n')}\r\n\r\n${text}`);
  }

  httpServer.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    const target = requestTarget(req);
    if (!target) {
      refuseUpgrade(socket, '400 Bad Request', 'the request target is not a URL\n');
      return;
    }
    if (closed) {
      refuseUpgrade(socket, '503 Service Unavailable', 'the server is shutting down\n');
      return;
    }
    if (target.pathname !== '/v1/ws') {
      refuseUpgrade(socket, '404 Not Found', 'not found; the WebSocket is at /v1/ws\n');
      return;
    }
    // A blocked address may not even open a connection to try an auth message.
    const wait = throttled(remoteAddress(req));
    if (wait) {
      log(`${remoteAddress(req)}: upgrade refused: too many failed sign-ins`);
      refuseUpgrade(socket, '429 Too Many Requests', `${wait.message}\n`, {
        'Retry-After': String(wait.retryAfterS),
      });
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, req, target));
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(opts.port ?? 0, host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  httpServer.on('error', (err) => log(`http server: ${err.message}`));

  // ---- timers -------------------------------------------------------------------------

  const pingTimer = setInterval(() => {
    for (const client of clients) {
      if (!client.grant || client.closing) continue;
      if (client.unansweredPings >= 2) {
        closeClient(client, CLOSE_CODES.GOING_AWAY, 'two pings unanswered');
        continue;
      }
      client.unansweredPings++;
      send(client, envelope('ping'));
    }
  }, pingIntervalMs);
  pingTimer.unref();

  let demoTimer: NodeJS.Timeout | null = null;
  if (demoRate > 0) {
    const generator = createDemoGenerator();
    // Fast rates are sent in small bursts (a timer cannot fire a thousand times a second);
    // slow ones carry the fraction over, so the long-run rate is the one asked for.
    const tickMs = Math.min(1000, Math.max(20, 1000 / demoRate));
    let due = 0;
    let last = performance.now();
    demoTimer = setInterval(() => {
      const now = performance.now();
      due += (demoRate * (now - last)) / 1000;
      last = now;
      // After a stall (sleep, debugger) do not flood clients with the backlog.
      due = Math.min(due, Math.max(1, demoRate));
      for (; due >= 1; due--) {
        const e = generator.next();
        publish(e.event, e.data);
      }
    }, tickMs);
    demoTimer.unref();
  }

  const port = (httpServer.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  log(`listening on ${urlHost}:${port}`);

  let closing: Promise<void> | null = null;

  return {
    url: `ws://${urlHost}:${port}/v1/ws`,
    httpUrl: `http://${urlHost}:${port}`,
    port,
    demoToken,
    publish,
    setTokens(tokens) {
      setGrants(tokens);
      for (const client of clients) {
        if (!client.grant || client.closing) continue;
        const grant = grants.get(client.grant.digest);
        if (!grant) {
          log(`client ${client.n}: its token was revoked`);
          rejectAuth(client, 'the token was revoked');
          continue;
        }
        client.grant = grant;
        const pruned = pruneToGrant(client.subs, grant);
        client.subs = pruned.next;
        for (const r of pruned.rejections) sendError(client, r);
      }
    },
    injectFailure(code) {
      const internal = code === ERROR_CODES.INTERNAL;
      for (const client of clients) {
        failAndClose(
          client,
          {
            code,
            message: internal ? 'internal server error' : 'service unavailable, try again later',
          },
          internal
            ? { code: CLOSE_CODES.INTERNAL, reason: 'internal error' }
            : { code: CLOSE_CODES.TRY_AGAIN_LATER, reason: 'service unavailable' },
        );
      }
    },
    clientCount: () => clients.size,
    connectionCount: () => accepted,
    close() {
      closing ??= (async () => {
        closed = true;
        clearInterval(pingTimer);
        if (demoTimer) clearInterval(demoTimer);
        const gone = [...clients].map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.ws.readyState === WebSocket.CLOSED) return resolve();
              c.ws.once('close', () => resolve());
            }),
        );
        // A client in a grace is closed now too (with 1001): shutting down waits for no one.
        for (const client of clients) {
          closeClient(client, CLOSE_CODES.GOING_AWAY, 'server shutting down');
        }
        await Promise.all(gone);
        wss.close();
        await new Promise<void>((resolve) => {
          httpServer.close(() => resolve());
          httpServer.closeAllConnections();
        });
        log('stopped');
      })();
      return closing;
    },
  };
}
