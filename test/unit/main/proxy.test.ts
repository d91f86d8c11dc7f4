// The Electron adapter for the system proxy: Chromium's PAC-form answer to
// session.resolveProxy(url) turned into the connection's route, on a stand-in session.
import { describe, expect, it } from 'vitest';
import { parsePacAnswer, systemProxyResolver } from '../../../main/adapters/proxy';
import { FakeSession } from '../../fakes/session';

describe('parsePacAnswer', () => {
  it('reads DIRECT, PROXY, HTTPS, SOCKS and SOCKS5 entries, in order', () => {
    expect(
      parsePacAnswer(
        'PROXY proxy.corp:3128; HTTPS secure.corp:443; SOCKS5 [::1]:1080; SOCKS s4:1081; DIRECT',
      ),
    ).toEqual([
      { kind: 'proxy', scheme: 'http', host: 'proxy.corp', port: 3128 },
      { kind: 'proxy', scheme: 'https', host: 'secure.corp', port: 443 },
      { kind: 'proxy', scheme: 'socks5h', host: '::1', port: 1080 },
      { kind: 'proxy', scheme: 'socks4', host: 's4', port: 1081 },
      { kind: 'direct' },
    ]);
  });

  it('is lenient about case and spaces, and skips what it cannot use (QUIC, bad ports)', () => {
    expect(
      parsePacAnswer('  proxy p:80 ;QUIC q:443; PROXY bad:99999; PROXY noport ;direct'),
    ).toEqual([
      { kind: 'proxy', scheme: 'http', host: 'p', port: 80 },
      { kind: 'proxy', scheme: 'http', host: 'noport', port: 80 },
      { kind: 'direct' },
    ]);
    expect(parsePacAnswer('')).toEqual([]);
  });
});

describe('systemProxyResolver', () => {
  it('asks for the http(s) URL a WebSocket upgrades from, without the query', async () => {
    const session = new FakeSession(() => 'PROXY proxy.corp:3128; DIRECT');
    const resolve = systemProxyResolver(session);
    const route = await resolve(new URL('wss://katya.example:8443/v1/ws?x=1'));
    await resolve(new URL('ws://127.0.0.1:8080/v1/ws'));
    expect(session.asked).toEqual([
      'https://katya.example:8443/v1/ws',
      'http://127.0.0.1:8080/v1/ws',
    ]);
    expect(route).toEqual({
      choices: [
        { kind: 'proxy', scheme: 'http', host: 'proxy.corp', port: 3128 },
        { kind: 'direct' },
      ],
      source: 'system settings',
    });
  });

  it('asks again for every connection attempt (a new network, a changed PAC file)', async () => {
    let answer = 'DIRECT';
    const session = new FakeSession(() => answer);
    const resolve = systemProxyResolver(session);
    expect((await resolve(new URL('wss://k.example'))).choices).toEqual([{ kind: 'direct' }]);
    answer = 'PROXY vpn-proxy:8080';
    expect((await resolve(new URL('wss://k.example'))).choices[0]).toMatchObject({
      host: 'vpn-proxy',
    });
    expect(session.asked).toHaveLength(2);
  });

  it('goes direct, and says so, when Chromium cannot answer or names nothing usable', async () => {
    const lines: string[] = [];
    const failing = systemProxyResolver(
      new FakeSession(() => new Error('PAC script failed')),
      (l) => lines.push(l),
    );
    expect(await failing(new URL('wss://k.example'))).toEqual({
      choices: [{ kind: 'direct' }],
      source: 'system settings (unavailable)',
    });
    const odd = systemProxyResolver(new FakeSession(() => 'QUIC q:443'), (l) => lines.push(l));
    expect((await odd(new URL('wss://k.example'))).choices).toEqual([{ kind: 'direct' }]);
    expect(lines).toEqual([
      'the system proxy could not be resolved, going direct: PAC script failed',
      'the system proxy answer "QUIC q:443" names nothing usable, going direct',
    ]);
  });
});
