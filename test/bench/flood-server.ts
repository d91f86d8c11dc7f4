// A purpose-built flood server for the ingest and memory benchmarks, run as its own process.
// It speaks just enough of the Katya protocol for a client to believe it: the WebSocket
// handshake at any path, a `response` to the client's `subscribe`, then `count` event
// envelopes in the reference server's exact format, as fast as the socket takes them.
//
// Why not the reference server: its `publish` serialises and sends one frame at a time through
// `ws`, which on this 2-core machine is slower than the clients under test, so it would measure
// itself. Here frames are encoded by hand and written in large chunks (honouring the socket's
// backpressure), so the server is never the bottleneck and every client reads the same bytes.
//
// IPC: the parent sends {type:'arm', count}; the next client that subscribes gets the flood;
// or {type:'flood-now', count}: the client that subscribed last gets it at once (so the parent
// can measure that client connected and idle first).
// The child answers {type:'flood-started', at} (epoch ms) and {type:'flood-written', at}.
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { eventFrame, eventPool } from './events';
import { epochNow, failToParent, tellParent } from './lib';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const CHUNK_FRAMES = 512;

const pool = eventPool();
let armed: number | null = null;
const sockets = new Set<Duplex>();
let lastSubscribed: Duplex | null = null;

function frameHeader(length: number, opcode = 0x1): Buffer {
  if (length < 126) return Buffer.from([0x80 | opcode, length]);
  if (length < 65536) {
    const h = Buffer.alloc(4);
    h[0] = 0x80 | opcode;
    h[1] = 126;
    h.writeUInt16BE(length, 2);
    return h;
  }
  const h = Buffer.alloc(10);
  h[0] = 0x80 | opcode;
  h[1] = 127;
  h.writeBigUInt64BE(BigInt(length), 2);
  return h;
}

function encodeText(text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  return Buffer.concat([frameHeader(payload.length), payload]);
}

/** Client frames are small and masked; returns the complete frames and what is left over. */
function decodeClientFrames(buf: Buffer): {
  frames: { opcode: number; payload: Buffer }[];
  rest: Buffer;
} {
  const frames: { opcode: number; payload: Buffer }[] = [];
  let off = 0;
  for (;;) {
    if (buf.length - off < 2) break;
    const opcode = buf[off]! & 0x0f;
    const masked = (buf[off + 1]! & 0x80) !== 0;
    let len = buf[off + 1]! & 0x7f;
    let pos = off + 2;
    if (len === 126) {
      if (buf.length < pos + 2) break;
      len = buf.readUInt16BE(pos);
      pos += 2;
    } else if (len === 127) {
      if (buf.length < pos + 8) break;
      len = Number(buf.readBigUInt64BE(pos));
      pos += 8;
    }
    const maskLen = masked ? 4 : 0;
    if (buf.length < pos + maskLen + len) break;
    const mask = masked ? buf.subarray(pos, pos + 4) : null;
    pos += maskLen;
    const payload = Buffer.from(buf.subarray(pos, pos + len));
    if (mask) for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i & 3]!;
    frames.push({ opcode, payload });
    off = pos + len;
  }
  return { frames, rest: buf.subarray(off) };
}

async function flood(socket: Duplex, count: number) {
  const prefix = randomBytes(4).toString('hex');
  const started = epochNow();
  tellParent({ type: 'flood-started', at: started, count });
  let n = 0;
  while (n < count && !socket.destroyed) {
    const ts = new Date().toISOString();
    const parts: Buffer[] = [];
    const end = Math.min(count, n + CHUNK_FRAMES);
    for (; n < end; n++) {
      parts.push(
        encodeText(
          eventFrame(pool[n % pool.length]!, `evt_${prefix}${n.toString(36).padStart(6, '0')}`, ts),
        ),
      );
    }
    if (!socket.write(Buffer.concat(parts))) {
      await new Promise<void>((resolve) => {
        const done = () => {
          socket.off('drain', done);
          socket.off('close', done);
          resolve();
        };
        socket.on('drain', done);
        socket.on('close', done);
      });
    }
  }
  tellParent({ type: 'flood-written', at: epochNow(), count: n });
}

function onConnection(socket: Duplex) {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  socket.on('error', () => socket.destroy());
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    const { frames, rest } = decodeClientFrames(Buffer.concat([pending, chunk]));
    pending = Buffer.from(rest);
    for (const f of frames) {
      if (f.opcode === 0x8) {
        socket.end(Buffer.concat([frameHeader(f.payload.length, 0x8), f.payload]));
        return;
      }
      if (f.opcode === 0x9) {
        socket.write(Buffer.concat([frameHeader(f.payload.length, 0xa), f.payload]));
        continue;
      }
      if (f.opcode !== 0x1) continue;
      let msg: { type?: string; id?: string; channels?: string[]; events?: string[] };
      try {
        msg = JSON.parse(f.payload.toString('utf8')) as typeof msg;
      } catch {
        continue;
      }
      if (msg.type !== 'subscribe') continue;
      lastSubscribed = socket;
      socket.write(
        encodeText(
          JSON.stringify({
            type: 'response',
            timestamp: new Date().toISOString(),
            data: {
              action: 'subscribe',
              channels: msg.channels ?? [],
              events: msg.events ?? [],
              ...(msg.id !== undefined ? { requestId: msg.id } : {}),
            },
          }),
        ),
      );
      // The document's client subscribes to channels and to events in two messages: the
      // flood starts after the first, as the reference server would deliver at once.
      if (armed !== null) {
        const count = armed;
        armed = null;
        void flood(socket, count).catch(failToParent);
      }
    }
  });
}

const server = http.createServer((_req, res) => {
  res.writeHead(404).end();
});
server.on('upgrade', (req, socket) => {
  const key = req.headers['sec-websocket-key'];
  if (typeof key !== 'string') {
    socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
    return;
  }
  const accept = createHash('sha1')
    .update(key + GUID)
    .digest('base64');
  socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
  );
  (socket as Socket).setNoDelay(true);
  onConnection(socket);
});

process.on('message', (m: { type: string; count?: number }) => {
  if (m.type === 'arm') armed = m.count ?? 0;
  if (m.type === 'flood-now') {
    if (!lastSubscribed) failToParent(new Error('flood-now: no client has subscribed'));
    void flood(lastSubscribed, m.count ?? 0).catch(failToParent);
  }
  if (m.type === 'stop') {
    for (const s of sockets) s.destroy();
    server.close(() => process.exit(0));
  }
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  tellParent({ type: 'listening', port, url: `ws://127.0.0.1:${port}/v1/ws` });
});
