// The HTTP side of the reference server: /healthz and publishing with POST /v1/events.
import { afterEach, describe, expect, it } from 'vitest';
import { startKatyaServer } from '../../../main/server/server';
import type { KatyaServer } from '../../../main/server/server';
import { RawClient, bearer } from './raw-client';

const TOKENS = [
  { token: 'admin-secret', channels: ['*'], admin: true },
  { token: 'viewer', channels: ['messages'] },
];
let s: KatyaServer;
const clients: RawClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await s?.close();
});

async function post(body: string, headers: Record<string, string> = bearer('admin-secret')) {
  const r = await fetch(`${s.httpUrl}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return {
    status: r.status,
    type: r.headers.get('content-type'),
    json: (await r.json()) as Record<string, unknown>,
  };
}

describe('HTTP', () => {
  it('answers GET /healthz', async () => {
    s = await startKatyaServer({ tokens: TOKENS });
    const r = await fetch(`${s.httpUrl}/healthz`);
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ status: 'ok', clients: 0 });
  });

  it('measures uptime per server, from its own start', async () => {
    s = await startKatyaServer({ tokens: TOKENS });
    await new Promise((r) => setTimeout(r, 1600));
    const later = await startKatyaServer({ tokens: TOKENS });
    try {
      const uptime = async (url: string) =>
        ((await (await fetch(`${url}/healthz`)).json()) as { uptimeSeconds: number }).uptimeSeconds;
      expect(await uptime(s.httpUrl)).toBeGreaterThanOrEqual(1);
      expect(await uptime(later.httpUrl)).toBe(0);
    } finally {
      await later.close();
    }
  });

  it('publishes an admin POST to every subscriber, filling id, timestamp and channel', async () => {
    s = await startKatyaServer({ tokens: TOKENS });
    const bySecurity = await RawClient.open(s.url, bearer('admin-secret'));
    const byEvent = await RawClient.open(s.url, bearer('admin-secret'));
    const other = await RawClient.open(s.url, bearer('admin-secret'));
    clients.push(bySecurity, byEvent, other);
    await bySecurity.request({ type: 'subscribe', channels: ['security'] }, 'a');
    await byEvent.request({ type: 'subscribe', events: ['security.alert.created'] }, 'b');
    await other.request({ type: 'subscribe', channels: ['messages'] }, 'c');

    const data = { id: 'alert_9', title: 'Port scan detected', severity: 'critical' };
    const r = await post(JSON.stringify({ event: 'security.alert.created', data }));
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/application\/json/);
    expect(r.json.id).toMatch(/^evt_/);
    expect(r.json.delivered).toBe(2);
    for (const c of [bySecurity, byEvent]) {
      const e = await c.waitFor((f) => f.type === 'event');
      expect(e).toMatchObject({
        id: r.json.id,
        event: 'security.alert.created',
        channel: 'security',
        data,
      });
      expect(Date.parse(e.timestamp!)).not.toBeNaN();
    }
    const marker = s.publish('message.created', { id: 'msg_1' });
    await other.waitFor((f) => f.id === marker.id);
    expect(other.frames.some((f) => f.id === r.json.id)).toBe(false);
  });

  it('answers 400 with a JSON error to a body that is not JSON or names an unknown event', async () => {
    s = await startKatyaServer({ tokens: TOKENS });
    for (const body of [
      '{not json',
      '[1]',
      JSON.stringify({ event: 'alert.exploded', data: {} }),
      JSON.stringify({ data: {} }),
      JSON.stringify({ event: 'message.created', data: [1] }),
    ]) {
      const r = await post(body);
      expect(r.status, body).toBe(400);
      expect(typeof r.json.error).toBe('string');
    }
  });

  it('answers 401 without a token or with an unknown one, and 403 to a non-admin token', async () => {
    s = await startKatyaServer({ tokens: TOKENS });
    const body = JSON.stringify({ event: 'message.created', data: {} });
    expect((await post(body, {})).status).toBe(401);
    expect((await post(body, bearer('nobody'))).status).toBe(401);
    const forbidden = await post(body, bearer('viewer'));
    expect(forbidden.status).toBe(403);
    expect(typeof forbidden.json.error).toBe('string');
  });

  it('answers 413 to a body over 64 KiB and 404 elsewhere', async () => {
    s = await startKatyaServer({ tokens: TOKENS });
    const big = await post(
      JSON.stringify({ event: 'message.created', data: { content: 'x'.repeat(70_000) } }),
    );
    expect(big.status).toBe(413);
    const r = await fetch(`${s.httpUrl}/nope`);
    expect(r.status).toBe(404);
    await r.body?.cancel();
  });
});
