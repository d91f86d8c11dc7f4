// `katya server` as a process: the first stdout line, tokens from a file, the demo token, HTTP
// publishing as the README's curl example does it, and a clean exit on SIGINT/SIGTERM.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RawClient, bearer } from '../server/raw-client';
import { KatyaProcess, buildKatya } from './katya-process';

let bin: string;
let cleanup: () => void;
const dir = mkdtempSync(path.join(tmpdir(), 'katya-server-cli-'));
const tokensFile = path.join(dir, 'tokens.json');
writeFileSync(
  tokensFile,
  JSON.stringify({
    tokens: [
      { token: 's3cret', channels: ['*'], admin: true },
      { token: 'viewer', channels: ['messages', 'rooms'] },
    ],
  }),
);
beforeAll(async () => ({ bin, cleanup } = await buildKatya()), 60_000);
afterAll(() => {
  cleanup?.();
  rmSync(dir, { recursive: true, force: true });
});

const running: KatyaProcess[] = [];
const clients: RawClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  for (const p of running.splice(0)) p.kill();
});

async function startServer(args: string[]) {
  const p = KatyaProcess.start(bin, ['server', '--port', '0', ...args]);
  running.push(p);
  const first = await p.until(() => p.stdout[0], 'first stdout line');
  const m = /^listening (ws:\/\/127\.0\.0\.1:(\d+)\/v1\/ws)$/.exec(first);
  expect(m, first).not.toBeNull();
  return { p, url: m![1]!, http: `http://127.0.0.1:${m![2]}` };
}

describe('katya server', () => {
  it('prints "listening ws://HOST:PORT/v1/ws" first, serves tokens from the file, publishes over HTTP', async () => {
    const { p, url, http } = await startServer(['--tokens', tokensFile, '--demo-rate', '0']);
    expect(p.stdout).toHaveLength(1); // logs go to stderr

    const health = await fetch(`${http}/healthz`);
    expect(await health.json()).toMatchObject({ status: 'ok' });

    const c = await RawClient.open(url, bearer('s3cret'));
    clients.push(c);
    await c.request({ type: 'subscribe', channels: ['alerts'] }, 's');
    const viewer = await RawClient.open(url, bearer('viewer'));
    clients.push(viewer);
    const [refused] = await viewer.request({ type: 'subscribe', channels: ['security'] }, 'v');
    expect(refused?.data?.code).toBe('4002');

    // What the README's curl example sends.
    const r = await fetch(`${http}/v1/events`, {
      method: 'POST',
      headers: { authorization: 'Bearer s3cret', 'content-type': 'application/json' },
      body: JSON.stringify({
        event: 'security.alert.created',
        data: { title: 'Port scan', severity: 'high' },
      }),
    });
    const { id } = (await r.json()) as { id: string };
    expect(r.status).toBe(200);
    const e = await c.waitFor((f) => f.type === 'event');
    expect(e).toMatchObject({ id, channel: 'security', data: { title: 'Port scan' } });
    const denied = await fetch(`${http}/v1/events`, {
      method: 'POST',
      headers: bearer('viewer'),
      body: '{"event":"message.created","data":{}}',
    });
    expect(denied.status).toBe(403);
  });

  it('generates a demo token, prints it on stderr and sends demo events', async () => {
    const { p, url } = await startServer(['--demo-rate', '20']);
    const token = await p.until(() => /demo_[0-9a-f]{32}/.exec(p.stderr)?.[0], 'demo token');
    const c = await RawClient.open(url, bearer(token));
    clients.push(c);
    await c.request(
      {
        type: 'subscribe',
        channels: ['messages', 'rooms', 'trust', 'analytics', 'security', 'system'],
      },
      's',
    );
    await c.waitFor((f) => f.type === 'event', 15_000);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'closes every client with 1001 and exits 0 on %s',
    async (signal) => {
      const { p, url } = await startServer(['--tokens', tokensFile, '--demo-rate', '0']);
      const a = await RawClient.open(url, bearer('viewer'));
      const b = await RawClient.open(url, bearer('s3cret'));
      clients.push(a, b);
      await a.request({ type: 'ping' }, 'p');
      await b.request({ type: 'ping' }, 'p');
      p.child.kill(signal);
      expect((await a.closed).code).toBe(1001);
      expect((await b.closed).code).toBe(1001);
      expect((await p.exited).code).toBe(0);
    },
  );

  it('applies --max-subscriptions and --ping-interval', async () => {
    const { url } = await startServer([
      '--tokens',
      tokensFile,
      '--demo-rate',
      '0',
      '--max-subscriptions',
      '1',
      '--ping-interval',
      '100',
    ]);
    const c = await RawClient.open(url, bearer('s3cret'));
    clients.push(c);
    const [err] = await c.request({ type: 'subscribe', channels: ['rooms', 'trust'] }, 'x');
    expect(err?.data?.code).toBe('4004');
    // This client never answers pings: closed after two.
    expect((await c.closed).code).toBe(1001);
  });

  it('warns on stderr when it listens beyond this computer with plain ws://, not on loopback', async () => {
    const args = ['server', '--port', '0', '--tokens', tokensFile, '--demo-rate', '0'];
    const wide = KatyaProcess.start(bin, [...args, '--host', '0.0.0.0']);
    running.push(wide);
    const first = await wide.until(() => wide.stdout[0], 'first stdout line');
    expect(first).toMatch(/^listening ws:\/\/0\.0\.0\.0:\d+\/v1\/ws$/);
    const warning = await wide.until(
      () => /^katya server: warning: .*$/m.exec(wide.stderr)?.[0],
      'the warning',
    );
    expect(warning).toMatch(/0\.0\.0\.0/);
    expect(warning).toMatch(/ws:\/\//);
    expect(warning).toMatch(/clear text/);
    expect(warning).toMatch(/wss:\/\//);
    expect(wide.stdout).toHaveLength(1); // the warning goes to stderr only

    for (const host of ['127.0.0.1', 'localhost']) {
      const local = KatyaProcess.start(bin, [...args, '--host', host]);
      running.push(local);
      // The last line of the start-up log: everything before it has been written.
      await local.until(() => local.stderr.includes('publish: POST'), 'the start-up log');
      expect(local.stderr, host).not.toMatch(/warning/);
    }
  });

  it('exits 1 with a reason for a broken tokens file or a port in use', async () => {
    const broken = path.join(dir, 'broken.json');
    writeFileSync(broken, '{"tokens": [');
    const r = await KatyaProcess.run(bin, ['server', '--port', '0', '--tokens', broken]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not valid JSON/);

    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const busy = await KatyaProcess.run(bin, ['server', '--port', String(port)]);
      expect(busy.code).toBe(1);
      expect(busy.stderr).toMatch(/in use/);
    } finally {
      blocker.close();
    }
  });
});
