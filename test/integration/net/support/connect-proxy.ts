// A real HTTP CONNECT proxy on loopback, in a few lines on node:http's 'connect' event: it
// checks Basic credentials when told to (407 otherwise), refuses targets a test names (403),
// answers 502 when the target does not answer, and can map host names to addresses, so a
// test can reach "katya.test" through it. It records every CONNECT it is asked for, and can
// be stopped and started again on the same port.
import http from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export interface ConnectProxyOptions {
  /** require these credentials (Proxy-Authorization: Basic) */
  auth?: { username: string; password: string };
  /** host:port targets to refuse with 403 */
  deny?: string[];
  /** host name -> address to connect to (default: the name itself) */
  hosts?: Record<string, string>;
}

export interface ConnectRecord {
  target: string;
  /** the Proxy-Authorization header as received, if any */
  authorization: string | undefined;
  status: number;
}

export interface ConnectProxy {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  readonly connects: ConnectRecord[];
  /** stop listening and cut every tunnel (a proxy restarting) */
  stop(): Promise<void>;
  /** listen again on the same port */
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startConnectProxy(opts: ConnectProxyOptions = {}): Promise<ConnectProxy> {
  const connects: ConnectRecord[] = [];
  const open = new Set<Duplex>();
  const expected = opts.auth
    ? `Basic ${Buffer.from(`${opts.auth.username}:${opts.auth.password}`).toString('base64')}`
    : null;

  const answer = (socket: Duplex, status: number, text: string, extra = '') => {
    socket.end(`HTTP/1.1 ${status} ${text}\r\n${extra}Content-Length: 0\r\n\r\n`);
  };

  const server = http.createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req: http.IncomingMessage, client: Duplex, head: Buffer) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => undefined);
    const target = req.url ?? '';
    const record: ConnectRecord = {
      target,
      authorization: req.headers['proxy-authorization'],
      status: 0,
    };
    connects.push(record);
    if (expected && req.headers['proxy-authorization'] !== expected) {
      record.status = 407;
      answer(
        client,
        407,
        'Proxy Authentication Required',
        'Proxy-Authenticate: Basic realm="test"\r\n',
      );
      return;
    }
    if (opts.deny?.includes(target)) {
      record.status = 403;
      answer(client, 403, 'Forbidden');
      return;
    }
    const at = target.lastIndexOf(':');
    const name = target.slice(0, at).replace(/^\[|\]$/g, '');
    const upstream: Socket = connect(Number(target.slice(at + 1)), opts.hosts?.[name] ?? name);
    open.add(upstream);
    upstream.on('close', () => open.delete(upstream));
    upstream.once('error', () => {
      if (record.status === 0) {
        record.status = 502;
        answer(client, 502, 'Bad Gateway');
      } else client.destroy();
    });
    upstream.once('connect', () => {
      record.status = 200;
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client).pipe(upstream);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
  });

  let port = 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        port = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  const stop = async () => {
    for (const s of open) s.destroy();
    open.clear();
    if (!server.listening) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  await listen();
  return {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    connects,
    stop,
    start: listen,
    close: stop,
  };
}
