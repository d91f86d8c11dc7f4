// A small Katya protocol server for the engine's integration tests: real `ws` on loopback,
// with switches for the faults the engine must survive. Deliberately separate from the
// reference server in main/server, so these tests pin the protocol, not one implementation.
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CATALOG,
  CHANNEL_ALIASES,
  isChannel,
  isEventType,
} from '../../../../main/core/common/protocol';

export type AuthWay = 'header' | 'query' | 'message';

export interface TestServerOptions {
  /** tokens the server accepts (default ['good-token']) */
  tokens?: string[];
  /** channels any token may not read: 4002 */
  forbidden?: string[];
  /** subscriptions per connection (channels plus events), default 10 */
  limit?: number;
  /** answer the upgrade with this HTTP status instead of accepting it */
  rejectUpgradeWith?: number;
  /** reuse a port (server restart) */
  port?: number;
  /** called for each accepted connection, before any message is handled */
  onConnection?: (client: TestClient) => void;
}

export class TestClient {
  authedBy: AuthWay | null = null;
  /** every parsed client message, in order */
  readonly received: Record<string, unknown>[] = [];
  readonly channels = new Set<string>();
  readonly events = new Set<string>();
  /** record client messages but answer nothing */
  silent = false;
  closed = false;
  closeCode: number | null = null;

  constructor(
    readonly ws: WebSocket,
    readonly request: IncomingMessage,
  ) {
    ws.on('close', (code) => {
      this.closed = true;
      this.closeCode = code;
    });
    ws.on('error', () => {});
  }

  send(message: unknown): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(message));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(data, { binary });
  }

  messagesOfType(type: string): Record<string, unknown>[] {
    return this.received.filter((m) => m.type === type);
  }
}

let eventCounter = 0;

/** An event frame; channel follows the catalogue unless given. */
export function eventFrame(
  event: string,
  data: Record<string, unknown> = {},
  extra: { id?: string; channel?: string; timestamp?: string } = {},
): Record<string, unknown> {
  const channel =
    extra.channel ??
    (Object.keys(CATALOG) as (keyof typeof CATALOG)[]).find((c) =>
      (CATALOG[c] as readonly string[]).includes(event),
    ) ??
    'system';
  return {
    type: 'event',
    id: extra.id ?? `evt_${++eventCounter}`,
    timestamp: extra.timestamp ?? new Date().toISOString(),
    event,
    channel,
    data,
  };
}

export class KatyaTestServer {
  readonly clients: TestClient[] = [];
  /** upgrade requests seen, accepted or not */
  upgrades = 0;
  private constructor(
    private readonly wss: WebSocketServer,
    readonly port: number,
    private readonly options: TestServerOptions,
  ) {}

  static start(options: TestServerOptions = {}): Promise<KatyaTestServer> {
    return new Promise((resolve, reject) => {
      let server: KatyaTestServer | undefined;
      const wss = new WebSocketServer({
        host: '127.0.0.1',
        port: options.port ?? 0,
        maxPayload: 64 * 1024,
        verifyClient: (_info, cb) => {
          if (server) server.upgrades++;
          if (options.rejectUpgradeWith) cb(false, options.rejectUpgradeWith);
          else cb(true);
        },
      });
      wss.once('error', reject);
      wss.once('listening', () => {
        const port = (wss.address() as AddressInfo).port;
        server = new KatyaTestServer(wss, port, options);
        wss.on('connection', (ws, req) => server!.accept(ws, req));
        resolve(server);
      });
    });
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}/v1/ws`;
  }

  get connections(): number {
    return this.clients.length;
  }

  get last(): TestClient | undefined {
    return this.clients[this.clients.length - 1];
  }

  /** Stop listening and drop every client (as a crashing server would). */
  close(): Promise<void> {
    for (const c of this.clients) c.ws.terminate();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }

  private get tokens(): string[] {
    return this.options.tokens ?? ['good-token'];
  }

  private accept(ws: WebSocket, req: IncomingMessage): void {
    const client = new TestClient(ws, req);
    this.clients.push(client);
    this.options.onConnection?.(client);
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(data.toString());
      } catch {
        if (!client.silent) {
          client.send({ type: 'error', data: { code: '4003', message: 'malformed JSON' } });
        }
        return;
      }
      client.received.push(msg);
      if (!client.silent) this.handle(client, msg);
    });
    if (client.silent || client.closed) return;

    const header = req.headers.authorization;
    const query = new URL(req.url ?? '/', 'http://x').searchParams.get('token');
    const presented = header?.replace(/^Bearer /, '') ?? query;
    if (presented !== undefined && presented !== null) {
      if (this.tokens.includes(presented)) client.authedBy = header ? 'header' : 'query';
      else this.rejectToken(client);
    }
  }

  private rejectToken(client: TestClient): void {
    client.send({ type: 'error', data: { code: '4001', message: 'Invalid token' } });
    client.ws.close(4001, 'Invalid token');
  }

  private handle(client: TestClient, msg: Record<string, unknown>): void {
    const requestId = typeof msg.id === 'string' ? msg.id : undefined;
    if (msg.type === 'auth') {
      if (typeof msg.token === 'string' && this.tokens.includes(msg.token)) {
        client.authedBy = 'message';
        client.send({ type: 'response', data: { action: 'auth', success: true, requestId } });
      } else {
        this.rejectToken(client);
      }
      return;
    }
    if (msg.type === 'ping') {
      client.send({ type: 'pong', timestamp: new Date().toISOString(), data: { requestId } });
      return;
    }
    if (msg.type === 'pong') return;
    if (!client.authedBy) {
      this.rejectToken(client);
      return;
    }
    if (msg.type === 'subscribe' || msg.type === 'unsubscribe') {
      this.subscription(client, msg.type, msg, requestId);
    }
  }

  private subscription(
    client: TestClient,
    action: 'subscribe' | 'unsubscribe',
    msg: Record<string, unknown>,
    requestId: string | undefined,
  ): void {
    const list = (v: unknown): string[] =>
      Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
    const channels: string[] = [];
    const events: string[] = [];
    for (const raw of list(msg.channels)) {
      const name = CHANNEL_ALIASES.get(raw) ?? raw;
      if (!isChannel(name)) {
        client.send({
          type: 'error',
          data: { code: '4005', message: `Unknown channel ${raw}`, channel: raw, requestId },
        });
      } else if (action === 'subscribe' && this.options.forbidden?.includes(name)) {
        client.send({
          type: 'error',
          data: { code: '4002', message: `No access to ${name}`, channel: name, requestId },
        });
      } else channels.push(name);
    }
    for (const name of list(msg.events)) {
      if (!isEventType(name)) {
        client.send({
          type: 'error',
          data: { code: '4005', message: `Unknown event ${name}`, event: name, requestId },
        });
      } else events.push(name);
    }
    if (action === 'subscribe') {
      const after = new Set([...client.channels, ...channels].map((c) => `c:${c}`));
      for (const e of [...client.events, ...events]) after.add(`e:${e}`);
      if (after.size > (this.options.limit ?? 10)) {
        client.send({
          type: 'error',
          data: { code: '4004', message: 'Subscription limit exceeded', requestId },
        });
        return;
      }
      for (const c of channels) client.channels.add(c);
      for (const e of events) client.events.add(e);
    } else {
      for (const c of channels) client.channels.delete(c);
      for (const e of events) client.events.delete(e);
    }
    client.send({
      type: 'response',
      data: {
        action,
        requestId,
        channels: [...client.channels],
        events: [...client.events],
      },
    });
  }
}
