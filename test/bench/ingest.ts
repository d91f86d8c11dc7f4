// Ingest and memory: how many events per second get from a server through the core's whole
// pipeline to its batched output, against two baselines reading the same flood from the same
// kind of server; and the core's memory while a million events stream through.
import { eventPool, poolStats } from './events';
import { BenchChild, median, sleep } from './lib';

export type ClientKind = 'bare' | 'document' | 'engine' | 'coreInMemory' | 'core';

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
  memorySamples?: { events: number; rssMb: number; heapUsedMb: number; at: number }[];
}

interface FloodStarted {
  type: 'flood-started';
  at: number;
}

export async function startFlood(): Promise<{ flood: BenchChild; url: string }> {
  const flood = new BenchChild('flood-server.ts');
  const { url } = await flood.next<{ type: 'listening'; url: string }>('listening', 60_000);
  return { flood, url };
}

function startClient(kind: ClientKind, url: string, count: number): BenchChild {
  if (kind === 'core' || kind === 'coreInMemory') {
    const core = new BenchChild('core-host.ts');
    core.send({
      type: 'start',
      url,
      token: 'bench-token',
      historyInMemory: kind === 'coreInMemory',
    });
    core.send({ type: 'expect', count });
    return core;
  }
  return new BenchChild('ingest-client.ts', [kind, url, String(count)], { quietStdout: true });
}

/** One client reads one flood of `count` events; returns events per second. */
async function oneRun(
  flood: BenchChild,
  url: string,
  kind: ClientKind,
  count: number,
): Promise<{ rate: number; notified: number }> {
  flood.send({ type: 'arm', count });
  const client = startClient(kind, url, count);
  try {
    const started = await flood.next<FloodStarted>('flood-started', 60_000);
    const done = await client.next<Delivered>('delivered', 60_000 + count / 2);
    // From the server's first byte to the last event out of the client: the same span for all.
    const seconds = (done.at - started.at) / 1000;
    await flood.next('flood-written', 10_000);
    return { rate: count / seconds, notified: done.notified ?? 0 };
  } finally {
    await client.stop();
  }
}

export async function runIngest(opts: {
  count: number;
  rounds: number;
  log: (line: string) => void;
}): Promise<IngestResult> {
  const { flood, url } = await startFlood();
  const perRound: Record<ClientKind, number[]> = {
    bare: [],
    document: [],
    engine: [],
    coreInMemory: [],
    core: [],
  };
  let coreNotified = 0;
  try {
    for (let r = 0; r < opts.rounds; r++) {
      // Interleaved, so that a slow spell of the machine hits every client alike.
      for (const kind of ['bare', 'document', 'engine', 'coreInMemory', 'core'] as const) {
        const { rate, notified } = await oneRun(flood, url, kind, opts.count);
        perRound[kind].push(rate);
        if (kind === 'core') coreNotified = notified;
        opts.log(`ingest round ${r + 1}/${opts.rounds} ${kind}: ${Math.round(rate)} events/s`);
      }
    }
  } finally {
    await flood.stop();
  }
  return {
    count: opts.count,
    rounds: opts.rounds,
    meanFrameBytes: poolStats(eventPool()).meanFrameBytes,
    perRound,
    median: {
      bare: median(perRound.bare),
      document: median(perRound.document),
      engine: median(perRound.engine),
      coreInMemory: median(perRound.coreInMemory),
      core: median(perRound.core),
    },
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
    const core = new BenchChild('core-host.ts');
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
      await sleep(opts.afterS * 1000);
      core.send({ type: 'mem' });
      const after = await core.next<{ type: 'mem'; rssMb: number }>('mem');
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
