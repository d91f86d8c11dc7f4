// The doctor probe (what `katya doctor` prints and "Test connection" shows) against the real
// reference server on loopback: every step's outcome, the advice on failures, and no token in
// any text it hands back.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { probeServer } from '../../../main/core/doctor';
import type { ProbeResult } from '../../../main/core/doctor';
import type { AuthMethod } from '../../../main/core/common/protocol';
import type { TestStep } from '../../../main/core/common/views';
import { startKatyaServer } from '../../../main/server/server';
import type { KatyaServer } from '../../../main/server/server';

const ADMIN = 'admin-secret-0123';
const VIEWER = 'viewer-token-4567';
const WRONG = 'not-a-known-token-89';

let s: KatyaServer | null = null;
afterEach(async () => {
  await s?.close();
  s = null;
});
const start = async () =>
  (s = await startKatyaServer({
    port: 0,
    tokens: [
      { token: ADMIN, channels: ['*'], admin: true },
      { token: VIEWER, channels: ['messages', 'rooms'] },
    ],
  }));

const outcomes = (r: ProbeResult) => r.steps.map((st) => `${st.step}:${st.outcome}`);
const only = (r: ProbeResult, step: TestStep['step']) => {
  const found = r.steps.filter((st) => st.step === step);
  expect(found, `${step} in ${outcomes(r).join(' ')}`).toHaveLength(1);
  return found[0]!;
};

/** Neither the token nor its URL-encoded form in any text the probe hands back. */
function expectNoToken(r: ProbeResult, token: string) {
  for (const st of r.steps) {
    for (const text of [st.detail, st.advice ?? '']) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(encodeURIComponent(token));
    }
  }
}

/** A port nothing listens on: bound by us a moment ago, then closed. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('probeServer', () => {
  it('passes every step with a good token, one subscribe step per channel', async () => {
    const server = await start();
    const seen: TestStep[] = [];
    const r = await probeServer({ url: server.url, token: ADMIN }, (st) => seen.push(st));

    expect(r.ok, outcomes(r).join(' ')).toBe(true);
    expect(r.authFailed).toBe(false);
    expect(seen).toEqual(r.steps); // reported as they happen, in the same order
    expect(outcomes(r)).toEqual([
      'url:ok',
      'proxy:ok', // which way: direct here
      'dns:ok',
      'tcp:ok',
      'tls:skip', // ws:// to this computer has no TLS
      'upgrade:ok',
      'auth:ok',
      ...Array(6).fill('subscribe:ok'),
      'rtt:ok',
    ]);
    const subscribed = r.steps.filter((st) => st.step === 'subscribe').map((st) => st.detail);
    expect(subscribed).toEqual([
      'channel messages',
      'channel rooms',
      'channel trust',
      'channel analytics',
      'channel security',
      'channel system',
    ]);
    for (const st of r.steps) expect(st.ok).toBe(st.outcome === 'ok');
    expect(only(r, 'tls').ok).toBe(false);
    expect(only(r, 'auth').detail).toMatch(/accepted \(header\)/);
    expect(only(r, 'rtt').detail).toMatch(/ms average of 3 pings/);
    expectNoToken(r, ADMIN);
  });

  it.each<AuthMethod>(['header', 'query', 'message'])(
    'reports a refused token with auth method %s',
    async (authMethod) => {
      const server = await start();
      const r = await probeServer({ url: server.url, authMethod, token: WRONG });

      expect(r.ok).toBe(false);
      expect(r.authFailed).toBe(true);
      expect(only(r, 'upgrade').outcome).toBe('ok');
      const auth = only(r, 'auth');
      expect(auth.outcome).toBe('fail');
      expect(auth.ok).toBe(false);
      expect(auth.detail).toMatch(/refused/);
      expect(auth.advice).toMatch(/token is wrong, expired or revoked/);
      expect(only(r, 'subscribe').outcome).toBe('skip');
      expect(only(r, 'rtt').outcome).toBe('skip');
      expectNoToken(r, WRONG);
    },
  );

  it('accepts a good token sent in the query and in the first message too', async () => {
    const server = await start();
    for (const authMethod of ['query', 'message'] as const) {
      const r = await probeServer({
        url: server.url,
        authMethod,
        token: ADMIN,
        channels: ['rooms'],
      });
      expect(r.ok, `${authMethod}: ${outcomes(r).join(' ')}`).toBe(true);
      expect(only(r, 'auth').detail).toContain(`(${authMethod})`);
      expectNoToken(r, ADMIN);
    }
  });

  it('shows a refused channel as its own failed step with advice while the others pass', async () => {
    const server = await start();
    const r = await probeServer({
      url: server.url,
      token: VIEWER,
      channels: ['messages', 'security', 'rooms'],
      events: ['system.status.changed'],
    });

    expect(r.ok).toBe(false);
    expect(r.authFailed).toBe(false);
    expect(only(r, 'auth').outcome).toBe('ok');
    const subs = r.steps.filter((st) => st.step === 'subscribe');
    expect(subs.map((st) => [st.outcome, st.detail.split(':')[0]])).toEqual([
      ['ok', 'channel messages'],
      ['fail', 'channel security'],
      ['ok', 'channel rooms'],
      ['fail', 'event system.status.changed'],
    ]);
    expect(subs[1]!.detail).toMatch(/4002/);
    expect(subs[1]!.advice).toMatch(/ask the server admin to grant it/);
    expect(subs[3]!.detail).toMatch(/4002/);
    expect(subs[0]!.advice).toBeUndefined();
    expect(only(r, 'rtt').outcome).toBe('ok'); // a refused channel does not end the walk
    expectNoToken(r, VIEWER);
  });

  it('fails at tcp with advice when nothing listens, and skips the later steps', async () => {
    const port = await closedPort();
    const r = await probeServer({ url: `ws://127.0.0.1:${port}/v1/ws`, token: ADMIN });

    expect(r.ok).toBe(false);
    expect(r.authFailed).toBe(false);
    const tcp = only(r, 'tcp');
    expect(tcp.outcome).toBe('fail');
    expect(tcp.detail).toContain(String(port));
    expect(tcp.advice).toMatch(/nothing listens there/);
    expect(outcomes(r)).toEqual([
      'url:ok',
      'proxy:ok', // which way: direct here
      'dns:ok',
      'tcp:fail',
      'upgrade:skip',
      'auth:skip',
      'subscribe:skip',
      'rtt:skip',
    ]);
    for (const st of r.steps.filter((x) => x.outcome === 'skip')) {
      expect(st.ok).toBe(false);
      expect(st.detail).toMatch(/earlier step failed/);
    }
  });

  it('fails at the url step alone for ws:// to another computer, and for no URL at all', async () => {
    for (const url of ['ws://katya.example/v1/ws', 'not a url', 'https://katya.example/v1/ws']) {
      const r = await probeServer({ url, token: ADMIN });
      expect(r.ok).toBe(false);
      expect(r.authFailed).toBe(false);
      expect(r.steps).toHaveLength(1);
      expect(r.steps[0]).toMatchObject({ step: 'url', ok: false, outcome: 'fail' });
      expect(r.steps[0]!.detail).not.toBe('');
    }
    const remote = await probeServer({ url: 'ws://katya.example/v1/ws' });
    expect(remote.steps[0]!.detail).toMatch(/wss:\/\/katya\.example\/v1\/ws/);
    // What comes over IPC is not always what the types promise.
    const garbage = await probeServer({ url: 42 as unknown as string });
    expect(garbage.steps).toMatchObject([{ step: 'url', outcome: 'fail' }]);
  });

  it('checks what it can without a token: auth and subscriptions skipped, still ok', async () => {
    const server = await start();
    const r = await probeServer({ url: server.url });
    expect(outcomes(r)).toEqual([
      'url:ok',
      'proxy:ok', // which way: direct here
      'dns:ok',
      'tcp:ok',
      'tls:skip',
      'upgrade:ok',
      'auth:skip',
      'subscribe:skip',
      'rtt:ok',
    ]);
    expect(r.ok).toBe(true);
    expect(only(r, 'auth').detail).toBe('no token given');
  });

  it('masks the token when the server echoes it back', async () => {
    // A server is free to quote what it was sent; the report must not show the token anyway.
    const { WebSocketServer } = await import('ws');
    const echo = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => echo.once('listening', () => resolve()));
    echo.on('connection', (ws) =>
      ws.on('message', (data) => {
        const msg = JSON.parse(String(data)) as { token?: string; id?: string };
        ws.send(
          JSON.stringify({
            type: 'error',
            data: { code: '4001', message: `unknown token ${msg.token}`, requestId: msg.id },
          }),
        );
      }),
    );
    try {
      const port = (echo.address() as AddressInfo).port;
      const r = await probeServer({
        url: `ws://127.0.0.1:${port}/v1/ws`,
        authMethod: 'message',
        token: WRONG,
      });
      expect(r.authFailed).toBe(true);
      expect(only(r, 'auth').detail).toMatch(/unknown token \[redacted\]/);
      expectNoToken(r, WRONG);
    } finally {
      for (const c of echo.clients) c.terminate();
      await new Promise<void>((resolve) => echo.close(() => resolve()));
    }
  });
});
