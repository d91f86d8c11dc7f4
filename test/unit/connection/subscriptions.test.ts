import { describe, expect, it } from 'vitest';
import { SubscriptionLedger } from '../../../main/core/connection/subscriptions';
import type { Channel } from '../../../main/core/common/protocol';

describe('SubscriptionLedger', () => {
  it('sends the whole desired set on a fresh connection, then only diffs', () => {
    const l = new SubscriptionLedger({
      channels: ['security', 'system'],
      events: ['message.created'],
    });
    const [first, ...rest] = l.diff();
    expect(rest).toEqual([]);
    expect(first).toMatchObject({
      type: 'subscribe',
      channels: ['security', 'system'],
      events: ['message.created'],
    });
    expect(l.diff()).toEqual([]);
    l.setDesired({ channels: ['security', 'rooms'], events: [] });
    expect(l.diff()).toEqual([
      {
        type: 'unsubscribe',
        id: expect.any(String),
        channels: ['system'],
        events: ['message.created'],
      },
      { type: 'subscribe', id: expect.any(String), channels: ['rooms'] },
    ]);
    l.resetConnection();
    expect(l.diff()).toEqual([
      { type: 'subscribe', id: expect.any(String), channels: ['security', 'rooms'] },
    ]);
  });

  it('turns responses into active and errors into rejected statuses', () => {
    const l = new SubscriptionLedger({
      channels: ['security', 'system'],
      events: ['room.created'],
    });
    const [req] = l.diff();
    expect(l.statuses().map((s) => s.status)).toEqual(['pending', 'pending', 'pending']);
    expect(
      l.onError({ code: '4002', message: 'no', channel: 'security', requestId: req!.id }),
    ).toBe(true);
    expect(
      l.onResponse({
        action: 'subscribe',
        requestId: req!.id,
        channels: ['system'],
        events: ['room.created'],
      }),
    ).toBe(true);
    expect(l.statuses()).toEqual([
      { kind: 'channel', name: 'security', status: 'rejected', code: '4002', message: 'no' },
      { kind: 'channel', name: 'system', status: 'active' },
      { kind: 'event', name: 'room.created', status: 'active' },
    ]);
    // not retried on a reconnect
    l.resetConnection();
    expect(l.diff()).toEqual([
      { type: 'subscribe', id: expect.any(String), channels: ['system'], events: ['room.created'] },
    ]);
    // until the desired set changes
    l.setDesired({ channels: ['security', 'system'], events: [] });
    l.resetConnection();
    expect(l.diff()[0]).toMatchObject({ channels: ['security', 'system'] });
  });

  it('rejects every name of a request on 4004 and keeps what was in force', () => {
    const l = new SubscriptionLedger({ channels: ['security'], events: [] });
    const [a] = l.diff();
    l.onResponse({ action: 'subscribe', requestId: a!.id, channels: ['security'] });
    l.setDesired({ channels: ['security', 'rooms'], events: ['room.created'] });
    const [b] = l.diff();
    l.onError({ code: '4004', message: 'limit', requestId: b!.id });
    expect(l.statuses().map((s) => s.status)).toEqual(['active', 'rejected', 'rejected']);
    expect(l.diff()).toEqual([]);
  });

  it('confirms a request whose response lists nothing, and maps aliases', () => {
    const l = new SubscriptionLedger({ channels: ['alerts' as Channel], events: [] });
    const [req] = l.diff();
    expect(req).toMatchObject({ channels: ['security'] });
    l.onResponse({ action: 'subscribe', requestId: req!.id });
    expect(l.statuses()).toEqual([{ kind: 'channel', name: 'security', status: 'active' }]);
  });

  it('ignores junk in the desired set and in server data', () => {
    const l = new SubscriptionLedger({
      channels: ['system', 'system', '' as Channel, 5 as unknown as Channel],
      events: undefined as never,
    });
    expect(l.getDesired()).toEqual({ channels: ['system'], events: [] });
    expect(l.onResponse({ action: 'subscribe', requestId: 'nope', channels: ['rooms'] })).toBe(
      false,
    );
    expect(l.onError({ code: '4002', channel: 'rooms' })).toBe(false);
    expect(l.onError({ code: '9999' })).toBe(false);
    expect(l.setDesired({ channels: ['system'], events: [] })).toBe(false);
  });
});
