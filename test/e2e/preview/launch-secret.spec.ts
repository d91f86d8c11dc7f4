// The page side of the bridge secrets, in Chromium against the built preview: the launch URL
// (readable by other local users on the browser's command line) opens one page only; that page
// reconnects after a reload with the session secret it was given.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';

let child: ChildProcess | null = null;

test.afterEach(() => {
  child?.kill('SIGTERM');
  child = null;
});

/** Start `npm run preview -- --no-open` on the demo server; resolve with the launch URL. */
function startPreview(): Promise<string> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'katya-e2e-'));
  const proc = spawn(
    process.execPath,
    ['dist/main/preview/index.cjs', '--no-open', '--data-dir', dataDir],
    { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, KATYA_TOKEN: '' } },
  );
  child = proc;
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('preview '));
      if (line) resolve(line.slice('preview '.length).trim());
    });
    proc.once('exit', (code) => reject(new Error(`the preview exited with ${code}`)));
  });
}

const connectedToDemo = (page: Page) =>
  expect(
    page.getByRole('status').filter({ hasText: 'Connected to the demo server' }).first(),
  ).toBeVisible({ timeout: 15_000 });

test('the launch URL opens one page, which keeps working across reloads', async ({ browser }) => {
  const launchUrl = await startPreview();
  expect(new URL(launchUrl).hash).toMatch(/^#s=[0-9a-f]+$/);

  const first = await browser.newContext();
  const page = await first.newPage();
  await page.goto(launchUrl);
  await connectedToDemo(page);
  // The spent launch secret is gone from the address bar (and so from history).
  expect(new URL(page.url()).hash).toBe('');

  // Someone else with the same URL (read from the process list) is refused.
  const other = await browser.newContext();
  const intruder = await other.newPage();
  await intruder.goto(launchUrl);
  await expect(intruder.getByRole('alert')).toBeVisible({ timeout: 15_000 });
  await other.close();

  // The first page reconnects with its session secret after a reload.
  await page.reload();
  await connectedToDemo(page);
  await first.close();
});
