// The whole chain through the browser preview: reference server -> socket -> the app's real
// core in Node -> the contract over the loopback bridge -> the built window in Chromium.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { Browser } from '@playwright/test';
import type { KatyaServer } from '../../../main/server/server';
import * as chain from '../scenarios/chain';
import type { AppUnderTest } from '../scenarios/harness';
import { launchPreview } from '../support/preview';

let server: KatyaServer | null = null;
let app: AppUnderTest | null = null;

test.afterEach(async () => {
  await app?.close();
  await server?.close();
  app = null;
  server = null;
});

const profile = () => mkdtempSync(path.join(os.tmpdir(), 'katya-e2e-'));

/** A test server and a preview started on it with --server and --token, connected. */
async function connectedPreview(browser: Browser, token = chain.ADMIN_TOKEN) {
  const s = await chain.startTestServer();
  const a = await launchPreview(browser, profile(), ['--server', s.url, '--token', token]);
  await expect(a.page.getByRole('status').filter({ hasText: 'Connected to' }).first()).toBeVisible({
    timeout: 15_000,
  });
  return { server: s, app: a };
}

test('first run: the demo server fills the feed within seconds', async ({ browser }) => {
  app = await launchPreview(browser, profile());
  await chain.demoFeed(app);
});

test('signing in to a real server through settings, then alerts and notifications', async ({
  browser,
}) => {
  server = await chain.startTestServer();
  app = await launchPreview(browser, profile());
  await chain.signIn(app, server);
  await chain.alertsAndNotifications(app, server);
});

test('the server killed and restarted: reconnecting, a gap marker, subscriptions active again', async ({
  browser,
}) => {
  ({ server, app } = await connectedPreview(browser));
  server = await chain.serverRestart(app, server);
});

test('the token revoked: sign-in needed and no further attempts', async ({ browser }) => {
  ({ server, app } = await connectedPreview(browser));
  await chain.tokenRevoked(app, server);
});

test('a channel the token may not read is shown as rejected while the rest work', async ({
  browser,
}) => {
  ({ server, app } = await connectedPreview(browser, chain.VIEWER_TOKEN));
  await chain.channelRejected(app, server);
});

test('a restart keeps history and read marks', async ({ browser }) => {
  server = await chain.startTestServer();
  const dir = profile();
  // The preview's encryptor is weak storage, so the token is kept on disk only when accepted.
  app = await launchPreview(browser, dir, ['--server', server.url, '--token', chain.ADMIN_TOKEN]);
  await app.page
    .getByRole('navigation', { name: 'Views' })
    .getByRole('button', { name: /^Settings/ })
    .click();
  await app.page.getByLabel('Store it anyway (weak)').check();
  await chain.historySurvivesRestart(app, server);
});

test('a burst of 1,000 events: the window stays responsive and notifications are folded', async ({
  browser,
}) => {
  ({ server, app } = await connectedPreview(browser));
  await chain.burst(app, server);
});

test('the bridge refuses a page without the secret', async ({ browser }) => {
  app = await launchPreview(browser, profile());
  const url = new URL(app.page.url());
  const page = await browser.newPage();
  await page.goto(`${url.origin}/`);
  await expect(page.getByRole('alert')).toBeVisible({ timeout: 15_000 });
  await page.close();
});
