// What the benchmarks send: the reference server's demo generator (all 22 event types in the
// shapes of docs/events.md, alerts of every severity, maintenance windows...) seeded, so every
// run and every client sees the same mix. Payloads are serialised once; a frame is the envelope
// of protocol.md around one of them with a fresh id.
import { createDemoGenerator, seededRandom } from '../../main/server/demo';
import { channelOf } from '../../main/core/common/protocol';
import type { EventType } from '../../main/core/common/protocol';

export interface PooledEvent {
  event: EventType;
  channel: string;
  data: Record<string, unknown>;
  dataJson: string;
}

export function eventPool(size = 4096, seed = 9): PooledEvent[] {
  const generator = createDemoGenerator({
    random: seededRandom(seed),
    now: () => 1_767_225_600_000,
  });
  const pool: PooledEvent[] = [];
  for (let i = 0; i < size; i++) {
    const e = generator.next();
    pool.push({
      event: e.event,
      channel: channelOf(e.event),
      data: e.data,
      dataJson: JSON.stringify(e.data),
    });
  }
  return pool;
}

/** One event envelope as the reference server writes it (same key order, same id shape). */
export function eventFrame(pooled: PooledEvent, id: string, timestamp: string): string {
  return `{"type":"event","id":"${id}","timestamp":"${timestamp}","event":"${pooled.event}","channel":"${pooled.channel}","data":${pooled.dataJson}}`;
}

export function poolStats(pool: readonly PooledEvent[]): { meanFrameBytes: number } {
  const ts = new Date().toISOString();
  const total = pool.reduce(
    (s, p) => s + Buffer.byteLength(eventFrame(p, 'evt_0123456789abcdef', ts)),
    0,
  );
  return { meanFrameBytes: Math.round(total / pool.length) };
}
