// The app model end to end in Node: real reference server, real sockets, real files. The only
// stand-in is the encryptor (Electron's safeStorage cannot run here).
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { startDemoServer } from '../../../main/app/demo';
import { startKatyaServer } from '../../../main/server/server';
import type { KatyaServer } from '../../../main/server/server';
import type { FeedEvent } from '../../../preload/contract';
import { follow } from './support/follow';
import { cleanup, startApp, until } from './support/harness';

const TOKEN = 'admin-s3cret-token';
const app = startApp;

async function server(port = 0): Promise<KatyaServer> {
  const s = await startKatyaServer({
    port,
    tokens: [
      { token: TOKEN, channels: ['*'], admin: true },
      { token: 'viewer-token', channels: ['messages', 'rooms', 'security', 'system'] },
    ],
  });
  cleanup.push(() => s.close());
  return s;
}

async function signIn(a: Awaited<ReturnType<typeof app>>, s: KatyaServer, token = TOKEN) {
  const r = await a.invoke['settings:update'](follow(a, s.url));
  expect(r.ok).toBe(true);
  await a.invoke['token:set']({ token });
  await until('connected', () => a.svc.snapshot().connection.phase === 'connected');
  await until('subscriptions active', () => {
    const subs = a.svc.snapshot().subscriptions;
    return subs.length > 0 && subs.every((x) => x.status !== 'pending');
  });
}

describe('app model', () => {
  it('asks for sign-in when a server is set without a token, then connects once a token is set', async () => {
    const s = await server();
    const a = await app();
    await a.invoke['settings:update'](follow(a, s.url));
    expect(a.svc.snapshot().connection.phase).toBe('signin');
    await a.invoke['token:set']({ token: TOKEN });
    await until('connected', () => a.svc.snapshot().connection.phase === 'connected');
    expect(a.svc.snapshot().token).toEqual({ stored: true, storage: 'keychain' });
  });

  it('puts published events in the feed, notifies a high alert and not a low one', async () => {
    const s = await server();
    const a = await app();
    await signIn(a, s);
    s.publish('security.alert.created', {
      id: 'a1',
      title: 'Suspicious login attempt',
      severity: 'high',
      source: '10.0.0.9',
      category: 'authentication',
    });
    s.publish('security.alert.created', {
      id: 'a2',
      title: 'Port scan',
      severity: 'low',
      source: '10.0.0.8',
    });
    s.publish('system.maintenance.start', { id: 'm1', title: 'Database upgrade' });
    await until('three events in the feed', () => a.fed().length >= 3);
    await until('two notifications', () => a.notes.length >= 2);
    expect(a.notes.map((n) => n.title).join('\n')).toMatch(/Suspicious login attempt/);
    expect(a.notes.map((n) => n.title).join('\n')).not.toMatch(/Port scan/);
    const high = (a.fed() as FeedEvent[]).find((e) => e.kind === 'event' && e.data.id === 'a1')!;
    expect(a.notes.find((n) => n.eventId === high.id)).toBeTruthy();
    const page = await a.invoke['feed:query']({ severities: ['high'] });
    expect(page.entries.map((e) => (e as FeedEvent).data.id)).toEqual(['a1']);
    expect(a.svc.snapshot().unread).toBe(3);
    expect((await a.invoke['feed:markRead']([high.id])).unread).toBe(2);
  });

  it('notifies in the language of the settings, and of the system for "system"', async () => {
    const s = await server();
    const a = await app(undefined, { systemLanguage: () => 'en-US' });
    await signIn(a, s);
    expect((await a.invoke['settings:update']({ language: 'ru' })).ok).toBe(true);
    s.publish('security.alert.created', { id: 'r1', title: 'Port scan', severity: 'high' });
    await until('a Russian notification', () => a.notes.length >= 1);
    expect(a.notes[0]!.title).toBe('Оповещение безопасности (высокая важность): Port scan');
    expect((await a.invoke['settings:update']({ language: 'system' })).ok).toBe(true);
    s.publish('security.alert.created', { id: 'r2', title: 'Port sweep', severity: 'high' });
    await until('a second notification', () => a.notes.length >= 2);
    expect(a.notes[1]!.title).toBe('High security alert: Port sweep');
  });

  it('shows a notification before writing its log line (the write waits for the disk)', async () => {
    const s = await server();
    const order: string[] = [];
    const a = await app(undefined, {
      notify: { show: (n) => order.push(`shown ${n.title}`), withdraw: () => undefined },
      logEcho: (line) => {
        if (line.includes('notification:')) order.push('logged');
      },
    });
    await signIn(a, s);
    s.publish('security.alert.created', { id: 'o1', title: 'Port scan', severity: 'high' });
    await until('shown and logged', () => order.length >= 2);
    expect(order).toEqual(['shown High security alert: Port scan', 'logged']);
  });

  it('marks a gap and resubscribes after the server restarts on the same port', async () => {
    const s1 = await server();
    const a = await app();
    await signIn(a, s1);
    const port = s1.port;
    await s1.close();
    await until('reconnecting', () =>
      ['reconnecting', 'connecting'].includes(a.svc.snapshot().connection.phase),
    );
    const s2 = await server(port);
    await until('connected again', () => a.svc.snapshot().connection.phase === 'connected');
    await until('a gap marker', () => a.fed().some((e) => e.kind === 'gap'));
    await until('subscriptions active again', () =>
      a.svc.snapshot().subscriptions.every((x) => x.status === 'active'),
    );
    s2.publish('message.created', {
      id: 'msg1',
      content: 'back',
      senderName: 'Alice',
      roomName: 'ops',
    });
    await until('the new event', () =>
      a.fed().some((e) => e.kind === 'event' && e.data.id === 'msg1'),
    );
  });

  it('folds the gaps of a flapping server into one marker', async () => {
    const s1 = await server();
    const a = await app(undefined, { gapSettleMs: 1_500 });
    await signIn(a, s1);
    const port = s1.port;
    let s = s1;
    for (let i = 0; i < 3; i++) {
      await s.close();
      s = await server(port);
      await until('connected again', () => a.svc.snapshot().connection.phase === 'connected');
    }
    await until('a gap marker', () => a.fed().some((e) => e.kind === 'gap'));
    await new Promise((r) => setTimeout(r, 2_000));
    const gaps = a.fed().filter((e) => e.kind === 'gap');
    expect(gaps).toHaveLength(1);
    const page = await a.invoke['feed:query']({});
    expect(page.entries.filter((e) => e.kind === 'gap')).toHaveLength(1);
  });

  it('stops at "sign-in needed" when the token is revoked, with no further attempts', async () => {
    const s = await server();
    const a = await app();
    await signIn(a, s);
    s.setTokens([{ token: 'someone-else', channels: ['*'], admin: true }]);
    await until('signin', () => a.svc.snapshot().connection.phase === 'signin');
    const count = s.connectionCount();
    await new Promise((r) => setTimeout(r, 1_000));
    expect(s.connectionCount()).toBe(count);
  });

  it('shows a channel the token may not read as rejected while the rest work', async () => {
    const s = await server();
    const a = await app();
    await signIn(a, s, 'viewer-token');
    const subs = a.svc.snapshot().subscriptions;
    expect(subs.find((x) => x.name === 'trust')).toMatchObject({
      status: 'rejected',
      code: '4002',
    });
    expect(subs.find((x) => x.name === 'security')).toMatchObject({ status: 'active' });
  });

  it('keeps history and read marks across a restart, and never stores the token in plain text', async () => {
    const s = await server();
    const first = await app();
    await signIn(first, s);
    s.publish('message.created', { id: 'keep1', content: 'one' });
    s.publish('message.created', { id: 'keep2', content: 'two' });
    await until('two events', () => first.fed().length >= 2);
    const [e1] = first.fed() as FeedEvent[];
    await first.invoke['feed:markRead']([e1!.id]);
    await first.svc.stop();
    // The events are stored as the frames they arrived in (`f` records), not encoded again.
    // A server added in the app keeps its files in servers/<id>/.
    const id = first.svc.snapshot().settings.servers[0]!.id;
    const dir = path.join(first.dataDir, 'servers', id);
    const records = readFileSync(path.join(dir, 'history', 'events.log'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => (JSON.parse(line.slice(9)) as { k: string }).k);
    expect(records.filter((k) => k === 'f' || k === 'e')).toEqual(['f', 'f']);
    for (const f of readdirSync(first.dataDir, { recursive: true }) as string[]) {
      const file = path.join(first.dataDir, f);
      try {
        expect(readFileSync(file, 'utf8')).not.toContain(TOKEN);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EISDIR') throw err;
      }
    }
    const second = await app(first.dataDir);
    const page = await second.invoke['feed:query']({});
    const ids = page.entries
      .filter((e): e is FeedEvent => e.kind === 'event')
      .map((e) => e.data.id);
    expect(ids).toEqual(['keep2', 'keep1']);
    expect(page.entries.find((e) => e.kind === 'event' && e.data.id === 'keep1')).toMatchObject({
      read: true,
    });
    await until(
      'reconnected with the stored token',
      () => second.svc.snapshot().connection.phase === 'connected',
    );
  });

  it('navigates a window that is still loading once it says it is ready', async () => {
    const a = await app();
    a.svc.openEvent('evt_now');
    expect(a.of('navigate:event')).toEqual([{ eventId: 'evt_now' }]);
    a.svc.windowCreated();
    a.svc.openEvent('evt_later');
    a.svc.openView('settings');
    expect(a.of('navigate:event')).toHaveLength(1);
    expect(a.of('navigate:view')).toHaveLength(0);
    a.svc.handlers.send['window:ready']();
    // The newest request wins: the tray asked for settings after the click.
    expect(a.of('navigate:view')).toEqual([{ view: 'settings' }]);
    a.svc.openEvent('evt_ready');
    expect(a.of('navigate:event')).toEqual([{ eventId: 'evt_now' }, { eventId: 'evt_ready' }]);
  });

  it('never carries the stored token to another server', async () => {
    const s = await server();
    const other = await startKatyaServer({ port: 0, tokens: [{ token: 'x', channels: ['*'] }] });
    cleanup.push(() => other.close());
    const a = await app();
    await signIn(a, s);
    const r = await a.invoke['settings:update'](follow(a, other.url));
    expect(r.ok).toBe(true);
    const view = a.svc.snapshot().connection;
    expect(view.phase).toBe('signin');
    expect(view.lastError).toMatch(/another server/);
    await new Promise((res) => setTimeout(res, 500));
    expect(other.connectionCount()).toBe(0);
    // Back to the server it was entered for: it is used again without re-entering it.
    await a.invoke['settings:update'](follow(a, s.url));
    await until('connected again', () => a.svc.snapshot().connection.phase === 'connected');
    // Re-entered for the other server: now it goes there.
    await a.invoke['settings:update'](follow(a, other.url));
    await a.invoke['token:set']({ token: 'x' });
    await until(
      'connected to the other server',
      () => a.svc.snapshot().connection.phase === 'connected',
    );
    expect(other.connectionCount()).toBeGreaterThan(0);
  });

  it('keeps a snooze across a restart', async () => {
    const first = await app();
    const { snoozedUntil } = await first.invoke['notifications:snooze']('4h');
    expect(snoozedUntil).toBeGreaterThan(Date.now() + 3.9 * 3_600_000);
    await first.svc.stop();
    const second = await app(first.dataDir);
    expect(second.svc.snapshot().snoozedUntil).toBe(snoozedUntil);
    await second.invoke['notifications:snooze']('off');
    expect(second.svc.snapshot().snoozedUntil).toBeNull();
  });

  it('answers "Test connection" step by step without ever returning the token', async () => {
    const s = await server();
    const a = await app();
    await signIn(a, s);
    const r = await a.invoke['connection:test']({ url: s.url, authMethod: 'header' });
    expect(r.ok).toBe(true);
    expect(r.steps.map((x) => x.step)).toContain('auth');
    expect(JSON.stringify(r)).not.toContain(TOKEN);
    expect(JSON.stringify(a.svc.snapshot())).not.toContain(TOKEN);
    expect(await a.invoke['diagnostics:copy']()).not.toContain(TOKEN);
  });

  it('runs the demo server with no account configured, and leaves it when signing in', async () => {
    const s = await server();
    const a = await app(undefined, { startDemo: startDemoServer });
    await until('demo connected', () => a.svc.snapshot().connection.phase === 'connected');
    expect(a.svc.snapshot().connection.demo).toBe(true);
    const test = await a.invoke['connection:test']({ url: '', authMethod: 'header' });
    expect(test.ok).toBe(true);
    expect(test.steps.find((x) => x.step === 'auth')?.ok).toBe(true);
    await signIn(a, s);
    expect(a.svc.snapshot().connection).toMatchObject({ demo: false, serverUrl: s.url });
  });
});

describe('app model: the token goes only where it was entered for', () => {
  /** A server that records every Authorization header and token it is shown. */
  async function recordingServer(onSubscribe?: (ws: WebSocket, requestId?: string) => void) {
    const seen: string[] = [];
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    wss.on('connection', (ws, req) => {
      seen.push(`${req.headers.authorization ?? ''} ${req.url ?? ''}`);
      ws.on('message', (raw) => {
        seen.push(raw.toString());
        const msg = JSON.parse(raw.toString()) as { type: string; id?: string };
        if (msg.type === 'subscribe') onSubscribe?.(ws, msg.id);
      });
    });
    cleanup.push(async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise((r) => wss.close(r));
    });
    return { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/v1/ws`, seen };
  }

  it('refuses a token while no server is set, and stores nothing', async () => {
    const a = await app();
    await expect(a.invoke['token:set']({ token: TOKEN })).rejects.toThrow(/add a server first/);
    expect(a.svc.snapshot().token).toEqual({ stored: false, reason: 'none' });
  });

  it('after a restart, a new URL raced with "Test connection" gets no token', async () => {
    const s = await server();
    const first = await app();
    await signIn(first, s);
    await first.svc.stop();

    const evil = await recordingServer();
    const second = await app(first.dataDir);
    await until('connected', () => second.svc.snapshot().connection.phase === 'connected');
    const [updated, tested] = await Promise.all([
      second.invoke['settings:update'](follow(second, evil.url)),
      second.invoke['connection:test']({ url: evil.url, authMethod: 'header' }),
    ]);
    expect(updated.ok).toBe(true);
    expect(tested.steps.find((x) => x.step === 'auth')?.ok).not.toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(evil.seen.join('\n')).not.toContain(TOKEN);
    expect(second.svc.snapshot().connection.phase).toBe('signin');
    // The server it was entered for still gets it.
    await second.invoke['settings:update'](follow(second, s.url));
    await until('connected', () => second.svc.snapshot().connection.phase === 'connected');
  });

  it('redacts a token the server quotes back, in the window, diagnostics and the log', async () => {
    const quoting = await recordingServer((ws, requestId) => {
      ws.send(
        JSON.stringify({
          type: 'error',
          id: 'e1',
          data: {
            code: '4002',
            channel: 'security',
            requestId,
            message: `denied for ${TOKEN} (${encodeURIComponent(TOKEN)})`,
          },
        }),
      );
    });
    const a = await app();
    await a.invoke['settings:update'](follow(a, quoting.url));
    await a.invoke['token:set']({ token: TOKEN });
    await until('a rejected subscription', () =>
      a.svc.snapshot().subscriptions.find((x) => x.status === 'rejected'),
    );
    const shown = JSON.stringify([
      a.svc.snapshot(),
      await a.invoke['diagnostics:get'](),
      await a.invoke['diagnostics:copy'](),
      a.of('subscriptions:changed'),
    ]);
    expect(shown).toContain('denied for [redacted]');
    expect(shown).not.toContain(TOKEN);
    expect(shown).not.toContain(encodeURIComponent(TOKEN));
  });
});
