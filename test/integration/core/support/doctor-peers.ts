// What the doctor probe talks to in its tests, each a real server on loopback: a WebSocket
// server whose answers a test scripts (and which records what the probe sent and how it hung
// up), a TCP port that accepts and never says a word, an HTTP server that answers the upgrade
// with a status of the test's choosing, and a port nothing listens on.
import http from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { startSilentPort as startSilentOnly } from '../../net/support/silent-port';
import type { SilentPort } from '../../net/support/silent-port';
import type { WebSocket } from 'ws';

/** A message the probe sent, as parsed JSON. */
export interface Sent {
  type?: string;
  id?: string;
  token?: string;
  channels?: unknown;
  events?: unknown;
}

/** Answers one message of the probe; `peer` is the server's end of the socket. */
export type Answer = (message: Sent, peer: WebSocket) => void;

export const send = (peer: WebSocket, frame: unknown) => peer.send(JSON.stringify(frame));

/** What the reference server answers: a pong per ping, a response per auth and subscribe. */
export const answerLikeKatya: Answer = (message, peer) => {
  const requestId = message.id;
  if (message.type === 'ping') send(peer, { type: 'pong', data: { requestId } });
  if (message.type === 'auth' || message.type === 'subscribe')
    send(peer, { type: 'response', data: { action: message.type, requestId } });
};

export interface ScriptedServer {
  /** ws://127.0.0.1:PORT/v1/ws */
  url: string;
  port: number;
  /** each upgrade request: its path with the query, and its Authorization header */
  readonly upgrades: { path: string; authorization: string | undefined }[];
  /** every message the probe sent, in order */
  readonly received: Sent[];
  /** how the first connection ended, as the server saw it */
  readonly hungUp: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

const closers: (() => Promise<void>)[] = [];

/** Close everything the helpers below started (an afterEach of each suite). */
export async function closePeers(): Promise<void> {
  for (const close of closers.splice(0)) await close();
}

async function listen(server: Server | http.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

export async function startScriptedServer(
  answer: Answer = answerLikeKatya,
  onOpen?: (peer: WebSocket) => void,
): Promise<ScriptedServer> {
  const upgrades: ScriptedServer['upgrades'] = [];
  const received: Sent[] = [];
  let hangUp: (how: { code: number; reason: string }) => void = () => undefined;
  const hungUp = new Promise<{ code: number; reason: string }>((resolve) => (hangUp = resolve));
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  wss.on('connection', (peer, req) => {
    upgrades.push({ path: req.url ?? '', authorization: req.headers.authorization });
    peer.on('message', (data) => {
      const message = JSON.parse(String(data)) as Sent;
      received.push(message);
      answer(message, peer);
    });
    peer.on('close', (code, reason) => hangUp({ code, reason: reason.toString() }));
    onOpen?.(peer);
  });
  const port = (wss.address() as AddressInfo).port;
  const close = async () => {
    for (const peer of wss.clients) peer.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  };
  closers.push(close);
  return { url: `ws://127.0.0.1:${port}/v1/ws`, port, upgrades, received, hungUp, close };
}

/** Accepts connections and never writes a byte (see net/support/silent-port). */
export async function startSilentPort(): Promise<SilentPort> {
  const silent = await startSilentOnly();
  closers.push(() => silent.close());
  return silent;
}

/** An HTTP server that answers every WebSocket upgrade with `status` instead of 101. */
export async function startHttpAnswering(status: number): Promise<number> {
  const server = http.createServer((_req, res) => res.writeHead(status).end());
  server.on('upgrade', (_req, socket: Socket) =>
    socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Length: 0\r\n\r\n`),
  );
  const port = await listen(server);
  closers.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return port;
}

/** A raw TCP server that does `onConnection` with each connection. */
export async function startTcpServer(onConnection: (socket: Socket) => void): Promise<number> {
  const open = new Set<Socket>();
  const server = createServer((socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  const port = await listen(server);
  closers.push(async () => {
    for (const socket of open) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return port;
}

/** A port nothing listens on: bound a moment ago, then closed. */
export async function closedPort(): Promise<number> {
  const probe = createServer();
  const port = await listen(probe);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
