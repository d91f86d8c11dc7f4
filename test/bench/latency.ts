// Latency under load: events are published over HTTP (POST /v1/events, as an operator's script
// would) to the reference server at a steady rate, and two consumers of that server are timed:
//   - notification decision: a core process (core-host.ts) with the whole AppService; the time
//     runs from just before the HTTP request to the notifier's call of notify.show;
//   - feed row: the browser preview (its own core process) with its page in Chromium; the time
//     runs from just before the HTTP request to a MutationObserver in the page seeing a row with
//     that event's id (a row inserted or given that id; the paint follows within one frame).
// Both consumers run at the same time, as the app's main process and window do. A third
// consumer is the baseline: a bare `ws` client (ingest-client.ts) that only parses each frame,
// timed from the same publish to its arrival; the gap to it is what the core adds (mostly the
// 50 ms batching window, by design).
//
// The three-server variant (runLatencyServers): three reference servers, the events published
// round-robin over them (the rate is the total), one core process following all three and one
// bare client per server; notification decision and transport only, timed the same way.
//
// Sampling of notifications: the notifier shows at most 3 notifications per channel per 10 s and
// folds the rest, so a flood of notifiable events would give 6 samples per 10 s, all from the
// start of bursts. Instead, most events are feed-only and one "probe" is sent every 600 ms, the
// six channels taking turns, so each gets one every 3.6 s (security alerts of severity high,
// maintenance starts, and one type in each other channel switched to "notify" in the rules).
// Every probe stays inside the burst limit and must be notified; a probe that is not is counted
// as missed.
import http from 'node:http';
import type { Browser, Page } from '@playwright/test';
import { startKatyaServer } from '../../main/server/server';
import type { KatyaServer } from '../../main/server/server';
import type { EventType } from '../../main/core/common/protocol';
import type { NotificationRules } from '../../main/core/common/settings-schema';
import { launchPreview } from '../e2e/support/preview';
import { eventPool } from './events';
import type { PooledEvent } from './events';
import { bundleCoreHost } from './core-host-bundle';
import {
  BenchChild,
  type LoopDelay,
  cpuShares,
  epochNow,
  percentile,
  processCpu,
  profilePage,
  shimEsbuildNames,
  sleep,
  tempDir,
  until,
} from './lib';

const ADMIN = 'bench-admin-token';
const PROBE_SPACING_MS = 3600;
/** the most a late publisher makes up at once (sleep(5) wakes up to a few ms late anyway) */
const MAX_CATCH_UP_MS = 25;

interface Probe {
  event: EventType;
  data: (n: number) => Record<string, unknown>;
}

const PROBES: Probe[] = [
  {
    event: 'security.alert.created',
    data: (n) => ({
      id: `alert_probe${n}`,
      title: `Probe alert ${n}`,
      description: 'Latency probe',
      severity: 'high',
      category: 'authentication',
      source: '10.0.0.9',
    }),
  },
  {
    event: 'system.maintenance.start',
    data: (n) => ({ id: `mnt_probe${n}`, title: `Probe maintenance ${n}`, components: ['api'] }),
  },
  {
    event: 'message.deleted',
    data: (n) => ({ id: `msg_probe${n}`, roomId: 'room_ops', roomName: 'ops', deletedBy: 'Bob' }),
  },
  {
    event: 'room.created',
    data: (n) => ({ id: `room_probe${n}`, name: `probe-${n}`, createdBy: 'Alice' }),
  },
  {
    event: 'trust.identity.created',
    data: (n) => ({ id: `idn_probe${n}`, userId: 'usr_1', userName: 'Carol', provider: 'email' }),
  },
  {
    event: 'analytics.report.completed',
    data: (n) => ({ id: `rep_probe${n}`, name: `Probe report ${n}`, period: 'daily', rows: n }),
  },
];

/** Rules for the measured core: the four probe types outside security and system notify. */
export const PROBE_RULES: Partial<NotificationRules> = {
  perEvent: {
    'message.deleted': 'notify',
    'room.created': 'notify',
    'trust.identity.created': 'notify',
    'analytics.report.completed': 'notify',
  },
};

const PROBE_TYPES = new Set<string>(PROBES.map((p) => p.event));

/** Background events: the demo mix without anything that notifies under PROBE_RULES. */
function backgroundPool(): PooledEvent[] {
  return eventPool().filter(
    (p) =>
      !PROBE_TYPES.has(p.event) &&
      !p.event.startsWith('security.alert.') &&
      !p.event.startsWith('system.maintenance.') &&
      !(p.event === 'system.status.changed' && p.data.status !== 'operational'),
  );
}

interface Published {
  /** epoch ms (sub-ms) and Date.now() just before the request was issued */
  at: number;
  atDate: number;
  /** the server it was published to (its WebSocket URL) */
  server: string;
  id: string | null;
  probe: boolean;
  phase: number;
}

/** What identifies an event across servers: ids are each server's own. */
const eventKey = (serverUrl: string, id: string) => `${serverUrl} ${id}`;

/**
 * POSTs events over keep-alive connections, the way a script publishing in a loop would; with
 * several servers, each event goes to the next server in turn.
 */
class Publisher {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  readonly published: Published[] = [];
  errors = 0;
  private bg = backgroundPool();
  private bgNext = 0;
  private probeCounter = 0;
  /** when the next probe is due (Date.now()), and the channel whose turn it is */
  private nextProbeAt: number;
  private nextProbeChannel = 0;
  private posts = 0;

  constructor(private readonly servers: readonly KatyaServer[]) {
    const t0 = Date.now() + 500;
    this.nextProbeAt = t0;
  }

  private post(event: string, data: Record<string, unknown>, probe: boolean, phase: number) {
    const server = this.servers[this.posts++ % this.servers.length]!;
    const body = JSON.stringify({ event, data });
    const record: Published = {
      at: epochNow(),
      atDate: Date.now(),
      server: server.url,
      id: null,
      probe,
      phase,
    };
    this.published.push(record);
    const req = http.request(
      `${server.httpUrl}/v1/events`,
      {
        method: 'POST',
        agent: this.agent,
        headers: {
          authorization: `Bearer ${ADMIN}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => {
          try {
            record.id = (JSON.parse(text) as { id?: string }).id ?? null;
          } catch {
            this.errors++;
          }
          if (res.statusCode !== 200) this.errors++;
        });
      },
    );
    req.on('error', () => this.errors++);
    req.end(body);
  }

  private publishOne(phase: number) {
    const now = Date.now();
    if (now >= this.nextProbeAt) {
      // The channels take turns, one probe at a time: after a stall of the publisher, the
      // probes that fell due meanwhile do not all go out together. From now, not from when it
      // was due: a late probe must not shorten the next spacing.
      this.nextProbeAt = now + PROBE_SPACING_MS / PROBES.length;
      const p = PROBES[this.nextProbeChannel++ % PROBES.length]!;
      this.post(p.event, p.data(++this.probeCounter), true, phase);
      return;
    }
    const b = this.bg[this.bgNext++ % this.bg.length]!;
    this.post(b.event, b.data, false, phase);
  }

  /**
   * Publish at `rate` events per second (in all) for `seconds`; returns the rate achieved.
   * A publisher held up (its process or the machine paused) does not make up for the lost
   * time in one go: a second's events in one burst is not the steady rate measured, and the
   * probes in that burst would be timed against it. It goes on from where it is, so the rate
   * achieved falls short by the time lost.
   */
  async run(
    rate: number,
    seconds: number,
    phase: number,
  ): Promise<{ achievedRate: number; lostMs: number }> {
    const start = performance.now();
    const slack = Math.max(1, Math.floor((rate * MAX_CATCH_UP_MS) / 1000));
    let scheduled = 0;
    let sent = 0;
    let lost = 0;
    while (performance.now() - start < seconds * 1000) {
      const due = Math.floor((rate * (performance.now() - start)) / 1000);
      if (due - scheduled > slack) {
        lost += due - slack - scheduled;
        scheduled = due - slack;
      }
      for (; scheduled < due; scheduled++, sent++) this.publishOne(phase);
      await sleep(5);
    }
    return {
      achievedRate: sent / ((performance.now() - start) / 1000),
      lostMs: (lost * 1000) / rate,
    };
  }

  /** Wait until every request so far has its answer (the server's id for the event). */
  async answered(): Promise<void> {
    await until('publish answers', () => this.published.every((p) => p.id !== null), 10_000, 20);
  }

  /** The events published in `phase`, by server and id. */
  phase(phase: number): { mine: Published[]; byKey: Map<string, Published> } {
    const mine = this.published.filter((p) => p.phase === phase);
    const byKey = new Map(mine.filter((p) => p.id).map((p) => [eventKey(p.server, p.id!), p]));
    return { mine, byKey };
  }

  close() {
    this.agent.destroy();
  }
}

export interface LatencyStats {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

function stats(samples: number[]): LatencyStats {
  return {
    n: samples.length,
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    p99: percentile(samples, 99),
    max: samples.length ? Math.max(...samples) : NaN,
  };
}

/** The figures the core and the bare clients give for one phase, one server or several. */
export interface NotifyTransport {
  rate: number;
  achievedRate: number;
  seconds: number;
  notify: LatencyStats;
  probesSent: number;
  probesMissed: number;
  /** publish to arrival in a bare ws client: the transport's share */
  transport: LatencyStats;
  /** how late the core's event loop ran, and the bare clients' (the worst of them) */
  loopDelay: { core: LoopDelay | null; bare: LoopDelay | null };
  /**
   * A notified probe's time in two parts: publish -> the start of the core's socket read that
   * carried it (the transport, and the wait for the core to be given a CPU); that read's
   * start -> the decision (the frames before it in the same read, then its own handling)
   */
  notifySplit: { toRead: LatencyStats; inCore: LatencyStats };
  /** percent of the machine's CPU time the hypervisor took while the phase ran (Linux) */
  stealPercent: number | null;
  /**
   * How busy the machine was while the phase ran, and who kept it busy (Linux): on two cores
   * the page, the browser, the servers and three clients share them, and a process waiting for
   * a core is late however little work it has.
   */
  cpu: ReturnType<typeof cpuShares>;
  /** the time the publisher was held up for and did not make up (its events not sent) */
  publisherLostMs: number;
}

export interface LatencyPhase extends NotifyTransport {
  feed: LatencyStats;
  feedPublished: number;
  /** fraction of published events seen as a row in the page */
  feedCoverage: number;
  longTasksOver50ms: number;
  pageHeapMb: number | null;
}

export interface ServersLatencyPhase extends NotifyTransport {
  /** how many servers the core followed, the events spread evenly over them */
  servers: number;
}

// ---- the consumers: one core following every server, one bare client per server ----------

interface Consumers {
  core: BenchChild;
  bares: { url: string; child: BenchChild }[];
  /** the core's id of each server it follows -> that server's URL */
  serverUrls: Map<string, string>;
}

/** Start the core and the bare clients on `servers`; the core is ready when this returns. */
async function startConsumers(servers: readonly KatyaServer[]): Promise<Consumers> {
  const c: Consumers = {
    core: new BenchChild(await bundleCoreHost()),
    bares: servers.map((s) => ({
      url: s.url,
      child: new BenchChild(
        'ingest-client.ts',
        ['bare', s.url, '1000000000', '--arrivals', `--token=${ADMIN}`],
        { quietStdout: true },
      ),
    })),
    serverUrls: new Map(),
  };
  try {
    c.core.send({
      type: 'start',
      urls: servers.map((s) => s.url),
      token: ADMIN,
      notifications: PROBE_RULES,
      stampProbes: true,
    });
    const ready = await c.core.next<{ type: 'ready'; servers: { id: string; url: string }[] }>(
      'ready',
      60_000,
    );
    for (const s of ready.servers) c.serverUrls.set(s.id, s.url);
  } catch (err) {
    await stopConsumers(c);
    throw err;
  }
  return c;
}

async function stopConsumers(c: Consumers): Promise<void> {
  await Promise.all([c.core.stop(), ...c.bares.map((b) => b.child.stop())]);
}

/** The notifications the core showed and the events the bare clients got, since the last call. */
async function collect(c: Consumers) {
  c.core.send({ type: 'collect' });
  for (const b of c.bares) b.child.send({ type: 'collect' });
  const { shown, loopDelay } = await c.core.next<{
    type: 'notifications';
    shown: {
      server: string | null;
      eventId: string | null;
      at: number;
      /** when the core's socket read that carried the probe began */
      readAt?: number;
    }[];
    loopDelay: LoopDelay | null;
  }>('notifications');
  const notified: [key: string, at: number, readAt: number | undefined][] = [];
  for (const n of shown) {
    const url = n.server === null ? undefined : c.serverUrls.get(n.server);
    if (url !== undefined && n.eventId !== null)
      notified.push([eventKey(url, n.eventId), n.at, n.readAt]);
  }
  const arrived: [key: string, at: number][] = [];
  let bareDelay: LoopDelay | null = null;
  for (const b of c.bares) {
    const part = await b.child.next<{
      type: 'arrivals';
      arrivals: [string, number][];
      loopDelay: LoopDelay | null;
    }>('arrivals');
    for (const [id, at] of part.arrivals) arrived.push([eventKey(b.url, id), at]);
    const d = part.loopDelay;
    if (d && (!bareDelay || d.p99 > bareDelay.p99)) bareDelay = d;
  }
  return { notified, arrived, loopDelay: { core: loopDelay, bare: bareDelay } };
}

/** Publish one phase, let its last events through, and time the core and the bare clients. */
async function measurePhase(
  publisher: Publisher,
  c: Consumers,
  p: { rate: number; seconds: number; phase: number },
): Promise<{ figures: NotifyTransport; mine: Published[]; byKey: Map<string, Published> }> {
  const before = processCpu();
  const { achievedRate, lostMs } = await publisher.run(p.rate, p.seconds, p.phase);
  const cpu = cpuShares(before, processCpu());
  // Let the last events through (batching, history, the bridge, a frame).
  await sleep(1500);
  const { notified, arrived, loopDelay } = await collect(c);
  const { mine, byKey } = publisher.phase(p.phase);
  const notifyLatencies: number[] = [];
  const notifiedKeys = new Set<string>();
  const split = { toRead: [] as number[], inCore: [] as number[] };
  for (const [key, at, readAt] of notified) {
    const pub = byKey.get(key);
    if (!pub || !pub.probe) continue;
    notifiedKeys.add(key);
    notifyLatencies.push(at - pub.at);
    if (readAt !== undefined) {
      split.toRead.push(readAt - pub.at);
      split.inCore.push(at - readAt);
    }
  }
  const transportLatencies: number[] = [];
  for (const [key, at] of arrived) {
    const pub = byKey.get(key);
    if (pub) transportLatencies.push(at - pub.at);
  }
  const probes = mine.filter((x) => x.probe);
  const figures: NotifyTransport = {
    rate: p.rate,
    achievedRate,
    seconds: p.seconds,
    notify: stats(notifyLatencies),
    probesSent: probes.length,
    probesMissed: probes.filter((x) => !x.id || !notifiedKeys.has(eventKey(x.server, x.id))).length,
    transport: stats(transportLatencies),
    loopDelay,
    notifySplit: { toRead: stats(split.toRead), inCore: stats(split.inCore) },
    stealPercent: cpu ? cpu.stealPct : null,
    cpu,
    publisherLostMs: lostMs,
  };
  return { figures, mine, byKey };
}

const summary = (r: NotifyTransport) =>
  `transport p50 ${r.transport.p50.toFixed(1)} ms, notify p50 ${r.notify.p50.toFixed(1)} p99 ${r.notify.p99.toFixed(1)} ms (n=${r.notify.n})`;

// ---- the page's rows ------------------------------------------------------------------------

async function installRowWatch(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as {
      __rowSeen: Map<string, number>;
      __longTasks: number[];
    };
    w.__rowSeen = new Map();
    w.__longTasks = [];
    const scan = () => {
      const now = Date.now();
      for (const el of document.querySelectorAll('[role="listbox"] [data-event-id]')) {
        const id = el.getAttribute('data-event-id');
        if (id && !w.__rowSeen.has(id)) w.__rowSeen.set(id, now);
      }
    };
    // A row is new to the DOM or, as the list reuses its rows, given another event.
    new MutationObserver(scan).observe(document.body, {
      childList: true,
      subtree: true,
      attributeFilter: ['data-event-id'],
    });
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longTasks.push(e.duration);
    }).observe({ type: 'longtask' });
  });
}

/** What the page saw since the last call: rows (event id, when), long tasks, its heap. */
function drainRowWatch(page: Page) {
  return page.evaluate(() => {
    const w = window as unknown as {
      __rowSeen: Map<string, number>;
      __longTasks: number[];
    };
    const seen = [...w.__rowSeen.entries()];
    const longTasks = w.__longTasks.splice(0);
    w.__rowSeen.clear();
    const mem = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
    return { seen, longTasks, heap: mem ? mem.usedJSHeapSize / 1048576 : null };
  });
}

/**
 * Drains the page's watch every second while a phase runs: a map of every row of a minute at
 * 1,000 events/s (60,000 entries, rehashed as it grows) would be old-generation garbage of the
 * harness's own, and the page's major collections are what the long-task count measures.
 */
function watchRows(page: Page) {
  // A row still in the window after a drain is seen again: its first sighting counts.
  const seen = new Map<string, number>();
  const longTasks: number[] = [];
  const drain = async () => {
    const part = await drainRowWatch(page);
    for (const [id, at] of part.seen) if (!seen.has(id)) seen.set(id, at);
    longTasks.push(...part.longTasks);
    return part.heap;
  };
  let draining = Promise.resolve<number | null>(null);
  const timer = setInterval(() => {
    draining = draining.then(drain);
  }, 1000);
  return {
    async stop() {
      clearInterval(timer);
      await draining;
      const heap = await drain();
      return { seen, longTasks, heap };
    },
  };
}

// ---- the runs -------------------------------------------------------------------------------

const startServer = () =>
  startKatyaServer({ tokens: [{ token: ADMIN, channels: ['*'], admin: true }] });

/** One server: the core, the bare client and the preview's page, at each rate in turn. */
export async function runLatency(opts: {
  browser: Browser;
  rates: number[];
  seconds: number;
  log: (line: string) => void;
}): Promise<LatencyPhase[]> {
  const server = await startServer();
  const publisher = new Publisher([server]);
  let consumers: Consumers | null = null;
  let app: Awaited<ReturnType<typeof launchPreview>> | null = null;
  try {
    consumers = await startConsumers([server]);
    app = await launchPreview(opts.browser, tempDir('preview'), [
      '--server',
      server.url,
      '--token',
      ADMIN,
    ]);
    const page = app.page;
    await shimEsbuildNames(page);
    // A tall window, so that every event of a 50 ms batch at 1,000/s gets a row and is seen
    // (a normal window shows about 20 rows: the newest of each batch only, a biased sample).
    await page.setViewportSize({ width: 1200, height: 4000 });
    await page.getByRole('listbox', { name: 'Events, newest first' }).waitFor({ timeout: 60_000 });
    await until('three consumers connected', () => server.clientCount() >= 3, 60_000, 20);
    await installRowWatch(page);
    // Warm-up: the chain works end to end before anything is timed.
    await publisher.run(20, 1, -1);
    await publisher.answered();
    await page.waitForFunction(
      (n) => (window as unknown as { __rowSeen: Map<string, number> }).__rowSeen.size >= n,
      Math.min(20, publisher.published.length),
      { timeout: 30_000 },
    );
    await drainRowWatch(page);
    await collect(consumers);

    const phases: LatencyPhase[] = [];
    for (const [phase, rate] of opts.rates.entries()) {
      const profile = await profilePage(page, `latency-page-${rate}`);
      const watch = watchRows(page);
      const { figures, mine, byKey } = await measurePhase(publisher, consumers, {
        rate,
        seconds: opts.seconds,
        phase,
      });
      const rows = await watch.stop();
      await profile.stop();
      // The page shows each server's own event id (data-event-id).
      const feedLatencies: number[] = [];
      for (const [id, at] of rows.seen) {
        const p = byKey.get(eventKey(server.url, id));
        if (p) feedLatencies.push(at - p.atDate);
      }
      const result: LatencyPhase = {
        ...figures,
        feed: stats(feedLatencies),
        feedPublished: mine.length,
        feedCoverage: mine.length ? feedLatencies.length / mine.length : 0,
        longTasksOver50ms: rows.longTasks.filter((d) => d > 50).length,
        pageHeapMb: rows.heap,
      };
      phases.push(result);
      opts.log(
        `latency ${rate}/s: ${summary(result)}, feed p50 ${result.feed.p50.toFixed(1)} p99 ${result.feed.p99.toFixed(1)} ms (n=${result.feed.n})`,
      );
    }
    if (publisher.errors > 0) opts.log(`latency: ${publisher.errors} publish errors`);
    return phases;
  } finally {
    publisher.close();
    if (consumers) await stopConsumers(consumers);
    await app?.close().catch((err: Error) => opts.log(`preview close: ${err.message}`));
    await server.close();
  }
}

/**
 * Several servers: one core following them all and one bare client on each, the events
 * published round-robin over the servers at `rate` in all; no page (the feed is not timed).
 */
export async function runLatencyServers(opts: {
  servers: number;
  rate: number;
  seconds: number;
  log: (line: string) => void;
}): Promise<ServersLatencyPhase> {
  const servers: KatyaServer[] = [];
  let publisher: Publisher | null = null;
  let consumers: Consumers | null = null;
  try {
    for (let i = 0; i < opts.servers; i++) servers.push(await startServer());
    publisher = new Publisher(servers);
    consumers = await startConsumers(servers);
    await until(
      'the core and a bare client on every server',
      () => servers.every((s) => s.clientCount() >= 2),
      60_000,
      20,
    );
    // Warm-up: the chain works end to end, on every server, before anything is timed.
    await publisher.run(20, 1, -1);
    await publisher.answered();
    consumers.core.send({ type: 'expect', count: publisher.published.length });
    await consumers.core.next('delivered', 30_000);
    await collect(consumers);

    const { figures } = await measurePhase(publisher, consumers, {
      rate: opts.rate,
      seconds: opts.seconds,
      phase: 0,
    });
    const result: ServersLatencyPhase = { servers: opts.servers, ...figures };
    opts.log(`latency ${opts.rate}/s over ${opts.servers} servers: ${summary(result)}`);
    if (publisher.errors > 0) opts.log(`latency: ${publisher.errors} publish errors`);
    return result;
  } finally {
    publisher?.close();
    if (consumers) await stopConsumers(consumers);
    await Promise.all(servers.map((s) => s.close()));
  }
}
