// `katya tail` as a process against a real server on loopback: JSON lines, notifications by
// the app's default policy, subscription results, de-duplication, reconnects, exit codes.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import { startKatyaServer } from '../../../main/server/server';
import type { KatyaServer, KatyaServerOptions } from '../../../main/server/server';
import { KatyaProcess, buildKatya, cleanEnv } from './katya-process';

let bin: string;
let cleanup: () => void;
beforeAll(async () => ({ bin, cleanup } = await buildKatya()), 60_000);
afterAll(() => cleanup?.());

const TOKENS = [
  { token: 'admin-secret', channels: ['*'], admin: true },
  { token: 'viewer', channels: ['messages', 'rooms'] },
];
const servers: KatyaServer[] = [];
const procs: KatyaProcess[] = [];
afterEach(async () => {
  for (const p of procs.splice(0)) p.kill();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(opts: KatyaServerOptions = {}) {
  const s = await startKatyaServer({ tokens: TOKENS, ...opts });
  servers.push(s);
  return s;
}
function tail(args: string[], env = cleanEnv()) {
  const p = KatyaProcess.start(bin, ['tail', ...args], env);
  procs.push(p);
  return p;
}
const type = (t: string) => (l: Record<string, unknown>) => l.type === t;
const state = (s: string) => (l: Record<string, unknown>) => l.type === 'state' && l.state === s;

async function allActive(p: KatyaProcess, count: number) {
  await p.until(
    () =>
      p.json().filter((l) => l.type === 'subscription' && l.status === 'active').length >= count,
    `${count} active subscriptions`,
  );
}

describe('katya tail --json', () => {
  it('prints states, subscriptions, events as received, and notifications; exits 0 on SIGINT', async () => {
    const s = await server();
    const p = tail(['--url', s.url, '--token', 'admin-secret', '--json']);
    await p.jsonLine(state('open'), 'open');
    await allActive(p, 6);
    expect(
      p
        .json()
        .slice(0, 2)
        .map((l) => l.state),
    ).toEqual(['connecting', 'open']);
    expect(
      p
        .json()
        .filter(type('subscription'))
        .map((l) => l.name)
        .sort(),
    ).toEqual(['analytics', 'messages', 'rooms', 'security', 'system', 'trust']);

    const quiet = s.publish('security.alert.created', {
      id: 'alert_1',
      title: 'Minor',
      severity: 'low',
    });
    const loud = s.publish('security.alert.created', {
      id: 'alert_2',
      title: 'Port scan',
      severity: 'critical',
    });
    const chat = s.publish('message.created', {
      id: 'msg_1',
      senderName: 'Alice',
      roomName: 'ops',
      content: 'hi',
    });

    const event = await p.jsonLine((l) => l.type === 'event' && l.id === chat.id, 'chat event');
    // The envelope as received, plus the server's name (its host and port when not named).
    expect(event).toEqual({ ...JSON.parse(JSON.stringify(chat)), server: `127.0.0.1:${s.port}` });
    expect(p.json().every((l) => l.server === `127.0.0.1:${s.port}`)).toBe(true);
    const note = await p.jsonLine(type('notification'), 'notification');
    expect(note).toMatchObject({ eventId: loud.id, severity: 'critical', kind: 'event' });
    expect(String(note.title)).toContain('Port scan');
    expect(typeof note.body).toBe('string');
    expect(p.json().filter(type('notification'))).toHaveLength(1);
    expect(
      p
        .json()
        .filter(type('event'))
        .map((l) => l.id),
    ).toEqual([quiet.id, loud.id, chat.id]);

    p.child.kill('SIGINT');
    expect((await p.exited).code).toBe(0);
    expect(p.json().at(-1)).toMatchObject({ type: 'state', state: 'closed' });
  });

  it.each(['header', 'query', 'message'])(
    'authenticates with --auth %s and a token from KATYA_TOKEN',
    async (auth) => {
      const s = await server();
      const p = tail(
        ['--url', s.url, '--auth', auth, '--json', '--channels', 'alerts'],
        cleanEnv({ KATYA_TOKEN: 'viewer' }),
      );
      // The viewer may not read security: the subscription is rejected with 4002, the rest runs.
      const rejected = await p.jsonLine(
        (l) => l.type === 'subscription' && l.status === 'rejected',
        'rejected subscription',
      );
      expect(rejected).toMatchObject({ kind: 'channel', name: 'security', code: '4002' });
      expect(await p.jsonLine(type('error'), 'error line')).toMatchObject({
        code: '4002',
        channel: 'security',
      });
      expect(p.json().some(state('open'))).toBe(true);
      p.child.kill('SIGTERM');
      expect((await p.exited).code).toBe(0);
    },
  );

  it('exits 3 after an authentication failure, without retrying', async () => {
    const s = await server();
    const p = tail(['--url', s.url, '--token', 'wrong', '--json']);
    expect((await p.exited).code).toBe(3);
    const last = p.json().at(-1)!;
    expect(last).toMatchObject({ type: 'state', state: 'auth_failed' });
    expect(typeof last.reason).toBe('string');
    expect(s.connectionCount()).toBe(1);
  });

  it('reconnects after a server failure, with attempt and delay, and resubscribes', async () => {
    const s = await server();
    const p = tail(['--url', s.url, '--token', 'admin-secret', '--json', '--channels', 'system']);
    await allActive(p, 1);
    s.injectFailure('5002');
    const err = await p.jsonLine((l) => l.type === 'error' && l.code === '5002', '5002 error');
    expect(err.message).toBeTruthy();
    const again = await p.jsonLine(state('reconnecting'), 'reconnecting');
    expect(typeof again.attempt).toBe('number');
    expect(typeof again.delayMs).toBe('number');
    await p.until(() => p.json().filter(state('open')).length >= 2, 'open again');
    await p.until(() => s.clientCount() === 1, 'client back');
    expect(s.connectionCount()).toBe(2);
    // Resubscribed: an event published now arrives.
    await p.until(
      () => p.json().filter((l) => l.type === 'subscription' && l.status === 'active').length >= 2,
      'resubscribed',
    );
    const e = s.publish('system.status.changed', { status: 'degraded', component: 'api' });
    await p.jsonLine((l) => l.id === e.id, 'event after reconnect');
  });

  it('treats --idle-timeout MS of silence as a dead connection and reconnects', async () => {
    const s = await server({ pingIntervalMs: 600_000 });
    const p = tail(['--url', s.url, '--token', 'admin-secret', '--json', '--idle-timeout', '700']);
    await p.jsonLine(state('reconnecting'), 'reconnecting after silence');
    await p.until(() => s.connectionCount() >= 2, 'second connection');
  });

  it('drops duplicate event ids', async () => {
    // A server that repeats itself, as one might after a failover.
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    const event = (id: string) =>
      JSON.stringify({
        type: 'event',
        id,
        event: 'room.created',
        channel: 'rooms',
        data: { name: id },
      });
    wss.on('connection', (ws) => {
      ws.on('message', (raw) => {
        const msg = JSON.parse(raw.toString()) as { type: string; id?: string };
        if (msg.type !== 'subscribe') return;
        ws.send(
          JSON.stringify({
            type: 'response',
            data: { action: 'subscribe', requestId: msg.id, channels: ['rooms'], events: [] },
          }),
        );
        for (const id of ['evt_a', 'evt_b', 'evt_a', 'evt_c', 'evt_b']) ws.send(event(id));
      });
    });
    try {
      const port = (wss.address() as AddressInfo).port;
      const p = tail([
        '--url',
        `ws://127.0.0.1:${port}/v1/ws`,
        '--token',
        't',
        '--json',
        '--channels',
        'rooms',
      ]);
      await p.jsonLine((l) => l.id === 'evt_c', 'last event');
      p.child.kill('SIGINT');
      await p.exited;
      expect(
        p
          .json()
          .filter(type('event'))
          .map((l) => l.id),
      ).toEqual(['evt_a', 'evt_b', 'evt_c']);
    } finally {
      for (const c of wss.clients) c.terminate();
      wss.close();
    }
  });

  it('folds a burst of alerts into a summary notification', async () => {
    const s = await server();
    const p = tail(['--url', s.url, '--token', 'admin-secret', '--json', '--channels', 'security']);
    await allActive(p, 1);
    for (let i = 0; i < 6; i++)
      s.publish('security.alert.created', {
        id: `alert_${i}`,
        title: `Alert ${i}`,
        severity: 'high',
      });
    // The policy allows three per channel per 10 s and summarises the rest when the window closes.
    const summary = await p.jsonLine(
      (l) => l.type === 'notification' && l.kind === 'summary',
      'summary',
      30_000,
    );
    expect(summary.eventId).toBeNull();
    expect(String(summary.title)).toMatch(/3/);
    expect(p.json().filter((l) => l.type === 'notification' && l.kind === 'event')).toHaveLength(3);
  }, 40_000);
});

describe('katya tail without --json', () => {
  it('prints one plain line per event when piped, and states on stderr', async () => {
    const s = await server();
    const p = tail(['--url', s.url, '--token', 'admin-secret', '--channels', 'messages,alerts']);
    await p.until(() => /subscribed to channel security/.test(p.stderr), 'subscribed');
    s.publish('message.created', {
      senderName: 'Alice',
      roomName: 'ops',
      content: 'deploy \u001b[31mdone',
    });
    s.publish('security.alert.created', {
      title: 'Port scan',
      severity: 'critical',
      source: '10.0.0.9',
    });
    await p.until(() => p.stdout.some((l) => l.includes('Port scan')), 'alert line');
    const lines = p.stdout.filter(Boolean);
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d messages\s+Alice in ops: deploy  ?\[31mdone$/);
    expect(lines.find((l) => l.includes('Port scan'))).toMatch(/security\s+CRITICAL/);
    expect(lines.join('\n')).not.toContain('\u001b');
    expect(p.stderr).toMatch(/connected to ws:\/\/127\.0\.0\.1/);
    p.child.kill('SIGINT');
    expect((await p.exited).code).toBe(0);
  });

  it('colours when asked to (FORCE_COLOR), as on a terminal', async () => {
    const s = await server();
    const p = tail(
      ['--url', s.url, '--token', 'admin-secret', '--channels', 'security'],
      cleanEnv({ FORCE_COLOR: '1' }),
    );
    await p.until(() => /subscribed/.test(p.stderr), 'subscribed');
    s.publish('security.alert.created', { title: 'Port scan', severity: 'high' });
    const line = await p.until(() => p.stdout.find((l) => l.includes('Port scan')), 'alert line');
    expect(line).toContain('\u001b[31m');
  });
});
