// The window alone, in Chromium, on the built renderer (dist/renderer) with the scripted
// implementation of the contract the renderer suites use (test/e2e/support/scripted-katya*.ts):
// no core, no sockets, so only the window's own work is timed.
//   - burst: 1,000 live events pushed at once onto a 10,000-event feed; the time runs from the
//     push to the first animation frame after the newest row is in the DOM (plus one task, so
//     the frame has been produced);
//   - scroll: from the top of a 10,000-event feed to its bottom in steps of 2,000 px (a fast
//     wheel fling), each step waiting for the rows of its position, older pages loaded on the
//     way as the feed asks for them;
//   - stream: 200 batches of 5 events, then 200 of 50, one after the other, on top of that
//     feed, in a window 4,000 px tall (as the latency section's, so every row of a batch is
//     drawn): the time from each push to its newest row in the DOM and the page laid out again,
//     which is the window's own work per batch of a 100 and a 1,000 events/s flood, without the
//     other processes of the latency section competing for the machine;
//   - long tasks (PerformanceObserver 'longtask', > 50 ms) counted over all three.
import type { Browser, Page } from '@playwright/test';
import { RENDERER_ORIGIN, serveRenderer } from '../e2e/support/renderer';
import { installScriptedKatya } from '../e2e/support/scripted-katya';
import { median, percentile, profilePage, shimEsbuildNames } from './lib';

const SEED = 10_000;

export interface RendererResult {
  burstMs: number[];
  burstMedianMs: number;
  scrollTotalMs: number;
  scrollSteps: number;
  scrollStepP50Ms: number;
  scrollStepP95Ms: number;
  scrollStepMaxMs: number;
  longTasksBurst: number[];
  longTasksScroll: number[];
  /** ms per 5-event batch of the stream */
  streamBatch5Ms: number[];
  /** ms per 50-event batch of the stream */
  streamBatchMs: number[];
  longTasksStream: number[];
}

async function openSeeded(
  browser: Browser,
  height = 800,
): Promise<{ page: Page; close: () => Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 1200, height } });
  const page = await context.newPage();
  await serveRenderer(page);
  await shimEsbuildNames(page);
  // A feed of SEED events needs a history that keeps them (and the bursts): main keeps
  // history.maxEvents, and the scripted main does as main does.
  await installScriptedKatya(page, {
    seed: SEED,
    settings: { history: { maxEvents: 2 * SEED, maxAgeDays: 30 } },
  });
  await page.goto(`${RENDERER_ORIGIN}/`);
  await page.getByTestId('feed-total').filter({ hasText: '10,000 events' }).waitFor({
    timeout: 60_000,
  });
  await page.waitForFunction(() => document.getElementById('feed-row-demo_evt_9999') !== null);
  await page.evaluate(() => {
    const w = window as unknown as { __longTasks: number[] };
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longTasks.push(e.duration);
    }).observe({ type: 'longtask' });
  });
  return { page, close: () => context.close() };
}

const takeLongTasks = (page: Page) =>
  page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks.splice(0));

export async function runRenderer(opts: {
  browser: Browser;
  bursts: number;
  /** batches of each size in the stream */
  streamBatches: number;
  log: (line: string) => void;
}): Promise<RendererResult> {
  // ---- bursts
  const burstMs: number[] = [];
  let longTasksBurst: number[];
  {
    const { page, close } = await openSeeded(opts.browser);
    try {
      await takeLongTasks(page);
      for (let b = 0; b < opts.bursts; b++) {
        const ms = await page.evaluate(
          (first) =>
            new Promise<number>((resolve, reject) => {
              const s = window.__katyaScript;
              const now = Date.now();
              const burst = Array.from({ length: 1000 }, (_, k) =>
                s.makeEvent(first + k, { receivedAt: now + k }),
              );
              const newest = `feed-row-demo_evt_${first + 999}`;
              const t0 = performance.now();
              s.push(burst);
              const giveUp = setTimeout(() => reject(new Error(`${newest} never shown`)), 30_000);
              const check = () => {
                if (!document.getElementById(newest)) return requestAnimationFrame(check);
                requestAnimationFrame(() =>
                  setTimeout(() => {
                    clearTimeout(giveUp);
                    resolve(performance.now() - t0);
                  }, 0),
                );
              };
              check();
            }),
          100_000 + b * 1000,
        );
        burstMs.push(ms);
        // let the window settle between bursts, as live bursts are seconds apart
        await page.waitForTimeout(300);
      }
      longTasksBurst = await takeLongTasks(page);
    } finally {
      await close();
    }
  }
  opts.log(
    `renderer: 1,000-event burst shown in ${burstMs.map((m) => m.toFixed(0)).join(', ')} ms`,
  );

  // ---- stream: batches of 5 (100 events/s in 50 ms windows), then of 50 (1,000/s)
  let streamBatch5Ms: number[];
  let streamBatchMs: number[];
  let longTasksStream: number[];
  {
    const { page, close } = await openSeeded(opts.browser, 4000);
    try {
      await takeLongTasks(page);
      streamBatch5Ms = await stream(page, 'renderer-stream-5', opts.streamBatches, 5, 150_000);
      streamBatchMs = await stream(page, 'renderer-stream', opts.streamBatches, 50, 200_000);
      longTasksStream = await takeLongTasks(page);
    } finally {
      await close();
    }
  }
  opts.log(
    `renderer: batches on top, ms each: of 5 p50 ${percentile(streamBatch5Ms, 50).toFixed(1)}, of 50 p50 ${percentile(streamBatchMs, 50).toFixed(1)}, p95 ${percentile(streamBatchMs, 95).toFixed(1)}`,
  );

  // ---- scroll
  const { page, close } = await openSeeded(opts.browser);
  try {
    await takeLongTasks(page);
    const scroll = await page.evaluate(
      ({ seed, stepPx }) =>
        (async () => {
          const list = document.querySelector<HTMLElement>('[role="listbox"]')!;
          const frame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));
          const rowPx = 56;
          const bottom = seed * rowPx - list.clientHeight;
          const steps: number[] = [];
          const t0 = performance.now();
          for (let y = 0; ; y += stepPx) {
            const ts = performance.now();
            const want = Math.min(y, bottom);
            list.scrollTop = want;
            // Older pages load as the list nears its end; until then the scroll is clamped.
            while (Math.abs(list.scrollTop - want) > 1) {
              if (performance.now() - ts > 30_000) throw new Error(`stuck at ${list.scrollTop}`);
              await frame();
              list.scrollTop = want;
            }
            const row = `feed-row-demo_evt_${seed - 1 - Math.floor(want / rowPx)}`;
            while (!document.getElementById(row)) {
              if (performance.now() - ts > 30_000) throw new Error(`${row} never shown`);
              await frame();
            }
            await frame();
            steps.push(performance.now() - ts);
            if (want >= bottom) break;
          }
          return { total: performance.now() - t0, steps };
        })(),
      { seed: SEED, stepPx: 2000 },
    );
    const longTasksScroll = await takeLongTasks(page);
    opts.log(
      `renderer: scrolled ${SEED} events in ${scroll.total.toFixed(0)} ms (${scroll.steps.length} steps)`,
    );
    return {
      burstMs,
      burstMedianMs: median(burstMs),
      scrollTotalMs: scroll.total,
      scrollSteps: scroll.steps.length,
      scrollStepP50Ms: percentile(scroll.steps, 50),
      scrollStepP95Ms: percentile(scroll.steps, 95),
      scrollStepMaxMs: Math.max(...scroll.steps),
      longTasksBurst,
      longTasksScroll,
      streamBatch5Ms,
      streamBatchMs,
      longTasksStream,
    };
  } finally {
    await close();
  }
}

/**
 * `batches` batches of `size` events pushed one after another on top of the feed: the time
 * from each push to its newest row in the DOM and the page laid out again, as it must be before
 * the frame that paints it.
 */
async function stream(
  page: Page,
  name: string,
  batches: number,
  size: number,
  first: number,
): Promise<number[]> {
  const profile = await profilePage(page, name);
  const times = await page.evaluate(
    ({ first, batches, size }) =>
      (async () => {
        const s = window.__katyaScript;
        const list = document.querySelector<HTMLElement>('[role="listbox"]')!;
        const times: number[] = [];
        for (let b = 0; b < batches; b++) {
          const start = first + b * size;
          const now = Date.now();
          const batch = Array.from({ length: size }, (_, k) =>
            s.makeEvent(start + k, { receivedAt: now + k }),
          );
          const newest = `feed-row-demo_evt_${start + size - 1}`;
          const t0 = performance.now();
          s.push(batch);
          while (!document.getElementById(newest)) {
            if (performance.now() - t0 > 30_000) throw new Error(`${newest} never shown`);
            await new Promise((r) => setTimeout(r, 0));
          }
          void list.scrollHeight;
          void document.getElementById(newest)!.getBoundingClientRect();
          times.push(performance.now() - t0);
        }
        return times;
      })(),
    { first, batches, size },
  );
  await profile.stop();
  return times;
}
