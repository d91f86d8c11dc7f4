// The connection engine through real proxies on loopback: an HTTP CONNECT proxy (with and
// without Basic authentication, refusing with 407 and 403, restarted mid-session) for ws:// and
// wss://, a SOCKS5 proxy, a PAC-style list whose first proxy is down, and NO_PROXY. Each
// failure is its own problem in the state, never "the server refused the token".
import { lookup } from 'node:dns/promises';
import { get as httpGet } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startKatyaServer } from '../../../main/server/server';
import type { KatyaServer } from '../../../main/server/server';
import { parseProxyUrl } from '../../../main/core/common/network';
import type { ProxyChoice, ProxyRoute } from '../../../main/core/common/network';
import { proxyFromEnvironment } from '../../../main/core/net/proxy-env';
import { loadTrust } from '../../../main/core/net/trust';
import {
  NetworkProblemError,
  RouteAgent,
  isNetworkProblem,
  socksProblem,
} from '../../../main/core/net/route-agent';
import type { NetworkOptions } from '../../../main/core/net/route-agent';
import type { ConnectionState } from '../../../main/core/connection/types';
import { cleanup, engine, GOOD_TOKEN } from '../connection/support/harness';
import { waitFor } from '../connection/support/test-clock';
import { startConnectProxy } from './support/connect-proxy';
import type { ConnectProxy, ConnectProxyOptions } from './support/connect-proxy';
import { startSocksProxy } from './support/socks-proxy';
import { createPrivateCa } from './support/private-ca';
import type { PrivateCa } from './support/private-ca';
import { startTlsFront } from './support/tls-front';
import { startSilentPort } from './support/silent-port';
import type { SilentPort } from './support/silent-port';

let server: KatyaServer;
let ca: PrivateCa;
const closers: (() => Promise<void>)[] = [];
beforeAll(async () => {
  ca = createPrivateCa();
  server = await startKatyaServer({ tokens: [{ token: GOOD_TOKEN, channels: ['*'] }] });
});
afterAll(async () => {
  await server.close();
  ca.cleanup();
});
afterEach(async () => {
  await cleanup();
  for (const close of closers.splice(0)) await close();
});

async function proxy(opts: ConnectProxyOptions = {}): Promise<ConnectProxy> {
  const p = await startConnectProxy(opts);
  closers.push(() => p.close());
  return p;
}

/** A route through the proxy at `url` (credentials in the URL, as --proxy takes them). */
function via(...urls: string[]): NetworkOptions {
  const choices: ProxyChoice[] = urls.map((u) => {
    if (u === 'DIRECT') return { kind: 'direct' };
    const parsed = parseProxyUrl(u, { allowCredentials: true });
    if (!parsed.ok) throw new Error(parsed.error);
    return parsed.choice;
  });
  return { proxyFor: (): ProxyRoute => ({ choices, source: 'test' }) };
}

type Reconnecting = Extract<ConnectionState, { state: 'reconnecting' }>;
const problemOf = (states: ConnectionState[]) =>
  states.find((s): s is Reconnecting => s.state === 'reconnecting' && s.problem !== undefined);
const port = () => new URL(server.url).port;

async function deadPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const p = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return p;
}

describe('through an HTTP CONNECT proxy', () => {
  it('tunnels ws:// with CONNECT and the events flow', async () => {
    const p = await proxy();
    const { engine: e, rec } = engine({
      url: server.url,
      network: via(p.url),
      subscriptions: { channels: ['system'], events: [] },
    });
    await waitFor(() => e.getState().state === 'open', 'open');
    expect(p.connects).toEqual([
      { target: `127.0.0.1:${port()}`, authorization: undefined, status: 200 },
    ]);
    await waitFor(() => e.getSubscriptions()[0]?.status === 'active', 'subscribed');
    server.publish('system.maintenance.start', { id: 'm1', title: 'through the tunnel' });
    await waitFor(() => rec.events.length === 1, 'the event');
    expect(
      rec.logs.some((l) =>
        l.includes(
          `route to ws://127.0.0.1:${port()}/v1/ws: HTTP proxy 127.0.0.1:${p.port} (test)`,
        ),
      ),
    ).toBe(true);
  });

  it('tunnels wss:// with CONNECT, then TLS to the server inside the tunnel', async () => {
    const f = await startTlsFront(server.url, ca.issue('katya.test', { names: ['katya.test'] }));
    closers.push(() => f.close());
    const p = await proxy({ hosts: { 'katya.test': '127.0.0.1' } });
    const { engine: e } = engine({
      url: f.url('katya.test'),
      network: {
        ...via(p.url),
        trust: () => loadTrust({ extraCaFiles: [ca.caCert], env: {} }),
      },
    });
    await waitFor(() => e.getState().state === 'open', 'open');
    expect(p.connects.map((c) => c.target)).toEqual([`katya.test:${f.port}`]);
  });

  it('sends Basic credentials from the proxy URL', async () => {
    const p = await proxy({ auth: { username: 'alice', password: 'p@ss:word' } });
    const withAuth = p.url.replace('http://', `http://alice:${encodeURIComponent('p@ss:word')}@`);
    const { engine: e, rec } = engine({ url: server.url, network: via(withAuth) });
    await waitFor(() => e.getState().state === 'open', 'open');
    expect(p.connects[0]!.authorization).toBe(
      `Basic ${Buffer.from('alice:p@ss:word').toString('base64')}`,
    );
    expect(rec.logs.join('\n')).not.toContain('p@ss');
  });

  it('says 407 in its own words: credentials needed, or refused; and backs off', async () => {
    const p = await proxy({ auth: { username: 'alice', password: 'right' } });
    const none = engine({ url: server.url, network: via(p.url) });
    const first = await waitFor(() => problemOf(none.rec.states), 'a proxy problem');
    expect(first.problem).toEqual({
      kind: 'proxy',
      reason: 'auth_required',
      proxy: `HTTP proxy 127.0.0.1:${p.port}`,
      target: `127.0.0.1:${port()}`,
      status: 407,
      credentialsSent: false,
    });
    expect(first.lastError).toBe(
      `proxy: HTTP proxy 127.0.0.1:${p.port} needs a user name and password (HTTP 407)`,
    );
    expect(first.delayMs).toBeGreaterThan(0);
    expect(none.engine.getState().state).toBe('reconnecting');

    const wrong = engine({
      url: server.url,
      network: via(p.url.replace('http://', 'http://alice:wrong@')),
    });
    const second = await waitFor(() => problemOf(wrong.rec.states), 'a proxy problem');
    expect(second.problem).toMatchObject({ reason: 'auth_required', credentialsSent: true });
    expect(second.lastError).toContain('refused the user name and password (HTTP 407)');
    expect(wrong.rec.logs.join('\n')).not.toMatch(/alice:wrong|YWxpY2U6d3Jvbmc/);
  });

  it('says when the proxy denies the tunnel (403), which is not the server refusing the token', async () => {
    const p = await proxy({ deny: [`127.0.0.1:${port()}`] });
    const { engine: e, rec } = engine({ url: server.url, network: via(p.url) });
    const s = await waitFor(() => problemOf(rec.states), 'a proxy problem');
    expect(s.problem).toMatchObject({ kind: 'proxy', reason: 'denied', status: 403 });
    expect(s.lastError).toBe(
      `proxy: HTTP proxy 127.0.0.1:${p.port} denied the tunnel to 127.0.0.1:${port()} (HTTP 403)`,
    );
    expect(rec.states.some((st) => st.state === 'auth_failed')).toBe(false);
    expect(e.getState().state).toBe('reconnecting');
  });

  it('says when the proxy cannot reach the server (502)', async () => {
    const dead = await deadPort();
    const p = await proxy();
    const { rec } = engine({ url: `ws://127.0.0.1:${dead}/v1/ws`, network: via(p.url) });
    const s = await waitFor(() => problemOf(rec.states), 'a proxy problem');
    expect(s.problem).toMatchObject({ kind: 'proxy', reason: 'upstream', status: 502 });
  });

  it('says when nothing listens at the proxy address', async () => {
    const dead = await deadPort();
    const { rec } = engine({ url: server.url, network: via(`http://127.0.0.1:${dead}`) });
    const s = await waitFor(() => problemOf(rec.states), 'a proxy problem');
    expect(s.problem).toMatchObject({
      kind: 'proxy',
      reason: 'refused',
      proxy: `HTTP proxy 127.0.0.1:${dead}`,
    });
    expect(s.lastError).toContain('refused the connection');
  });

  it('falls back to the next proxy of the list when the first cannot be reached', async () => {
    const dead = await deadPort();
    const p = await proxy();
    const { engine: e } = engine({
      url: server.url,
      network: via(`http://127.0.0.1:${dead}`, p.url, 'DIRECT'),
    });
    await waitFor(() => e.getState().state === 'open', 'open');
    expect(p.connects).toHaveLength(1);
  });

  it('reconnects through the proxy after it restarts mid-session', async () => {
    const p = await proxy();
    const { engine: e, rec } = engine({
      url: server.url,
      network: via(p.url),
      backoff: { minMs: 100, maxMs: 200 },
    });
    await waitFor(() => e.getState().state === 'open', 'open');
    await p.stop();
    await waitFor(() => e.getState().state === 'reconnecting', 'lost');
    await waitFor(() => problemOf(rec.states)?.problem?.kind === 'proxy', 'refused while down');
    await p.start();
    await waitFor(() => e.getState().state === 'open' && p.connects.length >= 2, 'open again');
    expect(p.connects.every((c) => c.status === 200 || c.status === 0)).toBe(true);
    expect(rec.gaps).toHaveLength(1);
  });
});

describe('through a SOCKS5 proxy', () => {
  it('connects, the proxy resolving the name', async () => {
    const socks = await startSocksProxy();
    closers.push(() => socks.close());
    const url = server.url.replace('127.0.0.1', 'localhost');
    const { engine: e } = engine({ url, network: via(socks.url) });
    await waitFor(() => e.getState().state === 'open', 'open');
    expect(socks.targets).toEqual([`localhost:${port()}`]);
  });

  it('blames a server name that does not resolve on the name, not on the proxy', async () => {
    const socks = await startSocksProxy();
    closers.push(() => socks.close());
    const { rec } = engine({
      url: 'wss://no-such-host.invalid/v1/ws',
      network: via(socks.url.replace('socks5h:', 'socks5:')),
    });
    const s = await waitFor(
      () => rec.states.find((st): st is Reconnecting => st.state === 'reconnecting'),
      'the first failure',
    );
    expect(s.problem).toBeUndefined();
    expect(s.lastError).toContain('no-such-host.invalid');
    expect(socks.targets).toEqual([]);
  });

  it('sends the address resolved here for socks5:// (socks5h:// sends the name)', async () => {
    const socks = await startSocksProxy();
    closers.push(() => socks.close());
    const url = server.url.replace('127.0.0.1', 'localhost');
    const { rec } = engine({ url, network: via(socks.url.replace('socks5h:', 'socks5:')) });
    await waitFor(() => socks.targets.length > 0 || rec.states.length > 3, 'the proxy asked');
    const { address } = await lookup('localhost');
    expect(socks.targets[0]).toBe(`${address}:${port()}`);
  });
});

describe('a SOCKS4 proxy and an IPv6 server', () => {
  it('says that SOCKS4 cannot carry an IPv6 address, without asking the proxy', async () => {
    const socks = await startSocksProxy();
    closers.push(() => socks.close());
    const socks4 = socks.url.replace('socks5h:', 'socks4:');
    const { rec } = engine({ url: `ws://[::1]:${port()}/v1/ws`, network: via(socks4) });
    const s = await waitFor(() => problemOf(rec.states), 'a proxy problem');
    expect(s.problem).toMatchObject({
      kind: 'proxy',
      reason: 'ipv4_only',
      proxy: `SOCKS4 proxy ${new URL(socks.url).host}`,
      target: `[::1]:${port()}`,
    });
    expect(s.lastError).toContain('reaches IPv4 addresses only');
    expect(socks.connections()).toBe(0);
  });

  it("goes on to the route's next choice, as the proxy was never asked", async () => {
    const socks = await startSocksProxy();
    closers.push(() => socks.close());
    const v6 = await startKatyaServer({
      host: '::1',
      tokens: [{ token: GOOD_TOKEN, channels: ['*'] }],
    });
    closers.push(() => v6.close());
    const socks4 = socks.url.replace('socks5h:', 'socks4:');
    const { engine: e } = engine({ url: v6.url, network: via(socks4, 'DIRECT') });
    await waitFor(() => e.getState().state === 'open', 'open directly');
    expect(new URL(v6.url).hostname).toBe('[::1]');
    expect(socks.connections()).toBe(0);
  });
});

describe('a SOCKS5 proxy that fails', () => {
  it('says when nothing listens at its address, and tries the next choice', async () => {
    const dead = await deadPort();
    const { rec } = engine({ url: server.url, network: via(`socks5://127.0.0.1:${dead}`) });
    const s = await waitFor(() => problemOf(rec.states), 'a proxy problem');
    expect(s.problem).toMatchObject({
      kind: 'proxy',
      reason: 'refused',
      proxy: `SOCKS5 proxy 127.0.0.1:${dead}`,
      target: `127.0.0.1:${port()}`,
    });
    const next = engine({
      url: server.url,
      network: via(`socks5://127.0.0.1:${dead}`, 'DIRECT'),
    });
    await waitFor(() => next.engine.getState().state === 'open', 'open directly');
  });

  it('reads what the SOCKS library says into a problem', () => {
    const at = (message: string, code?: string) =>
      socksProblem(Object.assign(new Error(message), code ? { code } : {}), 'P', 'T:1', true);
    expect(at('connect ECONNREFUSED 127.0.0.1:1080', 'ECONNREFUSED')).toEqual({
      kind: 'proxy',
      proxy: 'P',
      target: 'T:1',
      reason: 'refused',
    });
    expect(at('connect failed', 'ECONNREFUSED')).toMatchObject({ reason: 'refused' });
    expect(at('Socks5 proxy rejected connection - ECONNREFUSED')).toMatchObject({
      reason: 'refused',
    });
    expect(at('Socks5 Authentication failed')).toEqual({
      kind: 'proxy',
      proxy: 'P',
      target: 'T:1',
      reason: 'auth_required',
      credentialsSent: true,
    });
    expect(at('Socks5 proxy rejected connection - NotAllowed')).toEqual({
      kind: 'proxy',
      proxy: 'P',
      target: 'T:1',
      reason: 'denied',
      detail: 'Socks5 proxy rejected connection - NotAllowed',
    });
    expect(at('Socks5 proxy rejected connection - Failure')).toMatchObject({ reason: 'denied' });
    expect(at('Socks5 proxy rejected connection - HostUnreachable')).toEqual({
      kind: 'proxy',
      proxy: 'P',
      target: 'T:1',
      reason: 'upstream',
      detail: 'Socks5 proxy rejected connection - HostUnreachable',
    });
    expect(at('getaddrinfo ENOTFOUND socks.corp', 'ENOTFOUND')).toEqual({
      kind: 'proxy',
      proxy: 'P',
      target: 'T:1',
      reason: 'unreachable',
      detail: 'getaddrinfo ENOTFOUND socks.corp',
    });
    expect(socksProblem('odd', 'P', 'T:1', false)).toMatchObject({
      reason: 'unreachable',
      detail: 'odd',
    });
  });

  it('knows its own problems, also from another copy of the module, and nothing else', () => {
    const own = new NetworkProblemError({
      kind: 'proxy',
      reason: 'not_set',
      proxy: 'P',
      target: 'T',
    });
    expect(isNetworkProblem(own)).toBe(true);
    expect(own.name).toBe('NetworkProblemError');
    expect(own.chain).toEqual([]);
    expect(isNetworkProblem({ [Symbol.for('katya.networkProblem')]: true })).toBe(true);
    for (const other of [null, undefined, 'x', 1, {}, new Error('x'), { problem: own.problem }]) {
      expect(isNetworkProblem(other)).toBe(false);
    }
  });
});

describe('a way that never opens', () => {
  // A proxy that accepts and then says nothing, or a port that never answers the TLS hello:
  // the engine's connect deadline gives up on the attempt, and the agent must close what it
  // opened, or a week of retries piles up half-open connections.
  async function silentPort(): Promise<SilentPort> {
    const silent = await startSilentPort();
    closers.push(() => silent.close());
    return silent;
  }
  async function givesUpAndCloses(url: string, network: NetworkOptions, silent: SilentPort) {
    const { engine: e } = engine({
      url,
      network,
      connectTimeoutMs: 150,
      backoff: { minMs: 50, maxMs: 50 },
    });
    await waitFor(() => silent.accepted >= 3, 'three attempts');
    // every attempt but the one under way has been closed again
    await waitFor(() => silent.open <= 1, 'earlier attempts closed');
    e.stop();
    await waitFor(() => silent.open === 0, 'every attempt closed after stop');
  }

  it('opens nothing for a request given up on in the tick it was made', async () => {
    const silent = await silentPort();
    const agent = new RouteAgent(new URL(`ws://127.0.0.1:${silent.port}/v1/ws`));
    const req = httpGet(`http://127.0.0.1:${silent.port}/v1/ws`, { agent });
    req.on('error', () => undefined);
    req.destroy(); // no socket yet, so no 'close'; the agent is asked one microtask later
    await new Promise((r) => setTimeout(r, 100));
    expect(silent.accepted).toBe(0);
  });

  it('closes the connection to an HTTP proxy that never answers CONNECT', async () => {
    const silent = await silentPort();
    await givesUpAndCloses(server.url, via(`http://127.0.0.1:${silent.port}`), silent);
  });

  it('closes the connection to a SOCKS5 proxy that never answers its greeting', async () => {
    const silent = await silentPort();
    await givesUpAndCloses(server.url, via(`socks5://127.0.0.1:${silent.port}`), silent);
  });

  it('closes a direct wss:// connection whose TLS hello is never answered', async () => {
    const silent = await silentPort();
    await givesUpAndCloses(`wss://127.0.0.1:${silent.port}/v1/ws`, {}, silent);
  });
});

describe('NO_PROXY', () => {
  it('bypasses the proxy for the names it lists', async () => {
    const p = await proxy();
    const url = server.url.replace('127.0.0.1', 'localhost');
    const env = { NO_PROXY: 'example.org, localhost' };
    const network: NetworkOptions = {
      proxyFor: (target) => {
        const found = proxyFromEnvironment(target, env, p.url);
        if (!found.ok) throw new Error(found.error);
        return found.route;
      },
    };
    const { engine: e, rec } = engine({ url, network });
    await waitFor(() => e.getState().state === 'open', 'open');
    expect(p.connects).toHaveLength(0);
    expect(rec.logs.some((l) => l.includes('direct (no proxy) (NO_PROXY)'))).toBe(true);
  });

  it('sends a wss:// name through HTTPS_PROXY unless NO_PROXY lists it', async () => {
    const f = await startTlsFront(server.url, ca.issue('katya.test', { names: ['katya.test'] }));
    closers.push(() => f.close());
    const p = await proxy({ hosts: { 'katya.test': '127.0.0.1' } });
    const trust = () => loadTrust({ extraCaFiles: [ca.caCert], env: {} });
    const fromEnv = (env: Record<string, string>): NetworkOptions => ({
      trust,
      proxyFor: (target) => {
        const found = proxyFromEnvironment(target, env);
        if (!found.ok) throw new Error(found.error);
        return found.route;
      },
    });
    const through = engine({ url: f.url('katya.test'), network: fromEnv({ HTTPS_PROXY: p.url }) });
    await waitFor(() => through.engine.getState().state === 'open', 'open through the proxy');
    expect(p.connects).toHaveLength(1);

    const bypass = engine({
      url: f.url('katya.test'),
      network: fromEnv({ https_proxy: p.url, no_proxy: '.test' }),
    });
    // Direct, "katya.test" does not resolve: proof that the proxy was not asked.
    await waitFor(
      () => bypass.rec.states.find((s) => s.state === 'reconnecting'),
      'a direct attempt',
    );
    expect(p.connects).toHaveLength(1);
  });
});
