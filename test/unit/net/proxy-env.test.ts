// The environment's proxy as katya and the preview read it: which variable for which scheme,
// lower case first, NO_PROXY in its usual forms, loopback never proxied unless --proxy says.
import { describe, expect, it } from 'vitest';
import { noProxyMatches, proxyFromEnvironment } from '../../../main/core/net/proxy-env';
import { parseProxyUrl } from '../../../main/core/common/network';

const route = (url: string, env: Record<string, string>, explicit?: string) => {
  const r = proxyFromEnvironment(new URL(url), env, explicit);
  if (!r.ok) throw new Error(r.error);
  return r.route;
};
const first = (url: string, env: Record<string, string>, explicit?: string) => {
  const r = route(url, env, explicit);
  const c = r.choices[0]!;
  return `${c.kind === 'direct' ? 'direct' : `${c.scheme}://${c.host}:${c.port}`} (${r.source})`;
};

describe('proxyFromEnvironment', () => {
  it('takes HTTPS_PROXY for wss:// and HTTP_PROXY for ws://, ALL_PROXY for either', () => {
    const env = { HTTPS_PROXY: 'http://s:1', HTTP_PROXY: 'http://p:2', ALL_PROXY: 'socks5://a:3' };
    expect(first('wss://k.example/v1/ws', env)).toBe('http://s:1 (HTTPS_PROXY)');
    expect(first('ws://k.example/v1/ws', env)).toBe('http://p:2 (HTTP_PROXY)');
    expect(first('wss://k.example/v1/ws', { ALL_PROXY: 'socks5://a:3' })).toBe(
      'socks5://a:3 (ALL_PROXY)',
    );
  });

  it('reads lower case before upper case, and takes "host:port" as http', () => {
    expect(first('wss://k.example', { https_proxy: 'low:8080', HTTPS_PROXY: 'http://UP:1' })).toBe(
      'http://low:8080 (https_proxy)',
    );
  });

  it('keeps credentials from the URL, decoded', () => {
    const c = route('wss://k.example', { HTTPS_PROXY: 'http://al%40ce:p%3Ass@p:3128' }).choices[0]!;
    expect(c).toMatchObject({
      kind: 'proxy',
      credentials: { username: 'al@ce', password: 'p:ss' },
    });
  });

  it('never sends loopback servers through an environment proxy, but --proxy does', () => {
    const env = { HTTP_PROXY: 'http://p:2', HTTPS_PROXY: 'http://p:2' };
    expect(first('ws://127.0.0.1:8080/v1/ws', env)).toBe('direct (loopback)');
    expect(first('wss://localhost/v1/ws', env)).toBe('direct (loopback)');
    expect(first('ws://[::1]:8080/v1/ws', env)).toBe('direct (loopback)');
    expect(first('ws://127.0.0.1:8080/v1/ws', env, 'http://x:9')).toBe('http://x:9 (--proxy)');
  });

  it('--proxy none turns every proxy off; NO_PROXY applies to --proxy too', () => {
    expect(first('wss://k.example', { HTTPS_PROXY: 'http://p:2' }, 'none')).toBe(
      'direct (--proxy none)',
    );
    expect(first('wss://k.example', { NO_PROXY: 'k.example' }, 'http://x:9')).toBe(
      'direct (NO_PROXY)',
    );
  });

  it('without any variable goes direct, and says so', () => {
    expect(first('wss://k.example', {})).toBe('direct (no proxy variable)');
    expect(first('wss://k.example', { HTTPS_PROXY: '  ' })).toBe('direct (no proxy variable)');
    expect(first('wss://k.example', { NONE: 'x' }, ' None ')).toBe('direct (--proxy none)');
  });

  it('matches NO_PROXY ports against the default port of the scheme', () => {
    const env = { HTTPS_PROXY: 'http://p:2', HTTP_PROXY: 'http://p:2' };
    expect(first('wss://k.example', { ...env, NO_PROXY: 'k.example:443' })).toBe(
      'direct (NO_PROXY)',
    );
    expect(first('ws://k.example', { ...env, NO_PROXY: 'k.example:80' })).toBe('direct (NO_PROXY)');
    expect(first('ws://k.example', { ...env, NO_PROXY: 'k.example:443' })).toBe(
      'http://p:2 (HTTP_PROXY)',
    );
    expect(first('wss://k.example:8443', { ...env, NO_PROXY: 'k.example:443' })).toBe(
      'http://p:2 (HTTPS_PROXY)',
    );
    expect(first('wss://k.example:8443', { ...env, NO_PROXY: 'k.example:8443' })).toBe(
      'direct (NO_PROXY)',
    );
  });

  it('says which variable is wrong instead of going direct', () => {
    const r = proxyFromEnvironment(new URL('wss://k.example'), { HTTPS_PROXY: 'ftp://p:1' });
    expect(r).toEqual({
      ok: false,
      error: expect.stringMatching(/^HTTPS_PROXY: a proxy URL starts/),
    });
  });
});

describe('noProxyMatches', () => {
  it.each([
    ['*', 'any.example', 443, true],
    ['katya.example', 'katya.example', 443, true],
    ['katya.example', 'sub.katya.example', 443, true],
    ['katya.example', 'notkatya.example', 443, false],
    ['.example', 'katya.example', 443, true],
    ['*.example', 'katya.example', 443, true],
    ['*.example', 'example', 443, true],
    ['katya.example:8443', 'katya.example', 443, false],
    ['katya.example:8443', 'katya.example', 8443, true],
    ['10.0.0.0/8', '10.20.30.40', 443, true],
    ['10.0.0.0/8', '11.0.0.1', 443, false],
    ['192.168.1.7', '192.168.1.7', 443, true],
    ['[::1]', '::1', 443, true],
    ['a.example, b.example  c.example', 'c.example', 443, true],
    ['', 'katya.example', 443, false],
    ['KATYA.Example', 'katya.example', 443, true],
    ['katya.example', 'Katya.Example.', 443, true],
    ['::1', '[::1]', 443, true],
    ['[::1]:8443', '[::1]', 8443, true],
    ['[::1]:8443', '::1', 443, false],
    ['10.0.0.0/8', 'katya.example', 443, false],
    ['0.0.0.0/0', '8.8.8.8', 443, true],
    ['10.0.0.1/32', '10.0.0.1', 443, true],
    ['10.0.0.1/32', '10.0.0.2', 443, false],
    ['10.0.0.0/33', '10.0.0.1', 443, false],
    ['10.0.0.0/-1', '10.0.0.1', 443, false],
    ['/8', '10.0.0.1', 443, false],
    ['fe80::/10', 'fe80::1', 443, false],
    ['10.0.0.0/8', 'fe80::1', 443, false],
  ])('NO_PROXY=%j for %s:%i -> %s', (list, host, port, expected) => {
    expect(noProxyMatches(list, host, port)).toBe(expected);
  });
});

describe('parseProxyUrl', () => {
  it('reads the schemes, with their default ports', () => {
    const scheme = (u: string) => {
      const r = parseProxyUrl(u);
      return r.ok ? `${r.choice.scheme}:${r.choice.port}` : r.problem;
    };
    expect(scheme('http://p')).toBe('http:80');
    expect(scheme('https://p')).toBe('https:443');
    expect(scheme('socks5://p')).toBe('socks5:1080');
    expect(scheme('socks://p:9')).toBe('socks5h:9');
    expect(scheme('ftp://p')).toBe('scheme');
    expect(scheme('http://p:3128/path')).toBe('path');
    expect(scheme('http://u:pw@p:3128')).toBe('credentials');
    expect(scheme('http://[')).toBe('notUrl');
  });
});
