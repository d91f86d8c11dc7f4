// `katya doctor` against a real server: one line per step, advice on failure, exit codes.
import { readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import type { Server as TlsServer } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startKatyaServer } from '../../../main/server/server';
import type { KatyaServer } from '../../../main/server/server';
import { KatyaProcess, buildKatya, cleanEnv } from './katya-process';

let bin: string;
let cleanup: () => void;
beforeAll(async () => ({ bin, cleanup } = await buildKatya()), 60_000);
afterAll(() => cleanup?.());

let s: KatyaServer | null = null;
let tls: TlsServer | null = null;
afterEach(async () => {
  if (tls) await new Promise((resolve) => tls!.close(resolve));
  tls = null;
  await s?.close();
  s = null;
});
const start = async () =>
  (s = await startKatyaServer({
    tokens: [
      { token: 'admin-secret', channels: ['*'], admin: true },
      { token: 'viewer', channels: ['messages', 'rooms'] },
    ],
  }));
const doctor = (args: string[], env = cleanEnv()) =>
  KatyaProcess.run(bin, ['doctor', ...args], env);
const line = (lines: string[], step: string) => lines.find((l) => l.slice(6).startsWith(step));

describe('katya doctor', () => {
  it('passes every step against a healthy server', async () => {
    const server = await start();
    const r = await doctor(['--url', server.url], cleanEnv({ KATYA_TOKEN: 'admin-secret' }));
    expect(r.code, r.stdout).toBe(0);
    expect(line(r.lines, 'name resolution')).toMatch(/^ok/);
    expect(line(r.lines, 'TCP connection')).toMatch(/^ok/);
    expect(line(r.lines, 'TLS')).toMatch(/^skip.*ws:\/\//);
    expect(line(r.lines, 'WebSocket upgrade')).toMatch(/^ok.*101/);
    expect(line(r.lines, 'authentication')).toMatch(/^ok/);
    expect(r.lines.filter((l) => /^ok\s+subscription/.test(l))).toHaveLength(6);
    expect(line(r.lines, 'round trip')).toMatch(/^ok.*ms/);
  });

  it('resolves localhost by name', async () => {
    const server = await start();
    const r = await doctor([
      '--url',
      server.url.replace('127.0.0.1', 'localhost'),
      '--token',
      'admin-secret',
      '--channels',
      'rooms',
    ]);
    expect(line(r.lines, 'name resolution')).toMatch(/^ok\s+name resolution\s+localhost → /);
  });

  it('reports a refused token and exits 3', async () => {
    const server = await start();
    for (const auth of ['header', 'message']) {
      const r = await doctor(['--url', server.url, '--token', 'wrong', '--auth', auth]);
      expect(r.code).toBe(3);
      expect(line(r.lines, 'authentication')).toMatch(/^FAIL.*→ .*token/);
    }
  });

  it('reports each subscription the token may not have, with advice, and exits 1', async () => {
    const server = await start();
    const r = await doctor([
      '--url',
      server.url,
      '--token',
      'viewer',
      '--channels',
      'messages,security',
      '--events',
      'system.status.changed',
    ]);
    expect(r.code).toBe(1);
    const subs = r.lines.filter((l) => l.includes('subscription'));
    expect(subs).toHaveLength(3);
    expect(subs[0]).toMatch(/^ok\s+subscription\s+channel messages/);
    expect(subs[1]).toMatch(/^FAIL\s+subscription\s+channel security: 4002.*→ .*admin/);
    expect(subs[2]).toMatch(/^FAIL\s+subscription\s+event system.status.changed: 4002/);
    expect(line(r.lines, 'round trip')).toMatch(/^ok/);
  });

  it('says when nothing listens on the port', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const r = await doctor(['--url', `ws://127.0.0.1:${port}/v1/ws`, '--token', 't']);
    expect(r.code).toBe(1);
    expect(line(r.lines, 'TCP connection')).toMatch(/^FAIL.*→ nothing listens there/);
    expect(line(r.lines, 'WebSocket upgrade')).toMatch(/^skip/);
  });

  it('says when the path is wrong', async () => {
    const server = await start();
    const r = await doctor([
      '--url',
      server.url.replace('/v1/ws', '/ws'),
      '--token',
      'admin-secret',
    ]);
    expect(r.code).toBe(1);
    expect(line(r.lines, 'WebSocket upgrade')).toMatch(/^FAIL.*404.*\/v1\/ws/);
  });

  it('checks what it can without a token', async () => {
    const server = await start();
    const r = await doctor(['--url', server.url]);
    expect(r.code).toBe(0);
    expect(line(r.lines, 'authentication')).toMatch(/^skip.*KATYA_TOKEN/);
  });

  describe('several servers', () => {
    /** each server's lines, by the name on the line above them */
    const sections = (lines: string[]) => {
      const out = new Map<string, string[]>();
      let current: string[] | null = null;
      for (const l of lines) {
        const head = /^\[([^\]]+)\] (\S+)$/.exec(l);
        if (head) out.set(head[1]!, (current = []));
        else if (l && current) current.push(l);
      }
      return out;
    };

    it('checks each in --url order under its name, each with its own token', async () => {
      const prod = await start();
      const lab = await startKatyaServer({ tokens: [{ token: 'lab-token', channels: ['*'] }] });
      try {
        const r = await doctor([
          '--url',
          `prod=${prod.url}`,
          '--url',
          `lab=${lab.url}`,
          '--token',
          'prod=admin-secret',
          '--token',
          'lab=lab-bad-token-42',
          '--channels',
          'rooms',
        ]);
        expect([...sections(r.lines).keys()]).toEqual(['prod', 'lab']);
        expect(r.lines).toContain(`[prod] ${prod.url}`);
        const p = sections(r.lines).get('prod')!;
        const l = sections(r.lines).get('lab')!;
        expect(line(p, 'authentication')).toMatch(/^ok/);
        expect(line(p, 'round trip')).toMatch(/^ok/);
        expect(line(l, 'authentication')).toMatch(/^FAIL.*→ .*token/);
        // a refused token, and nothing else failed: 3
        expect(r.code, r.stdout).toBe(3);
        expect(r.stdout).not.toContain('admin-secret');
        expect(r.stdout).not.toContain('lab-bad-token-42');
      } finally {
        await lab.close();
      }
    });

    it('exits 1 when any step but sign-in failed, and says how to give one server a token', async () => {
      const server = await start();
      const probe = createServer();
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
      const port = (probe.address() as AddressInfo).port;
      await new Promise<void>((resolve) => probe.close(() => resolve()));
      const r = await doctor([
        '--url',
        `gone=ws://127.0.0.1:${port}/v1/ws`,
        '--url',
        `up=${server.url}`,
        '--token',
        'gone=x',
      ]);
      expect(r.code).toBe(1);
      const parts = sections(r.lines);
      expect(line(parts.get('gone')!, 'TCP connection')).toMatch(/^FAIL/);
      expect(line(parts.get('up')!, 'WebSocket upgrade')).toMatch(/^ok/);
      expect(line(parts.get('up')!, 'authentication')).toMatch(
        /^skip.*--token up=TOKEN, or --token TOKEN or KATYA_TOKEN for all/,
      );
    });
  });

  describe('over TLS', () => {
    // A self-signed certificate for localhost and 127.0.0.1, valid 2025-2125; test use only.
    const fixture = (name: string) => path.join(import.meta.dirname, 'fixtures', name);
    const cert = fixture('localhost-cert.pem');

    /** wss:// in front of the reference server: TLS ends here, bytes go on to the server. */
    async function tlsFront(server: KatyaServer): Promise<string> {
      const target = new URL(server.url);
      tls = createTlsServer(
        { key: readFileSync(fixture('localhost-key.pem')), cert: readFileSync(cert) },
        (secure) => {
          const plain = connect(Number(target.port), target.hostname);
          secure.pipe(plain).pipe(secure);
          secure.on('error', () => plain.destroy());
          plain.on('error', () => secure.destroy());
        },
      );
      await new Promise<void>((resolve) => tls!.listen(0, '127.0.0.1', resolve));
      return `wss://localhost:${(tls.address() as AddressInfo).port}/v1/ws`;
    }

    it('passes the TLS step with a certificate it trusts, and says how long it is valid', async () => {
      const url = await tlsFront(await start());
      const r = await doctor(
        ['--url', url, '--channels', 'rooms'],
        cleanEnv({ KATYA_TOKEN: 'admin-secret', NODE_EXTRA_CA_CERTS: cert }),
      );
      expect(r.code, r.stdout).toBe(0);
      expect(line(r.lines, 'TLS')).toMatch(
        /^ok\s+TLS\s+TLSv1\.3, certificate valid for \d{5} more day/,
      );
      expect(line(r.lines, 'WebSocket upgrade')).toMatch(/^ok.*101/);
      expect(line(r.lines, 'round trip')).toMatch(/^ok/);
    });

    it('fails at TLS for a certificate no authority vouches for, with advice', async () => {
      const url = await tlsFront(await start());
      const r = await doctor(['--url', url, '--token', 'admin-secret']);
      expect(r.code).toBe(1);
      expect(line(r.lines, 'TLS')).toMatch(/^FAIL\s+TLS.*→ .*NODE_EXTRA_CA_CERTS/);
      expect(line(r.lines, 'WebSocket upgrade')).toMatch(/^skip/);
    });

    it('fails at TLS with advice when the port speaks plain ws://', async () => {
      const server = await start();
      const r = await doctor([
        '--url',
        server.url.replace('ws://127.0.0.1', 'wss://localhost'),
        '--token',
        'admin-secret',
      ]);
      expect(r.code).toBe(1);
      expect(line(r.lines, 'TLS')).toMatch(/^FAIL\s+TLS.*→ check that the port speaks TLS/);
      expect(line(r.lines, 'authentication')).toMatch(/^skip/);
    });
  });
});
