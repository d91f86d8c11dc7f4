// Puts the scripted window API (scripted-katya-page.ts) into a page before the window loads,
// and opens the built window on it. The page side is bundled once per worker with esbuild,
// so it can use the real protocol catalogue, severity rules and settings schema.
import { buildSync } from 'esbuild';
import path from 'node:path';
import { expect } from '@playwright/test';
import type { Page } from '@playwright/test';
import { RENDERER_ORIGIN, serveRenderer } from './renderer';
import type { ScriptOptions } from './scripted-katya-page';

export type { ScriptOptions, ScriptHandle, Call } from './scripted-katya-page';
export {
  makeEvent,
  makeServer,
  sampleData,
  EVENT_TYPES,
  CATALOG,
  DEMO_SERVER,
} from './scripted-katya-samples';

let bundle: string | undefined;

function pageBundle(): string {
  if (bundle) return bundle;
  const out = buildSync({
    entryPoints: [path.resolve('test/e2e/support/scripted-katya-page.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome130',
    logLevel: 'silent',
  });
  bundle = out.outputFiles[0]!.text;
  return bundle;
}

/** Install the scripted API; call before page.goto. */
export async function installScriptedKatya(page: Page, options: ScriptOptions = {}): Promise<void> {
  const content = `window.__katyaScriptOptions = ${JSON.stringify(options)};\n${pageBundle()}`;
  await page.addInitScript({ content });
}

/** Serve the built window, install the scripted API, open it and wait until it asked for the feed. */
export async function openWindow(page: Page, options: ScriptOptions = {}): Promise<void> {
  await serveRenderer(page);
  await installScriptedKatya(page, options);
  await page.goto(`${RENDERER_ORIGIN}/`);
  await expect
    .poll(() =>
      page.evaluate(() => window.__katyaScript.calls.some((c) => c.channel === 'feed:query')),
    )
    .toBe(true);
}

/** The channels the window has called, in order. */
export function calledChannels(page: Page): Promise<string[]> {
  return page.evaluate(() => window.__katyaScript.calls.map((c) => c.channel));
}
