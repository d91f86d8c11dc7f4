import { describe, expect, it } from 'vitest';
import { MetricsTracker } from '../../../main/core/metrics';
import type { EventMessage } from '../../../main/core/common/protocol';

let n = 0;
function metric(data: Record<string, unknown>): EventMessage {
  return {
    type: 'event',
    id: `evt_${++n}`,
    event: 'analytics.metric.updated',
    channel: 'analytics',
    data,
  };
}

describe('metrics', () => {
  it('keeps the latest value per metric and server, with a short series', () => {
    const m = new MetricsTracker();
    const meta = { server: 'web-01', region: 'eu' };
    for (let i = 0; i < 70; i++)
      m.add([metric({ name: 'cpu', value: i, unit: 'percent', metadata: meta })], 1000 + i);
    m.add(
      [metric({ name: 'cpu', value: 5, unit: 'percent', metadata: { server: 'db-01' } })],
      2000,
    );
    const [db, web] = m.list();
    expect(db).toMatchObject({
      name: 'cpu',
      server: 'db-01',
      region: null,
      latest: 5,
      recent: [5],
    });
    expect(web).toMatchObject({
      server: 'web-01',
      region: 'eu',
      unit: 'percent',
      latest: 69,
      updatedAt: 1069,
    });
    expect(web!.recent).toHaveLength(60);
    expect(web!.recent[0]).toBe(10);
  });

  it('ignores other events and metrics without a name or a finite value', () => {
    const m = new MetricsTracker();
    const other: EventMessage = {
      type: 'event',
      id: 'x',
      event: 'message.created',
      channel: 'messages',
      data: {},
    };
    expect(
      m.add(
        [
          other,
          metric({ value: 1 }),
          metric({ name: 'cpu', value: 'high' }),
          metric({ name: 'cpu', value: Infinity }),
        ],
        1,
      ),
    ).toBe(false);
    expect(m.list()).toEqual([]);
    expect(m.add([metric({ name: 'cpu', value: 1 })], 1)).toBe(true);
    expect(m.list()[0]!.server).toBe('unknown');
  });

  it('holds at most 500 series however many names a server invents', () => {
    const m = new MetricsTracker();
    m.add(
      Array.from({ length: 600 }, (_, i) => metric({ name: `m${i}`, value: i })),
      1,
    );
    expect(m.list()).toHaveLength(500);
  });

  it('takes only metric events, even from a mixed batch whose others look like metrics', () => {
    const m = new MetricsTracker();
    const lookalike: EventMessage = {
      type: 'event',
      id: 'y',
      event: 'message.created',
      channel: 'messages',
      data: { name: 'cpu', value: 99 },
    };
    expect(m.add([metric({ name: 'cpu', value: 1 }), lookalike], 5)).toBe(true);
    expect(m.list().map((s) => s.recent)).toEqual([[1]]);
  });

  it('has no unit until one is given, then keeps the latest one given', () => {
    const m = new MetricsTracker();
    m.add([metric({ name: 'rps', value: 1 })], 1);
    expect(m.list()[0]!.unit).toBe('');
    m.add([metric({ name: 'rps', value: 2, unit: 'req/s' })], 2);
    m.add([metric({ name: 'rps', value: 3 })], 3);
    expect(m.list()[0]!.unit).toBe('req/s');
    m.add([metric({ name: 'rps', value: 4, unit: 'req/min' })], 4);
    expect(m.list()[0]!.unit).toBe('req/min');
  });

  it('keeps exactly the last 60 values', () => {
    const m = new MetricsTracker();
    for (let i = 1; i <= 60; i++) m.add([metric({ name: 'x', value: i })], i);
    expect(m.list()[0]!.recent).toHaveLength(60);
    m.add([metric({ name: 'x', value: 61 })], 61);
    expect(m.list()[0]!.recent[0]).toBe(2);
  });
});
