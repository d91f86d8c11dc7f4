// `katya tail` and `katya doctor` through real proxies and in front of a TLS server signed by a
// private CA made for the run: --ca, NODE_EXTRA_CA_CERTS, --proxy (with credentials, "none"),
// HTTPS_PROXY with NO_PROXY, a proxy restarted mid-session; refused certificates and proxies in
// words, with the exit codes of docs/server-and-cli.md (4: certificate, 5: proxy refused).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startKatyaServer } from '../../../main/server/server';
import type { KatyaServer } from '../../../main/server/server';
import { KatyaProcess, buildKatya, cleanEnv } from './katya-process';
import { startConnectProxy } from '../net/support/connect-proxy';
import type { ConnectProxy, ConnectProxyOptions } from '../net/support/connect-proxy';
import { createPrivateCa } from '../net/support/private-ca';
import type { IssuedCertificate, PrivateCa } from '../net/support/private-ca';
import { startTlsFront } from '../net/support/tls-front';
import type { TlsFront } from '../net/support/tls-front';

const TOKEN = 'admin-secret';
let bin: string;
let cleanup: () => void;
let ca: PrivateCa;
let server: KatyaServer;
let good: IssuedCertificate;
beforeAll(async () => {
  ({ bin, cleanup } = await buildKatya());
  ca = createPrivateCa();
  good = ca.issue('katya.test', { names: ['katya.test', 'localhost', '127.0.0.1'] });
  server = await startKatyaServer({ tokens: [{ token: TOKEN, channels: ['*'], admin: true }] });
}, 60_000);
afterAll(async () => {
  await server.close();
  ca.cleanup();
  cleanup?.();
});

const procs: KatyaProcess[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const p of procs.splice(0)) p.kill();
  for (const close of closers.splice(0)) await close();
});

async function front(cert: IssuedCertificate = good): Promise<TlsFront> {
  const f = await startTlsFront(server.url, cert);
  closers.push(() => f.close());
  return f;
}
async function proxy(opts: ConnectProxyOptions = {}): Promise<ConnectProxy> {
  const p = await startConnectProxy({ hosts: { 'katya.test': '127.0.0.1' }, ...opts });
  closers.push(() => p.close());
  return p;
}
function tail(args: string[], env = cleanEnv({ KATYA_TOKEN: TOKEN })) {
  const p = KatyaProcess.start(bin, ['tail', '--channels', 'system', ...args], env);
  procs.push(p);
  return p;
}
const doctor = (args: string[], env = cleanEnv({ KATYA_TOKEN: TOKEN })) =>
  KatyaProcess.run(bin, ['doctor', '--channels', 'system', ...args], env);
const state = (s: string) => (l: Record<string, unknown>) => l.type === 'state' && l.state === s;
const line = (lines: string[], label: string) =>
  lines.find((l) => new RegExp(`^\\S+\\s+${label}\\b`).test(l));

describe('katya tail and a private CA', () => {
  it('trusts the CA given with --ca', async () => {
    const f = await front();
    const p = tail(['--url', f.url(), '--ca', ca.caCert, '--json']);
    await p.jsonLine(state('open'), 'open');
  });

  it('trusts the CA given with NODE_EXTRA_CA_CERTS', async () => {
    const f = await front();
    const p = tail(
      ['--url', f.url(), '--json'],
      cleanEnv({ KATYA_TOKEN: TOKEN, NODE_EXTRA_CA_CERTS: ca.caCert }),
    );
    await p.jsonLine(state('open'), 'open');
  });

  it('refuses it without the CA: which certificate and why, then exits 4', async () => {
    const f = await front();
    const p = tail(['--url', f.url()]);
    const { code } = await p.exited;
    expect(code).toBe(4);
    expect(p.stderr).toContain(
      'certificate not trusted: the certificate of localhost was refused because its issuer "CN=Katya Test Root CA, O=Katya Tests" is not a trusted authority',
    );
    expect(p.stderr).toContain('"CN=katya.test" issued by "CN=Katya Test Root CA, O=Katya Tests"');
    expect(p.stderr).toContain(`SHA-256 ${good.fingerprint256}`);
    expect(p.stderr).toMatch(/→ .*--ca FILE/);
    expect(f.bytesIn).toBe(0);
  });

  it('gives the problem as JSON with --json', async () => {
    const f = await front(
      ca.issue('localhost', {
        notBefore: new Date('2020-01-01T00:00:00Z'),
        notAfter: new Date('2021-01-01T00:00:00Z'),
      }),
    );
    const p = tail(['--url', f.url(), '--ca', ca.caCert, '--json']);
    expect((await p.exited).code).toBe(4);
    const refused = p.json().find(state('reconnecting'))!;
    expect(refused.problem).toMatchObject({
      kind: 'certificate',
      reason: 'expired',
      certificate: { subject: 'CN=localhost', validTo: '2021-01-01T00:00:00.000Z' },
    });
    expect(refused.error).toContain('because it expired on 2021-01-01');
  });

  it('names a certificate for another name', async () => {
    const f = await front(ca.issue('other.example', { names: ['other.example'] }));
    const p = tail(['--url', f.url(), '--ca', ca.caCert]);
    expect((await p.exited).code).toBe(4);
    expect(p.stderr).toContain('because it is for other.example, not localhost');
  });

  it('refuses a --ca file that holds no certificate (exit 2)', async () => {
    const r = await KatyaProcess.run(
      bin,
      ['tail', '--url', server.url, '--ca', bin],
      cleanEnv({ KATYA_TOKEN: TOKEN }),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--ca: .*holds no PEM certificate/);
  });
});

describe('katya tail through a proxy', () => {
  it('tunnels wss:// through --proxy with Basic credentials, which it never prints', async () => {
    const f = await front();
    const px = await proxy({ auth: { username: 'alice', password: 's3cr3t-pw' } });
    const withAuth = px.url.replace('http://', 'http://alice:s3cr3t-pw@');
    const p = tail([
      '--url',
      f.url('katya.test'),
      '--ca',
      ca.caCert,
      '--proxy',
      withAuth,
      '--json',
      '--verbose',
    ]);
    await p.jsonLine(state('open'), 'open');
    expect(px.connects.map((c) => [c.target, c.status])).toEqual([[`katya.test:${f.port}`, 200]]);
    expect(p.stderr).toContain(
      `route to wss://katya.test:${f.port}/v1/ws: HTTP proxy 127.0.0.1:${px.port} (--proxy)`,
    );
    expect(p.stderr + p.stdout.join('\n')).not.toMatch(/s3cr3t-pw|YWxpY2U6czNjcjN0LXB3/);
  });

  it('exits 5 when the proxy wants credentials (407), in words', async () => {
    const px = await proxy({ auth: { username: 'alice', password: 'pw' } });
    const p = tail(['--url', server.url, '--proxy', px.url]);
    expect((await p.exited).code).toBe(5);
    expect(p.stderr).toContain(
      `proxy: HTTP proxy 127.0.0.1:${px.port} needs a user name and password (HTTP 407)`,
    );
    expect(p.stderr).toMatch(/→ give the proxy a user name and password/);
  });

  it('exits 5 when the proxy denies the tunnel (403)', async () => {
    const port = new URL(server.url).port;
    const px = await proxy({ deny: [`127.0.0.1:${port}`] });
    const p = tail(['--url', server.url, '--proxy', px.url, '--json']);
    expect((await p.exited).code).toBe(5);
    expect(p.json().find(state('reconnecting'))!.problem).toMatchObject({
      reason: 'denied',
      status: 403,
    });
  });

  it('exits 5 for a SOCKS4 proxy and a server given as an IPv6 address, in words', async () => {
    // never contacted: nothing need listen at the proxy's address
    const p = tail(['--url', 'ws://[::1]:9/v1/ws', '--proxy', 'socks4://127.0.0.1:9']);
    expect((await p.exited).code).toBe(5);
    expect(p.stderr).toContain(
      'proxy: SOCKS4 proxy 127.0.0.1:9 reaches IPv4 addresses only, and [::1]:9 is IPv6',
    );
    expect(p.stderr).toMatch(/→ use a SOCKS5 proxy/);
  });

  it('takes HTTPS_PROXY for wss://, skips it for a NO_PROXY name, and --proxy none turns it off', async () => {
    const f = await front();
    const px = await proxy();
    const env = cleanEnv({ KATYA_TOKEN: TOKEN, HTTPS_PROXY: px.url });
    const through = tail(['--url', f.url('katya.test'), '--ca', ca.caCert, '--json'], env);
    await through.jsonLine(state('open'), 'open through HTTPS_PROXY');
    expect(px.connects).toHaveLength(1);
    through.kill();

    // Bypassed, "katya.test" is looked up here, where it does not exist: the proxy is not asked.
    const bypass = tail(['--url', f.url('katya.test'), '--ca', ca.caCert, '--json'], {
      ...env,
      no_proxy: 'katya.test',
    });
    const lost = await bypass.jsonLine(state('reconnecting'), 'a direct attempt');
    expect(String(lost.error)).toMatch(/ENOTFOUND|EAI_AGAIN/);
    bypass.kill();

    const off = tail(['--url', f.url(), '--ca', ca.caCert, '--proxy', 'none', '--json'], env);
    await off.jsonLine(state('open'), 'open directly');
    expect(px.connects).toHaveLength(1);
  });

  it('reconnects through the proxy after it restarts mid-session', async () => {
    const px = await proxy();
    const p = tail(['--url', server.url, '--proxy', px.url, '--json']);
    await p.jsonLine(state('open'), 'open');
    await px.stop();
    await p.jsonLine(state('reconnecting'), 'lost');
    await px.start();
    await p.until(() => p.json().filter(state('open')).length >= 2, 'open again', 30_000);
    expect(px.connects.filter((c) => c.status === 200).length).toBeGreaterThanOrEqual(2);
    expect(p.running).toBe(true);
  });
});

describe('katya doctor: proxy and certificate steps', () => {
  it('says which proxy, whether CONNECT worked, and lists the chain as received', async () => {
    const f = await front();
    const px = await proxy();
    const r = await doctor(['--url', f.url('katya.test'), '--ca', ca.caCert, '--proxy', px.url]);
    expect(r.code, r.stdout).toBe(0);
    expect(line(r.lines, 'proxy')).toMatch(
      new RegExp(`^ok\\s+proxy\\s+HTTP proxy 127\\.0\\.0\\.1:${px.port} \\(--proxy\\)`),
    );
    expect(line(r.lines, 'name resolution')).toMatch(/^ok.*proxy 127\.0\.0\.1 is an address/);
    expect(line(r.lines, 'TCP connection')).toMatch(
      new RegExp(`^ok.*proxy 127\\.0\\.0\\.1 port ${px.port}`),
    );
    expect(line(r.lines, 'proxy tunnel')).toMatch(
      new RegExp(`^ok\\s+proxy tunnel\\s+CONNECT katya\\.test:${f.port} through HTTP proxy`),
    );
    expect(line(r.lines, 'TLS')).toMatch(
      /^ok\s+TLS\s+TLSv1\.3, certificate valid for \d+ more day/,
    );
    const chain = r.lines.filter((l) => /^\S+\s+certificate\s/.test(l));
    expect(chain).toHaveLength(2);
    expect(chain[0]).toContain(
      `#0 "CN=katya.test" issued by "CN=Katya Test Root CA, O=Katya Tests"`,
    );
    expect(chain[0]).toContain(`SHA-256 ${good.fingerprint256}`);
    expect(chain[1]).toContain('#1 "CN=Katya Test Root CA, O=Katya Tests"');
    expect(line(r.lines, 'WebSocket upgrade')).toMatch(/^ok.*101/);
  });

  it('fails at TLS without the CA, in words, and marks the certificate at fault', async () => {
    const f = await front();
    const r = await doctor(['--url', f.url()]);
    expect(r.code).toBe(1);
    expect(line(r.lines, 'proxy')).toMatch(/^ok\s+proxy\s+direct \(no proxy\) \(loopback\)/);
    expect(line(r.lines, 'TLS')).toMatch(
      /^FAIL\s+TLS\s+certificate not trusted: .* its issuer "CN=Katya Test Root CA, O=Katya Tests" is not a trusted authority.*→ .*NODE_EXTRA_CA_CERTS/,
    );
    expect(line(r.lines, 'certificate')).toMatch(/^FAIL\s+certificate\s+#0 "CN=katya.test"/);
    expect(line(r.lines, 'WebSocket upgrade')).toMatch(/^skip/);
  });

  it('fails at the proxy tunnel for a 407, with advice', async () => {
    const px = await proxy({ auth: { username: 'alice', password: 'pw' } });
    const r = await doctor(['--url', server.url, '--proxy', px.url]);
    expect(r.code).toBe(1);
    expect(line(r.lines, 'proxy tunnel')).toMatch(
      /^FAIL\s+proxy tunnel\s+proxy: HTTP proxy .* needs a user name and password \(HTTP 407\) → give the proxy/,
    );
    expect(line(r.lines, 'WebSocket upgrade')).toMatch(/^skip/);
  });

  it('refuses a --proxy that is not a proxy URL (exit 2)', async () => {
    const r = await doctor(['--url', server.url, '--proxy', 'ftp://proxy.example']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--proxy: a proxy URL starts with http/);
  });
});
