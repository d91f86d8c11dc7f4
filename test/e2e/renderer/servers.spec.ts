// Several servers (issue #19) in the window, against the scripted contract with three servers:
// rows name their server, the server filter, each server's unread count in the sidebar, the
// detail pane's server and event id, the status bar's worst server with its own Reconnect and
// Sign in, and the settings' servers list (add, rename, reorder, enable, remove after a
// confirmation), a server's own rules and network, and the admin policy's locks. Screenshots
// in both languages, and axe.
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { makeEvent, makeServer, openWindow } from '../support/scripted-katya';
import type { FeedEntry } from '../../../main/core/common/views';
import { expectAccessible, shoot } from '../support/look';
import { rowAt } from '../support/feed-rows';

const prod = makeServer('prod01', 'Production', 'wss://prod.example/v1/ws');
const staging = makeServer('stag01', 'Staging', 'wss://staging.example/v1/ws');
const lab = makeServer('lab001', 'Lab', 'wss://lab.example:8443/v1/ws');
const three = [prod, staging, lab];

/**
 * Twelve events, newest first, taking turns between the three servers. Each server numbers its
 * own events evt_0..evt_3, so the same event id comes from all three. Unread: Production 1,
 * Staging 2, Lab 3.
 */
function entries(): FeedEntry[] {
  const now = Date.now();
  const unread = new Set([0, 1, 2, 4, 5, 8]);
  return Array.from({ length: 12 }, (_, k) =>
    makeEvent(k, {
      server: three[k % 3]!.id,
      id: `evt_${Math.floor(k / 3)}`,
      receivedAt: now - 1000 - k * 60_000,
      read: !unread.has(k),
    }),
  );
}

const list = (page: Page) => page.locator('.feed-list[role=listbox]');
const total = (page: Page) => page.getByTestId('feed-total');
const nav = (page: Page, name: string) =>
  page
    .getByRole('navigation')
    .getByRole('button', { name: new RegExp(`^${name}`) })
    .first();
const counts = (page: Page) => page.getByRole('navigation').locator('ul.nav-servers');
const serversCard = (page: Page) => page.getByRole('region', { name: 'Servers', exact: true });
const callsTo = (page: Page, channel: string) =>
  page.evaluate(
    (ch) => window.__katyaScript.calls.filter((c) => c.channel === ch).map((c) => c.args),
    channel,
  );
const lastQuery = (page: Page) =>
  page.evaluate(
    () => window.__katyaScript.calls.filter((c) => c.channel === 'feed:query').at(-1)?.args[0],
  );
const serverNames = (page: Page) =>
  page.evaluate(() => window.__katyaScript.settings().servers.map((s) => s.name));

test('three servers: rows name their server, the server filter, unread per server', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 1000 });
  await openWindow(page, { settings: { servers: three }, entries: entries() });
  await expect(total(page)).toHaveText('12 events');

  // every row names its server and carries the server's own event id; the same event id from
  // three servers is three rows
  const stagingRows = list(page).locator('.row[data-server="stag01"]');
  await expect(stagingRows).toHaveCount(4);
  await expect(stagingRows.locator('.server-tag')).toHaveText(Array(4).fill('Staging'));
  await expect(list(page).locator('.row[data-event-id="evt_0"]')).toHaveCount(3);
  await expect(list(page).locator('#feed-row-lab001_evt_0 .server-tag')).toHaveText('Lab');

  // each server's unread count in the sidebar, in the user's order
  await expect(page.getByRole('list', { name: 'Unread events by server' })).toBeVisible();
  await expect(counts(page).getByRole('button')).toHaveText([
    /^Production.*1$/,
    /^Staging.*2$/,
    /^Lab.*3$/,
  ]);
  await expect(
    counts(page).getByRole('button', { name: /^Staging\s*, 2 unread events$/ }),
  ).toBeVisible();

  // the server filter sits beside the channels and goes to main as `servers`
  const servers = page.getByRole('group', { name: 'Servers' });
  await servers.getByRole('button', { name: 'Staging' }).click();
  await expect(servers.getByRole('button', { name: 'Staging' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await expect(total(page)).toHaveText('4 events');
  expect(
    await list(page)
      .locator('.row')
      .evaluateAll((els) => els.map((e) => e.dataset.server)),
  ).toEqual(Array(4).fill('stag01'));
  expect(await lastQuery(page)).toMatchObject({ servers: ['stag01'] });
  await servers.getByRole('button', { name: 'Lab' }).click();
  await expect(total(page)).toHaveText('8 events');
  expect(await lastQuery(page)).toMatchObject({ servers: ['stag01', 'lab001'] });
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(total(page)).toHaveText('12 events');

  // the detail pane names the server and shows the server's own id; opening it is by feed id
  await list(page).locator('#feed-row-stag01_evt_1').click();
  const detail = page.getByRole('region', { name: 'Event details' });
  await expect(detail.getByTestId('detail-server')).toHaveText('Staging');
  await expect(detail.locator('dd.mono')).toHaveText('evt_1');
  await expect.poll(() => callsTo(page, 'feed:opened')).toEqual([['stag01/evt_1']]);
  // main took the read mark: the window asks each server's count again
  await expect(
    counts(page).getByRole('button', { name: /^Staging\s*, 1 unread event$/ }),
  ).toBeVisible();
  await expect(counts(page).getByRole('button', { name: /^Production/ })).toHaveAccessibleName(
    /^Production\s*, 1 unread event$/,
  );
  await page.keyboard.press('Escape');

  // a live event from Lab: on top, named, and counted
  await page.evaluate(() => {
    const s = window.__katyaScript;
    s.push([s.makeEvent(40, { server: 'lab001', id: 'evt_9', receivedAt: Date.now() })]);
  });
  await expect(rowAt(list(page), 1)).toHaveId('feed-row-lab001_evt_9');
  await expect(rowAt(list(page), 1).locator('.server-tag')).toHaveText('Lab');
  await expect(
    counts(page).getByRole('button', { name: /^Lab\s*, 4 unread events$/ }),
  ).toBeVisible();

  // a server in the sidebar shows that server's events alone; again, every server's
  await counts(page).getByRole('button', { name: /^Lab/ }).click();
  await expect(counts(page).getByRole('button', { name: /^Lab/ })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await expect(total(page)).toHaveText('5 events');
  await counts(page).getByRole('button', { name: /^Lab/ }).click();
  await expect(total(page)).toHaveText('13 events');

  // mark all read: every count goes
  await page.getByRole('button', { name: 'Mark all read' }).click();
  await expect(counts(page).getByTestId('server-unread')).toHaveCount(0);
});

test('status bar: the server that needs the user, its own Reconnect and Sign in', async ({
  page,
}) => {
  await openWindow(page, { settings: { servers: three }, entries: entries() });
  const status = page.getByTestId('status-text');
  await expect(status).toHaveText('Connected to 3 servers');

  const since = new Date(2025, 0, 1, 9, 5).getTime();
  await page.evaluate(
    (s) => window.__katyaScript.setConnection({ phase: 'offline', since: s }, 'stag01'),
    since,
  );
  await expect(status).toHaveText('Staging: Offline since 09:05 AM');
  await page.getByRole('button', { name: 'Reconnect Staging' }).click();
  await expect
    .poll(() => callsTo(page, 'connection:reconnectNow'))
    .toEqual([[{ server: 'stag01' }]]);
  await expect(status).toHaveText('Staging: Connecting to wss://staging.example/v1/ws…');

  // the servers list offers a reconnect for the server that is offline, and only for it
  await page.evaluate(
    (s) => window.__katyaScript.setConnection({ phase: 'offline', since: s }, 'prod01'),
    since,
  );
  await nav(page, 'Settings').click();
  const card = serversCard(page);
  await expect(card.getByRole('button', { name: /^Reconnect/ })).toHaveCount(1);
  await card.getByRole('button', { name: 'Reconnect Production' }).click();
  await expect
    .poll(() => callsTo(page, 'connection:reconnectNow'))
    .toEqual([[{ server: 'stag01' }], [{ server: 'prod01' }]]);

  // sign-in needed on Lab: the status bar says which, and "Sign in to Lab" opens its token
  await nav(page, 'Feed').click();
  await page.evaluate(() =>
    window.__katyaScript.setConnection({ phase: 'signin', lastError: 'token rejected' }, 'lab001'),
  );
  await expect(status).toHaveText('Lab: Sign-in needed: the server rejected the token');
  await page.getByRole('button', { name: 'Sign in to Lab' }).click();
  await expect(page.getByRole('region', { name: 'Server: Lab' })).toBeVisible();
  const token = page.getByLabel('Access token');
  await expect(token).toBeFocused();
  await token.fill('tok_lab');
  await token.press('Enter');
  await expect
    .poll(() => callsTo(page, 'token:set'))
    .toEqual([[{ token: 'tok_lab', server: 'lab001' }]]);
  await expect(
    page.getByText('A token is stored in the system keychain. Token saved.'),
  ).toBeVisible();
});

test('settings: add, rename, reorder, disable and remove servers', async ({ page }) => {
  await openWindow(page, {
    settings: { servers: [prod, staging] },
    entries: entries().filter((e) => e.server !== 'lab001'),
  });
  await nav(page, 'Settings').click();
  const card = serversCard(page);
  const items = card.getByRole('list', { name: 'Configured servers' }).getByRole('listitem');
  await expect(items.locator('.server-pick')).toHaveText(['Production', 'Staging']);
  await expect(items.first().locator('.server-url')).toHaveText('wss://prod.example/v1/ws');
  await expect(items.first().locator('.server-state')).toHaveText('connected');
  // the first server is selected: its own card follows
  await expect(card.getByRole('button', { name: 'Production', exact: true })).toHaveAttribute(
    'aria-current',
    'true',
  );
  await expect(page.getByRole('region', { name: 'Server: Production' })).toBeVisible();

  // Add server: the address is checked before anything is sent
  await card.getByRole('button', { name: 'Add server' }).click();
  const form = card.getByRole('form', { name: 'New server' });
  const address = form.getByRole('textbox', { name: 'Server URL' });
  await expect(address).toBeFocused();
  await form.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(form.locator('#newServer-url-error')).toHaveText('Enter the server address.');
  await address.fill('ws://lab.example/v1/ws');
  await address.press('Enter');
  await expect(form.locator('#newServer-url-error')).toHaveText(/ws:\/\/ is unencrypted/);
  await form.getByRole('textbox', { name: 'Name' }).fill('staging');
  await address.fill('wss://lab.example:8443/v1/ws');
  await address.press('Enter');
  await expect(form.locator('#newServer-name-error')).toHaveText(
    'Another server already has this name.',
  );
  expect(await callsTo(page, 'settings:update')).toEqual([]);
  // an empty name: the address's host stands in
  await form.getByRole('textbox', { name: 'Name' }).fill('');
  await form.getByRole('button', { name: 'Add', exact: true }).click();
  await expect.poll(() => serverNames(page)).toEqual(['Production', 'Staging', 'lab.example:8443']);
  const added = await page.evaluate(() => window.__katyaScript.settings().servers[2]!);
  expect(added).toMatchObject({
    url: 'wss://lab.example:8443/v1/ws',
    enabled: true,
    authMethod: 'header',
    notifications: null,
    network: null,
  });
  expect(added.id).toMatch(/^[0-9a-f]{12}$/);
  await expect(card.getByRole('status')).toHaveText('lab.example:8443 added.');
  // the keyboard lands on the new server's own card
  const details = page.getByRole('heading', { name: 'Server: lab.example:8443' });
  await expect(details).toBeFocused();

  // rename it: a taken name is refused in place, a free one is saved
  const name = page.getByRole('textbox', { name: 'Name', exact: true });
  await name.fill('Staging');
  await expect(page.locator('#serverName-error')).toHaveText(
    'Another server already has this name.',
  );
  await name.fill('Lab');
  await name.press('Tab');
  await expect.poll(() => serverNames(page)).toEqual(['Production', 'Staging', 'Lab']);
  await expect(items.locator('.server-pick')).toHaveText(['Production', 'Staging', 'Lab']);
  await expect(page.getByRole('heading', { name: 'Server: Lab' })).toBeVisible();

  // reorder: the keyboard stays with the server that moved
  const up = card.getByRole('button', { name: 'Move Lab up' });
  await up.focus();
  await page.keyboard.press('Enter');
  await expect.poll(() => serverNames(page)).toEqual(['Production', 'Lab', 'Staging']);
  await expect(up).toBeFocused();
  await page.keyboard.press('Enter');
  await expect.poll(() => serverNames(page)).toEqual(['Lab', 'Production', 'Staging']);
  // at the top "up" is off: the keyboard moved to "down"
  await expect(up).toBeDisabled();
  await expect(card.getByRole('button', { name: 'Move Lab down' })).toBeFocused();
  await expect(card.getByRole('button', { name: 'Move Staging down' })).toBeDisabled();

  // switch one off: saved, and said in the list
  const staged = card.getByRole('switch', { name: 'Staging enabled' });
  await expect(staged).toBeChecked();
  await staged.uncheck();
  await expect
    .poll(() => page.evaluate(() => window.__katyaScript.settings().servers.map((s) => s.enabled)))
    .toEqual([true, true, false]);
  await expect(items.nth(2).locator('.server-state')).toHaveText('disabled');

  // remove: a confirmation first, which says the token and history go; Esc keeps it
  const remove = card.getByRole('button', { name: 'Remove Production' });
  await remove.click();
  const dialog = page.getByRole('alertdialog', { name: 'Remove Production?' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('Its token and its event history on this computer will be');
  await expect(dialog).toContainText('wss://prod.example/v1/ws');
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(remove).toBeFocused();
  expect(await serverNames(page)).toEqual(['Lab', 'Production', 'Staging']);

  await remove.click();
  await dialog.getByRole('button', { name: 'Remove server' }).click();
  await expect.poll(() => serverNames(page)).toEqual(['Lab', 'Staging']);
  await expect(card.getByRole('status')).toHaveText('Production removed.');
  // its history went with it
  expect(await page.evaluate(() => window.__katyaScript.entryCount('prod01'))).toBe(0);
  // the keyboard goes to the server that took its place
  await expect(card.getByRole('button', { name: 'Staging', exact: true })).toBeFocused();

  // the feed: no Production rows, no Production filter
  await nav(page, 'Feed').click();
  await expect(total(page)).toHaveText('4 events');
  await expect(page.getByRole('group', { name: 'Servers' }).getByRole('button')).toHaveText([
    'Lab',
    'Staging',
  ]);

  // remove the rest: the demo server is in use again
  await nav(page, 'Settings').click();
  for (const server of ['Lab', 'Staging']) {
    await card.getByRole('button', { name: `Remove ${server}` }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Remove server' }).click();
  }
  await expect(card).toContainText('No server is configured: the built-in demo server is in use.');
  await expect(card.getByRole('button', { name: 'Add server' })).toBeFocused();
  await expect(page.getByRole('group', { name: 'Servers' })).toHaveCount(0);
});

test("settings: a server's own notification rules and network", async ({ page }) => {
  await openWindow(page, { settings: { servers: three } });
  await nav(page, 'Settings').click();
  await serversCard(page).getByRole('button', { name: 'Staging', exact: true }).click();
  const details = page.getByRole('region', { name: 'Server: Staging' });
  await expect(details.getByRole('heading', { name: 'Server: Staging' })).toBeFocused();

  await details.getByRole('radio', { name: 'Its own rules' }).check();
  await expect
    .poll(() => page.evaluate(() => window.__katyaScript.settings().servers[1]!.notifications))
    .toMatchObject({ threshold: 'high' });
  await details
    .getByRole('combobox', { name: 'Pop up security alerts at or above' })
    .selectOption('critical');
  await details.getByRole('checkbox', { name: 'Mute Rooms' }).check();
  await expect
    .poll(() => page.evaluate(() => window.__katyaScript.settings()))
    .toMatchObject({
      notifications: { threshold: 'high', mutedChannels: [] },
      servers: [
        { notifications: null },
        { notifications: { threshold: 'critical', mutedChannels: ['rooms'] } },
        { notifications: null },
      ],
    });
  // per-event choices in its channels card go to its own rules too
  const channels = page.getByRole('region', { name: 'Channels and events: Staging' });
  await expect(channels).toContainText("this server's own rules");
  await channels.getByRole('combobox', { name: 'Alerts for room.created' }).selectOption('feed');
  await expect
    .poll(() =>
      page.evaluate(() => window.__katyaScript.settings().servers[1]!.notifications?.perEvent),
    )
    .toEqual({ 'room.created': 'feed' });
  await channels.getByRole('checkbox', { name: 'Subscribe to the whole Trust channel' }).uncheck();
  await expect
    .poll(() =>
      page.evaluate(() => window.__katyaScript.settings().servers[1]!.subscriptions.channels),
    )
    .not.toContain('trust');

  // its own network: a manual proxy, checked in place
  await details.getByRole('radio', { name: 'Its own proxy and certificates' }).check();
  await details.getByRole('radio', { name: 'Manual proxy' }).check();
  const proxy = details.getByRole('textbox', { name: 'Proxy URL' });
  await proxy.fill('ftp://proxy.example:21');
  await expect(details.locator('#server-proxyUrl-error')).toHaveText(
    'A proxy URL starts with http://, https://, socks5:// or socks4://.',
  );
  await proxy.fill('http://proxy.example:3128');
  await proxy.press('Tab');
  await expect
    .poll(() => page.evaluate(() => window.__katyaScript.settings().servers[1]!.network))
    .toEqual({ proxyMode: 'manual', proxyUrl: 'http://proxy.example:3128', extraCaFile: '' });
  // back to the app's
  await details.getByRole('radio', { name: "Use the app's rules (Notifications below)" }).check();
  await expect
    .poll(() => page.evaluate(() => window.__katyaScript.settings().servers[1]!.notifications))
    .toBeNull();
});

test('settings: an admin policy locks the list, the auth method and the subscriptions', async ({
  page,
}) => {
  await openWindow(page, {
    settings: { servers: three },
    locks: {
      locked: {
        servers: 'Servers are managed by ACME IT',
        authMethod: 'Servers are managed by ACME IT',
        subscriptions: 'Servers are managed by ACME IT',
      },
      source: '/etc/katya-desktop/policy.json',
    },
  });
  await nav(page, 'Settings').click();
  const card = serversCard(page);
  await expect(
    card.getByText('Locked by your administrator: Servers are managed by ACME IT'),
  ).toBeVisible();
  await expect(card.getByRole('button', { name: 'Add server' })).toBeDisabled();
  await expect(card.getByRole('button', { name: /^Remove / })).toHaveCount(3);
  for (const b of await card.getByRole('button', { name: /^(Remove|Move) / }).all())
    await expect(b).toBeDisabled();
  // switching a server off and on stays the user's choice
  await expect(card.getByRole('switch', { name: 'Lab enabled' })).toBeEnabled();
  const details = page.getByRole('region', { name: 'Server: Production' });
  await expect(details.getByRole('textbox', { name: 'Name' })).toBeDisabled();
  await expect(details.getByRole('textbox', { name: 'Server URL' })).toBeDisabled();
  await expect(details.getByRole('radio', { name: /Authorization header/ })).toBeDisabled();
  await expect(
    page
      .getByRole('region', { name: 'Channels and events: Production' })
      .getByRole('checkbox', { name: 'Subscribe to the whole Trust channel' }),
  ).toBeDisabled();
  // the token stays the user's
  await expect(details.getByLabel('Access token')).toBeEnabled();

  await card.getByRole('switch', { name: 'Lab enabled' }).uncheck();
  await expect
    .poll(() => page.evaluate(() => window.__katyaScript.settings().servers[2]!.enabled))
    .toBe(false);
});

test('settings: a server the policy presets comes first, stays, and keeps what it fixes', async ({
  page,
}) => {
  await openWindow(page, {
    settings: { servers: [prod, staging] },
    locks: {
      locked: {},
      presets: [{ id: 'prod01', fields: ['name', 'url', 'notifications'] }],
      source: '/etc/katya-desktop/policy.json',
    },
  });
  await nav(page, 'Settings').click();
  const card = serversCard(page);
  await expect(card.getByRole('button', { name: 'Remove Production' })).toBeDisabled();
  await expect(card.getByRole('button', { name: 'Move Production down' })).toBeDisabled();
  // an own server never goes above a preset one
  await expect(card.getByRole('button', { name: 'Move Staging up' })).toBeDisabled();
  await expect(card.getByRole('button', { name: 'Remove Staging' })).toBeEnabled();
  await expect(card.getByRole('button', { name: 'Add server' })).toBeEnabled();

  const details = page.getByRole('region', { name: 'Server: Production' });
  await expect(details.getByRole('textbox', { name: 'Name' })).toBeDisabled();
  await expect(details.getByRole('textbox', { name: 'Server URL' })).toBeDisabled();
  await expect(details.locator('#serverUrl-lock')).toHaveText(
    "Locked by your administrator: this server is set by your organisation's policy",
  );
  await expect(details.getByRole('radio', { name: 'Its own rules' })).toBeDisabled();
  // what the preset leaves open stays the user's
  await expect(
    details.getByRole('radio', { name: 'Its own proxy and certificates' }),
  ).toBeEnabled();
  await expect(card.getByRole('switch', { name: 'Production enabled' })).toBeEnabled();

  await card.getByRole('button', { name: 'Staging', exact: true }).click();
  await expect(
    page.getByRole('region', { name: 'Server: Staging' }).getByRole('textbox', { name: 'Name' }),
  ).toBeEnabled();
});

test("diagnostics: each server's state and counts", async ({ page }) => {
  await openWindow(page, { settings: { servers: three }, entries: entries() });
  await nav(page, 'Diagnostics').click();
  const stagingDiag = page.getByRole('region', { name: 'Staging' });
  await expect(stagingDiag).toContainText('wss://staging.example/v1/ws');
  await expect(stagingDiag).toContainText('Events stored4');
  await expect(page.locator('section.diag-server h3')).toHaveText(['Production', 'Staging', 'Lab']);
});

const WORDS = {
  en: { feed: 'Feed', settings: 'Settings', remove: 'Remove Staging', add: 'Add server' },
  ru: {
    feed: 'Лента',
    settings: 'Настройки',
    remove: 'Удалить Staging',
    add: 'Добавить сервер',
  },
} as const;

for (const language of ['en', 'ru'] as const) {
  for (const theme of ['light', 'dark'] as const) {
    test(`three servers in ${language}, ${theme} theme: screenshots and axe`, async ({
      page,
    }, testInfo) => {
      const words = WORDS[language];
      await page.setViewportSize({ width: 1200, height: 800 });
      await openWindow(page, {
        settings: { servers: three, language, theme },
        entries: entries(),
        connections: {
          stag01: { phase: 'reconnecting', retryAt: Date.now() + 60_000, attempt: 2 },
        },
      });
      await expect(page.locator('html')).toHaveAttribute('lang', language);
      await expect(counts(page).getByRole('button')).toHaveCount(3);
      await list(page).locator('#feed-row-stag01_evt_0').click();
      await expect(page.getByTestId('detail-server')).toHaveText('Staging');
      const name = `servers-feed-${language}-${theme}`;
      await shoot(page, testInfo, name);
      await expectAccessible(page, testInfo, name);

      await nav(page, words.settings).click();
      await expect(page.locator('.server-list .server-item')).toHaveCount(3);
      await shoot(page, testInfo, `servers-settings-${language}-${theme}`);
      await expectAccessible(page, testInfo, `servers-settings-${language}-${theme}`);

      await page.getByRole('button', { name: words.add }).click();
      await expect(page.locator('form.add-server')).toBeVisible();
      await page.locator('form.add-server').scrollIntoViewIfNeeded();
      await shoot(page, testInfo, `servers-add-${language}-${theme}`);
      await expectAccessible(page, testInfo, `servers-add-${language}-${theme}`);
      await page.keyboard.press('Escape');

      await page.getByRole('button', { name: words.remove }).click();
      await expect(page.getByRole('alertdialog')).toBeVisible();
      await shoot(page, testInfo, `servers-remove-${language}-${theme}`);
      await expectAccessible(page, testInfo, `servers-remove-${language}-${theme}`);
    });
  }
}
