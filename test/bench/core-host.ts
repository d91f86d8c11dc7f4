// The core under measurement, in a process of its own as the app's main process is: the whole
// AppService (connection engine with de-duplication and batching, history on disk, notification
// policy, settings, token vault, log), built exactly as test/integration/app does it, with the
// fake encryptor as the only stand-in. The parent steers it over IPC:
//   {type:'start', url | urls, token, notifications?, sampleEvery?, historyInMemory?,
//    stampProbes?, ...}
//                                 -> {type:'ready', servers: [{id, url}]} once every server is
//                                    connected with its subscriptions active
//   {type:'expect', count}        -> {type:'delivered', at, ...} when `count` events came out,
//                                    counted over every server
//   {type:'collect'}              -> {type:'notifications', shown: [{server, eventId, at,
//                                    readAt?}], loopDelay} (readAt: a probe's socket read,
//                                    with stampProbes; its event loop's lateness since the last)
//   {type:'cpu'}                  -> {type:'cpu', user, system, at}
//   {type:'mem', gc?}             -> {type:'mem', rssMb, heapUsedMb, handles, timers, fds}
//   {type:'connected'}            -> {type:'connected', at} once every server is connected with
//                                    its subscriptions active
//   {type:'stop'}                 -> stops the service and exits
// "Came out" means: delivered in a 'feed:added' batch, the core's batched output to the window.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import WebSocket from 'ws';
import { AppService } from '../../main/app/app-service';
import type { AppServiceDeps } from '../../main/app/app-service';
import { probeServer } from '../../main/core/doctor';
import { confBackend } from '../../main/core/settings/settings';
import { newServer } from '../../main/core/common/servers';
import type { NotificationRules, ServerSettings } from '../../main/core/common/settings-schema';
import type { FeedEntry, ServerView } from '../../main/core/common/views';
import { splitFeedKey } from '../../main/core/history/merged-feed';
import { fakeEncryptor } from '../fakes/encryptor';
import { epochNow, failToParent, takeLoopDelay, tellParent, tempDir } from './lib';
import { favourSmallHeap } from '../../main/core/heap-tuning';

// As main/start.ts sets it for the app (BENCH_NO_SMALL_HEAP=1 to compare without).
if (!process.env.BENCH_NO_SMALL_HEAP) favourSmallHeap();

interface StartMessage {
  type: 'start';
  /** the one server to follow, or */
  url?: string;
  /** several, followed at once (each given `token`) */
  urls?: string[];
  token: string;
  notifications?: Partial<NotificationRules>;
  /** take a memory sample every this many delivered events */
  sampleEvery?: number;
  /**
   * A diagnostic: the history without its file, in the mode it falls back to when its folder
   * cannot be used (a file stands where the folder would be). Everything else as in the app.
   */
  historyInMemory?: boolean;
  /** the profile folder to use (a history already in it is loaded); default a new one */
  dataDir?: string;
  /** engine timings (a soak shortens the backoff) */
  connection?: AppServiceDeps['connection'];
  /** the profile already lists the server and holds its token: only wait for the connection */
  configured?: boolean;
  /** keep this many events in the history (a soak fills it early, so growth means a leak) */
  historyMaxEvents?: number;
  /** stamp the socket read that carries each latency probe (readAt in 'notifications') */
  stampProbes?: boolean;
}

let svc: AppService | null = null;
let lastServers: ServerView[] | null = null;
let delivered = 0;
let expected: number | null = null;
let sampleEvery = 0;
let nextSample = 0;
/** One `process.memoryUsage()` sample, taken every `sampleEvery` events delivered. */
export interface MemorySample {
  events: number;
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  arrayBuffersMb: number;
  at: number;
}
const memorySamples: MemorySample[] = [];
/** `eventId` as the notifier gives it: the feed id, `<server id>/<event id>` */
const shown: { eventId: string | null; at: number; title: string }[] = [];

function sampleMemory() {
  if (process.env.BENCH_GC && (globalThis as { gc?: () => void }).gc)
    (globalThis as { gc?: () => void }).gc!();
  const m = process.memoryUsage();
  memorySamples.push({
    events: delivered,
    rssMb: m.rss / 1048576,
    heapUsedMb: m.heapUsed / 1048576,
    heapTotalMb: m.heapTotal / 1048576,
    arrayBuffersMb: m.arrayBuffers / 1048576,
    at: epochNow(),
  });
}

function onFeedAdded(entries: FeedEntry[]) {
  for (const e of entries) if (e.kind === 'event') delivered++;
  if (sampleEvery > 0 && delivered >= nextSample) {
    sampleMemory();
    nextSample += sampleEvery;
  }
  if (expected !== null && delivered >= expected) {
    const at = epochNow();
    expected = null;
    tellParent({
      type: 'delivered',
      at,
      delivered,
      notified: shown.length,
      memorySamples,
      stats: svc?.diagnostics().stats,
      history: svc?.diagnostics().historyInfo,
    });
  }
}

async function start(m: StartMessage) {
  if (m.stampProbes) stampProbeReads();
  const dataDir = m.dataDir ?? tempDir('core');
  if (m.historyInMemory) writeFileSync(path.join(dataDir, 'history'), 'not a folder');
  sampleEvery = m.sampleEvery ?? 0;
  nextSample = sampleEvery;
  if (sampleEvery > 0) sampleMemory();
  svc = await AppService.start({
    dataDir,
    settingsBackend: confBackend({ cwd: dataDir }),
    encryptor: fakeEncryptor('keychain'),
    notify: {
      show: (n) => shown.push({ eventId: n.eventId, at: epochNow(), title: n.title }),
      withdraw: () => undefined,
    },
    emit: (channel, payload) => {
      if (channel === 'feed:added') onFeedAdded(payload as FeedEntry[]);
      else if (channel === 'servers:changed') serversChanged(payload as ServerView[]);
    },
    startDemo: null,
    probe: probeServer,
    ...(m.connection ? { connection: m.connection } : {}),
  });
  const invoke = svc.handlers.invoke;
  if (m.historyMaxEvents !== undefined) {
    const history = { ...svc.snapshot().settings.history, maxEvents: m.historyMaxEvents };
    const r = await invoke['settings:update']({ history });
    if (!r.ok) throw new Error(`history limit refused: ${JSON.stringify(r)}`);
  }
  if (m.notifications) {
    const base = svc.snapshot().settings.notifications;
    const r = await invoke['settings:update']({ notifications: { ...base, ...m.notifications } });
    if (!r.ok) throw new Error(`notification rules refused: ${JSON.stringify(r)}`);
  }
  if (m.configured) {
    await connected(30_000);
    const servers = svc.snapshot().settings.servers;
    tellParent({
      type: 'ready',
      dataDir,
      servers: servers.map((s) => ({ id: s.id, url: s.url })),
    });
    return;
  }
  // The servers first: a token is kept for the server it was entered for.
  const urls = m.urls ?? (m.url !== undefined ? [m.url] : []);
  if (urls.length === 0) throw new Error('start: no url nor urls');
  const servers: ServerSettings[] = [];
  for (const url of urls) servers.push(newServer(url, servers));
  const r = await invoke['settings:update']({ servers });
  if (!r.ok) throw new Error(`server URLs refused: ${JSON.stringify(r)}`);
  for (const server of servers) await invoke['token:set']({ token: m.token, server: server.id });
  await connected(30_000);
  tellParent({
    type: 'ready',
    dataDir,
    servers: servers.map((s) => ({ id: s.id, url: s.url })),
  });
}

const connectedWaiters = new Set<() => void>();

function serversChanged(servers: ServerView[]) {
  lastServers = servers;
  if (!connectedAndActive()) return;
  for (const resolve of connectedWaiters) resolve();
  connectedWaiters.clear();
}

/**
 * Resolves when a `servers:changed` says every server is connected with its subscriptions
 * active: at that moment, not at the next poll, which could come after work the app does
 * next (reading the history) and charge it to the connection.
 */
function connected(timeoutMs: number): Promise<void> {
  if (connectedAndActive()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      connectedWaiters.delete(done);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for every server connected`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    connectedWaiters.add(done);
  });
}

/**
 * Every server followed is connected and all its subscriptions are active, as the last
 * `servers:changed` said: reading what the core already sent costs the measured process
 * nothing, where asking it (diagnostics, snapshots) every few milliseconds would.
 */
function connectedAndActive(): boolean {
  const servers = lastServers;
  return (
    !!servers &&
    servers.length > 0 &&
    servers.every(
      (s) =>
        s.connection.phase === 'connected' &&
        s.subscriptions.length > 0 &&
        s.subscriptions.every((sub) => sub.status === 'active'),
    )
  );
}

/**
 * Where a latency probe's time goes (asked for by the latency section only): for each probe
 * frame (its text has "_probe"), when the socket read that carried it began, by the event's
 * id. Taken around every socket 'data' event, inside which `ws` hands over the read's frames
 * one after the other; what comes before is the transport and the wait for a CPU, what comes
 * after is the core's own.
 */
const probeReads = new Map<string, number>();

function stampProbeReads() {
  let readStartedAt: number | null = null;
  const socketEmit = net.Socket.prototype.emit;
  net.Socket.prototype.emit = function (
    this: net.Socket,
    name: string | symbol,
    ...args: unknown[]
  ) {
    if (name !== 'data') return Reflect.apply(socketEmit, this, [name, ...args]) as boolean;
    const outer = readStartedAt;
    readStartedAt = epochNow();
    try {
      return Reflect.apply(socketEmit, this, [name, ...args]) as boolean;
    } finally {
      readStartedAt = outer;
    }
  } as typeof socketEmit;
  const wsEmit = WebSocket.prototype.emit;
  WebSocket.prototype.emit = function (this: WebSocket, name: string | symbol, ...args: unknown[]) {
    const data = args[0];
    if (name === 'message' && readStartedAt !== null && Buffer.isBuffer(data)) {
      if (data.includes('_probe')) {
        const id = (JSON.parse(data.toString('utf8')) as { id?: unknown }).id;
        if (typeof id === 'string') probeReads.set(id, readStartedAt);
      }
    }
    return Reflect.apply(wsEmit, this, [name, ...args]) as boolean;
  } as typeof wsEmit;
}

/** The notifications shown since the last call, each with its server and that server's id. */
function takeShown() {
  return shown.splice(0).map((n) => {
    const key = splitFeedKey(n.eventId);
    const readAt = key ? probeReads.get(key.id) : undefined;
    if (key) probeReads.delete(key.id);
    return {
      server: key?.server ?? null,
      eventId: key?.id ?? null,
      at: n.at,
      title: n.title,
      ...(readAt !== undefined ? { readAt } : {}),
    };
  });
}

/** What a week of running could leak: memory, handles, timers, file descriptors. */
function resources(collect: boolean) {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (collect && gc) gc();
  const m = process.memoryUsage();
  const active = process.getActiveResourcesInfo();
  let fds: number | null = null;
  try {
    fds = readdirSync('/proc/self/fd').length;
  } catch {
    // not Linux: the handle count stands in
  }
  return {
    rssMb: m.rss / 1048576,
    heapUsedMb: m.heapUsed / 1048576,
    handles: active.length,
    timers: active.filter((r) => r === 'Timeout').length,
    fds,
    ...(process.env.BENCH_SMAPS ? { smaps: residentByMapping() } : {}),
  };
}

/**
 * For investigations (BENCH_SMAPS=1): resident MB by kind of mapping, from /proc/self/smaps:
 * glibc's main arena ([heap]), anonymous mappings (V8's pages, large mallocs, other arenas),
 * files (the binary, libraries).
 */
function residentByMapping(): Record<string, number> {
  const out: Record<string, number> = {};
  let kind = '';
  let text: string;
  try {
    text = readFileSync('/proc/self/smaps', 'utf8');
  } catch {
    return out;
  }
  for (const line of text.split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      const name = head[1]!;
      kind = name === '' ? 'anon' : name.startsWith('[') ? name : 'file';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) out[kind] = (out[kind] ?? 0) + Number(rss[1]) / 1024;
  }
  for (const k of Object.keys(out)) out[k] = Math.round(out[k]! * 10) / 10;
  return out;
}

process.on('message', (m: { type: string; [k: string]: unknown }) => {
  switch (m.type) {
    case 'start':
      start(m as unknown as StartMessage).catch(failToParent);
      return;
    case 'expect':
      expected = Number(m.count);
      onFeedAdded([]);
      return;
    case 'collect':
      tellParent({
        type: 'notifications',
        shown: takeShown(),
        delivered,
        loopDelay: takeLoopDelay(),
      });
      return;
    case 'cpu': {
      const u = process.cpuUsage();
      tellParent({ type: 'cpu', user: u.user, system: u.system, at: epochNow() });
      return;
    }
    case 'mem':
      tellParent({ type: 'mem', ...resources(m.gc === true) });
      return;
    case 'connected':
      connected(60_000).then(() => tellParent({ type: 'connected', at: epochNow() }), failToParent);
      return;
    case 'stop':
      void (svc?.stop() ?? Promise.resolve()).finally(() => process.exit(0));
      return;
  }
});
process.on('unhandledRejection', failToParent);
tellParent({ type: 'alive' });
