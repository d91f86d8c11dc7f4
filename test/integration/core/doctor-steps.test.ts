// The doctor probe's first steps and how a walk ends, step by step in exact words: the URL and
// the options it is given, which way the URL goes (the proxy step), name resolution, the TCP
// connection, the WebSocket upgrade and its failures (HTTP status, not a Katya server, no
// answer), the steps skipped after a failure, the step timeout, and the report as a whole.
// Real servers on loopback throughout (test/integration/core/support/doctor-peers.ts).
import { lookup } from 'node:dns/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { probeServer } from '../../../main/core/doctor';
import type { ProbeInput } from '../../../main/core/doctor';
import type { ProxyChoice } from '../../../main/core/common/network';
import type { Channel } from '../../../main/core/common/protocol';
import type { TestStep } from '../../../main/core/common/views';
import { startKatyaServer } from '../../../main/server/server';
import {
  answerLikeKatya,
  closePeers,
  closedPort,
  send,
  startHttpAnswering,
  startScriptedServer,
  startSilentPort,
  startTcpServer,
} from './support/doctor-peers';
import { directTo, fail, ok, probe, skip, skipped } from './support/doctor-report';

afterEach(closePeers);

const proxyAt = (port: number, host = '127.0.0.1'): ProxyChoice => ({
  kind: 'proxy',
  scheme: 'http',
  host,
  port,
});

describe('the URL step', () => {
  it('fails alone for a URL the settings would refuse, in the same words, with the form expected', async () => {
    const cases: [unknown, string][] = [
      [
        'ws://katya.example/v1/ws',
        'ws:// is unencrypted and allowed only for this computer (localhost, 127.0.0.1, ::1); use wss://katya.example/v1/ws',
      ],
      ['not a url', '"not a url" is not a URL; expected wss://HOST/v1/ws'],
      // What comes over IPC is not always what the types promise.
      [42, 'no server URL given'],
      [undefined, 'no server URL given'],
    ];
    for (const [url, detail] of cases) {
      expect(await probeServer({ url } as ProbeInput)).toStrictEqual({
        ok: false,
        steps: [fail('url', detail, 'expected wss://HOST/v1/ws')],
        authFailed: false,
      });
    }
    const nothing = await probeServer(undefined as unknown as ProbeInput);
    expect(nothing.steps).toStrictEqual([
      fail('url', 'no server URL given', 'expected wss://HOST/v1/ws'),
    ]);
  });

  it('quotes a bad URL on one line of at most 300 characters', async () => {
    const r = await probeServer({ url: `${'x'.repeat(500)}\n` });
    expect(r.steps).toStrictEqual([
      fail('url', `"${'x'.repeat(298)}…`, 'expected wss://HOST/v1/ws'),
    ]);
  });

  it('fails alone, without advice, for an unknown way to send the token, quoted to 40 characters', async () => {
    const server = await startScriptedServer();
    const cases: [string, string][] = [
      ['carrier-pigeon', 'carrier-pigeon'],
      [`${'y'.repeat(60)}\u202e`, `${'y'.repeat(39)}…`],
    ];
    for (const [authMethod, shown] of cases) {
      const r = await probeServer({ url: server.url, authMethod } as unknown as ProbeInput);
      expect(r.steps).toStrictEqual([fail('url', `unknown way to send the token: ${shown}`)]);
    }
    expect(server.upgrades).toEqual([]); // nothing went out
  });

  it("takes the scheme's port when the URL names none: 80 for ws://, 443 for wss://", async () => {
    for (const [url, port] of [
      ['ws://127.0.0.1/v1/ws', 80],
      ['wss://127.0.0.1/v1/ws', 443],
    ] as const) {
      // Whether anything listens there depends on the machine; the port checked does not.
      const r = await probeServer({ url, timeoutMs: 500 });
      expect(r.steps[3]!.detail.startsWith(`127.0.0.1 port ${port}`), r.steps[3]!.detail).toBe(
        true,
      );
    }
  });

  it('shows the URL as the probe will use it', async () => {
    const server = await startScriptedServer();
    const { steps } = await probe({ url: `  WS://LocalHost:${server.port}/v1/ws` });
    expect(steps[0]).toStrictEqual(ok('url', `ws://localhost:${server.port}/v1/ws`));
  });
});

describe('the proxy step', () => {
  it('goes direct by default, and says who decided', async () => {
    const server = await startScriptedServer();
    const { result, steps } = await probe({ url: server.url });
    expect(steps).toStrictEqual([
      ...directTo(server.url),
      skip('tls', 'not used: ws:// to this computer'),
      ok('upgrade', 'HTTP 101 in N ms'),
      skip('auth', 'no token given'),
      skip('subscribe', 'needs a token'),
      ok('rtt', 'N ms average of 3 pings (min N, max N)'),
    ]);
    // No problem key at all when nothing went wrong on the way.
    expect(result).toStrictEqual({ ok: true, steps: result.steps, authFailed: false });
  });

  it('names every choice of the route in order, and its source on one line of at most 80 characters', async () => {
    const [first, second] = [await closedPort(), await closedPort()];
    const source = `PAC file\nhttp://wpad/wpad.dat ${'z'.repeat(100)}`;
    const { result, steps } = await probe({
      url: `ws://127.0.0.1:${await closedPort()}/v1/ws`,
      network: {
        proxyFor: () => ({
          choices: [proxyAt(first), { ...proxyAt(second), scheme: 'socks5' }],
          source,
        }),
      },
    });
    // No choice answers: the last one's name and port are the report's, the first one named
    // on its line, and the server's own port is never tried (the route does not go direct).
    expect(steps.slice(1)).toStrictEqual([
      ok(
        'proxy',
        `HTTP proxy 127.0.0.1:${first}, then SOCKS5 proxy 127.0.0.1:${second} (PAC file http://wpad/wpad.dat ${'z'.repeat(49)}…)`,
      ),
      ok('dns', 'proxy 127.0.0.1 is an address, nothing to resolve'),
      fail(
        'tcp',
        `proxy 127.0.0.1 port ${second}: connect ECONNREFUSED 127.0.0.1:${second}; the route's earlier choices did not answer either: HTTP proxy 127.0.0.1:${first}, proxy 127.0.0.1 port ${first}: connect ECONNREFUSED 127.0.0.1:${first}`,
        'nothing listens there: is the proxy running, and is its port right?',
      ),
      ...skipped('tunnel', 'upgrade', 'auth', 'subscribe', 'rtt'),
    ]);
    expect(result.ok).toBe(false);
  });

  it('passes over proxies that do not answer, as the app does, and says so on the hop taken', async () => {
    const server = await startScriptedServer();
    const [first, second] = [await closedPort(), await closedPort()];
    const { result, steps } = await probe({
      url: server.url,
      network: {
        proxyFor: () => ({
          choices: [proxyAt(first), proxyAt(second, 'katya.invalid'), { kind: 'direct' }],
          source: 'PAC file',
        }),
      },
    });
    expect(steps[2]).toStrictEqual(ok('dns', '127.0.0.1 is an address, nothing to resolve'));
    const tcp = steps[3]!;
    expect(tcp).toMatchObject({ step: 'tcp', outcome: 'ok' });
    expect(tcp.detail).toBe(`127.0.0.1 port ${server.port} in N ms`);
    expect(tcp.advice).toMatch(
      new RegExp(
        `^the route's earlier choices do not answer, and the app tries them first at every connection: HTTP proxy 127\\.0\\.0\\.1:${first}, proxy 127\\.0\\.0\\.1 port ${first}: connect ECONNREFUSED 127\\.0\\.0\\.1:${first}; HTTP proxy katya\\.invalid:${second}, proxy katya\\.invalid: .+; check the PAC file or proxy settings$`,
      ),
    );
    // The rest of the walk goes the way taken: direct, no tunnel, the server answers.
    expect(steps.slice(4)).toStrictEqual([
      skip('tls', 'not used: ws:// to this computer'),
      ok('upgrade', 'HTTP 101 in N ms'),
      skip('auth', 'no token given'),
      skip('subscribe', 'needs a token'),
      ok('rtt', 'N ms average of 3 pings (min N, max N)'),
    ]);
    expect(result.ok).toBe(true);
  });

  it('never passes over the direct way, as the app does not', async () => {
    const port = await closedPort();
    const proxy = await startScriptedServer();
    const { result, steps } = await probe({
      url: `ws://127.0.0.1:${port}/v1/ws`,
      network: {
        proxyFor: () => ({ choices: [{ kind: 'direct' }, proxyAt(proxy.port)], source: 'test' }),
      },
    });
    expect(steps.slice(2, 4)).toStrictEqual([
      ok('dns', '127.0.0.1 is an address, nothing to resolve'),
      fail(
        'tcp',
        `127.0.0.1 port ${port}: connect ECONNREFUSED 127.0.0.1:${port}`,
        'nothing listens there: is the server running, and is the port right?',
      ),
    ]);
    expect(result.ok).toBe(false);
  });

  it('takes a route with no choices as direct', async () => {
    const server = await startScriptedServer();
    const { steps } = await probe({
      url: server.url,
      network: { proxyFor: async () => ({ choices: [], source: 'NO_PROXY' }) },
    });
    expect(steps.slice(1, 4)).toStrictEqual([
      ok('proxy', 'direct (no proxy) (NO_PROXY)'),
      ok('dns', '127.0.0.1 is an address, nothing to resolve'),
      ok('tcp', `127.0.0.1 port ${server.port} in N ms`),
    ]);
  });

  it('fails when the proxy cannot be found, in the words of what went wrong, and skips everything after it', async () => {
    const advice = 'check the proxy setting (system, none or manual), the PAC file or HTTPS_PROXY';
    const cases: [() => never, string][] = [
      [
        () => {
          throw new Error('PAC script error: x is not defined');
        },
        'PAC script error: x is not defined',
      ],
      [
        () => {
          // A PAC runtime may throw anything, not only an Error.
          throw 'the PAC file is not reachable';
        },
        'the PAC file is not reachable',
      ],
      [
        () => {
          throw new Error('');
        },
        'unknown error',
      ],
    ];
    for (const [proxyFor, why] of cases) {
      const r = await probeServer({ url: 'ws://127.0.0.1:9/v1/ws', network: { proxyFor } });
      expect(r).toStrictEqual({
        ok: false,
        steps: [
          ok('url', 'ws://127.0.0.1:9/v1/ws'),
          fail('proxy', `the proxy for this URL cannot be found: ${why}`, advice),
          // No hop chosen yet, so the tunnel is among the skipped; ws:// has no TLS to skip.
          ...skipped('dns', 'tcp', 'tunnel', 'upgrade', 'auth', 'subscribe', 'rtt'),
        ],
        authFailed: false,
      });
    }
    // wss:// has a TLS step to skip as well.
    const secure = await probeServer({
      url: 'wss://katya.example/v1/ws',
      network: { proxyFor: () => Promise.reject(new Error('no PAC')) },
    });
    expect(secure.steps.slice(1)).toStrictEqual([
      fail('proxy', 'the proxy for this URL cannot be found: no PAC', advice),
      ...skipped('dns', 'tcp', 'tunnel', 'tls', 'upgrade', 'auth', 'subscribe', 'rtt'),
    ]);
  });

  it('gives up on a proxy lookup that does not answer within the step timeout', async () => {
    const r = await probeServer({
      url: 'ws://127.0.0.1:9/v1/ws',
      timeoutMs: 50,
      network: { proxyFor: () => new Promise(() => undefined) },
    });
    expect(r.steps[1]).toStrictEqual(
      fail(
        'proxy',
        'the proxy for this URL cannot be found: no answer within 50 ms (proxy)',
        'check the proxy setting (system, none or manual), the PAC file or HTTPS_PROXY',
      ),
    );
  });
});

describe('name resolution', () => {
  it('resolves a host name and connects to its first address', async () => {
    const port = await closedPort();
    const addresses = (await lookup('localhost', { all: true })).map((a) => a.address);
    const { steps } = await probe({ url: `ws://localhost:${port}/v1/ws` });
    expect(steps[2]).toStrictEqual(ok('dns', `localhost → ${addresses.join(', ')}`));
    expect(steps[3]).toMatchObject({ step: 'tcp', outcome: 'fail' });
    expect(steps[3]!.detail.startsWith(`${addresses[0]} port ${port}: `)).toBe(true);
  });

  it('takes an IPv6 address as it is, without its brackets', async () => {
    const port = await closedPort();
    const { steps } = await probe({ url: `ws://[::1]:${port}/v1/ws` });
    expect(steps.slice(0, 3)).toStrictEqual([
      ok('url', `ws://[::1]:${port}/v1/ws`),
      ok('proxy', 'direct (no proxy) (default)'),
      ok('dns', '::1 is an address, nothing to resolve'),
    ]);
    expect(steps[3]!.detail.startsWith(`::1 port ${port}: `)).toBe(true);
  });

  it('fails for a name that does not resolve, with the advice for a server or for a proxy', async () => {
    const gai = (name: string) =>
      expect.stringMatching(
        new RegExp(`^${name}: getaddrinfo (ENOTFOUND|EAI_AGAIN|EAI_NONAME) katya\\.invalid$`),
      ) as unknown as string;
    const direct = await probeServer({ url: 'wss://katya.invalid/v1/ws', timeoutMs: 5000 });
    expect(direct).toStrictEqual({
      ok: false,
      steps: [
        ok('url', 'wss://katya.invalid/v1/ws'),
        ok('proxy', 'direct (no proxy) (default)'),
        fail(
          'dns',
          gai('katya\\.invalid'),
          'check the host name for typos, your DNS settings and VPN',
        ),
        // Direct: no tunnel to skip.
        ...skipped('tcp', 'tls', 'upgrade', 'auth', 'subscribe', 'rtt'),
      ],
      authFailed: false,
    });

    const proxied = await probeServer({
      url: 'wss://katya.example/v1/ws',
      timeoutMs: 5000,
      network: {
        proxyFor: () => ({ choices: [proxyAt(3128, 'katya.invalid')], source: 'settings' }),
      },
    });
    expect(proxied.steps.slice(1)).toStrictEqual([
      ok('proxy', 'HTTP proxy katya.invalid:3128 (settings)'),
      fail(
        'dns',
        gai('proxy katya\\.invalid'),
        'check the proxy host name, your DNS settings and VPN',
      ),
      ...skipped('tcp', 'tunnel', 'tls', 'upgrade', 'auth', 'subscribe', 'rtt'),
    ]);
  });
});

describe('the TCP connection', () => {
  it('fails where nothing listens, with the advice for a server', async () => {
    const port = await closedPort();
    const { result, steps } = await probe({ url: `ws://127.0.0.1:${port}/v1/ws`, token: 'abcdef' });
    expect(steps).toStrictEqual([
      ...directTo(`ws://127.0.0.1:${port}/v1/ws`).slice(0, 3),
      fail(
        'tcp',
        `127.0.0.1 port ${port}: connect ECONNREFUSED 127.0.0.1:${port}`,
        'nothing listens there: is the server running, and is the port right?',
      ),
      ...skipped('upgrade', 'auth', 'subscribe', 'rtt'),
    ]);
    expect(result.authFailed).toBe(false);
  });

  it('fails for an address the network will not connect to, and says to check the network', async () => {
    const r = await probeServer({ url: 'wss://255.255.255.255/v1/ws', timeoutMs: 2000 });
    expect(r.steps[3]).toStrictEqual(
      fail(
        'tcp',
        expect.stringMatching(
          /^255\.255\.255\.255 port 443: connect E[A-Z]+ 255\.255\.255\.255:443/,
        ) as unknown as string,
        'check the network connection',
      ),
    );
  });
});

describe('the WebSocket upgrade', () => {
  it('fails the upgrade for a token no header can carry, and leaves no timer behind', async () => {
    const server = await startKatyaServer({ port: 0, tokens: [] });
    try {
      const { result, steps } = await probe({
        url: server.url,
        token: 'pasted\u200btoken',
        authMethod: 'header',
        timeoutMs: 50,
      });
      expect(steps.slice(0, -4)).toStrictEqual([
        ...directTo(server.url),
        skip('tls', 'not used: ws:// to this computer'),
      ]);
      expect(steps.at(-4)).toMatchObject({
        step: 'upgrade',
        outcome: 'fail',
        advice: 'paste the token again, without spaces or breaks',
      });
      expect(steps.at(-4)!.detail).toMatch(/header/i);
      expect(steps.slice(-3)).toStrictEqual(skipped('auth', 'subscribe', 'rtt'));
      expect(result.ok).toBe(false);
      // a stage timer left armed would reject, unhandled, after the step timeout
      await new Promise((r) => setTimeout(r, 150));
    } finally {
      await server.close();
    }
  });

  it('names the Katya path when the server has nothing at the one given', async () => {
    const server = await startKatyaServer({ port: 0, tokens: [] });
    try {
      const url = server.url.replace('/v1/ws', '/ws');
      const { result, steps } = await probe({ url });
      expect(steps).toStrictEqual([
        ...directTo(url),
        skip('tls', 'not used: ws:// to this computer'),
        fail('upgrade', 'HTTP 404 instead of 101', 'nothing at /ws; the Katya path is /v1/ws'),
        ...skipped('auth', 'subscribe', 'rtt'),
      ]);
      expect(result.authFailed).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('takes 401 and 403 for a refused token, and any other status for a proxy in the way', async () => {
    const cases: [number, string, boolean][] = [
      [401, 'the server (or a proxy) refused the token; check it', true],
      [403, 'the server (or a proxy) refused the token; check it', true],
      [500, 'a proxy may not pass WebSocket upgrades; check its configuration', false],
      [200, 'a proxy may not pass WebSocket upgrades; check its configuration', false],
    ];
    for (const [status, advice, authFailed] of cases) {
      const port = await startHttpAnswering(status);
      const url = `ws://127.0.0.1:${port}/v1/ws`;
      const { result, steps } = await probe({ url, token: 'abcdef' });
      expect(steps.slice(4)).toStrictEqual([
        skip('tls', 'not used: ws:// to this computer'),
        fail('upgrade', `HTTP ${status} instead of 101`, advice),
        ...skipped('auth', 'subscribe', 'rtt'),
      ]);
      expect(result).toStrictEqual({ ok: false, steps: result.steps, authFailed });
    }
  });

  it('asks whether this is a Katya server when the port hangs up without an HTTP answer', async () => {
    const port = await startTcpServer((socket) => socket.destroy());
    const { steps } = await probe({ url: `ws://127.0.0.1:${port}/v1/ws` });
    expect(steps.slice(5)).toStrictEqual([
      fail('upgrade', 'socket hang up', 'check that this is a Katya server'),
      ...skipped('auth', 'subscribe', 'rtt'),
    ]);
  });

  it('gives up on a port that never answers the upgrade within the step timeout, and closes what it opened', async () => {
    const silent = await startSilentPort();
    const url = `ws://127.0.0.1:${silent.port}/v1/ws`;
    const { steps } = await probe({ url, timeoutMs: 100 });
    expect(steps).toStrictEqual([
      ...directTo(url),
      skip('tls', 'not used: ws:// to this computer'),
      fail('upgrade', 'no answer within 100 ms (upgrade)', 'check that this is a Katya server'),
      ...skipped('auth', 'subscribe', 'rtt'),
    ]);
    // The TCP check and the upgrade attempt: both closed by the probe.
    expect(silent.accepted).toBe(2);
    await silent.allClosed();
  });
});

describe('the step timeout', () => {
  /** A server that takes its time to answer the authentication ping. */
  const slowToAnswer = (delayMs: number) =>
    startScriptedServer((message, peer) => {
      if (message.id === 'doctor-auth') setTimeout(() => answerLikeKatya(message, peer), delayMs);
      else answerLikeKatya(message, peer);
    });

  it('is the one given, for each step', async () => {
    const server = await slowToAnswer(300);
    const { result, steps } = await probe({ url: server.url, token: 'abcdef', timeoutMs: 100 });
    expect(steps.slice(6)).toStrictEqual([
      fail(
        'auth',
        'no answer within 100 ms (authentication)',
        'the server does not answer; is this a Katya server?',
      ),
      ...skipped('subscribe', 'rtt'),
    ]);
    // No answer is not a refusal.
    expect(result.authFailed).toBe(false);
  });

  it('is 10 s when the one given is not a positive number of milliseconds', async () => {
    const server = await slowToAnswer(30);
    for (const timeoutMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, undefined]) {
      const r = await probeServer({ url: server.url, token: 'abcdef', channels: [], timeoutMs });
      expect(
        r.steps.find((s) => s.step === 'auth'),
        String(timeoutMs),
      ).toStrictEqual(ok('auth', 'token accepted (header)'));
    }
  });
});

describe('the report', () => {
  it('carries on past a listener that throws', async () => {
    const server = await startScriptedServer();
    let calls = 0;
    const r = await probeServer({ url: server.url }, () => {
      calls++;
      throw new Error('the window is gone');
    });
    expect(r.ok).toBe(true);
    expect(r.steps.map((s) => s.step)).toEqual([
      'url',
      'proxy',
      'dns',
      'tcp',
      'tls',
      'upgrade',
      'auth',
      'subscribe',
      'rtt',
    ]);
    expect(calls).toBe(r.steps.length);
  });

  it('ends with a failed step instead of a rejection when the probe itself breaks, and still hangs up', async () => {
    // Channels that are not a list (IPC garbage): the subscriptions cannot even be written.
    const server = await startScriptedServer();
    const { result, steps } = await probe({
      url: server.url,
      token: 'abcdef',
      channels: 'rooms' as unknown as Channel[],
    });
    expect(steps.slice(5)).toStrictEqual([
      ok('upgrade', 'HTTP 101 in N ms'),
      ok('auth', 'token accepted (header)'),
      fail(
        'rtt',
        'the probe stopped: channels.map is not a function or its return value is not iterable',
        'this is a bug in the probe',
      ),
    ]);
    expect(result.ok).toBe(false);
    expect(await server.hungUp).toEqual({ code: 1000, reason: 'doctor done' });
  });

  it('is ok only when no step failed; a skipped step is no failure', async () => {
    const server = await startScriptedServer((message, peer) => {
      // Everything is answered but the subscription, which is refused for one channel.
      if (message.type === 'subscribe') {
        send(peer, { type: 'error', data: { code: '4002', channel: 'security' } });
      }
      answerLikeKatya(message, peer);
    });
    const passing = await probeServer({ url: server.url, token: 'abcdef', channels: ['rooms'] });
    expect(passing.ok).toBe(true);
    const refused = await probeServer({
      url: server.url,
      token: 'abcdef',
      channels: ['rooms', 'security'],
    });
    expect(refused.steps.filter((s: TestStep) => s.outcome === 'fail')).toHaveLength(1);
    expect(refused.ok).toBe(false);
  });
});
