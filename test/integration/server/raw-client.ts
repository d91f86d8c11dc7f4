// A raw `ws` client for conformance tests: records every frame and the close, and lets a test
// wait for a condition instead of sleeping.
import { WebSocket } from 'ws';

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
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: Array<() => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      try {
        this.frames.push(JSON.parse(data.toString()) as Frame);
      } catch {
        this.frames.push({ type: '<not json>' });
      }
      this.wake();
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.wake();
      });
    });
    ws.on('error', () => {});
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      const client = new RawClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  send(message: unknown) {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  get isOpen() {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** The first frame (from the start) that matches; waits for it up to timeoutMs. */
  async waitFor(match: (f: Frame) => boolean, timeoutMs = 10_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find(match);
      if (found) return found;
      if (Date.now() > deadline) {
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
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
