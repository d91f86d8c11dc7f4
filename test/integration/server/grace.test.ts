// "Error, then close" keeps the connection open for a grace in which the server ignores the
// client (docs/protocol.md, "Endpoint and authentication"): a client that writes before it
// reads, like the document's own Python client, must still get the error. Closes that follow
// no error stay immediate, and shutting down does not wait for anyone's grace.
import { afterEach, describe, expect, it } from 'vitest';
import { startKatyaServer } from '../../../main/server/server';
import type { KatyaServer, KatyaServerOptions } from '../../../main/server/server';
import { RawClient, bearer, eventually } from './raw-client';
import type { Frame } from './raw-client';

const TOKENS = [
  { token: 'admin-secret', channels: ['*'], admin: true },
  { token: 'viewer', channels: ['messages', 'rooms'] },
];
const GRACE = 400;

const open: { servers: KatyaServer[]; clients: RawClient[] } = { servers: [], clients: [] };
afterEach(async () => {
  for (const c of open.clients.splice(0)) c.close();
  await Promise.all(open.servers.splice(0).map((s) => s.close()));
});

async function server(opts: KatyaServerOptions = {}) {
  const s = await startKatyaServer({ tokens: TOKENS, closeGraceMs: GRACE, ...opts });
  open.servers.push(s);
  return s;
}
async function client(url: string, headers: Record<string, string> = {}) {
  const c = await RawClient.open(url, headers);
  open.clients.push(c);
  return c;
}
const isError = (code: string) => (f: Frame) => f.type === 'error' && f.data?.code === code;

/**
 * Wait for the error, talk to the server during the grace (requests, and more messages than
 * the rate limit allows), then check that the close came a grace after the error, with the
 * expected code, and that nothing was answered in between.
 */
async function expectGrace(c: RawClient, errorCode: string, closeCode: number, grace = GRACE) {
  await c.waitFor(isError(errorCode));
  const errorAt = c.arrivalOf(isError(errorCode))!;
  const framesAtError = c.frames.length;
  expect(c.isOpen).toBe(true);
  c.send({ type: 'subscribe', id: 'during-grace', channels: ['messages'] });
  c.send({ type: 'auth', id: 'auth-during-grace', token: 'admin-secret' });
  for (let i = 0; i < 150; i++) c.send({ type: 'ping', id: `p${i}` });
  c.send('not json');
  c.ws.ping(); // a protocol-level ping: not even the library answers during the grace
  let pongFrames = 0;
  c.ws.on('pong', () => pongFrames++);
  const closed = await c.closed;
  expect(closed.code).toBe(closeCode);
  expect(closed.at - errorAt).toBeGreaterThanOrEqual(grace * 0.8);
  expect(closed.at - errorAt).toBeLessThan(grace + 2000);
  expect(c.frames.slice(framesAtError)).toEqual([]);
  expect(pongFrames).toBe(0);
}

describe('grace before close', () => {
  it('lets a client that subscribes right after connecting with a bad token read the 4001 error, then closes 4001; the subscribe gets no answer', async () => {
    const s = await server();
    const c = RawClient.connect(s.url, bearer('wrong'));
    open.clients.push(c);
    // As the document's Python client does: write first, read afterwards.
    c.ws.on('open', () => c.send({ type: 'subscribe', id: 'first', channels: ['messages'] }));
    const closed = await c.closed;
    expect(c.frames).toHaveLength(1);
    expect(c.frames[0]).toMatchObject({ type: 'error', data: { code: '4001' } });
    expect(closed.code).toBe(4001);
    expect(closed.at - c.arrivals[0]!).toBeGreaterThanOrEqual(GRACE * 0.8);
  });

  it.each([
    ['on the upgrade (header)', (url: string) => client(url, bearer('wrong'))],
    ['on the upgrade (query)', (url: string) => client(`${url}?token=wrong`)],
    [
      'in an auth message',
      async (url: string) => {
        const c = await client(url);
        c.send({ type: 'auth', token: 'wrong' });
        return c;
      },
    ],
  ])('holds a bad token %s for the grace', async (_how, connect) => {
    const s = await server();
    await expectGrace(await connect(s.url), '4001', 4001);
  });

  it('holds a revoked token for the grace', async () => {
    const s = await server();
    const c = await client(s.url, bearer('viewer'));
    await c.request({ type: 'subscribe', channels: ['messages'] }, 's');
    s.setTokens([{ token: 'admin-secret', channels: ['*'], admin: true }]);
    // Events published in the grace are not delivered to the revoked connection.
    await c.waitFor(isError('4001'));
    s.publish('message.created', { id: 'msg_after_revocation' });
    await expectGrace(c, '4001', 4001);
  });

  it('holds an authentication timeout for the grace', async () => {
    const s = await server({ authTimeoutMs: 200 });
    await expectGrace(await client(s.url), '4001', 4001);
  });

  it.each([
    ['5001', 1011],
    ['5002', 1013],
  ] as const)('holds an injected %s for the grace, then closes %i', async (code, close) => {
    const s = await server();
    const c = await client(s.url, bearer('viewer'));
    await c.request({ type: 'ping' }, 'ready');
    s.injectFailure(code);
    await expectGrace(c, code, close);
  });

  it('waits about 1 s by default', async () => {
    const s = await startKatyaServer({ tokens: TOKENS });
    open.servers.push(s);
    await expectGrace(await client(s.url, bearer('wrong')), '4001', 4001, 1000);
  });

  it('closes at once, with no grace, when no error comes first (1008 rate limit, 1009 too big)', async () => {
    const s = await server({ closeGraceMs: 5000 });
    const flood = await client(s.url, bearer('viewer'));
    const floodStart = performance.now();
    for (let i = 0; i < 150; i++) flood.send({ type: 'ping' });
    const rate = await flood.closed;
    expect(rate.code).toBe(1008);
    expect(rate.at - floodStart).toBeLessThan(2000);

    const big = await client(s.url, bearer('viewer'));
    const bigStart = performance.now();
    big.send(JSON.stringify({ type: 'ping', pad: 'x'.repeat(65 * 1024) }));
    const tooBig = await big.closed;
    expect(tooBig.code).toBe(1009);
    expect(tooBig.at - bigStart).toBeLessThan(2000);
  });

  it('closes a client that misses two pings at once (1001)', async () => {
    const s = await server({ pingIntervalMs: 100, closeGraceMs: 5000 });
    const c = await client(s.url, bearer('viewer'));
    const closed = await c.closed;
    expect(closed.code).toBe(1001);
    // The second ping came one interval before the close; no grace of 5 s in between.
    const lastPing = c.arrivals[c.frames.length - 1]!;
    expect(closed.at - lastPing).toBeLessThan(1000);
  });

  it('does not make close() wait for graces: everyone gets 1001 at once', async () => {
    const s = await startKatyaServer({ tokens: TOKENS, closeGraceMs: 30_000 });
    const inGrace = await client(s.url, bearer('wrong'));
    const fine = await client(s.url, bearer('viewer'));
    await inGrace.waitFor(isError('4001'));
    await eventually(() => s.clientCount() === 2);
    const start = performance.now();
    await s.close();
    expect(performance.now() - start).toBeLessThan(2000);
    expect((await inGrace.closed).code).toBe(1001);
    expect((await fine.closed).code).toBe(1001);
  });
});
