// Serves the built window (dist/renderer) to a page at http://katya.test/ through Playwright's
// request routing: the same files the app loads, with no server and no port to allocate.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from '@playwright/test';

export const RENDERER_ORIGIN = 'http://katya.test';
const root = path.resolve('dist/renderer');
const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export async function serveRenderer(page: Page): Promise<void> {
  await page.route(`${RENDERER_ORIGIN}/**`, async (route) => {
    const url = new URL(route.request().url());
    const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
    const file = path.resolve(root, rel);
    if (!file.startsWith(root + path.sep)) return route.fulfill({ status: 403 });
    try {
      const body = await readFile(file);
      await route.fulfill({
        status: 200,
        body,
        contentType: types[path.extname(file)] ?? 'application/octet-stream',
      });
    } catch {
      await route.fulfill({ status: 404, body: 'not found' });
    }
  });
}
