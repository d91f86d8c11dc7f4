// Ingest and memory: how many events per second get from a server through the core's whole
// pipeline to its batched output, against two baselines reading the same flood from the same
// kind of server; the same core following three servers at once, each flooding a third; and
// the core's memory while a million events stream through.
import { eventPool, poolStats } from './events';
import { bundleCoreHost } from './core-host-bundle';
import type { MemorySample } from './core-host';
import { BenchChild, median, sleep } from './lib';

export type ClientKind = 'bare' | 'document' | 'engine' | 'coreInMemory' | 'core' | 'core3';

/** The order the kinds run in, within each round. */
const KINDS: readonly ClientKind[] = [
  'bare',
  'document',
  'engine',
  'coreInMemory',
  'core',
  'core3',
];

/** How many servers the core follows in the 'core3' kind (the others read one). */
const CORE3_SERVERS = 3;

export interface IngestResult {
  count: number;
  rounds: number;
  meanFrameBytes: number;
  /** events per second, one figure per round */
  perRound: Record<ClientKind, number[]>;
  median: Record<ClientKind, number>;
  coreNotified: number;
}

interface Delivered {
  type: 'delivered';
  at: number;
  delivered: number;
  notified?: number;
  memorySamples?: MemorySample[];
}

interface FloodStarted {
  type: 'flood-started';
  at: number;
}

export interface Flood {
  flood: BenchChild;
  url: string;
}

export async function startFlood(): Promise<Flood> {
  const flood = new BenchChild('flood-server.ts');
  const { url } = await flood.next<{ type: 'listening'; url: string }>('listening', 60_000);
  return { flood, url };
}

function startClient(kind: ClientKind, urls: string[], count: number): BenchChild {
  if (kind === 'core' || kind === 'coreInMemory' || kind === 'core3') {
    const core = new BenchChild('core-host.ts');
    core.send({
      type: 'start',
      urls,
      token: 'bench-token',
      historyInMemory: kind === 'coreInMemory',
    });
    core.send({ type: 'expect', count });
    return core;
  }
  return new BenchChild('ingest-client.ts', [kind, urls[0]!, String(count)], {
    quietStdout: true,
  });
}

/** `count` split into `parts` shares as even as can be (the first ones one larger). */
function shares(count: number, parts: number): number[] {
  return Array.from(
    { length: parts },
    (_, i) => Math.floor(count / parts) + (i < count % parts ? 1 : 0),
  );
}

/**
 * One client reads `count` events, split evenly over `floods` (each armed with its share, all
 * before the client starts, so that each floods as the client subscribes to it); returns events
 * per second.
 */
async function oneRun(
  floods: readonly Flood[],
  kind: ClientKind,
  count: number,
): Promise<{ rate: number; notified: number; startSpreadMs: number }> {
  const parts = shares(count, floods.length);
  floods.forEach(({ flood }, i) => flood.send({ type: 'arm', count: parts[i]! }));
  const client = startClient(
    kind,
    floods.map((f) => f.url),
    count,
  );
  try {
    const started = await Promise.all(
      floods.map(({ flood }) => flood.next<FloodStarted>('flood-started', 60_000)),
    );
    const starts = started.map((s) => s.at);
    const done = await client.next<Delivered>('delivered', 60_000 + count / 2);
    // From the first byte of any server to the last event out of the client: the same span
    // for all.
    const seconds = (done.at - Math.min(...starts)) / 1000;
    await Promise.all(floods.map(({ flood }) => flood.next('flood-written', 10_000)));
    return {
      rate: count / seconds,
      notified: done.notified ?? 0,
      // With several servers: how far apart their first bytes were (the client connects to
      // one after another).
      startSpreadMs: Math.max(...starts) - Math.min(...starts),
    };
  } finally {
    await client.stop();
  }
}

export async function runIngest(opts: {
  count: number;
  rounds: number;
  log: (line: string) => void;
}): Promise<IngestResult> {
  // One flood server for the one-server kinds; 'core3' reads it and two more.
  const floods: Flood[] = [];
  const perRound = Object.fromEntries(KINDS.map((k) => [k, [] as number[]])) as Record<
    ClientKind,
    number[]
  >;
  let coreNotified = 0;
  try {
    for (let i = 0; i < CORE3_SERVERS; i++) floods.push(await startFlood());
    for (let r = 0; r < opts.rounds; r++) {
      // Interleaved, so that a slow spell of the machine hits every client alike.
      for (const kind of KINDS) {
        const used = kind === 'core3' ? floods : floods.slice(0, 1);
        const { rate, notified, startSpreadMs } = await oneRun(used, kind, opts.count);
        perRound[kind].push(rate);
        if (kind === 'core') coreNotified = notified;
        const spread =
          used.length > 1
            ? ` (first bytes of the ${used.length} floods within ${Math.round(startSpreadMs)} ms)`
            : '';
        opts.log(
          `ingest round ${r + 1}/${opts.rounds} ${kind}: ${Math.round(rate)} events/s${spread}`,
        );
      }
    }
  } finally {
    await Promise.all(floods.map(({ flood }) => flood.stop()));
  }
  return {
    count: opts.count,
    rounds: opts.rounds,
    meanFrameBytes: poolStats(eventPool()).meanFrameBytes,
    perRound,
    median: Object.fromEntries(KINDS.map((k) => [k, median(perRound[k])])) as Record<
      ClientKind,
      number
    >,
    coreNotified,
  };
}

export interface MemoryResult {
  count: number;
  seconds: number;
  samples: { events: number; rssMb: number; heapUsedMb: number }[];
  history: unknown;
  /** RSS as the OS sees it (no forced GC): connected before the flood, and `afterS` after it */
  rssBeforeMb: number;
  rssAfterMb: number;
  afterS: number;
}

export async function runMemory(opts: {
  count: number;
  samples: number;
  /** how long after the flood the RSS is read again */
  afterS: number;
  log: (line: string) => void;
}): Promise<MemoryResult> {
  const { flood, url } = await startFlood();
  try {
    const core = new BenchChild(await bundleCoreHost());
    try {
      core.send({
        type: 'start',
        url,
        token: 'bench-token',
        sampleEvery: Math.max(1, Math.floor(opts.count / opts.samples)),
      });
      await core.next('ready', 60_000);
      core.send({ type: 'mem' });
      const before = await core.next<{ type: 'mem'; rssMb: number }>('mem');
      core.send({ type: 'expect', count: opts.count });
      flood.send({ type: 'flood-now', count: opts.count });
      const started = await flood.next<FloodStarted>('flood-started', 60_000);
      const done = await core.next<Delivered & { history: unknown }>(
        'delivered',
        120_000 + opts.count,
      );
      const samples = (done.memorySamples ?? []).map((s) => ({
        events: s.events,
        rssMb: s.rssMb,
        heapUsedMb: s.heapUsedMb,
      }));
      opts.log(`memory: ${opts.count} events in ${((done.at - started.at) / 1000).toFixed(1)} s`);
      // Where the peak is: V8's heap (committed) against buffers outside it.
      const peak = (done.memorySamples ?? []).reduce<MemorySample | null>(
        (top, s) => (top === null || s.rssMb > top.rssMb ? s : top),
        null,
      );
      if (peak)
        opts.log(
          `memory: at the RSS peak (${peak.rssMb.toFixed(0)} MB) the heap holds ${peak.heapTotalMb.toFixed(0)} MB (${peak.heapUsedMb.toFixed(0)} MB in use), array buffers ${peak.arrayBuffersMb.toFixed(0)} MB`,
        );
      await sleep(opts.afterS * 1000);
      core.send({ type: 'mem' });
      const after = await core.next<{ type: 'mem'; rssMb: number }>('mem');
      if (process.env.BENCH_SMAPS)
        opts.log(
          `memory: resident by mapping, before ${JSON.stringify((before as { smaps?: unknown }).smaps)}, after ${JSON.stringify((after as { smaps?: unknown }).smaps)}`,
        );
      return {
        count: opts.count,
        seconds: (done.at - started.at) / 1000,
        samples,
        history: done.history,
        rssBeforeMb: before.rssMb,
        rssAfterMb: after.rssMb,
        afterS: opts.afterS,
      };
    } finally {
      await core.stop();
    }
  } finally {
    await flood.stop();
  }
}
