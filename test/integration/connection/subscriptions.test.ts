// Subscriptions: the desired set, diffs while connected, the exact set after a reconnect,
// and a status per name from the server's responses and errors (4002, 4004, 4005).
import { afterEach, describe, expect, it } from 'vitest';
import type { SubscriptionStatus } from '../../../main/core/connection/types';
import type { Channel, EventType } from '../../../main/core/common/protocol';
import { KatyaTestServer } from './support/katya-test-server';
import { cleanup, engine, server, stateIs } from './support/harness';
import { TestClock, waitFor } from './support/test-clock';

afterEach(cleanup);

const statusOf = (list: SubscriptionStatus[], name: string) => list.find((s) => s.name === name);
const allActive = (list: SubscriptionStatus[]) => list.every((s) => s.status === 'active');

describe('subscriptions', () => {
  it('subscribes to the desired set on connect and reports each name active', async () => {
    const s = await server();
    const { engine: e, rec } = engine({
      url: s.url,
      subscriptions: { channels: ['security', 'system'], events: ['message.created'] },
    });
    expect(e.getSubscriptions().map((x) => x.status)).toEqual(['pending', 'pending', 'pending']);
    await waitFor(() => allActive(e.getSubscriptions()) && stateIs(e, 'open'), 'all active');
    expect(s.last!.messagesOfType('subscribe')).toEqual([
      {
        type: 'subscribe',
        id: expect.any(String),
        channels: ['security', 'system'],
        events: ['message.created'],
      },
    ]);
    expect(rec.subscriptions.at(-1)).toEqual(e.getSubscriptions());
  });

  it('applies changes as diffs while connected', async () => {
    const s = await server();
    const { engine: e } = engine({
      url: s.url,
      subscriptions: { channels: ['security', 'system'], events: [] },
    });
    await waitFor(() => allActive(e.getSubscriptions()) && stateIs(e, 'open'), 'active');
    e.setSubscriptions({ channels: ['security', 'rooms'], events: ['trust.identity.created'] });
    expect(statusOf(e.getSubscriptions(), 'rooms')?.status).toBe('pending');
    expect(statusOf(e.getSubscriptions(), 'security')?.status).toBe('active');
    await waitFor(() => allActive(e.getSubscriptions()), 'diff applied');
    const sent = s.last!.received.slice(1);
    expect(sent).toEqual([
      { type: 'unsubscribe', id: expect.any(String), channels: ['system'] },
      {
        type: 'subscribe',
        id: expect.any(String),
        channels: ['rooms'],
        events: ['trust.identity.created'],
      },
    ]);
    expect([...s.last!.channels].sort()).toEqual(['rooms', 'security']);
    // the same set again sends nothing
    e.setSubscriptions({ channels: ['security', 'rooms'], events: ['trust.identity.created'] });
    expect(s.last!.received).toHaveLength(3);
  });

  it('re-sends exactly the desired set after a server restart, honouring an offline unsubscribe', async () => {
    const first = await server();
    const port = first.port;
    const clock = new TestClock('manual');
    const { engine: e } = engine({
      url: first.url,
      clock,
      subscriptions: { channels: ['security', 'system', 'rooms'], events: ['message.created'] },
    });
    await waitFor(() => allActive(e.getSubscriptions()) && stateIs(e, 'open'), 'active');
    await first.close();
    const waiting = await waitFor(
      () => (e.getState().state === 'reconnecting' ? e.getState() : null),
      'reconnecting',
    );
    expect(e.getSubscriptions().map((x) => x.status)).toEqual([
      'pending',
      'pending',
      'pending',
      'pending',
    ]);
    // While offline the user drops a channel; the restarted server must never see it.
    e.setSubscriptions({ channels: ['security', 'rooms'], events: ['message.created'] });
    const second = await KatyaTestServer.start({ port });
    try {
      clock.advance(waiting.state === 'reconnecting' ? waiting.delayMs : 0);
      await waitFor(() => allActive(e.getSubscriptions()) && stateIs(e, 'open'), 'resubscribed');
      expect(second.last!.received).toEqual([
        {
          type: 'subscribe',
          id: expect.any(String),
          channels: ['security', 'rooms'],
          events: ['message.created'],
        },
      ]);
      expect(second.last!.messagesOfType('unsubscribe')).toEqual([]);
    } finally {
      e.stop();
      await second.close();
    }
  });

  it('marks a forbidden channel rejected (4002), keeps the rest, and does not retry it on reconnect', async () => {
    const s = await server({ forbidden: ['security'] });
    const clock = new TestClock('manual');
    const { engine: e, rec } = engine({
      url: s.url,
      clock,
      subscriptions: { channels: ['security', 'system'], events: [] },
    });
    await waitFor(
      () =>
        statusOf(e.getSubscriptions(), 'system')?.status === 'active' &&
        statusOf(e.getSubscriptions(), 'security')?.status === 'rejected',
      'statuses',
    );
    expect(statusOf(e.getSubscriptions(), 'security')).toMatchObject({
      status: 'rejected',
      code: '4002',
      message: 'No access to security',
    });
    expect(rec.errors).toContainEqual(
      expect.objectContaining({ code: '4002', channel: 'security' }),
    );
    expect(stateIs(e, 'open')).toBe(true);

    s.last!.ws.close(1011, 'restart');
    const st = await waitFor(
      () => (e.getState().state === 'reconnecting' ? e.getState() : null),
      'reconnecting',
    );
    clock.advance(st.state === 'reconnecting' ? st.delayMs : 0);
    await waitFor(() => s.connections === 2 && s.last!.received.length === 1, 'resubscribed');
    expect(s.last!.received[0]).toMatchObject({ channels: ['system'] });
    expect(s.last!.received[0]).not.toHaveProperty('events');
    await waitFor(() => statusOf(e.getSubscriptions(), 'system')?.status === 'active', 'active');
    expect(statusOf(e.getSubscriptions(), 'security')?.status).toBe('rejected');
  });

  it('marks unknown names rejected (4005) while the known names of the same request apply', async () => {
    const s = await server();
    const { engine: e } = engine({
      url: s.url,
      subscriptions: {
        channels: ['system', 'weather' as Channel],
        events: ['message.created', 'message.teleported' as EventType],
      },
    });
    await waitFor(
      () => e.getSubscriptions().every((x) => x.status !== 'pending'),
      'every name settled',
    );
    expect(e.getSubscriptions()).toEqual([
      { kind: 'channel', name: 'system', status: 'active' },
      {
        kind: 'channel',
        name: 'weather',
        status: 'rejected',
        code: '4005',
        message: 'Unknown channel weather',
      },
      { kind: 'event', name: 'message.created', status: 'active' },
      {
        kind: 'event',
        name: 'message.teleported',
        status: 'rejected',
        code: '4005',
        message: 'Unknown event message.teleported',
      },
    ]);
  });

  it('rejects the whole request on 4004 and keeps the subscriptions in force', async () => {
    const s = await server({ limit: 3 });
    const { engine: e } = engine({
      url: s.url,
      subscriptions: { channels: ['security', 'system'], events: [] },
    });
    await waitFor(() => allActive(e.getSubscriptions()) && stateIs(e, 'open'), 'active');
    e.setSubscriptions({
      channels: ['security', 'system', 'rooms', 'trust'],
      events: [],
    });
    await waitFor(() => statusOf(e.getSubscriptions(), 'rooms')?.status === 'rejected', '4004');
    expect(e.getSubscriptions()).toEqual([
      { kind: 'channel', name: 'security', status: 'active' },
      { kind: 'channel', name: 'system', status: 'active' },
      {
        kind: 'channel',
        name: 'rooms',
        status: 'rejected',
        code: '4004',
        message: 'Subscription limit exceeded',
      },
      {
        kind: 'channel',
        name: 'trust',
        status: 'rejected',
        code: '4004',
        message: 'Subscription limit exceeded',
      },
    ]);
    expect([...s.last!.channels]).toEqual(['security', 'system']);
    // Changing the desired set asks again: dropping one name makes room for the other.
    e.setSubscriptions({ channels: ['security', 'rooms', 'trust'], events: [] });
    await waitFor(() => allActive(e.getSubscriptions()), 'all active after the change');
    expect([...s.last!.channels].sort()).toEqual(['rooms', 'security', 'trust']);
  });

  it('sends canonical names for aliases', async () => {
    const s = await server();
    const { engine: e } = engine({
      url: s.url,
      subscriptions: { channels: ['alerts' as Channel, 'metrics' as Channel], events: [] },
    });
    await waitFor(() => allActive(e.getSubscriptions()) && stateIs(e, 'open'), 'active');
    expect(s.last!.received[0]).toMatchObject({ channels: ['security', 'analytics'] });
    expect(e.getSubscriptions().map((x) => x.name)).toEqual(['security', 'analytics']);
  });
});

describe('subscription statuses around the connection', () => {
  it('ignores a desired set that is not an object', async () => {
    const s = await server();
    const { engine: e, rec } = engine({
      url: s.url,
      subscriptions: { channels: ['security'], events: [] },
    });
    await waitFor(() => allActive(e.getSubscriptions()) && stateIs(e, 'open'), 'active');
    const reports = rec.subscriptions.length;
    e.setSubscriptions(null as never);
    e.setSubscriptions('security' as never);
    expect(rec.subscriptions).toHaveLength(reports);
    expect(e.getSubscriptions()).toEqual([{ kind: 'channel', name: 'security', status: 'active' }]);
  });

  it('a lost connection turns active names back to pending, and says so', async () => {
    const s = await server();
    const { engine: e, rec } = engine({
      url: s.url,
      clock: new TestClock('manual'),
      subscriptions: { channels: ['security'], events: [] },
    });
    await waitFor(() => allActive(e.getSubscriptions()) && stateIs(e, 'open'), 'active');
    const reports = rec.subscriptions.length;
    s.last!.ws.close(1013);
    await waitFor(() => stateIs(e, 'reconnecting'), 'reconnecting');
    expect(rec.subscriptions).toHaveLength(reports + 1);
    expect(rec.subscriptions.at(-1)).toEqual([
      { kind: 'channel', name: 'security', status: 'pending' },
    ]);
  });

  it('a lost connection with nothing active reports no change of subscriptions', async () => {
    const s = await server({ forbidden: ['security'] });
    const { engine: e, rec } = engine({
      url: s.url,
      clock: new TestClock('manual'),
      subscriptions: { channels: ['security'], events: [] },
    });
    await waitFor(() => statusOf(e.getSubscriptions(), 'security')?.status === 'rejected', '4002');
    const reports = rec.subscriptions.length;
    s.last!.ws.close(1013);
    await waitFor(() => stateIs(e, 'reconnecting'), 'reconnecting');
    expect(rec.subscriptions).toHaveLength(reports);
  });
});
