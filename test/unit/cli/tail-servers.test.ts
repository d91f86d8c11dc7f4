// `katya tail` and `katya doctor` with several servers: names from --url, tokens from --token and
// KATYA_TOKEN, and the exit code once every server has stopped or been checked
// (main/cli/tail-servers.ts, main/cli/doctor-command.ts).
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../main/cli/args';
import { doctorExitCode } from '../../../main/cli/doctor-command';
import { exitCodeFor, namedServers, tailServers } from '../../../main/cli/tail-servers';

const A = 'ws://127.0.0.1:8001/v1/ws';
const B = 'ws://127.0.0.1:8002/v1/ws';
const names = (urls: string[]) => tailServers(urls, ['t'], {}).servers.map((s) => s.name);
const tokens = (urls: string[], given: string[], env: NodeJS.ProcessEnv = {}) =>
  Object.fromEntries(tailServers(urls, given, env).servers.map((s) => [s.name, s.token]));
const usage = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('no usage error');
};

describe('server names', () => {
  it('defaults to the host and port, the scheme port written out', () => {
    expect(
      names([
        'wss://katya.example/v1/ws',
        'wss://Katya.Example:8443/v1/ws',
        'ws://localhost/v1/ws',
        'ws://127.0.0.1:8080/v1/ws',
        'ws://[::1]:9000/v1/ws',
      ]),
    ).toEqual([
      'katya.example:443',
      'katya.example:8443',
      'localhost:80',
      '127.0.0.1:8080',
      '[::1]:9000',
    ]);
  });

  it('takes NAME=URL, keeping URLs and their "=" whole', () => {
    const { servers } = tailServers(
      ['prod=wss://katya.example/v1/ws', 'eu-2.b_x=wss://b.example/v1/ws?region=eu'],
      ['t'],
      {},
    );
    expect(servers).toEqual([
      { name: 'prod', url: 'wss://katya.example/v1/ws', token: 't' },
      { name: 'eu-2.b_x', url: 'wss://b.example/v1/ws?region=eu', token: 't' },
    ]);
    // "=" only after a ":" or "/": part of the URL, not a name.
    expect(names(['wss://katya.example/v1/ws?region=eu'])).toEqual(['katya.example:443']);
  });

  it.each([
    ['an empty name', `=${A}`],
    ['a space', `pr od=${A}`],
    ['a leading dot', `.prod=${A}`],
    ['65 characters', `${'a'.repeat(65)}=${A}`],
  ])('refuses %s', (_, url) => {
    expect(usage(() => names([url]))).toMatch(/bad server name .* 1 to 64 letters/);
  });

  it('refuses a bad URL, saying which server', () => {
    expect(usage(() => names([`prod=http://katya.example/`]))).toMatch(
      /^bad --url for prod: the URL must start with wss:\/\//,
    );
    expect(usage(() => names(['ws://katya.example/v1/ws']))).toMatch(/^bad --url: ws:\/\//);
  });

  it('refuses two servers with the same default name: name them', () => {
    expect(usage(() => names([A, 'ws://127.0.0.1:8001/other']))).toBe(
      'two servers would both be called "127.0.0.1:8001": name them, as in --url prod=wss://... --url staging=wss://...',
    );
    // Named, the same address twice is fine.
    expect(names([`one=${A}`, `two=${A}`])).toEqual(['one', 'two']);
    expect(names([`one=${A}`, A])).toEqual(['one', '127.0.0.1:8001']);
  });

  it('refuses two servers given the same name', () => {
    expect(usage(() => names([`prod=${A}`, `prod=${B}`]))).toMatch(/two servers are named "prod"/);
  });

  it('still requires --url', () => {
    expect(usage(() => tailServers(undefined, ['t'], {}))).toMatch(/--url is required/);
    expect(usage(() => tailServers([], ['t'], {}))).toMatch(/--url is required/);
  });
});

describe('tokens', () => {
  it('gives one token to every server: --token, else KATYA_TOKEN; --token wins', () => {
    expect(tokens([`a=${A}`, `b=${B}`], ['t'])).toEqual({ a: 't', b: 't' });
    expect(tokens([`a=${A}`, `b=${B}`], [], { KATYA_TOKEN: 'env' })).toEqual({
      a: 'env',
      b: 'env',
    });
    expect(tokens([`a=${A}`, `b=${B}`], ['t'], { KATYA_TOKEN: 'env' })).toEqual({ a: 't', b: 't' });
  });

  it('gives NAME=TOKEN to that server only; the others get the token for all', () => {
    expect(tokens([`a=${A}`, `b=${B}`], ['a=ta', 'b=tb'])).toEqual({ a: 'ta', b: 'tb' });
    expect(tokens([`a=${A}`, `b=${B}`], ['a=ta'], { KATYA_TOKEN: 'env' })).toEqual({
      a: 'ta',
      b: 'env',
    });
    expect(tokens([`a=${A}`, `b=${B}`], ['b=tb', 'all'])).toEqual({ a: 'all', b: 'tb' });
    // A default name works as a NAME too, and a per-server token may hold "=" itself.
    expect(tokens([A, B], ['127.0.0.1:8002=x==', 'all'])).toEqual({
      '127.0.0.1:8001': 'all',
      '127.0.0.1:8002': 'x==',
    });
  });

  it('takes a token whose text before "=" names no server whole, as the token for all', () => {
    // base64 padding
    expect(tokens([A], ['c2VjcmV0==='])).toEqual({ '127.0.0.1:8001': 'c2VjcmV0===' });
    expect(tokens([`prod=${A}`], ['c2VjcmV0=='])).toEqual({ prod: 'c2VjcmV0==' });
    // a "k=v" token, k not a server's name
    expect(tokens([`prod=${A}`, `test=${B}`], ['staging=abc'])).toEqual({
      prod: 'staging=abc',
      test: 'staging=abc',
    });
    // ...and when k is one, it is that server's token, even with one server
    expect(tokens([`prod=${A}`], ['prod=abc'])).toEqual({ prod: 'abc' });
  });

  it('never splits KATYA_TOKEN', () => {
    expect(tokens([`prod=${A}`, `b=${B}`], [], { KATYA_TOKEN: 'prod=abc' })).toEqual({
      prod: 'prod=abc',
      b: 'prod=abc',
    });
  });

  it('refuses a server without a token, naming it', () => {
    expect(usage(() => tokens([`a=${A}`, `b=${B}`], ['a=ta']))).toBe(
      'no token for the server "b": --token b=TOKEN, or a token for all servers (--token TOKEN or KATYA_TOKEN)',
    );
    // One server: the message it always had.
    expect(usage(() => tokens([A], []))).toBe(
      'a token is needed: --token TOKEN or the KATYA_TOKEN variable',
    );
    expect(usage(() => tokens([A], ['']))).toMatch(/a token is needed/);
  });

  it('refuses a token given twice, for all or for one server, and an empty one', () => {
    expect(usage(() => tokens([`a=${A}`, `b=${B}`], ['x', 'y']))).toMatch(
      /--token is given twice as a token for all servers; .*\(a, b\)/,
    );
    expect(usage(() => tokens([`a=${A}`], ['a=x', 'a=y']))).toBe('--token a=... is given twice');
    expect(usage(() => tokens([`a=${A}`], ['a=']))).toBe('--token a= is empty');
  });

  it('warns, without the token, when a token for all looks like a mistyped NAME=TOKEN', () => {
    const { notices } = tailServers([`prod=${A}`, `test=${B}`], ['prdo=s3cret-value'], {});
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/looks like NAME=TOKEN but its NAME is no server's \(prod, test\)/);
    expect(notices[0]).toMatch(/to every server$/);
    expect(notices[0]).not.toMatch(/prdo|s3cret/);
    expect(tailServers([`prod=${A}`, `test=${B}`], ['prod=p', 'prdo=x'], {}).notices[0]).toMatch(
      /to 1 server\(s\) without a token of their own$/,
    );
    // Base64 padding, one server, a token no server uses: nothing to say.
    expect(tailServers([`prod=${A}`, `test=${B}`], ['c2VjcmV0=='], {}).notices).toEqual([]);
    expect(tailServers([`prod=${A}`], ['prdo=x'], {}).notices).toEqual([]);
    expect(
      tailServers([`prod=${A}`, `test=${B}`], ['prod=p', 'test=t', 'prdo=x'], {}).notices,
    ).toEqual([]);
  });
});

describe('the exit code once every server has stopped', () => {
  it.each([
    [[3], 3],
    [[3, 3, 3], 3],
    [[4], 4],
    [[3, 4], 4],
    [[4, 3], 4],
    [[3, 5, 4], 5],
    [[4, 5], 4],
    [[5, 4], 5],
  ])('%j gives %i', (codes, code) => {
    expect(exitCodeFor(codes)).toBe(code);
  });
});

describe('doctor: servers without a token', () => {
  it('keeps a server without a token, for the steps before sign-in', () => {
    expect(namedServers([`prod=${A}`, `test=${B}`], ['prod=p'], {}).servers).toEqual([
      { name: 'prod', url: A, token: 'p' },
      { name: 'test', url: B, token: undefined },
    ]);
    expect(namedServers([A], undefined, {}).servers).toEqual([
      { name: '127.0.0.1:8001', url: A, token: undefined },
    ]);
    expect(namedServers([A], undefined, { KATYA_TOKEN: 'k' }).servers[0]!.token).toBe('k');
  });

  it('still refuses what tail refuses about names and URLs', () => {
    expect(usage(() => namedServers([A, A], undefined, {}))).toMatch(/both be called/);
    expect(usage(() => namedServers(undefined, undefined, {}))).toMatch(/--url is required/);
    expect(usage(() => namedServers(['http://x/v1/ws'], undefined, {}))).toMatch(/^bad --url/);
  });

  it.each([
    [[0], 0],
    [[0, 0], 0],
    [[3], 3],
    [[0, 3], 3],
    [[1], 1],
    [[3, 1], 1],
    [[1, 0, 3], 1],
  ])('doctor: %j gives %i', (codes, code) => {
    expect(doctorExitCode(codes)).toBe(code);
  });
});
