// The reference Katya server: the whole protocol of docs/protocol.md on one port, WebSocket at
// /v1/ws and a small HTTP API beside it (GET /healthz, POST /v1/events). It serves the app's
// demo mode (in-process, on loopback), every test that needs a real server, `katya server`,
// and anyone building a client against Katya.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { WebSocketServer, WebSocket } from 'ws';
import type { RawData } from 'ws';
import {
  CLOSE_CODES,
  ERROR_CODES,
  channelOf,
  clientMessageSchema,
  isEventType,
} from '../core/protocol';
import type { EventMessage, EventType } from '../core/protocol';
import { createDemoGenerator } from './demo';
import { handleHttpRequest } from './http';
import {
  EMPTY_SUBSCRIPTIONS,
  applySubscriptionRequest,
  pruneToGrant,
  wants,
} from './subscriptions';
import type { Rejection, SubscriptionSet } from './subscriptions';
import { generateDemoToken, mayRead, resolveGrant, validateGrants } from './tokens';
import type { ResolvedGrant, TokenGrant } from './tokens';

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
  /** replace the grants; connections whose token is gone get error 4001 and close 4001 */
  setTokens(tokens: TokenGrant[]): void;
  /** error 5001/5002 to every client, then close 1011/1013 */
  injectFailure(code: '5001' | '5002'): void;
  /** connections open now */
  clientCount(): number;
  /** upgrades accepted since start (tests count reconnects with it) */
  connectionCount(): number;
  /** close every client with 1001 and stop listening */
  close(): Promise<void>;
}

export const DEFAULTS = {
  host: '127.0.0.1',
  maxSubscriptions: 10,
  pingIntervalMs: 30_000,
  authTimeoutMs: 10_000,
  maxFrameBytes: 64 * 1024,
  maxMessagesPerSecond: 100,
  /** a client this far behind in reading is not keeping up; see `send` */
  maxBufferedBytes: 16 * 1024 * 1024,
} as const;

interface Client {
  n: number;
  ws: WebSocket;
  grant: ResolvedGrant | null;
  subs: SubscriptionSet;
  authTimer: NodeJS.Timeout | null;
  unansweredPings: number;
  /** arrival times (ms) of the last messages, oldest first, for the rate limit */
  arrivals: number[];
  closing: boolean;
}

const isoNow = () => new Date().toISOString();

export async function startKatyaServer(opts: KatyaServerOptions = {}): Promise<KatyaServer> {
  const host = opts.host ?? DEFAULTS.host;
  const maxSubscriptions = opts.maxSubscriptions ?? DEFAULTS.maxSubscriptions;
  const pingIntervalMs = opts.pingIntervalMs ?? DEFAULTS.pingIntervalMs;
  const authTimeoutMs = opts.authTimeoutMs ?? DEFAULTS.authTimeoutMs;
  const demoRate = opts.demoRate ?? 0;
  const log = opts.log ?? (() => {});

  let demoToken: string | null = null;
  let grants = new Map<string, ResolvedGrant>();
  const setGrants = (list: TokenGrant[]) => {
    grants = new Map(validateGrants(list).map((g) => [g.token, resolveGrant(g)]));
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
  // Event ids: a per-server random prefix and a counter, unique across restarts of the server
  // (the client de-duplicates by id, and remembers ids across its own restarts).
  const idPrefix = randomBytes(4).toString('hex');
  let eventCounter = 0;
  const newEventId = () => `evt_${idPrefix}${(++eventCounter).toString(36).padStart(6, '0')}`;

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
      type: 'error',
      timestamp: isoNow(),
      data: { ...rejection, ...(requestId !== undefined ? { requestId } : {}) },
    });
  }

  function closeClient(client: Client, code: number, reason: string) {
    if (client.closing) return;
    client.closing = true;
    log(`client ${client.n}: closing with ${code} (${reason})`);
    client.ws.close(code, reason);
    // A peer that never answers the close handshake is cut off, so close() cannot hang.
    setTimeout(() => client.ws.terminate(), 3000).unref();
  }

  function rejectAuth(client: Client, message: string, requestId?: string) {
    sendError(client, { code: ERROR_CODES.BAD_TOKEN, message }, requestId);
    closeClient(client, CLOSE_CODES.AUTH_FAILED, 'authentication failed');
  }

  function authenticate(client: Client, grant: ResolvedGrant) {
    client.grant = grant;
    if (client.authTimer) clearTimeout(client.authTimer);
    client.authTimer = null;
  }

  // ---- publishing ---------------------------------------------------------------------

  function publish(event: EventType, data: Record<string, unknown>): EventMessage {
    if (!isEventType(event)) throw new Error(`unknown event type "${String(event)}"`);
    const channel = channelOf(event);
    const message: EventMessage = {
      type: 'event',
      id: newEventId(),
      timestamp: isoNow(),
      event,
      channel,
      data,
    };
    const text = JSON.stringify(message);
    for (const client of clients) {
      if (client.grant && mayRead(client.grant, channel) && wants(client.subs, channel, event)) {
        send(client, text);
      }
    }
    return message;
  }

  function deliveredTo(event: EventType): number {
    const channel = channelOf(event);
    let n = 0;
    for (const c of clients)
      if (c.grant && mayRead(c.grant, channel) && wants(c.subs, channel, event)) n++;
    return n;
  }

  // ---- one client's messages ----------------------------------------------------------

  function overRateLimit(client: Client): boolean {
    const now = performance.now();
    client.arrivals.push(now);
    if (client.arrivals.length <= DEFAULTS.maxMessagesPerSecond) return false;
    const oldest = client.arrivals.shift()!;
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
        type: 'response',
        timestamp: isoNow(),
        data: { ...data, ...(requestId !== undefined ? { requestId } : {}) },
      });

    switch (message.type) {
      case 'ping':
        send(client, {
          type: 'pong',
          timestamp: isoNow(),
          ...(requestId !== undefined ? { data: { requestId } } : {}),
        });
        return;
      case 'pong':
        client.unansweredPings = 0;
        return;
      case 'auth': {
        const grant = grants.get(message.token);
        if (!grant) {
          log(`client ${client.n}: auth message with an unknown token`);
          rejectAuth(client, 'invalid or expired token', requestId);
          return;
        }
        authenticate(client, grant);
        // A different valid token may read less than the one before it.
        const pruned = pruneToGrant(client.subs, grant);
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

  function tokenFromUpgrade(req: http.IncomingMessage): string | null {
    const header = req.headers.authorization;
    if (typeof header === 'string') {
      const m = /^Bearer\s+(.+)$/i.exec(header.trim());
      if (m) return m[1]!.trim();
    }
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams.get('token');
    return query ?? null;
  }

  wss.on('connection', (ws: WebSocket, req: http.IncomingMessage) => {
    accepted++;
    const client: Client = {
      n: accepted,
      ws,
      grant: null,
      subs: EMPTY_SUBSCRIPTIONS,
      authTimer: null,
      unansweredPings: 0,
      arrivals: [],
      closing: false,
    };
    clients.add(client);
    const method = req.headers.authorization
      ? 'header'
      : new URL(req.url ?? '/', 'http://localhost').searchParams.has('token')
        ? 'query'
        : 'message';
    log(`client ${client.n}: connected from ${req.socket.remoteAddress ?? '?'} (auth: ${method})`);

    ws.on('message', (data) => {
      try {
        onMessage(client, data);
      } catch (err) {
        // A bug here must cost one client its connection, never the server.
        log(`client ${client.n}: internal error: ${(err as Error).stack ?? String(err)}`);
        sendError(client, { code: ERROR_CODES.INTERNAL, message: 'internal server error' });
        closeClient(client, CLOSE_CODES.INTERNAL, 'internal error');
      }
    });
    ws.on('error', (err) => log(`client ${client.n}: ${err.message}`));
    ws.on('close', (code) => {
      clients.delete(client);
      if (client.authTimer) clearTimeout(client.authTimer);
      log(`client ${client.n}: closed (${code})`);
    });

    const token = tokenFromUpgrade(req);
    if (token !== null) {
      const grant = grants.get(token);
      if (grant) authenticate(client, grant);
      else {
        log(`client ${client.n}: unknown token on the upgrade request`);
        rejectAuth(client, 'invalid or expired token');
      }
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
  });

  const httpServer = http.createServer((req, res) => {
    handleHttpRequest(req, res, {
      grantOf: (token) => grants.get(token) ?? null,
      publish: (event, data) => {
        const message = publish(event, data);
        return { id: message.id, channel: message.channel, delivered: deliveredTo(event) };
      },
      clientCount: () => clients.size,
      log,
    });
  });
  httpServer.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    socket.on('error', () => {});
    if (closed || path !== '/v1/ws') {
      const status = closed ? '503 Service Unavailable' : '404 Not Found';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
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
      send(client, {
        type: 'ping',
        id: `png_${randomBytes(4).toString('hex')}`,
        timestamp: isoNow(),
      });
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
        const grant = grants.get(client.grant.token);
        if (!grant) {
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
        if (client.closing) continue;
        sendError(client, {
          code,
          message: internal ? 'internal server error' : 'service unavailable, try again later',
        });
        closeClient(
          client,
          internal ? CLOSE_CODES.INTERNAL : CLOSE_CODES.TRY_AGAIN_LATER,
          internal ? 'internal error' : 'service unavailable',
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
        for (const client of clients) {
          client.closing = false; // a close already under way is fine; 1001 is what is meant
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
