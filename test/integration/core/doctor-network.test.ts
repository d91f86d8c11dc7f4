// The doctor probe on the way to the server: through an HTTP CONNECT or SOCKS5 proxy (its
// name and port are the first hop; the tunnel is a step of its own), a proxy's refusals as the
// problem that stopped the probe, and TLS with a private CA made for the run: the version and
// the days the certificate has left, one step per certificate of the chain as received, the
// one at fault failing, and a port that does not speak TLS. Real proxies and TLS servers on
// loopback (test/integration/net/support/).
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ProxyChoice } from '../../../main/core/common/network';
import { loadTrust } from '../../../main/core/net/trust';
import type { NetworkOptions } from '../../../main/core/net/route-agent';
import { startConnectProxy } from '../net/support/connect-proxy';
import type { ConnectProxy, ConnectProxyOptions } from '../net/support/connect-proxy';
import { createPrivateCa } from '../net/support/private-ca';
import type { IssueOptions, PrivateCa } from '../net/support/private-ca';
import { startSocksProxy } from '../net/support/socks-proxy';
import { startTlsFront } from '../net/support/tls-front';
import type { TlsFront } from '../net/support/tls-front';
import {
  closePeers,
  closedPort,
  startScriptedServer,
  startSilentPort,
  startTcpServer,
} from './support/doctor-peers';
import type { ScriptedServer } from './support/doctor-peers';
import { directTo, fail, ok, probe, skip, skipped } from './support/doctor-report';

const DAY = 86_400_000;
const TOKEN = 'abcdef';

let ca: PrivateCa;
let server: ScriptedServer;
const closers: (() => Promise<void>)[] = [];
beforeAll(() => {
  ca = createPrivateCa();
});
afterAll(() => ca.cleanup());
beforeEach(async () => {
  server = await startScriptedServer();
});
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await closePeers();
});

async function connectProxy(opts: ConnectProxyOptions = {}): Promise<ConnectProxy> {
  const proxy = await startConnectProxy(opts);
  closers.push(() => proxy.close());
  return proxy;
}

async function front(upstreamUrl: string, opts: IssueOptions = {}) {
  const leaf = ca.issue('localhost', opts);
  const f: TlsFront = await startTlsFront(upstreamUrl, leaf);
  closers.push(() => f.close());
  return { url: f.url(), port: f.port, leaf };
}

const via = (choice: ProxyChoice, more: NetworkOptions = {}): NetworkOptions => ({
  ...more,
  proxyFor: () => ({ choices: [choice], source: 'test' }),
});
const httpProxy = (port: number): ProxyChoice => ({
  kind: 'proxy',
  scheme: 'http',
  host: '127.0.0.1',
  port,
});
const withCa = (): NetworkOptions => ({
  trust: () => loadTrust({ extraCaFiles: [ca.caCert], env: {} }),
});
const withoutCa = (): NetworkOptions => ({ trust: () => loadTrust({ env: {} }) });

/** What the probe says of a certificate: subject, issuer, validity (days), SHA-256. */
function certificateSaid(file: string): string {
  const x = new X509Certificate(readFileSync(file));
  const names = (dn: string) => dn.split('\n').join(', ');
  const day = (date: string) => new Date(date).toISOString().slice(0, 10);
  return `"${names(x.subject)}" issued by "${names(x.issuer)}", valid ${day(x.validFrom)} to ${day(x.validTo)}, SHA-256 ${x.fingerprint256}`;
}

/** The validity of a certificate as issued: to the second. */
const iso = (d: Date) => new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString();

const SESSION = [
  ok('upgrade', 'HTTP 101 in N ms'),
  ok('auth', 'token accepted (header)'),
  ok('subscribe', 'channel rooms'),
  ok('rtt', 'N ms average of 3 pings (min N, max N)'),
];

describe('through a proxy', () => {
  it('checks the proxy as the first hop, then the CONNECT tunnel, then the server through it', async () => {
    const proxy = await connectProxy();
    const { result, steps } = await probe({
      url: server.url,
      token: TOKEN,
      channels: ['rooms'],
      network: via(httpProxy(proxy.port)),
    });
    expect(steps).toStrictEqual([
      ok('url', server.url),
      ok('proxy', `HTTP proxy 127.0.0.1:${proxy.port} (test)`),
      ok('dns', 'proxy 127.0.0.1 is an address, nothing to resolve'),
      ok('tcp', `proxy 127.0.0.1 port ${proxy.port} in N ms`),
      skip('tls', 'not used: ws:// to this computer'),
      ok(
        'tunnel',
        `CONNECT 127.0.0.1:${server.port} through HTTP proxy 127.0.0.1:${proxy.port} in N ms`,
      ),
      ...SESSION,
    ]);
    expect(result.ok).toBe(true);
    expect(proxy.connects.map((c) => [c.target, c.status])).toEqual([
      [`127.0.0.1:${server.port}`, 200],
    ]);
  });

  it('names a SOCKS connection as such', async () => {
    const socks = await startSocksProxy();
    closers.push(() => socks.close());
    const port = Number(new URL(socks.url).port);
    const { steps } = await probe({
      url: server.url,
      token: TOKEN,
      channels: ['rooms'],
      network: via({ kind: 'proxy', scheme: 'socks5h', host: '127.0.0.1', port }),
    });
    expect(steps.slice(1, 6)).toStrictEqual([
      ok('proxy', `SOCKS5 proxy 127.0.0.1:${port} (test)`),
      ok('dns', 'proxy 127.0.0.1 is an address, nothing to resolve'),
      ok('tcp', `proxy 127.0.0.1 port ${port} in N ms`),
      skip('tls', 'not used: ws:// to this computer'),
      ok(
        'tunnel',
        `SOCKS connection 127.0.0.1:${server.port} through SOCKS5 proxy 127.0.0.1:${port} in N ms`,
      ),
    ]);
    expect(socks.targets).toEqual([`127.0.0.1:${server.port}`]);
  });

  it('passes over a proxy that hangs up before it answers, as the app does, and names it on the tunnel taken', async () => {
    const hangUp = await startTcpServer((socket) => socket.destroy());
    const proxy = await connectProxy();
    const { result, steps } = await probe({
      url: server.url,
      token: TOKEN,
      channels: ['rooms'],
      network: {
        proxyFor: () => ({ choices: [httpProxy(hangUp), httpProxy(proxy.port)], source: 'test' }),
      },
    });
    // The hop checked is the first proxy (its port answers); the tunnel is the second's.
    expect(steps[3]).toStrictEqual(ok('tcp', `proxy 127.0.0.1 port ${hangUp} in N ms`));
    const tunnel = steps.find((s) => s.step === 'tunnel')!;
    expect(tunnel).toMatchObject({
      outcome: 'ok',
      detail: `CONNECT 127.0.0.1:${server.port} through HTTP proxy 127.0.0.1:${proxy.port} in N ms`,
    });
    expect(tunnel.advice).toMatch(
      new RegExp(
        `^proxy: HTTP proxy 127\\.0\\.0\\.1:${hangUp} cannot be reached: .+; the app passes over it at every connection and tunnels through HTTP proxy 127\\.0\\.0\\.1:${proxy.port}: check the PAC file or proxy settings$`,
      ),
    );
    expect(result.ok).toBe(true);
    expect(proxy.connects).toHaveLength(1);
  });

  it('says so on the upgrade when the app goes direct after a proxy that hangs up', async () => {
    const hangUp = await startTcpServer((socket) => socket.destroy());
    const { result, steps } = await probe({
      url: server.url,
      network: {
        proxyFor: () => ({ choices: [httpProxy(hangUp), { kind: 'direct' }], source: 'test' }),
      },
    });
    const upgrade = steps.find((s) => s.step === 'upgrade')!;
    expect(upgrade).toMatchObject({ outcome: 'ok', detail: 'HTTP 101 in N ms' });
    expect(upgrade.advice).toMatch(
      new RegExp(
        `^proxy: HTTP proxy 127\\.0\\.0\\.1:${hangUp} cannot be reached: .+; the app passes over it at every connection and goes direct: check the PAC file or proxy settings$`,
      ),
    );
    expect(steps.some((s) => s.step === 'tunnel')).toBe(false);
    expect(result.ok).toBe(true);
  });

  it("fails the tunnel in the proxy's words, and hands back the problem that stopped the probe", async () => {
    const target = `127.0.0.1:${server.port}`;
    const dead = await closedPort();
    const cases: [ConnectProxyOptions, string, string, string, object][] = [
      [
        { auth: { username: 'u', password: 'p' } },
        server.url,
        'needs a user name and password (HTTP 407)',
        'give the proxy a user name and password (the proxy credentials in settings, or http://USER:PASS@HOST:PORT for katya)',
        { reason: 'auth_required', target, credentialsSent: false, status: 407 },
      ],
      [
        { deny: [target] },
        server.url,
        `denied the tunnel to ${target} (HTTP 403)`,
        "the proxy's rules do not allow this server or port; ask whoever runs the proxy",
        { reason: 'denied', target, credentialsSent: false, status: 403 },
      ],
      [
        {},
        `ws://127.0.0.1:${dead}/v1/ws`,
        `could not reach 127.0.0.1:${dead} (HTTP 502)`,
        'the proxy cannot reach the server: check the server address, or ask whoever runs the proxy',
        { reason: 'upstream', target: `127.0.0.1:${dead}`, credentialsSent: false, status: 502 },
      ],
    ];
    for (const [opts, url, words, advice, problem] of cases) {
      const proxy = await connectProxy(opts);
      const name = `HTTP proxy 127.0.0.1:${proxy.port}`;
      const r = await probe({ url, token: TOKEN, network: via(httpProxy(proxy.port)) });
      expect(r.steps.slice(4)).toStrictEqual([
        skip('tls', 'not used: ws:// to this computer'),
        fail('tunnel', `proxy: ${name} ${words}`, advice),
        ...skipped('upgrade', 'auth', 'subscribe', 'rtt'),
      ]);
      expect(r.result).toStrictEqual({
        ok: false,
        steps: r.result.steps,
        authFailed: false, // a proxy's 407 or 403 is not the server refusing the token
        problem: { kind: 'proxy', proxy: name, ...problem },
      });
    }
    expect(server.upgrades).toEqual([]);
  });

  it('skips TLS too when the tunnel for wss:// fails', async () => {
    const proxy = await connectProxy({ auth: { username: 'u', password: 'p' } });
    const { steps } = await probe({
      url: 'wss://katya.example/v1/ws',
      network: via(httpProxy(proxy.port)),
    });
    expect(steps.slice(4)).toStrictEqual([
      fail(
        'tunnel',
        `proxy: HTTP proxy 127.0.0.1:${proxy.port} needs a user name and password (HTTP 407)`,
        'give the proxy a user name and password (the proxy credentials in settings, or http://USER:PASS@HOST:PORT for katya)',
      ),
      ...skipped('tls', 'upgrade', 'auth', 'subscribe', 'rtt'),
    ]);
  });

  it('gives up on a proxy that never answers CONNECT within the step timeout', async () => {
    const silent = await startSilentPort();
    const r = await probe({
      url: server.url,
      timeoutMs: 100,
      network: via(httpProxy(silent.port)),
    });
    expect(r.steps.slice(4)).toStrictEqual([
      skip('tls', 'not used: ws:// to this computer'),
      fail(
        'tunnel',
        'no answer within 100 ms (tunnel)',
        'the proxy did not open the tunnel; check the proxy setting',
      ),
      ...skipped('upgrade', 'auth', 'subscribe', 'rtt'),
    ]);
    expect(r.result).toStrictEqual({ ok: false, steps: r.result.steps, authFailed: false });
    expect(silent.accepted).toBe(2); // the TCP check, and the tunnel that never opened
    await silent.allClosed(); // and neither is left open
  });

  it('times TLS from the open tunnel on: a silent wss:// server behind a good proxy fails TLS', async () => {
    const proxy = await connectProxy();
    const silent = await startSilentPort();
    const { steps } = await probe({
      url: `wss://127.0.0.1:${silent.port}/v1/ws`,
      timeoutMs: 100,
      network: via(httpProxy(proxy.port)),
    });
    expect(steps.slice(4)).toStrictEqual([
      ok(
        'tunnel',
        `CONNECT 127.0.0.1:${silent.port} through HTTP proxy 127.0.0.1:${proxy.port} in N ms`,
      ),
      fail(
        'tls',
        'no answer within 100 ms (TLS)',
        'check that the port speaks TLS (wss://) and not plain HTTP (ws://)',
      ),
      ...skipped('upgrade', 'auth', 'subscribe', 'rtt'),
    ]);
  });

  it('times the upgrade from the open tunnel on: a silent server behind a good proxy fails the upgrade', async () => {
    const proxy = await connectProxy();
    const silent = await startSilentPort();
    const { steps } = await probe({
      url: `ws://127.0.0.1:${silent.port}/v1/ws`,
      timeoutMs: 100,
      network: via(httpProxy(proxy.port)),
    });
    expect(steps.slice(5)).toStrictEqual([
      ok(
        'tunnel',
        `CONNECT 127.0.0.1:${silent.port} through HTTP proxy 127.0.0.1:${proxy.port} in N ms`,
      ),
      fail('upgrade', 'no answer within 100 ms (upgrade)', 'check that this is a Katya server'),
      ...skipped('auth', 'subscribe', 'rtt'),
    ]);
  });
});

describe('TLS', () => {
  const TLS_ADVICE = 'check that the port speaks TLS (wss://) and not plain HTTP (ws://)';

  it('names the version, the days the certificate has left, and each certificate of the chain', async () => {
    const notBefore = new Date(Date.now() - DAY);
    const f = await front(server.url, { notBefore, notAfter: new Date(Date.now() + 30.5 * DAY) });
    const { result, steps } = await probe({
      url: f.url,
      token: TOKEN,
      channels: ['rooms'],
      network: withCa(),
    });
    expect(steps).toStrictEqual([
      ok('url', f.url),
      ok('proxy', 'direct (no proxy) (default)'),
      ok('dns', expect.stringMatching(/^localhost → /) as unknown as string),
      ok('tcp', expect.stringMatching(/^\S+ port \d+ in N ms$/) as unknown as string),
      ok('tls', 'TLSv1.3, certificate valid for 30 more day(s)'),
      ok('chain', `#0 ${certificateSaid(f.leaf.cert)}`),
      ok('chain', `#1 ${certificateSaid(ca.caCert)}`),
      ...SESSION,
    ]);
    expect(result).toStrictEqual({ ok: true, steps: result.steps, authFailed: false });
  });

  it('warns when the certificate has less than 14 days left', async () => {
    for (const [days, advice] of [
      [13.5, 'the certificate expires soon; tell the server admin'],
      [14.5, undefined],
    ] as const) {
      const f = await front(server.url, { notAfter: new Date(Date.now() + days * DAY) });
      const { steps } = await probe({ url: f.url, channels: [], network: withCa() });
      expect(steps[4]).toStrictEqual(
        ok('tls', `TLSv1.3, certificate valid for ${Math.floor(days)} more day(s)`, advice),
      );
    }
  });

  it('fails at TLS for a certificate it does not trust, marks that certificate, and hands back the problem', async () => {
    const from = new Date(Date.now() - DAY);
    const to = new Date(Date.now() + 30 * DAY);
    const f = await front(server.url, { notBefore: from, notAfter: to });
    const { result, steps } = await probe({ url: f.url, token: TOKEN, network: withoutCa() });
    const leaf = certificateSaid(f.leaf.cert);
    expect(steps.slice(4)).toStrictEqual([
      fail(
        'tls',
        `certificate not trusted: the certificate of localhost was refused because its issuer "CN=Katya Test Root CA, O=Katya Tests" is not a trusted authority; the certificate: ${leaf}`,
        'if your organisation signs its own certificates, trust its CA: the "Extra CA certificates" setting in the app, --ca FILE or NODE_EXTRA_CA_CERTS=ca.pem for katya, or the system store',
      ),
      fail('chain', `#0 ${leaf}`),
      ...skipped('upgrade', 'auth', 'subscribe', 'rtt'),
    ]);
    expect(result).toStrictEqual({
      ok: false,
      steps: result.steps,
      authFailed: false,
      problem: {
        kind: 'certificate',
        reason: 'untrusted_issuer',
        host: 'localhost',
        code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
        certificate: {
          subject: 'CN=localhost',
          issuer: 'CN=Katya Test Root CA, O=Katya Tests',
          validFrom: iso(from),
          validTo: iso(to),
          fingerprint256: f.leaf.fingerprint256,
          names: ['localhost', '127.0.0.1'],
        },
      },
    });
    expect(server.upgrades).toEqual([]); // the token went nowhere
  });

  it('fails only the certificate at fault: an expired leaf under a trusted root', async () => {
    const f = await front(server.url, {
      notBefore: new Date('2020-01-01T00:00:00Z'),
      notAfter: new Date('2021-01-01T00:00:00Z'),
    });
    const { result, steps } = await probe({ url: f.url, network: withCa() });
    expect(steps.slice(4, 7)).toStrictEqual([
      fail(
        'tls',
        `certificate not trusted: the certificate of localhost was refused because it expired on 2021-01-01; the certificate: ${certificateSaid(f.leaf.cert)}`,
        "check this computer's clock; otherwise the server admin must renew the certificate",
      ),
      fail('chain', `#0 ${certificateSaid(f.leaf.cert)}`),
      ok('chain', `#1 ${certificateSaid(ca.caCert)}`),
    ]);
    expect(result.problem).toMatchObject({ kind: 'certificate', reason: 'expired' });
  });

  it('says to check the port when it does not speak TLS', async () => {
    const url = server.url.replace('ws://', 'wss://');
    const { result, steps } = await probe({ url, token: TOKEN, network: withCa() });
    expect(steps).toStrictEqual([
      ...directTo(url),
      fail('tls', expect.stringMatching(/wrong version number/) as unknown as string, TLS_ADVICE),
      ...skipped('upgrade', 'auth', 'subscribe', 'rtt'),
    ]);
    expect(result).toStrictEqual({ ok: false, steps: result.steps, authFailed: false });
  });

  it('gives up on a port that never answers the TLS hello within the step timeout', async () => {
    const silent = await startSilentPort();
    const url = `wss://127.0.0.1:${silent.port}/v1/ws`;
    const { steps } = await probe({ url, timeoutMs: 100 });
    expect(steps).toStrictEqual([
      ...directTo(url),
      fail('tls', 'no answer within 100 ms (TLS)', TLS_ADVICE),
      ...skipped('upgrade', 'auth', 'subscribe', 'rtt'),
    ]);
  });

  it('times the upgrade from the finished handshake on: a silent server behind TLS fails the upgrade', async () => {
    const silent = await startSilentPort();
    const f = await front(`ws://127.0.0.1:${silent.port}/v1/ws`, {
      notAfter: new Date(Date.now() + 20.5 * DAY),
    });
    const { steps } = await probe({ url: f.url, timeoutMs: 100, network: withCa() });
    expect(steps.slice(4)).toStrictEqual([
      ok('tls', 'TLSv1.3, certificate valid for 20 more day(s)'),
      ok('chain', `#0 ${certificateSaid(f.leaf.cert)}`),
      ok('chain', `#1 ${certificateSaid(ca.caCert)}`),
      fail('upgrade', 'no answer within 100 ms (upgrade)', 'check that this is a Katya server'),
      ...skipped('auth', 'subscribe', 'rtt'),
    ]);
  });
});
