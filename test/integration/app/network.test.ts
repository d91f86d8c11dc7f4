// The app model's way to the server, end to end in Node: the proxy and trust settings, the
// proxy credentials in their vault, "certificate not trusted" and "proxy" as phases the window
// and the tray show, "Test connection" through the same route, and nothing secret in the log.
// A real CONNECT proxy and a TLS front signed by a private CA made for the run (openssl).
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppService } from '../../../main/app/app-service';
import { probeServer } from '../../../main/core/doctor';
import { confBackend } from '../../../main/core/settings/settings';
import { startKatyaServer } from '../../../main/server/server';
import type { KatyaServer } from '../../../main/server/server';
import type { ConnectionView, EventPayloads } from '../../../preload/contract';
import { fakeEncryptor } from '../../fakes/encryptor';
import { follow } from './support/follow';
import { cleanup, until } from './support/harness';
import { startConnectProxy } from '../net/support/connect-proxy';
import type { ConnectProxy } from '../net/support/connect-proxy';
import { createPrivateCa } from '../net/support/private-ca';
import type { PrivateCa } from '../net/support/private-ca';
import { startTlsFront } from '../net/support/tls-front';
import type { TlsFront } from '../net/support/tls-front';

const TOKEN = 'admin-s3cret-token';
const PASSWORD = 'proxy-pa55word';
let ca: PrivateCa;
let server: KatyaServer;
let front: TlsFront;
beforeAll(async () => {
  ca = createPrivateCa();
  server = await startKatyaServer({ tokens: [{ token: TOKEN, channels: ['*'] }] });
  front = await startTlsFront(server.url, ca.issue('katya.test', { names: ['katya.test'] }));
});
afterAll(async () => {
  await front.close();
  await server.close();
  ca.cleanup();
});
async function proxy(): Promise<ConnectProxy> {
  const p = await startConnectProxy({
    auth: { username: 'alice', password: PASSWORD },
    hosts: { 'katya.test': '127.0.0.1' },
  });
  cleanup.push(() => p.close());
  return p;
}

async function app() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'katya-app-net-'));
  const views: ConnectionView[] = [];
  const settingsEvents: EventPayloads['settings:changed'][] = [];
  const svc = await AppService.start({
    dataDir,
    settingsBackend: confBackend({ cwd: dataDir }),
    encryptor: fakeEncryptor('keychain'),
    notify: { show: () => undefined, withdraw: () => undefined },
    emit: (channel, payload) => {
      if (channel === 'connection:changed') views.push(payload as ConnectionView);
      if (channel === 'settings:changed')
        settingsEvents.push(payload as EventPayloads['settings:changed']);
    },
    startDemo: null,
    probe: probeServer,
    // No Chromium here: "system" would be the environment; these tests set the mode.
    systemProxy: null,
    connection: { backoff: { minMs: 50, maxMs: 200, resetAfterMs: 5_000 } },
  });
  cleanup.push(() => svc.stop());
  return { svc, dataDir, views, settingsEvents, invoke: svc.handlers.invoke };
}

const phase = (a: Awaited<ReturnType<typeof app>>) => a.svc.snapshot().connection.phase;

describe('the app through a proxy, to a server signed by a private CA', () => {
  it('says "proxy" until credentials are saved, then connects through the proxy with them', async () => {
    const p = await proxy();
    const a = await app();
    const url = front.url('katya.test');
    expect(
      (
        await a.invoke['settings:update']({
          ...follow(a, url),
          proxyMode: 'manual',
          proxyUrl: p.url,
          extraCaFile: ca.caCert,
        })
      ).ok,
    ).toBe(true);
    await a.invoke['token:set']({ token: TOKEN });
    await until('the proxy problem', () => phase(a) === 'proxy');
    expect(a.svc.snapshot().connection.problem).toMatchObject({
      kind: 'proxy',
      reason: 'auth_required',
      status: 407,
      credentialsSent: false,
    });
    expect(a.svc.snapshot().proxyAuth).toEqual({ stored: false });

    const status = await a.invoke['proxyAuth:set']({ username: 'alice', password: PASSWORD });
    expect(status).toEqual({ stored: true, storage: 'keychain' });
    await until('connected', () => phase(a) === 'connected');
    expect(p.connects.at(-1)).toMatchObject({
      target: `katya.test:${front.port}`,
      authorization: `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`,
      status: 200,
    });
    expect(a.settingsEvents.at(-1)?.proxyAuth).toEqual({ stored: true, storage: 'keychain' });

    // "Test connection" goes the same way, and lists the proxy, the tunnel and the chain.
    const test = await a.invoke['connection:test']({ url, authMethod: 'header' });
    expect(test.ok, JSON.stringify(test.steps)).toBe(true);
    const steps = test.steps.map((s) => `${s.step}:${s.outcome}`);
    expect(steps.slice(0, 8)).toEqual([
      'url:ok',
      'proxy:ok',
      'dns:ok',
      'tcp:ok',
      'tunnel:ok',
      'tls:ok',
      'chain:ok',
      'chain:ok',
    ]);
    expect(test.steps[1]!.detail).toBe(`HTTP proxy 127.0.0.1:${p.port} (settings: manual proxy)`);

    // The password is nowhere in clear: not in the log, the diagnostics or the vault's file.
    const diagnostics = a.svc.diagnostics();
    expect(diagnostics.network).toEqual(
      expect.arrayContaining([
        `proxy: manual, HTTP proxy 127.0.0.1:${p.port}`,
        'proxy credentials: stored',
      ]),
    );
    const copied = await a.invoke['diagnostics:copy']();
    const logs = readdirSync(path.join(a.dataDir, 'logs'))
      .map((f) => readFileSync(path.join(a.dataDir, 'logs', f), 'utf8'))
      .join('\n');
    const base64 = Buffer.from(`alice:${PASSWORD}`).toString('base64');
    for (const text of [
      copied,
      logs,
      readFileSync(path.join(a.dataDir, 'proxy-auth.bin'), 'utf8'),
    ]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(base64);
    }
    expect(readFileSync(path.join(a.dataDir, 'settings.json'), 'utf8')).not.toContain(PASSWORD);
  });

  it('says "certificate not trusted" in its own phase, and why, as the settings change', async () => {
    const a = await app();
    await a.invoke['settings:update']({ ...follow(a, front.url('localhost')), proxyMode: 'none' });
    await a.invoke['token:set']({ token: TOKEN });
    await until('the certificate problem', () => phase(a) === 'certificate');
    const view = a.svc.snapshot().connection;
    expect(view.problem).toMatchObject({
      kind: 'certificate',
      reason: 'untrusted_issuer',
      certificate: { subject: 'CN=katya.test', issuer: 'CN=Katya Test Root CA, O=Katya Tests' },
    });
    expect(view.lastError).toMatch(/^certificate not trusted: /);
    expect(view.retryAt).not.toBeNull();
    // Its own phase in the state history and the tray, not "reconnecting".
    expect(a.svc.diagnostics().stateHistory.at(-1)?.phase).toBe('certificate');
    expect(a.svc.trayState(() => '12:00').statusLine).toBe(
      'Certificate not trusted: the issuer CN=Katya Test Root CA, O=Katya Tests is not a trusted authority',
    );

    // With the CA trusted, the chain passes and the name is what is wrong.
    await a.invoke['settings:update']({ extraCaFile: ca.caCert });
    await until(
      'the name problem',
      () =>
        a.svc.snapshot().connection.problem?.kind === 'certificate' &&
        a.svc.snapshot().connection.problem?.reason === 'name_mismatch',
    );
    expect(a.svc.trayState(() => '12:00').statusLine).toBe(
      'Certificate not trusted: the certificate is for katya.test, not localhost',
    );
    expect(a.svc.diagnostics().network).toEqual(
      expect.arrayContaining([`trusted: extra CA file ${ca.caCert}: 1 certificate`]),
    );
  });

  it('trusts the extra CA file from the settings', async () => {
    const a = await app();
    await a.invoke['settings:update']({
      ...follow(a, front.url('localhost').replace('localhost', '127.0.0.1')),
      proxyMode: 'none',
    });
    await a.invoke['token:set']({ token: TOKEN });
    await until('refused', () => phase(a) === 'certificate');
    const trustedFront = await startTlsFront(
      server.url,
      ca.issue('127.0.0.1', { names: ['127.0.0.1'] }),
    );
    cleanup.push(() => trustedFront.close());
    await a.invoke['settings:update']({
      ...follow(a, trustedFront.url('127.0.0.1')),
      extraCaFile: ca.caCert,
    });
    await a.invoke['token:set']({ token: TOKEN });
    await until('connected', () => phase(a) === 'connected');
  });
});
