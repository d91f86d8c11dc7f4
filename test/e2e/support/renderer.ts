// Serves the built window (dist/renderer) to a page at http://katya.test/ through Playwright's
// request routing: the same files and the same headers (the app's strict CSP included) the
// app's app:// protocol serves, with no server and no port to allocate.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { resolveInside, windowCsp, windowHeaders } from '../../../main/core/window-files';

export const RENDERER_ORIGIN = 'http://katya.test';
const root = path.resolve('dist/renderer');
const csp = windowCsp("'none'");

export async function serveRenderer(page: Page): Promise<void> {
  await page.route(`${RENDERER_ORIGIN}/**`, async (route) => {
    const file = resolveInside(root, new URL(route.request().url()).pathname);
    if (!file) return route.fulfill({ status: 403 });
    try {
      await route.fulfill({
        status: 200,
        body: await readFile(file),
        headers: windowHeaders(file, csp),
      });
    } catch {
      await route.fulfill({ status: 404, body: 'not found' });
    }
  });
}
