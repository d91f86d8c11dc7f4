// Cold start and the footprint of a tray app at rest, each beside a bare baseline in the same
// run and on the same server:
//   - connected: from starting a process to its subscriptions being active: the whole core
//     (core-host.ts, bundled and run by plain Node as the app's main process is, with a full
//     history on disk, loaded through the code cache as main/start.ts loads the app) against a
//     bare Node process that connects with ws, subscribes and receives its first message (the
//     subscribe response). One unmeasured start of each comes first, as the app's first start
//     after an install or update: it leaves the code cache that every later start uses;
//   - history load: EventHistory.open of that full history (5,000 events over 30 days);
//   - first row: the preview's page, from navigation start to the first feed row in the DOM
//     (performance.now() in the page, whose origin is the navigation start);
//   - idle footprint: RSS and heap of both processes, connected and idle, after settling.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Browser } from '@playwright/test';
import { EventHistory } from '../../main/core/history/history';
import { newServer } from '../../main/core/common/servers';
import { DEFAULT_SETTINGS } from '../../main/core/common/settings-schema';
import { LEGACY_SERVER_ID } from '../../main/core/settings/migrations';
import { TokenVault } from '../../main/core/vault/token-vault';
import { fakeEncryptor } from '../fakes/encryptor';
import { startKatyaServer } from '../../main/server/server';
import type { KatyaServer } from '../../main/server/server';
import { eventPool } from './events';
import { BenchChild, median, sleep, tempDir } from './lib';
import { bundleCoreHost } from './core-host-bundle';

const TOKEN = 'bench-startup-token';
const DAY_MS = 86_400_000;
const root = path.resolve(import.meta.dirname, '../..');

export interface StartupResult {
  connectedMs: number[];
  bareMs: number[];
  historyLoadMs: number[];
  firstRowMs: number[];
  idleRssMb: number;
  idleHeapMb: number;
  idleRssBareMb: number;
  idleHeapBareMb: number;
  settleS: number;
  historyEvents: number;
}

/** A profile folder whose history holds `count` events received over the last `days` days. */
export async function seedHistory(count = 5000, days = 30): Promise<string> {
  const dir = tempDir('seed');
  const history = await EventHistory.open({ dir: path.join(dir, 'history'), maxEvents: count });
  const pool = eventPool(1024, 11);
  const now = Date.now();
  const step = (days * DAY_MS - 60_000) / count;
  for (let i = 0; i < count; i++) {
    const p = pool[i % pool.length]!;
    const at = now - days * DAY_MS + 60_000 + i * step;
    const id = `seed_${i}`;
    const frame = `{"type":"event","id":"${id}","timestamp":"${new Date(at).toISOString()}","event":"${p.event}","channel":"${p.channel}","data":${p.dataJson}}`;
    const event = JSON.parse(frame);
    history.append([event], at, [frame]);
  }
  await history.close();
  return dir;
}

/** A fresh copy of the seeded profile, so no run loads what an earlier run compacted. */
function profileCopy(seed: string): string {
  const dir = tempDir('profile');
  cpSync(seed, dir, { recursive: true });
  return dir;
}

/**
 * A fresh copy set up as the app leaves it once signed in: the server listed (under the id
 * whose files are the profile's own, where the seeded history is) and its token in the vault.
 * Starting it is a cold start, with nothing to type.
 */
function signedInCopy(seed: string, serverUrl: string): string {
  const dir = profileCopy(seed);
  const server = { ...newServer(serverUrl, []), id: LEGACY_SERVER_ID };
  writeFileSync(
    path.join(dir, 'settings.json'),
    JSON.stringify({ ...DEFAULT_SETTINGS, servers: [server] }),
  );
  const vault = new TokenVault({
    file: path.join(dir, 'token.bin'),
    encryptor: fakeEncryptor('keychain'),
    acceptWeak: () => false,
  });
  vault.set(TOKEN, { serverUrl });
  return dir;
}

/** The baseline: ws, subscribe, first message; then idle, answering pings, until told to stop. */
function bareClientScript(): string {
  const wsPath = createRequire(import.meta.url).resolve('ws');
  const file = path.join(tempDir('bare'), 'bare-client.cjs');
  writeFileSync(
    file,
    `const WebSocket = require(${JSON.stringify(wsPath)});
const [url, token] = process.argv.slice(2);
const ws = new WebSocket(url, { headers: { Authorization: 'Bearer ' + token } });
let first = true;
ws.on('open', () =>
  ws.send(JSON.stringify({ type: 'subscribe', id: 's1', channels: ['messages', 'rooms', 'trust', 'analytics', 'security', 'system'] })),
);
ws.on('message', (data) => {
  if (first) {
    first = false;
    process.send({ type: 'first' });
  }
  const m = JSON.parse(data.toString());
  if (m.type === 'ping') ws.send(JSON.stringify({ type: 'pong', id: m.id }));
});
process.on('message', (m) => {
  if (m.type === 'mem') {
    const u = process.memoryUsage();
    process.send({ type: 'mem', rssMb: u.rss / 1048576, heapUsedMb: u.heapUsed / 1048576 });
  }
  if (m.type === 'stop') process.exit(0);
});
`,
  );
  return file;
}

/** ms from starting the process to the message that says it is there. */
async function timeToMessage(child: () => BenchChild, type: string, start?: object) {
  const t0 = performance.now();
  const c = child();
  if (start) c.send(start as never);
  await c.next(type, 60_000);
  return { ms: performance.now() - t0, child: c };
}

async function firstRowMs(browser: Browser, server: KatyaServer, seed: string): Promise<number> {
  const preview = spawn(
    process.execPath,
    [
      path.join(root, 'dist/main/preview/index.cjs'),
      '--no-open',
      '--port',
      '0',
      '--data-dir',
      signedInCopy(seed, server.url),
    ],
    { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      preview.stdout!.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        const m = /^preview (\S+)$/m.exec(out);
        if (m) resolve(m[1]!);
      });
      preview.once('exit', (code) => reject(new Error(`the preview exited (${code})`)));
    });
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    try {
      const page = await context.newPage();
      // Noted by the page itself, at the first feed row in the DOM.
      await page.addInitScript(() => {
        const w = window as unknown as { __firstRow?: number };
        new MutationObserver((_m, observer) => {
          if (document.querySelector('[id^="feed-row-"]')) {
            w.__firstRow = performance.now();
            observer.disconnect();
          }
        }).observe(document, { childList: true, subtree: true });
      });
      await page.goto(url);
      const handle = await page.waitForFunction(
        () => (window as unknown as { __firstRow?: number }).__firstRow,
        undefined,
        { timeout: 30_000 },
      );
      return (await handle.jsonValue()) as number;
    } finally {
      await context.close();
    }
  } finally {
    preview.kill('SIGTERM');
  }
}

export async function runStartup(opts: {
  browser: Browser | null;
  runs: number;
  settleS: number;
  log: (line: string) => void;
}): Promise<StartupResult> {
  const seed = await seedHistory();
  const historyLoadMs: number[] = [];
  for (let i = 0; i < Math.max(3, opts.runs); i++) {
    const dir = path.join(profileCopy(seed), 'history');
    const t0 = performance.now();
    const h = await EventHistory.open({ dir, maxEvents: 5000 });
    historyLoadMs.push(performance.now() - t0);
    if (h.info().events !== 5000) throw new Error(`the seeded history holds ${h.info().events}`);
    await h.close();
  }
  opts.log(`startup: history of 5,000 loaded in ${median(historyLoadMs).toFixed(1)} ms (median)`);

  const server = await startKatyaServer({ tokens: [{ token: TOKEN, channels: ['*'] }] });
  const coreHost = await bundleCoreHost();
  const bare = bareClientScript();
  const connectedMs: number[] = [];
  const bareMs: number[] = [];
  const firstRow: number[] = [];
  let idle = { idleRssMb: NaN, idleHeapMb: NaN, idleRssBareMb: NaN, idleHeapBareMb: NaN };
  try {
    const measureBare = () =>
      timeToMessage(() => new BenchChild(bare, [server.url, TOKEN]), 'first');
    const measureCore = () =>
      timeToMessage(() => new BenchChild(coreHost, [], { quietStdout: true }), 'ready', {
        type: 'start',
        url: server.url,
        token: TOKEN,
        dataDir: signedInCopy(seed, server.url),
        configured: true,
      });
    // The first start after an install: not measured; the core leaves its code cache at exit.
    for (const warmUp of [measureBare, measureCore]) await (await warmUp()).child.stop();
    const cached = path.join(path.dirname(coreHost), 'core-host.cache');
    if (!process.env.BENCH_NO_CODE_CACHE && !existsSync(cached))
      throw new Error('the core left no code cache at exit');
    for (let i = 0; i < opts.runs; i++) {
      // Alternate which goes first, so neither always meets a warmer disk cache.
      let b: Awaited<ReturnType<typeof measureBare>>;
      let c: Awaited<ReturnType<typeof measureCore>>;
      if (i % 2 === 0) {
        b = await measureBare();
        c = await measureCore();
      } else {
        c = await measureCore();
        b = await measureBare();
      }
      bareMs.push(b.ms);
      connectedMs.push(c.ms);
      if (i === opts.runs - 1) {
        // The last pair stays up for the idle footprint.
        await sleep(opts.settleS * 1000);
        b.child.send({ type: 'mem' });
        c.child.send({ type: 'mem' });
        const [bm, cm] = await Promise.all([
          b.child.next<{ type: 'mem'; rssMb: number; heapUsedMb: number }>('mem'),
          c.child.next<{ type: 'mem'; rssMb: number; heapUsedMb: number }>('mem'),
        ]);
        idle = {
          idleRssMb: cm.rssMb,
          idleHeapMb: cm.heapUsedMb,
          idleRssBareMb: bm.rssMb,
          idleHeapBareMb: bm.heapUsedMb,
        };
      }
      await Promise.all([b.child.stop(), c.child.stop()]);
    }
    opts.log(
      `startup: connected in ${median(connectedMs).toFixed(0)} ms (bare ${median(bareMs).toFixed(0)} ms), idle RSS ${idle.idleRssMb.toFixed(0)} MB (bare ${idle.idleRssBareMb.toFixed(0)} MB); each run, core/bare: ${connectedMs.map((c, i) => `${c.toFixed(0)}/${bareMs[i]!.toFixed(0)}`).join(' ')}`,
    );
    if (opts.browser) {
      for (let i = 0; i < opts.runs; i++)
        firstRow.push(await firstRowMs(opts.browser, server, seed));
      opts.log(`startup: first feed row ${median(firstRow).toFixed(0)} ms after navigation start`);
    }
  } finally {
    await server.close();
  }
  return {
    connectedMs,
    bareMs,
    historyLoadMs,
    firstRowMs: firstRow,
    ...idle,
    settleS: opts.settleS,
    historyEvents: 5000,
  };
}
