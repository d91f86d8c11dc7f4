// `katya tail` against servers an outsider runs: one that quotes the token back, one that sends
// an event nested thousands deep among good ones, one that floods a reader who does not read.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { KatyaProcess, buildKatya, cleanEnv } from './katya-process';

const TOKEN = 'hostile-test-TOKEN-91c2';

let bin: string;
let cleanup: () => void;
beforeAll(async () => ({ bin, cleanup } = await buildKatya()), 60_000);
afterAll(() => cleanup?.());

const closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/** A raw server on loopback: `onSubscribe` runs for every subscribe request. */
async function hostileServer(onSubscribe: (ws: WebSocket, requestId: string | undefined) => void) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  wss.on('connection', (ws) => {
    ws.on('message', (raw) => {
      const msg = JSON.parse(raw.toString()) as { type: string; id?: string };
      if (msg.type === 'subscribe') onSubscribe(ws, msg.id);
    });
  });
  closers.push(() => {
    for (const c of wss.clients) c.terminate();
    wss.close();
  });
  return `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/v1/ws`;
}

function tail(args: string[]) {
  const p = KatyaProcess.start(bin, ['tail', '--token', TOKEN, ...args], cleanEnv());
  closers.push(() => p.kill());
  return p;
}

const quoting = (ws: WebSocket, requestId: string | undefined) => {
  const forms = [TOKEN, encodeURIComponent(TOKEN), `token: ${TOKEN}`, `{"token":"${TOKEN}"}`];
  ws.send(
    JSON.stringify({
      type: 'error',
      id: 'err_1',
      data: { code: '4002', channel: 'security', requestId, message: `no: ${forms.join(' | ')}` },
    }),
  );
  ws.send(
    JSON.stringify({ type: 'error', id: 'err_2', data: { code: '4003', message: `bad ${TOKEN}` } }),
  );
  setTimeout(() => {
    ws.send(
      JSON.stringify({
        type: 'error',
        id: 'err_3',
        data: { code: '4001', message: `revoked ${TOKEN}` },
      }),
    );
    ws.close(4001, `bye ${TOKEN}`);
  }, 100);
};

describe('katya tail and a server that quotes the token back', () => {
  it.each([
    ['text', []],
    ['--json', ['--json']],
  ])('never prints the token (%s)', async (_n, extra) => {
    const url = await hostileServer(quoting);
    const p = tail(['--url', url, ...extra]);
    const { code } = await p.exited;
    expect(code).toBe(3);
    const all = `${p.stdout.join('\n')}\n${p.stderr}`;
    expect(all).toContain('[redacted]');
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain(encodeURIComponent(TOKEN));
  });
});

describe('katya tail and an event nested 10,000 levels deep', () => {
  it.each([
    ['text', []],
    ['--json', ['--json']],
  ])('prints the rest of the batch (%s)', async (_n, extra) => {
    const event = (id: string, data: string) =>
      `{"type":"event","id":"${id}","event":"room.created","channel":"rooms","data":${data}}`;
    const deep = `${'{"a":'.repeat(10_000)}{}${'}'.repeat(10_000)}`;
    const url = await hostileServer((ws, requestId) => {
      ws.send(
        JSON.stringify({
          type: 'response',
          id: 'r1',
          data: { action: 'subscribe', requestId, channels: ['rooms'], events: [] },
        }),
      );
      ws.send(event('before', '{"name":"before"}'));
      ws.send(event('deep', deep));
      ws.send(event('after', '{"name":"after"}'));
    });
    const p = tail(['--url', url, '--channels', 'rooms', ...extra]);
    await p.until(() => p.stdout.some((l) => l.includes('after')), 'the event after the deep one');
    expect(p.stdout.some((l) => l.includes('before'))).toBe(true);
    expect(p.stdout.join('\n')).not.toContain('"deep"');
    expect(p.running).toBe(true);
  });
});

describe('katya tail usage with prototype member names', () => {
  it.each([
    [['tail', '--url', 'ws://127.0.0.1:1/v1/ws', '--token', 't', '--channels', 'constructor']],
    [['tail', '--url', 'ws://127.0.0.1:1/v1/ws', '--token', 't', '--events', '__proto__']],
    [['constructor']],
    [['help', 'toString']],
  ])('%j is a usage error (exit 2)', async (args) => {
    const r = await KatyaProcess.run(bin, args, cleanEnv());
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/TypeError|at .*\.cjs/);
  });
});

describe('katya tail behind a reader that does not read', () => {
  it('keeps its memory bounded, drops event lines and says how many', async () => {
    const line = JSON.stringify({ text: 'x'.repeat(900) });
    let sending = true;
    closers.push(() => (sending = false));
    const url = await hostileServer((ws, requestId) => {
      ws.send(
        JSON.stringify({
          type: 'response',
          id: 'r1',
          data: { action: 'subscribe', requestId, channels: ['rooms'], events: [] },
        }),
      );
      let n = 0;
      const burst = () => {
        if (!sending || ws.readyState !== ws.OPEN) return;
        // ~1 KB per event, as fast as the socket takes it
        for (let i = 0; i < 500; i++) {
          ws.send(
            `{"type":"event","id":"f${n++}","event":"room.created","channel":"rooms","data":{"name":${line}}}`,
          );
        }
        if (ws.bufferedAmount > 4 * 1024 * 1024) setTimeout(burst, 5);
        else setImmediate(burst);
      };
      burst();
    });
    const child = spawn(
      process.execPath,
      [bin, 'tail', '--json', '--channels', 'rooms', '--url', url, '--token', TOKEN],
      {
        env: cleanEnv(),
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    closers.push(() => child.kill('SIGKILL'));
    // Nobody reads stdout for a while: the pipe fills, and the child must not buffer on.
    child.stdout.pause();
    const rssMb = () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
    };
    let peak = 0;
    for (let i = 0; i < 40; i++) {
      await new Promise((r) => setTimeout(r, 100));
      peak = Math.max(peak, rssMb());
    }
    sending = false;
    // Now read: the backlog drains and the notice tells how many lines were dropped.
    let text = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (text += chunk));
    child.stdout.resume();
    const deadline = Date.now() + 15_000;
    while (!/"type":"dropped"/.test(text) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const dropped = text
      .split('\n')
      .filter((l) => l.includes('"type":"dropped"'))
      .map((l) => (JSON.parse(l) as { count: number }).count);
    expect(dropped.length).toBeGreaterThan(0);
    expect(dropped[0]).toBeGreaterThan(0);
    // Four seconds of a server sending megabytes a second would be hundreds of MB unbounded.
    expect(peak).toBeLessThan(200);
  }, 40_000);
});
