// A proxy as a person types it (settings, --proxy, HTTPS_PROXY): which URLs are a proxy, what
// each wrong one is called, and how a proxy is named in the log and the window.
import { describe, expect, it } from 'vitest';
import {
  DIRECT,
  describeChoice,
  parseProxyUrl,
  proxyAddress,
  unbracketed,
} from '../../../main/core/common/network';
import type { ProxyChoice } from '../../../main/core/common/network';

type Proxy = Extract<ProxyChoice, { kind: 'proxy' }>;
const proxy = (scheme: Proxy['scheme'], host: string, port: number): Proxy => ({
  kind: 'proxy',
  scheme,
  host,
  port,
});

const SCHEME_ERROR =
  'a proxy URL starts with http://, https://, socks5:// or socks4:// (got ftp://)';
const PATH_ERROR = 'a proxy URL has no path: scheme://HOST:PORT';
const CREDENTIALS_ERROR =
  'the proxy URL must not contain a user name or password; use the proxy credential fields';

describe('parseProxyUrl: what is a proxy', () => {
  it.each([
    ['http://proxy.corp', proxy('http', 'proxy.corp', 80)],
    ['https://proxy.corp', proxy('https', 'proxy.corp', 443)],
    ['socks4://proxy.corp', proxy('socks4', 'proxy.corp', 1080)],
    ['socks4a://proxy.corp', proxy('socks4a', 'proxy.corp', 1080)],
    ['socks5://proxy.corp', proxy('socks5', 'proxy.corp', 1080)],
    ['socks5h://proxy.corp', proxy('socks5h', 'proxy.corp', 1080)],
    ['socks://proxy.corp', proxy('socks5h', 'proxy.corp', 1080)],
  ])('%s: the scheme with its default port', (url, choice) => {
    expect(parseProxyUrl(url)).toStrictEqual({ ok: true, choice });
  });

  it('takes the port that is given', () => {
    expect(parseProxyUrl('http://proxy.corp:3128')).toStrictEqual({
      ok: true,
      choice: proxy('http', 'proxy.corp', 3128),
    });
    expect(parseProxyUrl('socks5://10.0.0.1:9050')).toStrictEqual({
      ok: true,
      choice: proxy('socks5', '10.0.0.1', 9050),
    });
  });

  it('reads the scheme and the host without regard to case', () => {
    expect(parseProxyUrl('HTTP://Proxy.Corp:3128')).toStrictEqual({
      ok: true,
      choice: proxy('http', 'proxy.corp', 3128),
    });
  });

  it('reads "HOST:PORT" without a scheme as an HTTP proxy', () => {
    expect(parseProxyUrl('proxy.corp:3128')).toStrictEqual({
      ok: true,
      choice: proxy('http', 'proxy.corp', 3128),
    });
  });

  it('looks for the scheme at the start only: "://" further on is part of an HTTP proxy URL', () => {
    expect(parseProxyUrl('proxy.corp:3128/socks5://x')).toEqual({
      ok: false,
      problem: 'path',
      error: PATH_ERROR,
    });
  });

  it('ignores spaces around the URL', () => {
    expect(parseProxyUrl('  http://proxy.corp:3128 \t')).toStrictEqual({
      ok: true,
      choice: proxy('http', 'proxy.corp', 3128),
    });
  });

  it('allows a lone slash after the port', () => {
    expect(parseProxyUrl('http://proxy.corp:3128/')).toStrictEqual({
      ok: true,
      choice: proxy('http', 'proxy.corp', 3128),
    });
  });

  it('keeps an IPv6 address without its brackets', () => {
    expect(parseProxyUrl('http://[::1]:3128')).toStrictEqual({
      ok: true,
      choice: proxy('http', '::1', 3128),
    });
    expect(parseProxyUrl('socks5://[fe80::1]')).toStrictEqual({
      ok: true,
      choice: proxy('socks5', 'fe80::1', 1080),
    });
  });
});

describe('parseProxyUrl: each problem, by code and in words', () => {
  it('notUrl: text that is no URL at all, quoted as typed (without the spaces)', () => {
    expect(parseProxyUrl(' http://[ ')).toEqual({
      ok: false,
      problem: 'notUrl',
      error: '"http://[" is not a proxy URL',
    });
    expect(parseProxyUrl('proxy.corp:99999')).toEqual({
      ok: false,
      problem: 'notUrl',
      error: '"proxy.corp:99999" is not a proxy URL',
    });
    expect(parseProxyUrl('')).toEqual({
      ok: false,
      problem: 'notUrl',
      error: '"" is not a proxy URL',
    });
  });

  it('notUrl: a SOCKS scheme without a host (its scheme is right, so not a scheme problem)', () => {
    expect(parseProxyUrl('socks5://')).toEqual({
      ok: false,
      problem: 'notUrl',
      error: '"socks5://" is not a proxy URL: it has no host',
    });
    expect(parseProxyUrl('socks4:///x')).toEqual({
      ok: false,
      problem: 'notUrl',
      error: '"socks4:///x" is not a proxy URL: it has no host',
    });
  });

  it('scheme: any other scheme, named in the message', () => {
    expect(parseProxyUrl('ftp://proxy.corp')).toEqual({
      ok: false,
      problem: 'scheme',
      error: SCHEME_ERROR,
    });
    expect(parseProxyUrl('wss://proxy.corp')).toEqual({
      ok: false,
      problem: 'scheme',
      error: SCHEME_ERROR.replace('ftp://', 'wss://'),
    });
  });

  it.each(['http://proxy.corp:3128/proxy', 'http://proxy.corp:3128?x=1', 'http://proxy.corp#top'])(
    'path: %s has more than scheme://HOST:PORT',
    (url) => {
      expect(parseProxyUrl(url)).toEqual({ ok: false, problem: 'path', error: PATH_ERROR });
    },
  );

  it.each(['http://proxy.corp:0', 'socks5://10.0.0.1:00', 'proxy.corp:0'])(
    'port: %s names port 0, where no proxy listens',
    (url) => {
      expect(parseProxyUrl(url)).toEqual({
        ok: false,
        problem: 'port',
        error: "port 0 is not a proxy's port: scheme://HOST:PORT",
      });
    },
  );

  it.each(['http://alice:pw@proxy.corp:3128', 'http://alice@proxy.corp', 'http://:pw@proxy.corp'])(
    'credentials: %s holds a user name or a password, which settings keep elsewhere',
    (url) => {
      expect(parseProxyUrl(url)).toEqual({
        ok: false,
        problem: 'credentials',
        error: CREDENTIALS_ERROR,
      });
    },
  );
});

describe('parseProxyUrl: credentials where they are allowed (command line, environment)', () => {
  const allowed = (url: string) => parseProxyUrl(url, { allowCredentials: true });

  it('takes the user name and password, decoded', () => {
    expect(allowed('http://al%40ce:p%3Ass@proxy.corp:3128')).toStrictEqual({
      ok: true,
      choice: {
        ...proxy('http', 'proxy.corp', 3128),
        credentials: { username: 'al@ce', password: 'p:ss' },
      },
    });
  });

  it('takes a user name alone, or a password alone', () => {
    expect(allowed('socks5://alice@proxy.corp')).toStrictEqual({
      ok: true,
      choice: {
        ...proxy('socks5', 'proxy.corp', 1080),
        credentials: { username: 'alice', password: '' },
      },
    });
    expect(allowed('http://:secret@proxy.corp')).toStrictEqual({
      ok: true,
      choice: {
        ...proxy('http', 'proxy.corp', 80),
        credentials: { username: '', password: 'secret' },
      },
    });
  });

  it('keeps an escape that does not decode as it was typed', () => {
    expect(allowed('http://a%zz:b%@proxy.corp')).toStrictEqual({
      ok: true,
      choice: {
        ...proxy('http', 'proxy.corp', 80),
        credentials: { username: 'a%zz', password: 'b%' },
      },
    });
  });

  it('adds no credentials to a proxy URL without them', () => {
    expect(allowed('http://proxy.corp:3128')).toStrictEqual({
      ok: true,
      choice: proxy('http', 'proxy.corp', 3128),
    });
  });
});

describe('describeChoice and proxyAddress', () => {
  it('names the kind of proxy as people know it, and its address', () => {
    expect(describeChoice(DIRECT)).toBe('direct (no proxy)');
    expect(describeChoice(proxy('http', 'proxy.corp', 3128))).toBe('HTTP proxy proxy.corp:3128');
    expect(describeChoice(proxy('https', 'proxy.corp', 443))).toBe('HTTPS proxy proxy.corp:443');
    expect(describeChoice(proxy('socks4', 'p', 1080))).toBe('SOCKS4 proxy p:1080');
    expect(describeChoice(proxy('socks4a', 'p', 1080))).toBe('SOCKS4 proxy p:1080');
    expect(describeChoice(proxy('socks5', 'p', 1080))).toBe('SOCKS5 proxy p:1080');
    expect(describeChoice(proxy('socks5h', 'p', 1080))).toBe('SOCKS5 proxy p:1080');
  });

  it('puts an IPv6 address in brackets', () => {
    expect(proxyAddress(proxy('http', '::1', 3128))).toBe('[::1]:3128');
    expect(proxyAddress(proxy('http', '10.0.0.1', 3128))).toBe('10.0.0.1:3128');
    expect(describeChoice(proxy('socks5', 'fe80::1', 1080))).toBe('SOCKS5 proxy [fe80::1]:1080');
  });

  it('never shows the credentials, so it is safe for any log', () => {
    const parsed = parseProxyUrl('http://alice:s3cret@proxy.corp:3128', { allowCredentials: true });
    if (!parsed.ok) throw new Error(parsed.error);
    expect(describeChoice(parsed.choice)).toBe('HTTP proxy proxy.corp:3128');
  });
});

describe('unbracketed: a host as a socket takes it', () => {
  it.each([
    ['[::1]', '::1'],
    ['[fe80::1%25eth0]', 'fe80::1%25eth0'],
    ['::1', '::1'],
    ['katya.example', 'katya.example'],
    ['[', '['],
    ['[]', ''],
    ['[::1', '[::1'],
    ['::1]', '::1]'],
  ])('%j -> %j', (host, expected) => {
    expect(unbracketed(host)).toBe(expected);
  });
});
