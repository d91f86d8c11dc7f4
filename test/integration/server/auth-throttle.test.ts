// The sign-in throttle: after too many failed sign-ins from one address within a window, that
// address is refused for a while, on the upgrade (429 with Retry-After), in auth messages
// (4001 saying so) and on POST /v1/events (429). The table it keeps is bounded.
import { afterEach, describe, expect, it } from 'vitest';
import { createAuthThrottle, throttleKey } from '../../../main/server/auth-throttle';
import { startKatyaServer } from '../../../main/server/server';
import type { KatyaServer, KatyaServerOptions } from '../../../main/server/server';
import { RawClient, bearer, refusedUpgrade } from './raw-client';

const TOKENS = [
  { token: 'admin-secret', channels: ['*'], admin: true },
  { token: 'viewer', channels: ['messages'] },
];

const open: { servers: KatyaServer[]; clients: RawClient[] } = { servers: [], clients: [] };
afterEach(async () => {
  for (const c of open.clients.splice(0)) c.close();
  await Promise.all(open.servers.splice(0).map((s) => s.close()));
});

async function server(opts: KatyaServerOptions = {}) {
  const s = await startKatyaServer({
    tokens: TOKENS,
    closeGraceMs: 20,
    authThrottle: { maxFailures: 3, windowMs: 10_000, blockMs: 1500 },
    ...opts,
  });
  open.servers.push(s);
  return s;
}
async function client(url: string, headers: Record<string, string> = {}) {
  const c = await RawClient.open(url, headers);
  open.clients.push(c);
  return c;
}
async function failSignIn(url: string) {
  const c = await client(url, bearer('wrong'));
  await c.waitFor((f) => f.type === 'error' && f.data?.code === '4001');
  expect((await c.closed).code).toBe(4001);
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('sign-in throttle (server)', () => {
  it('refuses the upgrade with 429 and Retry-After once an address failed too often, even with a good token', async () => {
    const s = await server();
    for (let i = 0; i < 3; i++) await failSignIn(s.url);
    for (const headers of [bearer('admin-secret'), bearer('wrong'), {}]) {
      const refused = await refusedUpgrade(s.url, headers);
      expect(refused.status).toBe(429);
      expect(refused.headers['retry-after']).toMatch(/^[12]$/);
    }
  });

  it('lets the address in again when the block is over, and does not extend it for refused attempts', async () => {
    const s = await server();
    for (let i = 0; i < 3; i++) await failSignIn(s.url);
    await sleep(700);
    expect((await refusedUpgrade(s.url, bearer('admin-secret'))).status).toBe(429);
    await sleep(1000);
    const c = await client(s.url, bearer('admin-secret'));
    const [pong] = await c.request({ type: 'ping' }, 'back');
    expect(pong?.type).toBe('pong');
  });

  it('answers an auth message on a connection opened before the block with 4001 saying why, then closes 4001', async () => {
    const s = await server({ closeGraceMs: 200 });
    const early = await client(s.url);
    for (let i = 0; i < 3; i++) await failSignIn(s.url);
    early.send({ type: 'auth', id: 'late', token: 'admin-secret' });
    const err = await early.waitFor((f) => f.type === 'error');
    expect(err.data).toMatchObject({ code: '4001', requestId: 'late' });
    expect(err.data?.message).toMatch(
      /^too many failed sign-ins from this address; try again in [12] s$/,
    );
    expect((await early.closed).code).toBe(4001);
  });

  it('counts failed auth messages and failed HTTP publishes, and answers a blocked publish with 429', async () => {
    const s = await server();
    const c = await client(s.url);
    c.send({ type: 'auth', token: 'wrong' });
    expect((await c.closed).code).toBe(4001);
    const publish = (token: string) =>
      fetch(`${s.httpUrl}/v1/events`, {
        method: 'POST',
        headers: bearer(token),
        body: JSON.stringify({ event: 'message.created', data: {} }),
      });
    expect((await publish('wrong')).status).toBe(401);
    expect((await publish('wrong')).status).toBe(401);
    const blocked = await publish('admin-secret');
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toMatch(/^[12]$/);
    expect(((await blocked.json()) as { error: string }).error).toMatch(/too many failed sign-ins/);
    expect((await refusedUpgrade(s.url, bearer('admin-secret'))).status).toBe(429);
  });

  it('forgets failures older than the window', async () => {
    const s = await server({ authThrottle: { maxFailures: 2, windowMs: 300, blockMs: 60_000 } });
    await failSignIn(s.url);
    await sleep(400);
    await failSignIn(s.url);
    const c = await client(s.url, bearer('viewer'));
    const [pong] = await c.request({ type: 'ping' }, 'still-in');
    expect(pong?.type).toBe('pong');
  });

  it('does not count authentication timeouts, revocations or missing tokens', async () => {
    const s = await server({ authTimeoutMs: 100 });
    for (let i = 0; i < 3; i++) expect((await (await client(s.url)).closed).code).toBe(4001);
    for (let i = 0; i < 3; i++) {
      const r = await fetch(`${s.httpUrl}/v1/events`, { method: 'POST', body: '{}' });
      expect(r.status).toBe(401);
    }
    const c = await client(s.url, bearer('viewer'));
    s.setTokens(TOKENS.slice(0, 1));
    expect((await c.closed).code).toBe(4001);
    s.setTokens(TOKENS);
    const ok = await client(s.url, bearer('viewer'));
    const [pong] = await ok.request({ type: 'ping' }, 'fine');
    expect(pong?.type).toBe('pong');
  });

  it('is generous enough by default for a few mistakes: 4 failures still let a good token in', async () => {
    const s = await startKatyaServer({ tokens: TOKENS, closeGraceMs: 20 });
    open.servers.push(s);
    for (let i = 0; i < 4; i++) await failSignIn(s.url);
    const c = await client(s.url, bearer('viewer'));
    const [pong] = await c.request({ type: 'ping' }, 'in');
    expect(pong?.type).toBe('pong');
    await failSignIn(s.url);
    const refused = await refusedUpgrade(s.url, bearer('viewer'));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(55);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
  });

  it.runIf(process.platform === 'linux')(
    'blocks only the address that failed (127.0.0.2 stays welcome)',
    async () => {
      const s = await server();
      for (let i = 0; i < 3; i++) await failSignIn(s.url);
      expect((await refusedUpgrade(s.url, bearer('viewer'))).status).toBe(429);
      const other = await RawClient.open(s.url, bearer('viewer'), { localAddress: '127.0.0.2' });
      open.clients.push(other);
      const [pong] = await other.request({ type: 'ping' }, 'other');
      expect(pong?.type).toBe('pong');
    },
  );
});

describe('sign-in throttle (table)', () => {
  function throttle(opts: { maxAddresses?: number } = {}) {
    let now = 1_000;
    const t = createAuthThrottle({
      maxFailures: 3,
      windowMs: 60_000,
      blockMs: 60_000,
      maxAddresses: opts.maxAddresses ?? 100,
      now: () => now,
    });
    return { t, advance: (ms: number) => (now += ms) };
  }

  it('blocks after maxFailures within the window, for blockMs from the last failure', () => {
    const { t, advance } = throttle();
    expect(t.fail('203.0.113.7')).toBe(false);
    advance(10_000);
    expect(t.fail('203.0.113.7')).toBe(false);
    expect(t.retryAfterMs('203.0.113.7')).toBe(0);
    expect(t.fail('203.0.113.7')).toBe(true);
    expect(t.retryAfterMs('203.0.113.7')).toBe(60_000);
    expect(t.retryAfterMs('203.0.113.8')).toBe(0);
    advance(59_999);
    expect(t.retryAfterMs('203.0.113.7')).toBe(1);
    advance(1);
    expect(t.retryAfterMs('203.0.113.7')).toBe(0);
    // A fresh start after the block: one more failure does not block again.
    expect(t.fail('203.0.113.7')).toBe(false);
    expect(t.retryAfterMs('203.0.113.7')).toBe(0);
  });

  it('never holds more than maxAddresses, dropping expired entries first, then the oldest', () => {
    const { t, advance } = throttle({ maxAddresses: 3 });
    for (let i = 1; i <= 10; i++) t.fail(`198.51.100.${i}`);
    expect(t.size()).toBe(3);
    // The newest three are kept.
    for (let i = 0; i < 2; i++) t.fail('198.51.100.10');
    expect(t.retryAfterMs('198.51.100.10')).toBeGreaterThan(0);
    advance(120_001);
    t.fail('192.0.2.1');
    expect(t.size()).toBe(1);
  });

  it('forgets an address whose failures expired when it is looked up', () => {
    const { t, advance } = throttle();
    t.fail('192.0.2.1');
    advance(60_001);
    expect(t.retryAfterMs('192.0.2.1')).toBe(0);
    expect(t.size()).toBe(0);
  });

  it('keys IPv4-mapped addresses as IPv4 and IPv6 by /64 network', () => {
    expect(throttleKey('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(throttleKey('203.0.113.7')).toBe('203.0.113.7');
    expect(throttleKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(throttleKey('2001:0DB8:0001:0002:ffff:1:2:3')).toBe('2001:db8:1:2::/64');
    expect(throttleKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(throttleKey('::1')).toBe('0:0:0:0::/64');
    expect(throttleKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });
});
