// A flood of 100,000 events: every one delivered once, in batches, and every server ping
// answered while the flood is still arriving.
import { afterEach, describe, expect, it } from 'vitest';
import { eventFrame } from './support/katya-test-server';
import { cleanup, engine, server, stateIs } from './support/harness';
import { waitFor } from './support/test-clock';

afterEach(cleanup);

const TOTAL = 100_000;
const PING_EVERY = 10_000;

describe('flood', () => {
  it('takes 100,000 events with pongs still on time', async () => {
    const s = await server();
    const { engine: e, rec } = engine({ url: s.url });
    await waitFor(() => stateIs(e, 'open'), 'open');
    const client = s.last!;

    const pingSentAt = new Map<string, number>();
    const pongLatency = new Map<string, number>();
    /** how many events the client had been sent when each pong came back */
    const eventsSentAtPong = new Map<string, number>();
    let sent = 0;
    client.ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as { type: string; id?: string };
      if (msg.type === 'pong' && msg.id && pingSentAt.has(msg.id)) {
        pongLatency.set(msg.id, Date.now() - pingSentAt.get(msg.id)!);
        eventsSentAtPong.set(msg.id, sent);
      }
    });

    // Send in slices so the server's own event loop can read pongs during the flood.
    await new Promise<void>((resolve) => {
      const slice = () => {
        for (let n = 0; n < 2_000 && sent < TOTAL; n++) {
          if (sent % PING_EVERY === 0) {
            const id = `flood-ping-${sent}`;
            pingSentAt.set(id, Date.now());
            client.send({ type: 'ping', id });
          }
          client.send(eventFrame('analytics.metric.updated', { value: sent }, { id: `f${sent}` }));
          sent++;
        }
        if (sent < TOTAL) setImmediate(slice);
        else resolve();
      };
      slice();
    });

    await waitFor(() => rec.events.length === TOTAL, 'every event delivered', 60_000);
    await waitFor(() => pongLatency.size === TOTAL / PING_EVERY, 'every pong', 30_000);

    expect(new Set(rec.events.map((x) => x.id)).size).toBe(TOTAL);
    expect(rec.events[TOTAL - 1]!.data).toEqual({ value: TOTAL - 1 });
    // Each event's frame bytes are still its own when the batch is handed over, up to 50 ms
    // after they arrived (the history copies them then).
    expect(rec.frameCounts).toEqual(rec.batches);
    const mismatched = rec.frames.filter(
      (f, i) => (JSON.parse(f) as { id: string }).id !== rec.events[i]!.id,
    );
    expect(mismatched).toEqual([]);
    // batched: a few hundred deliveries, not one per event
    expect(rec.batches.length).toBeLessThanOrEqual(TOTAL / 100);
    expect(Math.max(...rec.batches)).toBeLessThanOrEqual(500);
    // "On time" is the protocol's bound, generously: the reference server drops a client
    // that misses two 30 s pings, and the liveness deadline is 45 s. On an idle machine
    // these pongs take milliseconds.
    for (const latency of pongLatency.values()) expect(latency).toBeLessThan(15_000);
    // The first pong came back while the server was still sending the flood: pings are
    // answered as they arrive, not after the events queued behind them are handled.
    expect(eventsSentAtPong.get('flood-ping-0')).toBeLessThan(TOTAL);
    expect(stateIs(e, 'open')).toBe(true);
    expect(e.getStats()).toMatchObject({
      invalidDropped: 0,
      duplicatesDropped: 0,
      messagesReceived: TOTAL + TOTAL / PING_EVERY,
    });
  }, 120_000);
});
