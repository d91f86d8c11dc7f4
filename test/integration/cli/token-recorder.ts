// A WebSocket relay in front of a reference server that writes down every token a client
// presents to it, whichever way it comes: `Authorization: Bearer` on the upgrade, `?token=` in
// the URL, or a {"type":"auth"} message. Everything else (frames both ways, close codes) is
// passed on unchanged, so the client behind it sees the real server. Tests use it to show, at
// the socket, which token reached which server.
import { WebSocket, WebSocketServer } from 'ws';
import type { RawData } from 'ws';
import type { AddressInfo } from 'node:net';

export interface PresentedToken {
  how: 'header' | 'query' | 'message';
  token: string;
}

export interface TokenRecorder {
  /** ws://127.0.0.1:PORT/v1/ws */
  url: string;
  port: number;
  /** every token presented, in order */
  readonly tokens: PresentedToken[];
  close(): Promise<void>;
}

/** Close codes a peer may not send itself: pass the close on without one, or drop the socket. */
function passClose(to: WebSocket, code: number, reason: Buffer) {
  if (to.readyState !== WebSocket.OPEN) return to.terminate();
  if (code === 1006) to.terminate();
  else if (code === 1005) to.close();
  else to.close(code, reason);
}

export async function startTokenRecorder(upstreamUrl: string): Promise<TokenRecorder> {
  const tokens: PresentedToken[] = [];
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));

  wss.on('connection', (client, req) => {
    const target = new URL(req.url ?? '/', 'http://relay');
    const authorization = req.headers.authorization;
    if (typeof authorization === 'string') {
      const bearer = /^Bearer\s+(.+)$/i.exec(authorization.trim());
      tokens.push({ how: 'header', token: bearer ? bearer[1]!.trim() : authorization });
    }
    const query = target.searchParams.get('token');
    if (query !== null) tokens.push({ how: 'query', token: query });

    const upstream = new URL(upstreamUrl);
    upstream.search = target.search;
    const server = new WebSocket(upstream, {
      headers: typeof authorization === 'string' ? { authorization } : {},
    });
    const early: Array<[RawData, boolean]> = [];
    client.on('message', (data, isBinary) => {
      try {
        const message = JSON.parse(data.toString()) as { type?: unknown; token?: unknown };
        if (message?.type === 'auth') tokens.push({ how: 'message', token: String(message.token) });
      } catch {
        // not JSON: nothing to record
      }
      if (server.readyState === WebSocket.OPEN) server.send(data, { binary: isBinary });
      else early.push([data, isBinary]);
    });
    server.on('open', () => {
      for (const [data, binary] of early.splice(0)) server.send(data, { binary });
    });
    server.on('message', (data, isBinary) => {
      if (client.readyState === WebSocket.OPEN) client.send(data, { binary: isBinary });
    });
    server.on('close', (code, reason) => passClose(client, code, reason));
    client.on('close', (code, reason) => passClose(server, code, reason));
    server.on('error', () => client.terminate());
    client.on('error', () => server.terminate());
  });

  const port = (wss.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}/v1/ws`,
    port,
    tokens,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
