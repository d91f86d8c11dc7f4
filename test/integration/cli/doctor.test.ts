// `katya doctor` against a real server: one line per step, advice on failure, exit codes.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startKatyaServer } from '../../../main/server/server';
import type { KatyaServer } from '../../../main/server/server';
import { KatyaProcess, buildKatya, cleanEnv } from './katya-process';

let bin: string;
let cleanup: () => void;
beforeAll(async () => ({ bin, cleanup } = await buildKatya()), 60_000);
afterAll(() => cleanup?.());

let s: KatyaServer | null = null;
afterEach(async () => {
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
});
