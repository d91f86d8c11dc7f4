// A week of reconnects in a few minutes: the whole core (core-host.ts) follows a reference server
// through a loopback relay while events flow, and every cycle either restarts the server (the
// client gets 1001 and reconnects) or cuts the network (the relay drops both sockets, as a lost
// Wi-Fi does). Between cuts, each cycle publishes a few events and waits until the core has them
// all, so an event published while connected and not delivered is a lost event, not a race.
// Handles, timers, file descriptors and the heap after a forced GC are sampled after the warm-up
// (cycle 50, or the first cycle of a short run) and at the end: they must stay flat.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { startKatyaServer } from '../../main/server/server';
import type { KatyaServer } from '../../main/server/server';
import { eventPool } from './events';
import { BenchChild, until } from './lib';

const TOKEN = 'bench-soak-token';
const EVENTS_PER_CYCLE = 10;
const WARMUP_EVENTS = 12_000;

export interface ResourceSample {
  cycle: number;
  heapUsedMb: number;
  rssMb: number;
  handles: number;
  timers: number;
  fds: number | null;
}

export interface SoakResult {
  cycles: number;
  restarts: number;
  drops: number;
  published: number;
  delivered: number;
  lost: number;
  first: ResourceSample;
  last: ResourceSample;
  /** a sample every 50 cycles (and the last): bounded tables fill, then everything is flat */
  curve: ResourceSample[];
  seconds: number;
}

/** A TCP relay on loopback that can drop every connection through it at once. */
async function startRelay(target: () => number) {
  const pairs = new Set<[net.Socket, net.Socket]>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target(), '127.0.0.1');
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    /** the network goes away: no close frame, just gone */
    drop() {
      for (const [a, b] of [...pairs]) {
        a.resetAndDestroy();
        b.resetAndDestroy();
      }
      pairs.clear();
    },
    close: () =>
      new Promise<void>((r) => {
        for (const [a, b] of pairs) {
          a.destroy();
          b.destroy();
        }
        server.close(() => r());
      }),
  };
}

export async function runSoak(opts: {
  cycles: number;
  log: (line: string) => void;
}): Promise<SoakResult> {
  const started = performance.now();
  const pool = eventPool(256, 17);
  let server: KatyaServer = await startKatyaServer({ tokens: [{ token: TOKEN, channels: ['*'] }] });
  const port = server.port;
  const relay = await startRelay(() => port);
  const core = new BenchChild('core-host.ts', [], { quietStdout: true, exposeGc: true });
  let published = 0;
  let delivered = 0;
  let restarts = 0;
  let drops = 0;
  let first: ResourceSample | null = null;
  let last: ResourceSample;
  const curve: ResourceSample[] = [];
  const sample = async (cycle: number): Promise<ResourceSample> => {
    core.send({ type: 'mem', gc: true });
    const m = await core.next<Omit<ResourceSample, 'cycle'> & { type: 'mem' }>('mem');
    return {
      cycle,
      heapUsedMb: m.heapUsedMb,
      rssMb: m.rssMb,
      handles: m.handles,
      timers: m.timers,
      fds: m.fds,
    };
  };
  try {
    core.send({
      type: 'start',
      url: `ws://127.0.0.1:${relay.port}/v1/ws`,
      token: TOKEN,
      // A week's reconnects in minutes: the same code path, with the waits shortened.
      connection: { backoff: { minMs: 20, maxMs: 100, resetAfterMs: 50 } },
      // Full after ten cycles, so that what grows after the warm-up is a leak, not the feed.
      historyMaxEvents: 100,
    });
    await core.next('ready', 60_000);
    // Fill every bounded table first (the engine remembers the last 10,000 event ids, the
    // notifier 5,000 decided ids): what grows after that is a leak.
    for (let i = 0; i < WARMUP_EVENTS; i++) {
      const p = pool[i % pool.length]!;
      server.publish(p.event, p.data);
    }
    published += WARMUP_EVENTS;
    core.send({ type: 'expect', count: published });
    delivered = (await core.next<{ type: 'delivered'; delivered: number }>('delivered', 60_000))
      .delivered;
    const warmup = Math.min(50, Math.max(1, Math.floor(opts.cycles / 10)));
    for (let cycle = 1; cycle <= opts.cycles; cycle++) {
      for (let i = 0; i < EVENTS_PER_CYCLE; i++) {
        const p = pool[(published + i) % pool.length]!;
        server.publish(p.event, p.data);
      }
      published += EVENTS_PER_CYCLE;
      core.send({ type: 'expect', count: published });
      try {
        const d = await core.next<{ type: 'delivered'; delivered: number }>('delivered', 10_000);
        delivered = d.delivered;
      } catch {
        // not delivered in 10 s: counted as lost below; ask again next cycle
      }
      if (cycle === warmup || cycle % 50 === 0) {
        const s = await sample(cycle);
        if (cycle === warmup) first = s;
        if (cycle % 50 === 0) curve.push(s);
      }
      // The core may still report the old connection for a moment after a cut: wait for the
      // server to see a new one before asking the core whether it is connected again.
      const connectionsBefore = cycle % 2 === 0 ? 0 : server.connectionCount();
      if (cycle % 2 === 0) {
        await server.close();
        server = await startKatyaServer({
          port,
          tokens: [{ token: TOKEN, channels: ['*'] }],
        });
        restarts++;
      } else {
        relay.drop();
        drops++;
      }
      await until(
        'the core back on the server',
        () => server.connectionCount() > connectionsBefore,
        60_000,
      );
      core.send({ type: 'connected' });
      await core.next('connected', 60_000);
      if (cycle % 100 === 0) opts.log(`soak: ${cycle} of ${opts.cycles} cycles`);
    }
    // The last published events, once more, in case the last wait timed out.
    core.send({ type: 'expect', count: published });
    delivered = (
      await core
        .next<{ type: 'delivered'; delivered: number }>('delivered', 10_000)
        .catch(() => ({ delivered }))
    ).delivered;
    last = await sample(opts.cycles);
  } finally {
    await core.stop();
    await relay.close();
    await server.close();
  }
  const result: SoakResult = {
    cycles: opts.cycles,
    restarts,
    drops,
    published,
    delivered,
    lost: Math.max(0, published - delivered),
    first: first ?? last,
    last,
    curve: curve.at(-1)?.cycle === last.cycle ? curve : [...curve, last],
    seconds: (performance.now() - started) / 1000,
  };
  opts.log(
    `soak: ${result.cycles} cycles (${restarts} restarts, ${drops} drops) in ${result.seconds.toFixed(0)} s; ${result.lost} of ${published} events lost; handles ${result.first.handles} -> ${result.last.handles}, heap ${result.first.heapUsedMb.toFixed(1)} -> ${result.last.heapUsedMb.toFixed(1)} MB`,
  );
  return result;
}
