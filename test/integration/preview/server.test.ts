// The browser preview's server on a real loopback port: requests it cannot parse get 400 and it
// keeps serving; only loopback Host and Origin values are answered (DNS rebinding); the launch
// secret (on the browser's command line, so readable by other local users) buys one session.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startPreview } from '../../../main/preview/server';
import type { Preview } from '../../../main/preview/server';

let preview: Preview;
let port: number;
let launchSecret: string;
const logged: string[] = [];

beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'katya-preview-test-'));
  const rendererDir = path.join(dir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><head></head><body></body>');
  const bridgeFile = path.join(dir, 'bridge.js');
  writeFileSync(bridgeFile, '"use strict";');
  mkdirSync(path.join(dir, 'data'));
  preview = await startPreview({
    dataDir: path.join(dir, 'data'),
    rendererDir,
    bridgeFile,
    log: (line) => logged.push(line),
  });
  port = preview.port;
  launchSecret = new URLSearchParams(new URL(preview.url).hash.slice(1)).get('s')!;
});

afterAll(async () => {
  await preview?.close();
});

/** Write `lines` as one raw request; return the response head (or what came before a hang-up). */
function rawRequest(lines: string[], timeoutMs = 3000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(received);
    };
    const timer = setTimeout(done, timeoutMs);
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      received += d;
      if (received.includes('\r\n\r\n')) done();
    });
    socket.on('end', done);
    socket.on('error', done);
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  });
}

const statusOf = (response: string) => response.split('\r\n')[0] ?? '';

const get = (target: string, headers: Record<string, string>) =>
  rawRequest([
    `GET ${target} HTTP/1.1`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    'Connection: close',
  ]);

const upgrade = (target: string, headers: Record<string, string>) =>
  rawRequest([
    `GET ${target} HTTP/1.1`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    'Connection: Upgrade',
    'Upgrade: websocket',
    'Sec-WebSocket-Version: 13',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
  ]);

const own = () => `127.0.0.1:${port}`;

interface BridgeClient {
  frames: Record<string, unknown>[];
  closed: Promise<{ code: number; reason: string }>;
  send(message: unknown): void;
  waitFor(t: string): Promise<Record<string, unknown>>;
  close(): void;
}

/** A bridge socket from our own page's origin. */
function openBridge(): Promise<BridgeClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${own()}/bridge`, { origin: `http://${own()}` });
    const frames: Record<string, unknown>[] = [];
    const wakers: (() => void)[] = [];
    ws.on('message', (raw) => {
      frames.push(JSON.parse(raw.toString()) as Record<string, unknown>);
      for (const w of wakers.splice(0)) w();
    });
    const closed = new Promise<{ code: number; reason: string }>((res) =>
      ws.on('close', (code, reason) => {
        res({ code, reason: reason.toString() });
        for (const w of wakers.splice(0)) w();
      }),
    );
    ws.once('error', reject);
    ws.once('open', () =>
      resolve({
        frames,
        closed,
        send: (m) => ws.send(JSON.stringify(m)),
        async waitFor(t) {
          const deadline = Date.now() + 5000;
          for (;;) {
            const found = frames.find((f) => f.t === t);
            if (found) return found;
            if (ws.readyState !== WebSocket.OPEN || Date.now() > deadline)
              throw new Error(`no "${t}" frame; got ${JSON.stringify(frames)}`);
            await new Promise<void>((r) => {
              const timer = setTimeout(r, 100);
              wakers.push(() => {
                clearTimeout(timer);
                r();
              });
            });
          }
        },
        close: () => ws.terminate(),
      }),
    );
  });
}

/** The bridge's answer to a hello: its first frame, or how it closed. */
async function hello(message: Record<string, unknown>) {
  const client = await openBridge();
  client.send({ t: 'hello', ...message });
  const outcome = await Promise.race([
    client.waitFor('ready').then((frame) => ({ frame, code: null as number | null })),
    client.closed.then(({ code }) => ({ frame: null, code })),
  ]);
  return { ...outcome, client };
}

describe('preview: requests it cannot parse', () => {
  it('answers a GET whose target is not a URL with 400 and keeps serving', async () => {
    expect(statusOf(await get('//[', { Host: own() }))).toBe('HTTP/1.1 400 Bad Request');
    expect(statusOf(await get('/', { Host: own() }))).toBe('HTTP/1.1 200 OK');
  });

  it('refuses an upgrade whose target is not a URL with 400 and keeps serving', async () => {
    const response = await upgrade('//[', { Host: own(), Origin: `http://${own()}` });
    expect(statusOf(response)).toBe('HTTP/1.1 400 Bad Request');
    expect(statusOf(await get('/', { Host: own() }))).toBe('HTTP/1.1 200 OK');
  });
});

describe('preview: DNS rebinding', () => {
  it('serves the loopback names at its own port', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      expect(statusOf(await get('/', { Host: host })), host).toBe('HTTP/1.1 200 OK');
    }
  });

  it('refuses any other Host with 403', async () => {
    for (const host of [`evil.example:${port}`, 'evil.example', '127.0.0.1', `127.0.0.1:1`]) {
      expect(statusOf(await get('/', { Host: host })), host).toBe('HTTP/1.1 403 Forbidden');
    }
    expect(statusOf(await get('/bridge.js', { Host: `evil.example:${port}` }))).toBe(
      'HTTP/1.1 403 Forbidden',
    );
    expect(
      statusOf(await rawRequest(['GET / HTTP/1.0'])),
      'HTTP/1.0 without a Host header',
    ).toMatch(/^HTTP\/1\.[01] 403 Forbidden$/);
  });

  it('refuses a foreign Origin with 403', async () => {
    const response = await get('/', { Host: own(), Origin: `http://evil.example:${port}` });
    expect(statusOf(response)).toBe('HTTP/1.1 403 Forbidden');
    expect(statusOf(await get('/', { Host: own(), Origin: `http://${own()}` }))).toBe(
      'HTTP/1.1 200 OK',
    );
  });

  it('refuses a bridge upgrade from a rebound name', async () => {
    const evil = `evil.example:${port}`;
    expect(statusOf(await upgrade('/bridge', { Host: evil, Origin: `http://${evil}` }))).toBe(
      'HTTP/1.1 403 Forbidden',
    );
    expect(statusOf(await upgrade('/bridge', { Host: own(), Origin: `http://${evil}` }))).toBe(
      'HTTP/1.1 403 Forbidden',
    );
    expect(statusOf(await upgrade('/bridge', { Host: own() })), 'no Origin').toBe(
      'HTTP/1.1 403 Forbidden',
    );
    expect(statusOf(await upgrade('/bridge', { Host: own(), Origin: `http://${own()}` }))).toBe(
      'HTTP/1.1 101 Switching Protocols',
    );
  });
});

describe('preview: the bridge secrets', () => {
  let session = '';

  it('refuses a wrong secret', async () => {
    const wrong = await hello({ launch: 'f'.repeat(launchSecret.length) });
    expect(wrong.code).toBe(4001);
    const noSession = await hello({ session: 'f'.repeat(64) });
    expect(noSession.code).toBe(4001);
    // A call before any hello is not answered: the socket is closed instead.
    const client = await openBridge();
    client.send({ t: 'invoke', id: 1, channel: 'app:snapshot', args: [] });
    expect((await client.closed).code).toBe(4001);
  });

  it('takes the launch secret once, in exchange for a 32-byte session secret', async () => {
    const first = await hello({ launch: launchSecret });
    expect(first.frame).not.toBeNull();
    session = String(first.frame!.session);
    expect(session).toMatch(/^[0-9a-f]{64}$/);
    expect(session).not.toBe(launchSecret);
    first.client.close();

    const second = await hello({ launch: launchSecret });
    expect(second.code).toBe(4001);
    expect(logged.join('\n')).toMatch(/launch secret.*already/);
    // Nor may the launch secret pass for the session secret.
    expect((await hello({ session: launchSecret })).code).toBe(4001);
  });

  it('accepts the session secret on every reconnect, and serves calls over it', async () => {
    expect(session).not.toBe('');
    for (let i = 0; i < 2; i++) {
      const again = await hello({ session });
      expect(again.frame).toEqual({ t: 'ready' });
      again.client.send({ t: 'invoke', id: 7, channel: 'app:snapshot', args: [] });
      const result = await again.client.waitFor('result');
      expect(result).toMatchObject({ t: 'result', id: 7, ok: true });
      again.client.close();
    }
    expect(
      (await hello({ session: session.replace(/.$/, (c) => (c === '0' ? '1' : '0')) })).code,
    ).toBe(4001);
  });
});

/** A fresh folder with a minimal page to serve, for a preview of its own. */
function profileWithPage(prefix: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  const rendererDir = path.join(dir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><head></head>');
  return { dir, rendererDir };
}

describe('--server and --token', () => {
  it('add a server to the profile and keep the ones it lists', async () => {
    const { dir, rendererDir } = profileWithPage('katya-preview-servers-');
    const base = {
      dataDir: path.join(dir, 'data'),
      rendererDir,
      bridgeFile: __filename,
      log: () => {},
    };
    const prod = 'wss://prod.example/v1/ws';
    const staging = 'wss://staging.example/v1/ws';
    const first = await startPreview({ ...base, server: prod, token: 'prod-token' });
    await first.close();
    const second = await startPreview({ ...base, server: staging, token: 'staging-token' });
    try {
      const servers = second.app.snapshot().servers;
      expect(servers.map((s) => s.connection.serverUrl)).toEqual([prod, staging]);
      // (the preview keeps tokens in memory: the one given this time is stored)
      expect(servers[1]!.token.stored).toBe(true);
    } finally {
      await second.close();
    }
    // the same address again is the server already listed, not a second one
    const third = await startPreview({ ...base, server: prod });
    try {
      expect(third.app.snapshot().servers).toHaveLength(2);
    } finally {
      await third.close();
    }
  });
});

describe('the page', () => {
  it('has its history read at start, as the app has when it opens its window', async () => {
    const { dir, rendererDir } = profileWithPage('katya-preview-history-');
    // A server that is never reached, and no deadline: only the preview can start the read.
    const p = await startPreview({
      dataDir: path.join(dir, 'data'),
      rendererDir,
      bridgeFile: __filename,
      log: () => {},
      server: 'ws://127.0.0.1:9/v1/ws',
      token: 'a-token',
      historyReadDeadlineMs: 600_000,
    });
    const loaded = () => (p.app.diagnostics().historyInfo as { loaded?: boolean }).loaded === true;
    try {
      for (let i = 0; i < 100 && !loaded(); i++) await new Promise((r) => setTimeout(r, 20));
      expect(loaded()).toBe(true);
    } finally {
      await p.close();
    }
  });
});
