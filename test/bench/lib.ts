// Small shared helpers for the benchmarks: statistics, a clock that several processes agree on,
// waiting for a condition, and child processes (TypeScript through tsx) that talk over IPC.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { IntervalHistogram } from 'node:perf_hooks';
import type { Page } from '@playwright/test';

/**
 * Epoch milliseconds with sub-millisecond resolution, comparable between our processes.
 * `performance.timeOrigin` alone is not: each process fixes it at start-up and it was seen to
 * differ from Date.now() by 1-6 ms, process to process. So the offset is calibrated once per
 * process at the edge of a Date.now() tick, where the wall clock is known to within microseconds.
 */
function calibrate(): number {
  const offsets: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = Date.now();
    let now = start;
    let perf = performance.now();
    while (now === start) {
      perf = performance.now();
      now = Date.now();
    }
    offsets.push(now - perf);
  }
  offsets.sort((a, b) => a - b);
  return offsets[2]!;
}
// Calibrated at the first use, not at load: the loop busy-waits five clock ticks (~5 ms),
// which a core host's cold start would otherwise count as its own.
let epochOffset: number | null = null;

export function epochNow(): number {
  epochOffset ??= calibrate();
  return epochOffset + performance.now();
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function until<T>(
  what: string,
  fn: () => T | undefined | null | false,
  timeoutMs = 30_000,
  stepMs = 5,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(stepMs);
  }
}

/** Nearest-rank percentile of unsorted samples; NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

export function round(n: number, digits = 1): number {
  if (!Number.isFinite(n)) return n;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `katya-bench-${prefix}-`));
}

// ---- child processes --------------------------------------------------------------------

export interface ChildMessage {
  type: string;
  [key: string]: unknown;
}

/**
 * A TypeScript script run in its own Node process (through tsx), so that what it measures
 * has a process to itself, as the app's main process does. Messages go both ways over IPC.
 */
export class BenchChild {
  readonly process: ChildProcess;
  private readonly inbox: ChildMessage[] = [];
  private readonly waiters: (() => void)[] = [];
  private exitCode: number | null | undefined = undefined;
  readonly stderr: string[] = [];

  /**
   * `script` is a file beside this one, run through tsx, or the absolute path of a built
   * `.cjs` bundle, run by plain Node (what cold-start figures must measure: no compiler).
   */
  constructor(
    script: string,
    args: string[] = [],
    opts: { quietStdout?: boolean; exposeGc?: boolean } = {},
  ) {
    const built = script.endsWith('.cjs');
    this.process = fork(path.resolve(import.meta.dirname, script), args, {
      // For investigations: BENCH_GC=1 lets core-host force a GC before each memory sample;
      // BENCH_PROF=DIR writes a CPU profile of every core-host process into DIR.
      execArgv: [
        ...(built ? [] : ['--import', 'tsx']),
        ...(opts.exposeGc ? ['--expose-gc'] : []),
        ...(process.env.BENCH_GC && !opts.exposeGc ? ['--expose-gc'] : []),
        ...(process.env.BENCH_TRACE_GC ? ['--trace-gc'] : []),
        // For experiments with V8's memory settings: BENCH_NODE_FLAGS="--max-semi-space-size=4"
        ...(process.env.BENCH_NODE_FLAGS ? process.env.BENCH_NODE_FLAGS.split(' ') : []),
        ...(process.env.BENCH_PROF && /core-host(-start\.cjs|\.ts)$/.test(script)
          ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`]
          : []),
      ],
      stdio: ['ignore', opts.quietStdout ? 'ignore' : 'inherit', 'pipe', 'ipc'],
    });
    this.process.stderr!.setEncoding('utf8').on('data', (d: string) => {
      this.stderr.push(d);
      if (this.stderr.length > 200) this.stderr.shift();
    });
    this.process.on('message', (m) => {
      this.inbox.push(m as ChildMessage);
      this.wake();
    });
    this.process.on('exit', (code) => {
      this.exitCode = code;
      this.wake();
    });
  }

  private wake() {
    for (const w of this.waiters.splice(0)) w();
  }

  send(message: ChildMessage): void {
    this.process.send(message);
  }

  /** The next message of this type (earlier messages of other types stay in the inbox). */
  async next<T extends { type: string } = ChildMessage>(
    type: string,
    timeoutMs = 120_000,
  ): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const i = this.inbox.findIndex((m) => m.type === type);
      if (i >= 0) return this.inbox.splice(i, 1)[0] as T;
      const failed = this.inbox.find((m) => m.type === 'error');
      if (failed) throw new Error(`child failed: ${String(failed.message)}`);
      if (this.exitCode !== undefined) {
        throw new Error(
          `child exited (${this.exitCode}) before sending "${type}":\n${this.stderr.join('')}`,
        );
      }
      const left = end - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for "${type}" from the child`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Ask the child to stop, then make sure it does. */
  async stop(): Promise<void> {
    if (this.exitCode !== undefined) return;
    const exited = new Promise<void>((r) => this.process.once('exit', () => r()));
    try {
      this.send({ type: 'stop' });
    } catch {
      // the IPC channel may already be gone
    }
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * The machine's CPU time so far, in clock ticks, from /proc/stat (Linux; null elsewhere):
 * all of it, the part spent idle (waiting for I/O included), and the part the hypervisor gave
 * to other guests ("steal"). A shared virtual machine loses time this way without its load
 * average showing it.
 */
export function cpuTicks(): { total: number; idle: number; steal: number } | null {
  let line: string | undefined;
  try {
    line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
  } catch {
    return null;
  }
  const fields = line?.startsWith('cpu ') ? line.trim().split(/\s+/).slice(1, 9).map(Number) : [];
  if (fields.length < 8 || fields.some((n) => !Number.isFinite(n))) return null;
  return {
    total: fields.reduce((a, b) => a + b, 0),
    idle: fields[3]! + fields[4]!,
    steal: fields[7]!,
  };
}

/** Who a process on the machine is, for `processCpu`; null leaves it out. */
function processGroup(pid: number, cmd: string): string | null {
  if (pid === process.pid) return 'bench';
  if (cmd.includes('--type=renderer')) return 'page';
  if (cmd.split('\0', 1)[0]!.includes('chrom')) return 'chromium';
  if (cmd.includes('core-host')) return 'core';
  if (cmd.includes('ingest-client')) return 'bare';
  if (cmd.includes('preview')) return 'preview';
  return cmd ? 'other' : null;
}

/**
 * CPU time so far of every user process on the machine, in clock ticks, with who it is:
 * `bench` (this process: the reference servers and the publisher), `page` (Chromium's
 * renderers), `chromium` (its browser, GPU and utility processes), `core`, `bare`, `preview`,
 * `other`. With the machine's total from `cpuTicks()`; null off Linux.
 */
export function processCpu(): {
  machine: NonNullable<ReturnType<typeof cpuTicks>>;
  byPid: Map<number, { group: string; ticks: number }>;
} | null {
  const machine = cpuTicks();
  if (!machine) return null;
  const byPid = new Map<number, { group: string; ticks: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    let cmd: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const pid = Number(name);
    const group = processGroup(pid, cmd);
    // fields after the command name (which may hold spaces): state is the first, utime the 12th
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    if (group && Number.isFinite(ticks)) byPid.set(pid, { group, ticks });
  }
  return { machine, byPid };
}

/**
 * Between two `processCpu()` readings: the machine's busy share (neither idle nor stolen) and
 * the share the hypervisor stole, in percent of all its cores, and each group's CPU use in
 * percent of one core (a process started meanwhile counts whole; one that ended meanwhile is
 * missing).
 */
export function cpuShares(
  from: ReturnType<typeof processCpu>,
  to: ReturnType<typeof processCpu>,
): {
  machineBusyPct: number;
  stealPct: number;
  byGroupPctOfCore: Record<string, number>;
} | null {
  if (!from || !to || to.machine.total <= from.machine.total) return null;
  const elapsed = to.machine.total - from.machine.total;
  const perCore = elapsed / os.availableParallelism();
  const byGroupPctOfCore = Object.create(null) as Record<string, number>;
  for (const [pid, { group, ticks }] of to.byPid) {
    const used = ticks - (from.byPid.get(pid)?.ticks ?? 0);
    if (used > 0) byGroupPctOfCore[group] = (byGroupPctOfCore[group] ?? 0) + (100 * used) / perCore;
  }
  const idle = to.machine.idle - from.machine.idle;
  const steal = to.machine.steal - from.machine.steal;
  return {
    machineBusyPct: (100 * (elapsed - idle - steal)) / elapsed,
    stealPct: (100 * steal) / elapsed,
    byGroupPctOfCore,
  };
}

/** How late a process's event loop ran: p99 and worst, in ms. */
export interface LoopDelay {
  p99: number;
  max: number;
}

let loopHistogram: IntervalHistogram | null = null;
const LOOP_SAMPLE_MS = 10;

/**
 * How late this process's event loop ran since the last call (the first call starts the
 * meter and says nothing). Late means blocked by the process's own work or kept off the CPU by
 * others: a bare client beside the core tells the two apart. Sampled every 10 ms, so that the
 * meter's own timer stays out of the figures.
 */
export function takeLoopDelay(): LoopDelay | null {
  if (!loopHistogram) {
    loopHistogram = monitorEventLoopDelay({ resolution: LOOP_SAMPLE_MS });
    loopHistogram.enable();
    return null;
  }
  // The histogram holds the time between the meter's ticks: its interval plus the lateness.
  const late = (ns: number) => Math.max(0, ns / 1e6 - LOOP_SAMPLE_MS);
  const delay = { p99: late(loopHistogram.percentile(99)), max: late(loopHistogram.max) };
  loopHistogram.reset();
  return delay;
}

/** In a child: send a message to the parent. */
export function tellParent(message: ChildMessage): void {
  process.send?.(message);
}

/** In a child: report an error to the parent and exit. */
export function failToParent(err: unknown): never {
  const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
  tellParent({ type: 'error', message });
  console.error(message);
  process.exit(1);
}

/**
 * tsx compiles these files with esbuild's keepNames, which wraps named functions in a
 * `__name(...)` helper; functions handed to page.evaluate carry the call into the page, where
 * the helper does not exist. Define a no-op one there (for this document and later ones).
 */
export async function shimEsbuildNames(page: {
  addInitScript(script: string): Promise<unknown>;
  evaluate(script: string): Promise<unknown>;
}): Promise<void> {
  const shim = 'globalThis.__name = globalThis.__name || ((fn) => fn);';
  await page.addInitScript(shim);
  await page.evaluate(shim);
}

/**
 * For investigations, the page over one phase: with BENCH_PROF=DIR a CPU profile written to
 * DIR/<name>.cpuprofile, with BENCH_TRACE=DIR a Chrome trace to DIR/<name>.trace.json (open
 * either in Chromium's DevTools); otherwise nothing.
 */
export async function profilePage(page: Page, name: string): Promise<{ stop(): Promise<void> }> {
  const stops = await Promise.all([cpuProfile(page, name), renderingTrace(page, name)]);
  return { stop: async () => void (await Promise.all(stops.map((stop) => stop()))) };
}

/** BENCH_PROF: the page's JavaScript, sampled (V8's CPU profile). */
async function cpuProfile(page: Page, name: string): Promise<() => Promise<void>> {
  const dir = process.env.BENCH_PROF;
  if (!dir) return async () => {};
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.start');
  return async () => {
    const { profile } = await cdp.send('Profiler.stop');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    await cdp.detach();
  };
}

/**
 * BENCH_TRACE: a Chrome trace of the page (open it in DevTools' Performance panel), which also
 * shows what a CPU profile cannot: style, layout, paint and compositing in the renderer.
 */
async function renderingTrace(page: Page, name: string): Promise<() => Promise<void>> {
  const dir = process.env.BENCH_TRACE;
  const browser = page.context().browser();
  if (!dir || !browser) return async () => {};
  mkdirSync(dir, { recursive: true });
  await browser.startTracing(page, {
    path: path.join(dir, `${name}.trace.json`),
    categories: (
      process.env.BENCH_TRACE_CATEGORIES ??
      'devtools.timeline,disabled-by-default-devtools.timeline,v8.execute'
    ).split(','),
  });
  return async () => void (await browser.stopTracing());
}
