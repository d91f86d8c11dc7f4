// Runs the browser preview (the built `dist/main/preview/index.cjs`) as a child process, the
// way a user runs `npm run preview -- --no-open ...`, and opens its page in Chromium.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { Browser, Page } from '@playwright/test';
import type { AppUnderTest, RaisedNotification } from '../scenarios/harness';

interface Running {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

async function start(
  args: string[],
  notes: RaisedNotification[],
  stderr: string[],
): Promise<Running> {
  const child = spawn(process.execPath, ['dist/main/preview/index.cjs', '--no-open', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, KATYA_TOKEN: '' },
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  child
    .stderr!.setEncoding('utf8')
    .on('data', (d: string) => stderr.push(...d.split('\n').filter(Boolean)));
  const url = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(
      () => reject(new Error(`the preview did not print its URL:\n${stderr.join('\n')}`)),
      30_000,
    );
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      buffer += d;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line.startsWith('preview ')) {
          clearTimeout(timer);
          resolve(line.slice('preview '.length).trim());
        } else if (line.startsWith('notification ')) {
          notes.push(JSON.parse(line.slice('notification '.length)) as RaisedNotification);
        }
      }
    });
    child.once('exit', (code) =>
      reject(new Error(`the preview exited with ${code}:\n${stderr.join('\n')}`)),
    );
  });
  return { child, url, exited };
}

async function stop(r: Running): Promise<void> {
  if (r.child.exitCode !== null) return;
  r.child.kill('SIGTERM');
  const code = await Promise.race([
    r.exited,
    new Promise<'timeout'>((res) => setTimeout(() => res('timeout'), 10_000)),
  ]);
  if (code === 'timeout') {
    r.child.kill('SIGKILL');
    throw new Error('the preview did not stop within 10 s of SIGTERM');
  }
  if (code !== 0) throw new Error(`the preview exited with ${code} after SIGTERM`);
}

/** Start the preview on a profile folder and open its page. */
export async function launchPreview(
  browser: Browser,
  dataDir: string,
  extra: string[] = [],
): Promise<AppUnderTest> {
  const notes: RaisedNotification[] = [];
  const stderr: string[] = [];
  let running = await start(['--data-dir', dataDir, ...extra], notes, stderr);
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const page: Page = await context.newPage();
  await page.goto(running.url);
  return {
    kind: 'preview',
    page,
    notifications: () => notes,
    log: () => stderr,
    async restart() {
      await stop(running);
      running = await start(['--data-dir', dataDir], notes, stderr);
      await page.goto(running.url);
    },
    async close() {
      await context.close();
      await stop(running);
    },
  };
}
