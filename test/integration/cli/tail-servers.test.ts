// `katya tail` following several reference servers at once, as a process on loopback: every
// line says whose it is, each server gets its own token and no other (checked at the socket),
// one server failing (bad token, down, certificate) never stops the others, and the exit code
// once every server has stopped (docs/server-and-cli.md, "Several servers").
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startKatyaServer } from '../../../main/server/server';
import type { KatyaServer } from '../../../main/server/server';
import { KatyaProcess, buildKatya, cleanEnv } from './katya-process';
import { startTokenRecorder } from './token-recorder';
import type { TokenRecorder } from './token-recorder';
import { createPrivateCa } from '../net/support/private-ca';
import { startTlsFront } from '../net/support/tls-front';

let bin: string;
let cleanup: () => void;
beforeAll(async () => ({ bin, cleanup } = await buildKatya()), 60_000);
afterAll(() => cleanup?.());

const closers: Array<() => Promise<void>> = [];
const procs: KatyaProcess[] = [];
afterEach(async () => {
  for (const p of procs.splice(0)) p.kill();
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A reference server that knows one token, `token`, with every right. */
async function server(token: string, port = 0): Promise<KatyaServer> {
  const s = await startKatyaServer({ port, tokens: [{ token, channels: ['*'], admin: true }] });
  closers.push(() => s.close());
  return s;
}
async function recorder(upstream: KatyaServer): Promise<TokenRecorder> {
  const r = await startTokenRecorder(upstream.url);
  closers.push(() => r.close());
  return r;
}
function tail(args: string[], env = cleanEnv()) {
  const p = KatyaProcess.start(bin, ['tail', '--channels', 'system', ...args], env);
  procs.push(p);
  return p;
}

type Line = Record<string, unknown>;
const of = (name: string) => (l: Line) => l.server === name;
const stateOf = (name: string, state: string) => (l: Line) =>
  l.server === name && l.type === 'state' && l.state === state;
/** Every server named has its system subscription active. */
const allActive = (p: KatyaProcess, names: string[]) =>
  p.until(
    () =>
      names.every((n) =>
        p.json().some((l) => l.server === n && l.type === 'subscription' && l.status === 'active'),
      ),
    `subscriptions of ${names.join(', ')}`,
  );
/** Every server named has either signed in and subscribed, or been refused. */
const allSettled = (p: KatyaProcess, names: string[]) =>
  p.until(
    () =>
      names.every((n) =>
        p
          .json()
          .some(
            (l) =>
              l.server === n &&
              ((l.type === 'subscription' && l.status === 'active') || l.state === 'auth_failed'),
          ),
      ),
    `${names.join(', ')} signed in or refused`,
  );
/** Publish a status event with a marker only this call uses, and wait for its line. */
async function deliver(p: KatyaProcess, s: KatyaServer, name: string, marker: string) {
  s.publish('system.status.changed', { status: 'degraded', component: marker });
  const line = await p.jsonLine(
    (l) => l.type === 'event' && (l.data as Line | undefined)?.component === marker,
    `event ${marker} from ${name}`,
  );
  expect(line.server, `the server of ${marker}`).toBe(name);
}

describe('katya tail with several servers', () => {
  it('names each server (given, or HOST:PORT) on every JSON line, events included', async () => {
    const a = await server('tok-a');
    const b = await server('tok-b');
    const bName = `127.0.0.1:${b.port}`;
    const p = tail([
      ...['--url', `alpha=${a.url}`, '--url', b.url],
      ...['--token', 'alpha=tok-a', '--token', `${bName}=tok-b`, '--json'],
    ]);
    await allActive(p, ['alpha', bName]);
    await deliver(p, a, 'alpha', 'from-a');
    await deliver(p, b, bName, 'from-b');
    // Each server's event reached the process once, on its own server's line only.
    const events = p.json().filter((l) => l.type === 'event');
    expect(events.map((l) => [l.server, (l.data as Line).component])).toEqual([
      ['alpha', 'from-a'],
      [bName, 'from-b'],
    ]);
    p.child.kill('SIGINT');
    expect((await p.exited).code).toBe(0);
    const lines = p.json();
    expect(lines.filter((l) => l.server !== 'alpha' && l.server !== bName)).toEqual([]);
    expect(lines.filter(stateOf('alpha', 'closed'))).toHaveLength(1);
    expect(lines.filter(stateOf(bName, 'closed'))).toHaveLength(1);
  });

  it('starts every text line with [NAME] on stdout and stderr alike', async () => {
    const a = await server('t');
    const b = await server('t');
    const p = tail(['--url', `alpha=${a.url}`, '--url', `beta=${b.url}`, '--token', 't']);
    await p.until(
      () => /\[alpha\] subscribed/.test(p.stderr) && /\[beta\] subscribed/.test(p.stderr),
      'both subscribed',
    );
    a.publish('system.status.changed', { status: 'degraded', component: 'api-a' });
    b.publish('system.status.changed', { status: 'degraded', component: 'api-b' });
    await p.until(() => p.stdout.filter(Boolean).length >= 2, 'two event lines');
    p.child.kill('SIGTERM');
    expect((await p.exited).code).toBe(0);
    const out = p.stdout.filter(Boolean);
    expect(out.find((l) => l.includes('api-a'))).toMatch(/^\[alpha\] \d\d:\d\d:\d\d system /);
    expect(out.find((l) => l.includes('api-b'))).toMatch(/^\[beta\] \d\d:\d\d:\d\d system /);
    const err = p.stderr.trimEnd().split('\n');
    expect(err.filter((l) => !/^katya tail: \[(alpha|beta)\] /.test(l))).toEqual([]);
    expect(err).toContain(`katya tail: [alpha] connected to ${a.url}`);
    expect(err).toContain(`katya tail: [beta] connected to ${b.url}`);
    expect(err.slice(-2).sort()).toEqual([
      'katya tail: [alpha] closed',
      'katya tail: [beta] closed',
    ]);
  });

  it('keeps one server unprefixed in text, as before, with its name in JSON', async () => {
    const a = await server('t');
    const p = tail(['--url', `alpha=${a.url}`, '--token', 't']);
    await p.until(() => /subscribed/.test(p.stderr), 'subscribed');
    p.child.kill('SIGINT');
    await p.exited;
    expect(p.stderr.trimEnd().split('\n')).toEqual([
      `katya tail: connecting to ${a.url}`,
      `katya tail: connected to ${a.url}`,
      'katya tail: subscribed to channel system',
      'katya tail: closed',
    ]);
  });

  it('five servers: one rejects its token and one goes down and comes back; the rest keep delivering', async () => {
    const names = ['s0', 's1', 's2', 's3', 's4'];
    const servers = await Promise.all(names.map((n) => server(`tok-${n}`)));
    const [s0, s1, s2, s3, s4] = servers as [
      KatyaServer,
      KatyaServer,
      KatyaServer,
      KatyaServer,
      KatyaServer,
    ];
    const p = tail([
      ...names.flatMap((n, i) => ['--url', `${n}=${servers[i]!.url}`]),
      ...names.flatMap((n) => ['--token', n === 's1' ? 's1=wrong' : `${n}=tok-${n}`]),
      '--json',
    ]);
    const stopped = await p.jsonLine((l) => l.type === 'stopped', 's1 stopped');
    expect(stopped).toEqual({ type: 'stopped', exitCode: 3, server: 's1' });
    expect(p.json().find(stateOf('s1', 'auth_failed'))?.reason).toEqual(expect.any(String));
    await allActive(p, ['s0', 's2', 's3', 's4']);

    // s3 goes down: it reconnects on its own lines while the others deliver.
    const s3Port = s3.port;
    await s3.close();
    await p.jsonLine(stateOf('s3', 'reconnecting'), 's3 reconnecting');
    await deliver(p, s0, 's0', 'while-down-0');
    await deliver(p, s2, 's2', 'while-down-2');
    await deliver(p, s4, 's4', 'while-down-4');
    // ...and comes back on the same port: s3 opens again and delivers; so do the others.
    const back = await server('tok-s3', s3Port);
    await p.until(() => p.json().filter(stateOf('s3', 'open')).length === 2, 's3 open again');
    await p.until(
      () => p.json().filter((l) => of('s3')(l) && l.status === 'active').length === 2,
      's3 resubscribed',
    );
    await deliver(p, back, 's3', 'back-3');
    await deliver(p, s0, 's0', 'after-0');
    await deliver(p, s4, 's4', 'after-4');
    expect(p.running).toBe(true);

    // Only s3 lost its connection; s1 was tried once and never again.
    for (const n of ['s0', 's2', 's4']) {
      expect(p.json().filter(stateOf(n, 'reconnecting')), n).toEqual([]);
    }
    expect(s1.connectionCount()).toBe(1);
    expect(p.json().filter((l) => l.type === 'stopped')).toHaveLength(1);

    p.child.kill('SIGINT');
    expect((await p.exited).code).toBe(0);
    const closed = p
      .json()
      .filter((l) => l.type === 'state' && l.state === 'closed')
      .map((l) => l.server);
    expect(closed.sort()).toEqual(['s0', 's2', 's3', 's4']);
  }, 25_000);

  it.each(['header', 'query', 'message'])(
    'presents each server its own token and no other (--auth %s), at the socket',
    async (auth) => {
      const [a, b, c] = await Promise.all([server('tok-a'), server('tok-b'), server('c2VjLWM=')]);
      const [ra, rb, rc] = await Promise.all([recorder(a), recorder(b), recorder(c)]);
      const cName = `127.0.0.1:${rc.port}`;
      const p = tail([
        ...['--url', `a=${ra.url}`, '--url', `b=${rb.url}`, '--url', rc.url],
        // the token for all ends in base64 padding: taken whole, and only c goes without its own
        ...['--token', 'b=tok-b', '--token', 'c2VjLWM=', '--token', 'a=tok-a'],
        ...['--auth', auth, '--json'],
      ]);
      await allSettled(p, ['a', 'b', cName]);
      expect(ra.tokens).toEqual([{ how: auth, token: 'tok-a' }]);
      expect(rb.tokens).toEqual([{ how: auth, token: 'tok-b' }]);
      expect(rc.tokens).toEqual([{ how: auth, token: 'c2VjLWM=' }]);
      await allActive(p, ['a', 'b', cName]);
      // No token in any line the process wrote.
      expect(`${p.stdout.join('\n')}\n${p.stderr}`).not.toMatch(/tok-a|tok-b|c2VjLWM/);
    },
  );

  it('takes --token NAME=TOKEN for a server only when NAME is a server; else whole, for all', async () => {
    const [a, b] = await Promise.all([server('p-tok'), server('nobody=shared')]);
    const [ra, rb] = await Promise.all([recorder(a), recorder(b)]);
    const bName = `127.0.0.1:${rb.port}`;
    const p = tail([
      ...['--url', `prod=${ra.url}`, '--url', rb.url],
      ...['--token', 'prod=p-tok', '--token', 'nobody=shared', '--json'],
    ]);
    await allSettled(p, ['prod', bName]);
    expect(ra.tokens.map((t) => t.token)).toEqual(['p-tok']);
    expect(rb.tokens.map((t) => t.token)).toEqual(['nobody=shared']);
    await allActive(p, ['prod', bName]);
    // Said on stderr, in case "nobody" was a mistyped name; the token itself is not shown.
    expect(p.stderr).toMatch(
      /katya tail: a --token looks like NAME=TOKEN but its NAME is no server's \(prod, 127\.0\.0\.1:\d+\)/,
    );
    expect(p.stderr).not.toContain('nobody');
  });
});

describe('the exit code with several servers', () => {
  it('is 3 when every server stopped for sign-in', async () => {
    const [a, b] = await Promise.all([server('tok-a'), server('tok-b')]);
    const p = tail(['--url', `a=${a.url}`, '--url', `b=${b.url}`, '--token', 'wrong', '--json']);
    expect((await p.exited).code).toBe(3);
    const lines = p.json();
    expect(lines.filter(stateOf('a', 'auth_failed'))).toHaveLength(1);
    expect(lines.filter(stateOf('b', 'auth_failed'))).toHaveLength(1);
    expect(lines.filter((l) => l.type === 'stopped').map((l) => [l.server, l.exitCode])).toEqual(
      expect.arrayContaining([
        ['a', 3],
        ['b', 3],
      ]),
    );
    expect(lines.filter((l) => l.type === 'stopped')).toHaveLength(2);
    expect(a.connectionCount() + b.connectionCount()).toBe(2);
  });

  it('does not end while a server is down: down is not stopped', async () => {
    const a = await server('tok-a');
    const down = await server('x');
    const downUrl = down.url;
    await down.close();
    const p = tail(['--url', `a=${a.url}`, '--url', `down=${downUrl}`, '--token', 'wrong']);
    await p.until(() => /\[a\] stopped; 1 other server\(s\) still followed/.test(p.stderr), 'a');
    await p.until(
      () => (p.stderr.match(/\[down\] reconnecting in/g) ?? []).length >= 2,
      'two reconnects',
    );
    expect(p.running).toBe(true);
    p.child.kill('SIGTERM');
    expect((await p.exited).code).toBe(0);
    expect(p.stderr).toMatch(/katya tail: \[a\] authentication failed: /);
    expect(p.stderr.trimEnd().split('\n').at(-1)).toBe('katya tail: [down] closed');
  });

  it('is 4, not 3, when one stopped for sign-in and another for its certificate', async () => {
    const ca = createPrivateCa();
    closers.push(async () => ca.cleanup());
    const good = await server('tok-good');
    const front = await startTlsFront(good.url, ca.issue('localhost'));
    closers.push(() => front.close());
    const bad = await server('tok-bad');
    // No --ca: the front's certificate is not trusted. The sign-in server comes first.
    const p = tail([
      ...['--url', `signin=${bad.url}`, '--url', `cert=${front.url()}`],
      ...['--token', 'signin=wrong', '--token', 'cert=tok-good'],
    ]);
    expect((await p.exited).code).toBe(4);
    expect(p.stderr).toMatch(/katya tail: \[signin\] authentication failed: /);
    expect(p.stderr).toMatch(/katya tail: \[cert\] certificate not trusted: /);
    expect(p.stderr).toMatch(/katya tail: \[cert\] → .*--ca FILE/);
    expect(p.stderr).toMatch(/katya tail: \[(signin|cert)\] stopped; no server is left to follow/);
    // Refused before anything was sent: not even the token went through.
    expect(front.bytesIn).toBe(0);
  });
});

describe('bad usage with several servers (exit 2)', () => {
  const U1 = 'ws://127.0.0.1:1/v1/ws';
  it.each([
    ['two default names alike', ['--url', U1, '--url', `${U1}?x=1`, '--token', 't'], /name them/],
    ['a name used twice', ['--url', `a=${U1}`, '--url', `a=${U1}`, '--token', 't'], /named "a"/],
    [
      'a server without a token',
      ['--url', `a=${U1}`, '--url', `b=${U1}`, '--token', 'a=t'],
      /no token for the server "b"/,
    ],
    ['a bad name', ['--url', `a b=${U1}`, '--token', 't'], /bad server name "a b"/],
  ])('%s', async (_, args, reason) => {
    const r = await KatyaProcess.run(bin, ['tail', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(reason);
    expect(r.stderr).toContain('Usage: katya tail');
  });
});
