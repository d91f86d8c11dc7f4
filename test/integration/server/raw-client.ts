// A raw `ws` client for conformance tests: records every frame and the close, and lets a test
// wait for a condition instead of sleeping.
import net from 'node:net';
import { WebSocket } from 'ws';
import type { ClientOptions } from 'ws';

export interface Frame {
  type?: string;
  id?: string;
  timestamp?: string;
  event?: string;
  channel?: string;
  data?: Record<string, unknown> & { code?: string; requestId?: string; action?: string };
}

export class RawClient {
  readonly frames: Frame[] = [];
  /** performance.now() at the arrival of each frame, in the order of `frames` */
  readonly arrivals: number[] = [];
  readonly closed: Promise<{ code: number; reason: string; at: number }>;
  private waiters: Array<() => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      try {
        this.frames.push(JSON.parse(data.toString()) as Frame);
      } catch {
        this.frames.push({ type: '<not json>' });
      }
      this.arrivals.push(performance.now());
      this.wake();
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString(), at: performance.now() });
        this.wake();
      });
    });
    ws.on('error', () => {});
  }

  static open(
    url: string,
    headers: Record<string, string> = {},
    options: ClientOptions = {},
  ): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { ...options, headers });
      const client = new RawClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  /** Connect without waiting for the open, so a test can act at the very first moment. */
  static connect(url: string, headers: Record<string, string> = {}): RawClient {
    return new RawClient(new WebSocket(url, { headers }));
  }

  send(message: unknown) {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  get isOpen() {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** When the first frame that matches arrived (performance.now()), or null. */
  arrivalOf(match: (f: Frame) => boolean): number | null {
    const i = this.frames.findIndex(match);
    return i < 0 ? null : this.arrivals[i]!;
  }

  /** The first frame (from the start) that matches; waits for it up to timeoutMs. */
  async waitFor(match: (f: Frame) => boolean, timeoutMs = 10_000): Promise<Frame> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find(match);
      if (found) return found;
      if (performance.now() > deadline) {
        throw new Error(
          `no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames)}`,
        );
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 100);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Send a request with an id and wait for the response or error that echoes it. */
  async request(message: Record<string, unknown>, id: string): Promise<Frame[]> {
    this.send({ ...message, id });
    // Errors about single names (4002, 4005) come before the response; a request refused whole
    // (4001, 4003, 4004) gets no response; a ping gets a pong. Wait for whichever ends it, then return them all.
    await this.waitFor(
      (f) =>
        f.data?.requestId === id &&
        (f.type === 'response' ||
          f.type === 'pong' ||
          (f.type === 'error' && ['4001', '4003', '4004'].includes(String(f.data.code)))),
    );
    return this.frames.filter((f) => f.data?.requestId === id);
  }

  close() {
    this.ws.terminate();
  }

  private wake() {
    const w = this.waiters;
    this.waiters = [];
    for (const fn of w) fn();
  }
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export async function eventually(check: () => boolean, timeoutMs = 10_000, what = 'condition') {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The HTTP answer to a WebSocket upgrade the server refused; fails if the upgrade succeeds. */
export function refusedUpgrade(
  url: string,
  headers: Record<string, string> = {},
  options: ClientOptions = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { ...options, headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
      res.resume();
      ws.terminate();
    });
    ws.on('open', () => {
      ws.terminate();
      reject(new Error('the upgrade was accepted'));
    });
    ws.on('error', (err) => reject(err));
  });
}

/**
 * Send bytes as they are over a plain TCP connection and collect the answer until the server
 * closes the connection (or `timeoutMs`): for requests no HTTP client would send.
 */
export function rawHttp(port: number, text: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let answer = '';
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
    socket.on('error', reject);
  });
}
