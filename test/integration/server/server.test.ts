// Conformance of the reference server to docs/protocol.md, checked with a raw `ws` client on
// loopback: authentication, permissions, subscriptions, errors, liveness, limits, failures.
import { afterEach, describe, expect, it } from 'vitest';
import { channelOf } from '../../../main/core/common/protocol';
import type { EventType } from '../../../main/core/common/protocol';
import { startKatyaServer } from '../../../main/server/server';
import type { KatyaServer, KatyaServerOptions } from '../../../main/server/server';
import { RawClient, bearer, eventually } from './raw-client';
import type { Frame } from './raw-client';

const TOKENS = [
  { token: 'admin-secret', channels: ['*'], admin: true },
  { token: 'viewer', channels: ['messages', 'rooms'] },
  { token: 'alerts-only', channels: ['alerts'] },
];

const open: { servers: KatyaServer[]; clients: RawClient[] } = { servers: [], clients: [] };

async function server(opts: KatyaServerOptions = {}) {
  const s = await startKatyaServer({ tokens: TOKENS, ...opts });
  open.servers.push(s);
  return s;
}
async function client(url: string, headers: Record<string, string> = {}) {
  const c = await RawClient.open(url, headers);
  open.clients.push(c);
  return c;
}

afterEach(async () => {
  for (const c of open.clients.splice(0)) c.close();
  await Promise.all(open.servers.splice(0).map((s) => s.close()));
});

const isError = (code: string) => (f: Frame) => f.type === 'error' && f.data?.code === code;
const isEvent = (id: string) => (f: Frame) => f.type === 'event' && f.id === id;
const ALERT = { id: 'alert_1', title: 'Suspicious login attempt', severity: 'high' };

describe('authentication', () => {
  it('accepts the token in the Authorization header', async () => {
    const s = await server();
    const c = await client(s.url, bearer('admin-secret'));
    const [res] = await c.request({ type: 'subscribe', channels: ['security'] }, 'r1');
    expect(res).toMatchObject({ type: 'response', data: { action: 'subscribe', requestId: 'r1' } });
    const sent = s.publish('security.alert.created', ALERT);
    const got = await c.waitFor(isEvent(sent.id));
    expect(got).toMatchObject({
      type: 'event',
      event: 'security.alert.created',
      channel: 'security',
      data: ALERT,
    });
    expect(sent.id).toMatch(/^evt_/);
    expect(new Date(got.timestamp!).toISOString()).toBe(got.timestamp);
  });

  it('accepts the token as a query parameter', async () => {
    const s = await server();
    const c = await client(`${s.url}?token=viewer`);
    const [res] = await c.request({ type: 'subscribe', channels: ['messages'] }, 'q');
    expect(res).toMatchObject({ type: 'response', data: { channels: ['messages'] } });
  });

  it('accepts an auth message and answers it with a response carrying the request id', async () => {
    const s = await server();
    const c = await client(s.url);
    const [res] = await c.request({ type: 'auth', token: 'viewer' }, 'a1');
    expect(res).toMatchObject({ type: 'response', data: { action: 'auth', requestId: 'a1' } });
    const [sub] = await c.request({ type: 'subscribe', channels: ['rooms'] }, 's1');
    expect(sub).toMatchObject({ type: 'response', data: { channels: ['rooms'] } });
  });

  it.each([
    ['header', (url: string) => client(url, bearer('wrong'))],
    ['query', (url: string) => client(`${url}?token=wrong`)],
    [
      'message',
      async (url: string) => {
        const c = await client(url);
        c.send({ type: 'auth', token: 'wrong' });
        return c;
      },
    ],
  ])('refuses a bad token (%s) with error "4001", then close 4001', async (_m, connect) => {
    const s = await server();
    const c = await connect(s.url);
    const err = await c.waitFor(isError('4001'));
    expect(typeof err.data?.code).toBe('string');
    expect(err.data?.message).toBeTruthy();
    expect((await c.closed).code).toBe(4001);
  });

  it('closes a connection that has not authenticated by the deadline with 4001', async () => {
    const s = await server({ authTimeoutMs: 300 });
    const c = await client(s.url);
    expect(c.isOpen).toBe(true);
    await c.waitFor(isError('4001'));
    expect((await c.closed).code).toBe(4001);
  });

  it('keeps a connection that authenticated by message within the deadline', async () => {
    const s = await server({ authTimeoutMs: 400 });
    const c = await client(s.url);
    await c.request({ type: 'auth', token: 'viewer' }, 'a');
    await new Promise((r) => setTimeout(r, 800));
    expect(c.isOpen).toBe(true);
    expect(c.frames.some(isError('4001'))).toBe(false);
  });

  it('answers a subscription before authentication with 4003 and keeps waiting for auth', async () => {
    const s = await server();
    const c = await client(s.url);
    const [err] = await c.request({ type: 'subscribe', channels: ['rooms'] }, 'early');
    expect(err).toMatchObject({ type: 'error', data: { code: '4003' } });
    const [ok] = await c.request({ type: 'auth', token: 'viewer' }, 'a');
    expect(ok?.type).toBe('response');
  });

  it('generates one demo token with every right when no tokens are given', async () => {
    const s = await startKatyaServer();
    open.servers.push(s);
    expect(s.demoToken).toMatch(/^demo_[0-9a-f]{32}$/);
    const c = await client(s.url, bearer(s.demoToken!));
    const [res] = await c.request({ type: 'subscribe', channels: ['security', 'system'] }, 'd');
    expect(res?.data?.channels).toEqual(['security', 'system']);
    const r = await fetch(`${s.httpUrl}/v1/events`, {
      method: 'POST',
      headers: bearer(s.demoToken!),
      body: JSON.stringify({ event: 'system.maintenance.start', data: { id: 'mnt_1' } }),
    });
    expect(r.status).toBe(200);
  });
});

describe('subscriptions', () => {
  it('refuses channels the token may not read with 4002 and applies the rest', async () => {
    const s = await server();
    const c = await client(s.url, bearer('viewer'));
    const frames = await c.request(
      { type: 'subscribe', channels: ['messages', 'security'], events: ['system.status.changed'] },
      'p',
    );
    expect(frames.filter(isError('4002')).map((f) => f.data?.channel ?? f.data?.event)).toEqual([
      'security',
      'system.status.changed',
    ]);
    const res = frames.find((f) => f.type === 'response');
    expect(res?.data).toMatchObject({ channels: ['messages'], events: [] });

    const secret = s.publish('security.alert.created', ALERT);
    const visible = s.publish('message.created', { id: 'msg_1', content: 'hi' });
    await c.waitFor(isEvent(visible.id));
    expect(c.frames.some(isEvent(secret.id))).toBe(false);
  });

  it('accepts the aliases alerts and metrics and names the canonical channels', async () => {
    const s = await server();
    const c = await client(s.url, bearer('alerts-only'));
    const [res] = await c.request({ type: 'subscribe', channels: ['alerts'] }, 'x');
    expect(res?.data?.channels).toEqual(['security']);
    const admin = await client(s.url, bearer('admin-secret'));
    const [both] = await admin.request({ type: 'subscribe', channels: ['alerts', 'metrics'] }, 'y');
    expect(both?.data?.channels).toEqual(['security', 'analytics']);
  });

  it('delivers a subscribed event type whatever the channel, and overlaps once', async () => {
    const s = await server();
    const c = await client(s.url, bearer('admin-secret'));
    await c.request(
      {
        type: 'subscribe',
        channels: ['security'],
        events: ['security.alert.created', 'system.maintenance.start'],
      },
      's',
    );
    const alert = s.publish('security.alert.created', ALERT);
    const mnt = s.publish('system.maintenance.start', { id: 'mnt_1' });
    const other = s.publish('system.status.changed', { status: 'degraded' });
    const marker = s.publish('security.scan.started', { id: 'scan_1' });
    await c.waitFor(isEvent(marker.id));
    expect(c.frames.filter(isEvent(alert.id))).toHaveLength(1);
    expect(c.frames.filter(isEvent(mnt.id))).toHaveLength(1);
    expect(c.frames.some(isEvent(other.id))).toBe(false);
  });

  it('refuses unknown channels and event types with 4005 each, applying the known ones', async () => {
    const s = await server();
    const c = await client(s.url, bearer('admin-secret'));
    const frames = await c.request(
      { type: 'subscribe', channels: ['nope', 'rooms'], events: ['room.exploded'] },
      'u',
    );
    const unknown = frames.filter(isError('4005'));
    expect(unknown.map((f) => f.data?.channel ?? f.data?.event)).toEqual(['nope', 'room.exploded']);
    expect(frames.find((f) => f.type === 'response')?.data?.channels).toEqual(['rooms']);
  });

  it('enforces the limit of 10 by default and applies nothing of a request over it', async () => {
    const s = await server();
    const c = await client(s.url, bearer('admin-secret'));
    const all = ['messages', 'rooms', 'trust', 'analytics', 'security', 'system'];
    const four = [
      'message.created',
      'room.created',
      'trust.identity.created',
      'system.maintenance.end',
    ];
    const [ok] = await c.request({ type: 'subscribe', channels: all, events: four }, 'ten');
    expect(ok?.type).toBe('response');
    const frames = await c.request(
      { type: 'subscribe', events: ['security.alert.created', 'security.scan.started'] },
      'eleven',
    );
    expect(frames).toHaveLength(1);
    expect(frames[0]).toMatchObject({ type: 'error', data: { code: '4004', requestId: 'eleven' } });
    // Nothing of the refused request is in force: unsubscribing one channel shows the set.
    const [after] = await c.request({ type: 'unsubscribe', channels: ['rooms'] }, 'check');
    expect(after?.data?.events).toEqual(four);
  });

  it('takes the limit from the options', async () => {
    const s = await server({ maxSubscriptions: 2 });
    const c = await client(s.url, bearer('admin-secret'));
    const [err] = await c.request(
      { type: 'subscribe', channels: ['rooms', 'trust', 'system'] },
      'l',
    );
    expect(err?.data?.code).toBe('4004');
    const [ok] = await c.request({ type: 'subscribe', channels: ['rooms', 'trust'] }, 'm');
    expect(ok?.type).toBe('response');
  });

  it('stops delivering after unsubscribe', async () => {
    const s = await server();
    const c = await client(s.url, bearer('admin-secret'));
    await c.request({ type: 'subscribe', channels: ['rooms', 'messages'] }, 's');
    const [res] = await c.request({ type: 'unsubscribe', channels: ['rooms'] }, 'u');
    expect(res?.data).toMatchObject({ action: 'unsubscribe', channels: ['messages'] });
    const gone = s.publish('room.created', { id: 'room_1' });
    const marker = s.publish('message.created', { id: 'msg_1' });
    await c.waitFor(isEvent(marker.id));
    expect(c.frames.some(isEvent(gone.id))).toBe(false);
  });

  it('narrows a live connection when its grant shrinks, with 4002 for what was dropped', async () => {
    const s = await server();
    const c = await client(s.url, bearer('viewer'));
    await c.request({ type: 'subscribe', channels: ['messages', 'rooms'] }, 's');
    s.setTokens([{ token: 'viewer', channels: ['messages'] }]);
    const err = await c.waitFor(isError('4002'));
    expect(err.data?.channel).toBe('rooms');
    const dropped = s.publish('room.created', { id: 'room_1' });
    const kept = s.publish('message.created', { id: 'msg_1' });
    await c.waitFor(isEvent(kept.id));
    expect(c.frames.some(isEvent(dropped.id))).toBe(false);
    expect(c.isOpen).toBe(true);
  });

  it('closes connections whose token was revoked with error 4001 and close 4001', async () => {
    const s = await server();
    const viewer = await client(s.url, bearer('viewer'));
    const admin = await client(s.url, bearer('admin-secret'));
    await viewer.request({ type: 'ping' }, 'p1');
    await admin.request({ type: 'ping' }, 'p2');
    s.setTokens([{ token: 'admin-secret', channels: ['*'], admin: true }]);
    await viewer.waitFor(isError('4001'));
    expect((await viewer.closed).code).toBe(4001);
    expect(admin.isOpen).toBe(true);
  });
});

describe('malformed input', () => {
  it.each([
    ['not JSON', 'hello {'],
    ['a JSON array', '[1,2]'],
    ['an unknown type', JSON.stringify({ type: 'dance', id: 'd1' })],
    [
      'a subscribe with a string for channels',
      JSON.stringify({ type: 'subscribe', channels: 'rooms' }),
    ],
    ['an auth without token', JSON.stringify({ type: 'auth' })],
  ])('answers %s with 4003 and keeps the connection', async (_what, text) => {
    const s = await server();
    const c = await client(s.url, bearer('viewer'));
    c.send(text);
    const err = await c.waitFor(isError('4003'));
    expect(err.data?.message).toBeTruthy();
    const [pong] = await c.request({ type: 'ping' }, 'alive');
    expect(pong?.type).toBe('pong');
  });

  it('echoes the id of a malformed request as requestId', async () => {
    const s = await server();
    const c = await client(s.url, bearer('viewer'));
    const [err] = await c.request({ type: 'dance' }, 'my-id');
    expect(err).toMatchObject({ type: 'error', data: { code: '4003', requestId: 'my-id' } });
  });

  it('survives a binary frame of random bytes', async () => {
    const s = await server();
    const c = await client(s.url, bearer('viewer'));
    c.ws.send(Buffer.from([0xff, 0x00, 0xfe, 0x7b]));
    await c.waitFor(isError('4003'));
    expect(c.isOpen).toBe(true);
  });
});

describe('liveness', () => {
  it('answers a client ping with a pong carrying the request id', async () => {
    const s = await server();
    const c = await client(s.url, bearer('viewer'));
    const [pong] = await c.request({ type: 'ping' }, 'rtt-1');
    expect(pong).toMatchObject({ type: 'pong', data: { requestId: 'rtt-1' } });
  });

  it('pings on the interval and keeps clients that answer', async () => {
    const s = await server({ pingIntervalMs: 250 });
    const c = await client(s.url, bearer('viewer'));
    c.ws.on('message', (data) => {
      if (JSON.parse(data.toString()).type === 'ping') c.send({ type: 'pong' });
    });
    await eventually(
      () => c.frames.filter((f) => f.type === 'ping').length >= 5,
      15_000,
      '5 pings',
    );
    expect(c.isOpen).toBe(true);
    const ping = c.frames.find((f) => f.type === 'ping')!;
    expect(ping.timestamp).toBeTruthy();
  });

  it('closes a client that misses two pings with 1001', async () => {
    const s = await server({ pingIntervalMs: 100 });
    const c = await client(s.url, bearer('viewer'));
    const closed = await c.closed;
    expect(closed.code).toBe(1001);
    expect(c.frames.filter((f) => f.type === 'ping')).toHaveLength(2);
  });
});

describe('limits', () => {
  it('closes a client that sends a frame over 64 KiB with 1009', async () => {
    const s = await server();
    const c = await client(s.url, bearer('viewer'));
    // Just under the limit is fine (unknown fields are ignored).
    c.send(JSON.stringify({ type: 'ping', id: 'big', pad: 'x'.repeat(60 * 1024) }));
    await c.waitFor((f) => f.type === 'pong' && f.data?.requestId === 'big');
    expect(c.isOpen).toBe(true);
    c.send(JSON.stringify({ type: 'ping', pad: 'x'.repeat(65 * 1024) }));
    expect((await c.closed).code).toBe(1009);
  });

  it('closes a client that sends more than 100 messages in a second with 1008', async () => {
    const s = await server();
    const c = await client(s.url, bearer('viewer'));
    for (let i = 0; i < 150; i++) c.send({ type: 'ping' });
    expect((await c.closed).code).toBe(1008);
    expect(c.frames.filter((f) => f.type === 'pong').length).toBeLessThanOrEqual(100);
  });

  it('lets a client send 100 messages at once', async () => {
    const s = await server();
    const c = await client(s.url, bearer('viewer'));
    for (let i = 0; i < 99; i++) c.send({ type: 'ping' });
    await c.request({ type: 'ping' }, 'last');
    expect(c.frames.filter((f) => f.type === 'pong')).toHaveLength(100);
    expect(c.isOpen).toBe(true);
  });
});

describe('server failures and shutdown', () => {
  it.each([
    ['5001', 1011],
    ['5002', 1013],
  ] as const)('sends error %s to every client, then closes with %i', async (code, close) => {
    const s = await server();
    const a = await client(s.url, bearer('viewer'));
    const b = await client(s.url, bearer('admin-secret'));
    await eventually(() => s.clientCount() === 2);
    s.injectFailure(code);
    for (const c of [a, b]) {
      const err = await c.waitFor(isError(code));
      expect(err.data?.message).toBeTruthy();
      expect((await c.closed).code).toBe(close);
    }
  });

  it('closes every client with 1001 on close() and counts connections', async () => {
    const s = await startKatyaServer({ tokens: TOKENS });
    const a = await client(s.url, bearer('viewer'));
    const b = await client(s.url, bearer('viewer'));
    await eventually(() => s.clientCount() === 2);
    b.close();
    await eventually(() => s.clientCount() === 1);
    const c = await client(s.url, bearer('viewer'));
    await eventually(() => s.clientCount() === 2);
    expect(s.connectionCount()).toBe(3);
    await s.close();
    expect((await a.closed).code).toBe(1001);
    expect((await c.closed).code).toBe(1001);
    await expect(RawClient.open(s.url, bearer('viewer'))).rejects.toThrow();
  });

  it('refuses other paths than /v1/ws', async () => {
    const s = await server();
    await expect(RawClient.open(s.url.replace('/v1/ws', '/ws'), bearer('viewer'))).rejects.toThrow(
      /404/,
    );
  });
});

describe('demo generator in the server', () => {
  it('streams demo events to subscribers at the given rate', async () => {
    const s = await server({ demoRate: 50 });
    const c = await client(s.url, bearer('admin-secret'));
    await c.request(
      {
        type: 'subscribe',
        channels: ['messages', 'rooms', 'trust', 'analytics', 'security', 'system'],
      },
      's',
    );
    await eventually(
      () => c.frames.filter((f) => f.type === 'event').length >= 20,
      15_000,
      '20 events',
    );
    const events = c.frames.filter((f) => f.type === 'event');
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    for (const e of events) expect(channelOf(e.event as EventType)).toBe(e.channel);
  });
});
