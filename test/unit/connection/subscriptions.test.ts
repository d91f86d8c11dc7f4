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

  it('a different set of the same size is a change: old names dropped, new ones asked for', () => {
    const l = new SubscriptionLedger({ channels: ['security', 'system'], events: [] });
    const [first] = l.diff();
    l.onResponse({ action: 'subscribe', requestId: first!.id });
    expect(l.statuses().map((s) => s.status)).toEqual(['active', 'active']);

    expect(l.setDesired({ channels: ['rooms', 'messages'], events: [] })).toBe(true);
    expect(l.getDesired()).toEqual({ channels: ['rooms', 'messages'], events: [] });
    expect(l.statuses()).toEqual([
      { kind: 'channel', name: 'rooms', status: 'pending' },
      { kind: 'channel', name: 'messages', status: 'pending' },
    ]);
    expect(l.diff()).toEqual([
      { type: 'unsubscribe', id: expect.any(String), channels: ['security', 'system'] },
      { type: 'subscribe', id: expect.any(String), channels: ['rooms', 'messages'] },
    ]);

    // One name swapped for another, of the other kind: still the same size, still a change.
    const k = new SubscriptionLedger({ channels: ['security'], events: ['room.created'] });
    k.diff();
    expect(k.setDesired({ channels: ['security'], events: ['room.updated'] })).toBe(true);
    expect(k.diff()).toEqual([
      { type: 'unsubscribe', id: expect.any(String), events: ['room.created'] },
      { type: 'subscribe', id: expect.any(String), events: ['room.updated'] },
    ]);
  });

  it('a same-size replacement clears the rejections, so a rejected name is asked for again', () => {
    const l = new SubscriptionLedger({ channels: ['security', 'system'], events: [] });
    const [req] = l.diff();
    l.onError({ code: '4002', message: 'no', channel: 'system', requestId: req!.id });
    l.onResponse({ action: 'subscribe', requestId: req!.id, channels: ['security'] });
    expect(l.statuses().map((s) => s.status)).toEqual(['active', 'rejected']);

    expect(l.setDesired({ channels: ['security', 'rooms'], events: [] })).toBe(true);
    expect(l.setDesired({ channels: ['security', 'system'], events: [] })).toBe(true);
    expect(l.statuses().map((s) => s.status)).toEqual(['active', 'pending']);
    expect(l.diff()).toEqual([{ type: 'subscribe', id: expect.any(String), channels: ['system'] }]);
  });

  it('a shorter set that starts like the old one is a change, and the same set is not', () => {
    const l = new SubscriptionLedger({ channels: ['security', 'system'], events: [] });
    expect(l.setDesired({ channels: ['security', 'system'], events: [] })).toBe(false);
    expect(l.setDesired({ channels: ['security'], events: [] })).toBe(true);
    expect(l.getDesired()).toEqual({ channels: ['security'], events: [] });
    // an alias names the same channel: no change
    expect(l.setDesired({ channels: ['alerts' as Channel], events: [] })).toBe(false);
  });
});

describe('SubscriptionLedger: requests', () => {
  it('numbers its requests and says in the id what each asks for', () => {
    const l = new SubscriptionLedger({ channels: ['security', 'system'], events: [] });
    expect(l.diff().map((r) => r.id)).toEqual(['sub-1']);
    l.setDesired({ channels: ['rooms'], events: [] });
    expect(l.diff().map((r) => r.id)).toEqual(['unsub-2', 'sub-3']);
  });

  it('a dropped name leaves what is in force, so asking for it again subscribes again', () => {
    const l = new SubscriptionLedger({ channels: ['security', 'system'], events: [] });
    const [req] = l.diff();
    l.onResponse({ action: 'subscribe', requestId: req!.id });
    l.setDesired({ channels: ['security'], events: [] });
    expect(l.diff()).toMatchObject([{ type: 'unsubscribe', channels: ['system'] }]);
    l.setDesired({ channels: ['security', 'system'], events: [] });
    expect(l.statuses()[1]).toEqual({ kind: 'channel', name: 'system', status: 'pending' });
    expect(l.diff()).toMatchObject([{ type: 'subscribe', channels: ['system'] }]);
  });

  it('clearRejections asks once more for what was rejected (the engine calls it when permissions may have changed)', () => {
    const l = new SubscriptionLedger({ channels: ['security'], events: [] });
    const [req] = l.diff();
    l.onError({ code: '4002', channel: 'security', requestId: req!.id });
    expect(l.diff()).toEqual([]);
    l.clearRejections();
    expect(l.statuses()).toEqual([{ kind: 'channel', name: 'security', status: 'pending' }]);
    expect(l.diff()).toMatchObject([{ type: 'subscribe', channels: ['security'] }]);
  });

  it('drops junk that is not a name: not a string, or empty', () => {
    const l = new SubscriptionLedger({
      channels: ['system', ['rooms'] as unknown as Channel, '' as Channel],
      events: [{ length: 3 } as unknown as never],
    });
    expect(l.getDesired()).toEqual({ channels: ['system'], events: [] });
  });
});

describe('SubscriptionLedger: responses', () => {
  const ledger = () => {
    const l = new SubscriptionLedger({ channels: ['security'], events: ['room.created'] });
    const [req] = l.diff();
    return { l, req: req! };
  };
  const statuses = (l: SubscriptionLedger) => l.statuses().map((s) => `${s.name}:${s.status}`);

  it('a response with only the request id confirms the request as sent', () => {
    const { l, req } = ledger();
    expect(l.onResponse({ requestId: req.id })).toBe(true);
    expect(statuses(l)).toEqual(['security:active', 'room.created:active']);
  });

  it('a response that lists names confirms those only', () => {
    const a = ledger();
    expect(
      a.l.onResponse({ action: 'subscribe', requestId: a.req.id, events: ['room.created'] }),
    ).toBe(true);
    expect(statuses(a.l)).toEqual(['security:pending', 'room.created:active']);
    const b = ledger();
    b.l.onResponse({ action: 'subscribe', requestId: b.req.id, channels: ['security'] });
    expect(statuses(b.l)).toEqual(['security:active', 'room.created:pending']);
  });

  it('a name the response lists that we never asked for is not confirmed for later', () => {
    const { l, req } = ledger();
    l.onResponse({ action: 'subscribe', requestId: req.id, channels: ['security', 'rooms'] });
    l.setDesired({ channels: ['security', 'rooms'], events: ['room.created'] });
    expect(statuses(l)).toEqual(['security:active', 'rooms:pending', 'room.created:pending']);
  });

  it('an answer to an unsubscribe, or to a request we do not know without an action, changes nothing', () => {
    const { l, req } = ledger();
    expect(l.onResponse({ action: 'unsubscribe', requestId: req.id, channels: ['security'] })).toBe(
      false,
    );
    expect(l.onResponse({ requestId: 'sub-99' })).toBe(false);
    expect(l.onResponse({})).toBe(false);
    expect(statuses(l)).toEqual(['security:pending', 'room.created:pending']);
  });

  it('a name rejected before the response is not confirmed by it, and shows pending once asked again', () => {
    const l = new SubscriptionLedger({ channels: ['security', 'system'], events: [] });
    const [req] = l.diff();
    l.onError({ code: '4002', channel: 'system', requestId: req!.id });
    l.onResponse({ action: 'subscribe', requestId: req!.id });
    expect(statuses(l)).toEqual(['security:active', 'system:rejected']);
    l.setDesired({ channels: ['security', 'system', 'rooms'], events: [] }); // clears rejections
    expect(statuses(l)).toEqual(['security:active', 'system:pending', 'rooms:pending']);
  });
});

describe('SubscriptionLedger: errors', () => {
  const statuses = (l: SubscriptionLedger) => l.statuses().map((s) => `${s.name}:${s.status}`);

  it('a rejection keeps its code and message, an empty one when the server gave none', () => {
    const l = new SubscriptionLedger({ channels: ['security'], events: [] });
    const [req] = l.diff();
    l.onError({ code: '4005', channel: 'security', requestId: req!.id });
    expect(l.statuses()).toEqual([
      { kind: 'channel', name: 'security', status: 'rejected', code: '4005', message: '' },
    ]);
  });

  it('4002 without a name rejects the one name of a one-name request, and nothing of a larger one', () => {
    const one = new SubscriptionLedger({ channels: ['security'], events: [] });
    const [a] = one.diff();
    expect(one.onError({ code: '4002', requestId: a!.id })).toBe(true);
    expect(statuses(one)).toEqual(['security:rejected']);

    const two = new SubscriptionLedger({ channels: ['security', 'system'], events: [] });
    const [b] = two.diff();
    expect(two.onError({ code: '4002', requestId: b!.id })).toBe(false);
    expect(statuses(two)).toEqual(['security:pending', 'system:pending']);
  });

  it('a late error for an answered request does not undo the answer', () => {
    const l = new SubscriptionLedger({ channels: ['security'], events: [] });
    const [req] = l.diff();
    l.onResponse({ action: 'subscribe', requestId: req!.id });
    expect(l.onError({ code: '4004', message: 'limit', requestId: req!.id })).toBe(false);
    expect(statuses(l)).toEqual(['security:active']);
  });

  it('an error for one name does not forget its request: the response still confirms the rest', () => {
    const l = new SubscriptionLedger({ channels: ['security', 'system'], events: [] });
    const [req] = l.diff();
    l.onError({ code: '4002', channel: 'system', requestId: req!.id });
    l.onResponse({ requestId: req!.id });
    expect(statuses(l)).toEqual(['security:active', 'system:rejected']);
  });

  it('4004 for one request rejects that request only; without a request id, all that is unconfirmed', () => {
    const l = new SubscriptionLedger({ channels: ['security'], events: [] });
    l.diff(); // sub-1, unanswered
    l.setDesired({ channels: ['security', 'rooms'], events: [] });
    const [second] = l.diff();
    expect(l.onError({ code: '4004', requestId: second!.id })).toBe(true);
    expect(statuses(l)).toEqual(['security:pending', 'rooms:rejected']);

    const m = new SubscriptionLedger({ channels: ['security'], events: [] });
    const [first] = m.diff();
    m.onResponse({ action: 'subscribe', requestId: first!.id });
    m.setDesired({ channels: ['security', 'rooms'], events: ['room.created'] });
    m.diff();
    expect(m.onError({ code: '4004', message: 'limit' })).toBe(true);
    expect(statuses(m)).toEqual(['security:active', 'rooms:rejected', 'room.created:rejected']);
  });

  it('4004 for an unsubscribe request changes nothing, even when the name is wanted again', () => {
    const l = new SubscriptionLedger({ channels: ['security', 'system'], events: [] });
    l.diff();
    l.setDesired({ channels: ['security'], events: [] });
    const [unsub] = l.diff();
    expect(unsub!.type).toBe('unsubscribe');
    expect(l.onError({ code: '4004', requestId: unsub!.id })).toBe(false);
    expect(statuses(l)).toEqual(['security:pending']);
    l.setDesired({ channels: ['security', 'system'], events: [] });
    l.diff();
    expect(l.onError({ code: '4004', requestId: unsub!.id })).toBe(false);
    expect(statuses(l)).toEqual(['security:pending', 'system:pending']);
  });

  it('an error that names a name rejects that name, not the one of its request', () => {
    const l = new SubscriptionLedger({ channels: ['security'], events: [] });
    const [req] = l.diff();
    // the server names a channel this request did not ask for: nothing we want changes
    expect(l.onError({ code: '4002', channel: 'rooms', requestId: req!.id })).toBe(false);
    expect(statuses(l)).toEqual(['security:pending']);
    expect(l.onError({ code: '4005', event: 'room.created', requestId: req!.id })).toBe(false);
    expect(statuses(l)).toEqual(['security:pending']);
  });

  it('failing to drop a name does not reject it when it is wanted again meanwhile', () => {
    const l = new SubscriptionLedger({ channels: ['security', 'system'], events: [] });
    l.diff();
    l.setDesired({ channels: ['security'], events: [] });
    const [unsub] = l.diff();
    l.setDesired({ channels: ['security', 'system'], events: [] });
    l.diff();
    expect(l.onError({ code: '4002', channel: 'system', requestId: unsub!.id })).toBe(false);
    expect(statuses(l)).toEqual(['security:pending', 'system:pending']);
  });

  it('4002 that names nothing and no request changes nothing', () => {
    const l = new SubscriptionLedger({ channels: ['security'], events: [] });
    l.diff();
    expect(l.onError({ code: '4002', message: 'no' })).toBe(false);
    expect(statuses(l)).toEqual(['security:pending']);
  });

  it('an error with another code, even one naming a channel, is not about subscriptions', () => {
    const l = new SubscriptionLedger({ channels: ['security'], events: [] });
    const [req] = l.diff();
    expect(l.onError({ code: '4001', channel: 'security', requestId: req!.id })).toBe(false);
    expect(statuses(l)).toEqual(['security:pending']);
  });
});
