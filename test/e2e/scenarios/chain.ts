// The whole chain, server to socket to core to contract to window, as a user meets it. Each
// scenario takes the app under test (preview or Electron) and a real reference server.
import { expect } from '@playwright/test';
import type { Page } from '@playwright/test';
import { startKatyaServer } from '../../../main/server/server';
import type { KatyaServer } from '../../../main/server/server';
import type { AppUnderTest } from './harness';

export const ADMIN_TOKEN = 'e2e-admin-token-7f3a';
export const VIEWER_TOKEN = 'e2e-viewer-token-19bc';

export async function startTestServer(port = 0): Promise<KatyaServer> {
  return startKatyaServer({
    port,
    tokens: [
      { token: ADMIN_TOKEN, channels: ['*'], admin: true },
      // A token that may not read trust or analytics: those subscriptions are refused (4002).
      { token: VIEWER_TOKEN, channels: ['messages', 'rooms', 'security', 'system'] },
    ],
  });
}

const status = (page: Page) =>
  page
    .getByRole('status')
    .filter({ hasText: /Connect|Reconnect|Offline|Sign-in|Paused/ })
    .first();

export function feedRows(page: Page) {
  return page.getByRole('listbox', { name: 'Events, newest first' }).getByRole('option');
}

export async function openView(page: Page, name: 'Feed' | 'Metrics' | 'Settings' | 'Diagnostics') {
  await page
    .getByRole('navigation', { name: 'Views' })
    .getByRole('button', { name: new RegExp(`^${name}`) })
    .click();
}

/** First run, no account: the built-in demo server fills the feed within seconds. */
export async function demoFeed(app: AppUnderTest) {
  const { page } = app;
  await expect(status(page)).toContainText('Connected to the demo server', { timeout: 15_000 });
  await expect(page.getByText(/^Demo: Demo mode/)).toBeVisible();
  await expect(feedRows(page).first()).toBeVisible({ timeout: 15_000 });
}

/** Sign in through settings, with the token typed into the form as a user would. */
export async function signIn(app: AppUnderTest, server: KatyaServer, token = ADMIN_TOKEN) {
  const { page } = app;
  await openView(page, 'Settings');
  // The server first: a token is kept for the server it was entered for.
  await page.getByRole('button', { name: 'Add server' }).click();
  const form = page.getByRole('form', { name: 'New server' });
  await form.getByLabel('Server URL').fill(server.url);
  await form.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(status(page)).toContainText(/sign-in needed/i);
  await page.getByLabel('Access token').fill(token);
  await page.getByRole('button', { name: 'Save token' }).click();
  await expect(page.getByText('Token saved.')).toBeVisible();
  await expect(status(page)).toContainText(`Connected to ${server.url}`, { timeout: 15_000 });
  await expect(page.getByText(/^Demo: Demo mode/)).toHaveCount(0);
}

/** The titles of the notifications raised after the first `before`, one per line. */
function titlesSince(app: AppUnderTest, before: number): string {
  return app
    .notifications()
    .slice(before)
    .map((n) => n.title)
    .join('\n');
}

/** A high alert pops up and lands in the feed; a low one only lands in the feed; maintenance pops up. */
export async function alertsAndNotifications(app: AppUnderTest, server: KatyaServer) {
  const { page } = app;
  await openView(page, 'Feed');
  const before = app.notifications().length;
  server.publish('security.alert.created', {
    id: 'alert_e2e_high',
    title: 'Suspicious login attempt',
    description: 'Multiple failed login attempts detected',
    severity: 'high',
    category: 'authentication',
    source: '192.0.2.77',
  });
  await expect(feedRows(page).filter({ hasText: 'Suspicious login attempt' })).toHaveCount(1);
  await expect.poll(() => titlesSince(app, before)).toContain('Suspicious login attempt');

  server.publish('security.alert.created', {
    id: 'alert_e2e_low',
    title: 'Routine port probe',
    severity: 'low',
    source: '192.0.2.78',
  });
  server.publish('system.maintenance.start', {
    id: 'mnt_e2e',
    title: 'Database upgrade',
    components: ['db'],
  });
  await expect(feedRows(page).filter({ hasText: 'Routine port probe' })).toHaveCount(1);
  await expect.poll(() => titlesSince(app, before)).toContain('Database upgrade');
  expect(titlesSince(app, before)).not.toContain('Routine port probe');
}

/** The server dies and comes back: reconnecting, then connected, a gap marker, subscriptions active. */
export async function serverRestart(app: AppUnderTest, server: KatyaServer): Promise<KatyaServer> {
  const { page } = app;
  await openView(page, 'Feed');
  const port = server.port;
  await server.close();
  await expect(status(page)).toContainText(/Reconnecting|Connection lost/, { timeout: 15_000 });
  const again = await startTestServer(port);
  await expect(status(page)).toContainText('Connected to', { timeout: 40_000 });
  await expect(page.getByText(/No connection from .* to .*/).first()).toBeVisible();
  again.publish('message.created', {
    id: 'msg_after_restart',
    senderName: 'Alice',
    roomName: 'ops',
    content: 'back online',
  });
  await expect(feedRows(page).filter({ hasText: 'back online' })).toHaveCount(1);
  await openView(page, 'Settings');
  await expect(page.getByText('pending', { exact: true })).toHaveCount(0);
  await expect(page.getByText('active', { exact: true }).first()).toBeVisible();
  return again;
}

/** The token is revoked: "sign-in needed", and the app stops trying. */
export async function tokenRevoked(app: AppUnderTest, server: KatyaServer) {
  const { page } = app;
  server.setTokens([{ token: 'someone-else', channels: ['*'], admin: true }]);
  await expect(status(page)).toContainText('Sign-in needed', { timeout: 15_000 });
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  const attempts = server.connectionCount();
  await page.waitForTimeout(3_000);
  expect(server.connectionCount()).toBe(attempts);
}

/** A channel the token may not read shows as rejected; the others still deliver. */
export async function channelRejected(app: AppUnderTest, server: KatyaServer) {
  const { page } = app;
  await openView(page, 'Settings');
  await expect(page.getByText(/rejected \(4002\)/).first()).toBeVisible();
  await openView(page, 'Feed');
  server.publish('message.created', {
    id: 'msg_viewer',
    senderName: 'Bob',
    roomName: 'ops',
    content: 'viewer still sees this',
  });
  await expect(feedRows(page).filter({ hasText: 'viewer still sees this' })).toHaveCount(1);
}

/** History and read marks survive a restart of the app. */
export async function historySurvivesRestart(app: AppUnderTest, server: KatyaServer) {
  await openView(app.page, 'Feed');
  server.publish('message.created', {
    id: 'msg_keep_read',
    senderName: 'Carol',
    roomName: 'ops',
    content: 'read before restart',
  });
  server.publish('message.created', {
    id: 'msg_keep_unread',
    senderName: 'Dan',
    roomName: 'ops',
    content: 'unread before restart',
  });
  const row = (page: Page, text: string) => feedRows(page).filter({ hasText: `“${text}”` });
  await expect(row(app.page, 'read before restart')).toHaveCount(1);
  await expect(row(app.page, 'unread before restart')).toHaveCount(1);
  // Opening an event in the detail pane marks it read.
  await row(app.page, 'read before restart').click();
  await expect(row(app.page, 'read before restart')).not.toHaveClass(/\bunread\b/);
  await app.restart();
  const page = app.page;
  await expect(status(page)).toContainText('Connected to', { timeout: 15_000 });
  await expect(row(page, 'read before restart')).not.toHaveClass(/\bunread\b/);
  await expect(row(page, 'unread before restart')).toHaveClass(/\bunread\b/);
}

/** A burst of 1,000 events: the window keeps answering and notifications are folded. */
export async function burst(app: AppUnderTest, server: KatyaServer) {
  const { page } = app;
  await openView(page, 'Feed');
  const before = app.notifications().length;
  for (let i = 0; i < 1000; i++) {
    if (i % 10 === 0) {
      server.publish('security.alert.created', {
        id: `burst_alert_${i}`,
        title: `Burst alert ${i}`,
        severity: 'critical',
        source: '198.51.100.1',
      });
    } else {
      server.publish('message.created', {
        id: `burst_msg_${i}`,
        senderName: 'Flood',
        roomName: 'load',
        content: `message ${i}`,
      });
    }
  }
  await expect
    .poll(
      async () => Number((await page.getByTestId('feed-total').innerText()).replace(/\D/g, '')),
      { timeout: 30_000 },
    )
    .toBeGreaterThanOrEqual(1000);
  // Still responsive: a search narrows the list at once.
  await page.getByRole('searchbox', { name: 'Search events' }).fill('Burst alert 990');
  await expect(feedRows(page)).toHaveCount(1);
  await page.getByRole('searchbox', { name: 'Search events' }).fill('');
  // 100 critical alerts in one burst: three shown, the rest counted in a summary.
  await expect.poll(() => titlesSince(app, before), { timeout: 20_000 }).toMatch(/\d+ more/);
  expect(app.notifications().slice(before).length).toBeLessThan(20);
}
