// Several servers (issue #19), continued: one server's snooze (its row in Settings → Servers,
// the status bar's Snooze menu, the sidebar, the status bar's words), and metrics per Katya
// server (which server sent each series, one server's or all). Against the scripted contract,
// which snoozes as main's AppService does. Screenshots in both languages and themes, and axe.
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { makeServer, openWindow } from '../support/scripted-katya';
import type { MetricSeries } from '../../../main/core/common/views';
import type { KatyaApi } from '../../../preload/contract';
import { DEFAULT_SETTINGS } from '../../../main/core/common/settings-schema';
import { expectAccessible, shoot } from '../support/look';

const prod = makeServer('prod01', 'Production', 'wss://prod.example/v1/ws');
const staging = makeServer('stag01', 'Staging', 'wss://staging.example/v1/ws');
const lab = makeServer('lab001', 'Lab', 'wss://lab.example:8443/v1/ws');
const three = [prod, staging, lab];

const TIME = String.raw`\d\d:\d\d(\s?[AP]M)?`;
const nav = (page: Page, name: string) =>
  page
    .getByRole('navigation')
    .getByRole('button', { name: new RegExp(`^${name}`) })
    .first();
const counts = (page: Page) => page.getByRole('navigation').locator('ul.nav-servers');
const serversCard = (page: Page) => page.getByRole('region', { name: 'Servers', exact: true });
const status = (page: Page) => page.locator('footer.statusbar .snoozed');
const snoozeCalls = (page: Page) =>
  page.evaluate(() =>
    window.__katyaScript.calls
      .filter((c) => c.channel === 'notifications:snooze')
      .map((c) => c.args),
  );
/** each server's snooze as the scripted main has it: id -> until, or null */
const snoozes = (page: Page) =>
  page.evaluate(() =>
    Object.fromEntries(window.__katyaScript.servers().map((v) => [v.id, v.snoozedUntil])),
  );
const everyone = (page: Page) =>
  page.evaluate(
    async () =>
      (await (window as unknown as { katya: KatyaApi }).katya.invoke['app:snapshot']())
        .snoozedUntil,
  );

test("one server's snooze: from its row and from the Snooze menu, shown, resumed", async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await openWindow(page, { settings: { servers: three } });
  await nav(page, 'Settings').click();
  const card = serversCard(page);

  // Staging's own menu, by keyboard: the first choice takes the keyboard, Enter snoozes
  const stagingSnooze = card.getByRole('button', { name: 'Snooze notifications of Staging' });
  await expect(stagingSnooze).toHaveAttribute('aria-expanded', 'false');
  await stagingSnooze.focus();
  await page.keyboard.press('Enter');
  await expect(stagingSnooze).toHaveAttribute('aria-expanded', 'true');
  const menu = card.getByRole('group', { name: 'Snooze notifications of Staging' });
  await expect(menu.getByRole('button', { name: 'For 1 hour' })).toBeFocused();
  // nothing to resume yet
  await expect(menu.getByRole('button', { name: /^Resume/ })).toHaveCount(0);
  // Esc closes it and gives the keyboard back to its button
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();
  await expect(stagingSnooze).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(menu.getByRole('button', { name: 'For 1 hour' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(menu).toBeHidden();
  await expect(stagingSnooze).toBeFocused();
  await expect.poll(() => snoozeCalls(page)).toEqual([['1h', { server: 'stag01' }]]);

  // only Staging: its row, the sidebar and the status bar say until when
  const s = await snoozes(page);
  expect(s.stag01).toBeGreaterThan(Date.now() + 3_500_000);
  expect([s.prod01, s.lab001, await everyone(page)]).toEqual([null, null, null]);
  const stagingRow = card.locator('.server-item[data-server="stag01"]');
  await expect(stagingRow.locator('.server-snooze')).toHaveText(
    new RegExp(`^notifications snoozed until ${TIME}$`),
  );
  await expect(card.locator('.server-snooze')).toHaveCount(1);
  await expect(
    card.getByRole('button', { name: 'Staging', exact: true }),
  ).toHaveAccessibleDescription(
    new RegExp(`^wss://staging.example/v1/ws connected notifications snoozed until ${TIME}$`),
  );
  await expect(
    counts(page).getByRole('button', {
      name: new RegExp(`^Staging\\s*, notifications snoozed until ${TIME}$`),
    }),
  ).toBeVisible();
  await expect(counts(page).getByTestId('server-snoozed')).toHaveCount(1);
  await expect(status(page)).toHaveText(
    new RegExp(`^Staging: notifications snoozed until ${TIME}$`),
  );

  // Lab for 4 hours, through the status bar's menu: the servers choice comes first
  const snooze = page.getByRole('button', { name: 'Snooze notifications', exact: true });
  await snooze.click();
  const barMenu = page.getByRole('group', { name: 'Snooze notifications', exact: true });
  const which = barMenu.getByRole('combobox', { name: 'Servers' });
  await expect(which).toBeFocused();
  await expect(which.locator('option')).toHaveText(['All servers', 'Production', 'Staging', 'Lab']);
  await expect(which).toHaveValue('');
  await which.selectOption({ label: 'Staging' });
  // the server picked: its snooze's end, and its own resume
  await expect(barMenu).toContainText(new RegExp(`notifications snoozed until ${TIME}`));
  await expect(
    barMenu.getByRole('button', { name: 'Resume notifications of Staging' }),
  ).toBeVisible();
  await which.selectOption({ label: 'Lab' });
  await expect(barMenu.getByRole('button', { name: /^Resume/ })).toHaveCount(0);
  await barMenu.getByRole('button', { name: 'For 4 hours' }).click();
  await expect(barMenu).toBeHidden();
  await expect(snooze).toBeFocused();
  await expect
    .poll(() => snoozeCalls(page))
    .toEqual([
      ['1h', { server: 'stag01' }],
      ['4h', { server: 'lab001' }],
    ]);
  await expect(status(page)).toHaveText('Notifications of 2 servers snoozed');
  await expect(card.locator('.server-snooze')).toHaveCount(2);
  // the menu is for every server again when it opens next
  await snooze.click();
  await expect(which).toHaveValue('');
  await page.keyboard.press('Escape');

  // resume Staging from its row: Lab's goes on
  await stagingSnooze.click();
  await menu.getByRole('button', { name: 'Resume notifications of Staging' }).click();
  await expect.poll(() => snoozeCalls(page)).toHaveLength(3);
  expect((await snoozeCalls(page))[2]).toEqual(['off', { server: 'stag01' }]);
  await expect(status(page)).toHaveText(new RegExp(`^Lab: notifications snoozed until ${TIME}$`));
  await expect(stagingRow.locator('.server-snooze')).toHaveCount(0);
  await expect(
    card.getByRole('button', { name: 'Staging', exact: true }),
  ).toHaveAccessibleDescription('wss://staging.example/v1/ws connected');
  expect((await snoozes(page)).stag01).toBeNull();

  // everyone's snooze replaces each server's own (Lab's 4 hours too), as main's does
  await snooze.click();
  await barMenu.getByRole('button', { name: 'For 1 hour' }).click();
  await expect.poll(() => snoozeCalls(page)).toHaveLength(4);
  expect((await snoozeCalls(page))[3]).toEqual(['1h']);
  const all = await snoozes(page);
  expect(new Set(Object.values(all)).size).toBe(1);
  expect(all.lab001).toBe(await everyone(page));
  await expect(status(page)).toHaveText(new RegExp(`^Notifications snoozed until ${TIME}$`));
  await expect(card.locator('.server-snooze')).toHaveCount(3);
  await expect(counts(page).getByTestId('server-snoozed')).toHaveCount(3);

  // one server resumed while everyone's runs: it alone notifies again; everyone's stays
  await card.getByRole('button', { name: 'Snooze notifications of Production' }).click();
  await card
    .getByRole('group', { name: 'Snooze notifications of Production' })
    .getByRole('button', { name: 'Resume notifications of Production' })
    .click();
  await expect(status(page)).toHaveText('Notifications of 2 servers snoozed');
  expect((await snoozes(page)).prod01).toBeNull();
  expect(await everyone(page)).not.toBeNull();

  // "Resume notifications" for every server ends each one's
  await snooze.click();
  await expect(which).toHaveValue('');
  await barMenu.getByRole('button', { name: 'Resume notifications', exact: true }).click();
  await expect.poll(() => snoozeCalls(page)).toHaveLength(6);
  expect((await snoozeCalls(page))[5]).toEqual(['off']);
  await expect(status(page)).toHaveCount(0);
  await expect(card.locator('.server-snooze')).toHaveCount(0);
  await expect(counts(page).getByTestId('server-snoozed')).toHaveCount(0);
  expect(await snoozes(page)).toEqual({ prod01: null, stag01: null, lab001: null });
  expect(await everyone(page)).toBeNull();
});

test('one server: the Snooze menu and the servers list stay as they were', async ({ page }) => {
  await openWindow(page, { settings: { servers: [prod] } });
  await page.getByRole('button', { name: 'Snooze notifications' }).click();
  const menu = page.getByRole('group', { name: 'Snooze notifications' });
  await expect(menu.getByRole('combobox')).toHaveCount(0);
  await expect(menu.getByRole('button')).toHaveText([
    'For 1 hour',
    'For 4 hours',
    'Until tomorrow',
  ]);
  await expect(menu.getByRole('button', { name: 'For 1 hour' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect.poll(() => snoozeCalls(page)).toEqual([['1h']]);
  await expect(status(page)).toHaveText(new RegExp(`^Notifications snoozed until ${TIME}$`));
  await nav(page, 'Settings').click();
  await expect(serversCard(page).locator('.server-item')).toHaveCount(1);
  await expect(serversCard(page).getByRole('button', { name: /^Snooze/ })).toHaveCount(0);
  await expect(serversCard(page).locator('.server-snooze')).toHaveCount(0);
});

test("the scripted main snoozes as main does: unknown servers, new servers, 'tomorrow'", async ({
  page,
}) => {
  await openWindow(page, {
    settings: {
      servers: [
        prod,
        makeServer('stag01', 'Staging', 'wss://staging.example/v1/ws', {
          notifications: {
            ...structuredClone(DEFAULT_SETTINGS.notifications),
            quietHours: { enabled: true, start: '23:00', end: '09:30' },
          },
        }),
      ],
    },
  });
  const answer = await page.evaluate(async () => {
    try {
      await (window as unknown as { katya: KatyaApi }).katya.invoke['notifications:snooze']('1h', {
        server: 'nope00',
      });
      return 'answered';
    } catch (err) {
      return (err as Error).message;
    }
  });
  expect(answer).toBe('no server "nope00"');

  // "tomorrow" ends where each server's quiet hours end (the app's: 07:00), an hour away at least
  const ends = await page.evaluate(async () => {
    const r = await (window as unknown as { katya: KatyaApi }).katya.invoke['notifications:snooze'](
      'tomorrow',
    );
    const views = window.__katyaScript.servers();
    return { answer: r.snoozedUntil, views: views.map((v) => v.snoozedUntil) };
  });
  const clock = (ms: number | null) => {
    const d = new Date(ms ?? NaN);
    return `${d.getHours()}:${d.getMinutes()}`;
  };
  expect(ends.views.map(clock)).toEqual(['7:0', '9:30']);
  // everyone's end is the last server's, as main's store keeps it
  expect(ends.answer).toBe(ends.views[1]);
  for (const end of ends.views) expect(end!).toBeGreaterThan(Date.now() + 3_500_000);

  // a server added during everyone's snooze starts snoozed; a removed one's goes with it
  await page.evaluate(async () => {
    const s = window.__katyaScript.settings();
    const added = { ...s.servers[0]!, id: 'lab001', name: 'Lab', url: 'wss://lab.example/v1/ws' };
    await (window as unknown as { katya: KatyaApi }).katya.invoke['settings:update']({
      servers: [s.servers[1]!, added],
    });
  });
  const after = await snoozes(page);
  expect(Object.keys(after)).toEqual(['stag01', 'lab001']);
  expect(after.lab001).toBe(await everyone(page));
});

// ---- metrics ------------------------------------------------------------------------------

function series(
  source: string,
  name: string,
  server: string,
  latest: number,
  unit = 'percent',
): MetricSeries {
  return {
    name,
    source,
    server,
    region: 'eu-west',
    unit,
    latest,
    updatedAt: Date.now() - 5000,
    recent: [latest - 2, latest - 1, latest],
  };
}

/** Production and Staging both send cpu_usage about srv-1: two series, not one. */
const METRICS: MetricSeries[] = [
  series('stag01', 'cpu_usage', 'srv-1', 12),
  series('prod01', 'cpu_usage', 'srv-1', 42),
  series('prod01', 'latency_p95', 'srv-2', 180, 'ms'),
];

const table = (page: Page) => page.getByRole('table');
const cells = (page: Page, column: number) =>
  table(page)
    .locator('tbody tr')
    .evaluateAll((rows, c) => rows.map((r) => r.children[c]?.textContent ?? ''), column);

test('metrics: each series names its Katya server; one server or all', async ({ page }) => {
  await openWindow(page, { settings: { servers: three }, metrics: METRICS });
  await nav(page, 'Metrics').click();
  await expect(table(page).getByRole('columnheader')).toHaveText([
    'Metric',
    'Katya server',
    'Server',
    'Region',
    'Latest value',
    'Recent values',
    'Updated',
  ]);
  // the same metric about the same machine from two Katya servers is two rows, in the
  // servers' order
  await expect(table(page).locator('tbody tr')).toHaveCount(3);
  expect(await cells(page, 0)).toEqual(['cpu_usage', 'latency_p95', 'cpu_usage']);
  expect(await cells(page, 1)).toEqual(['Production', 'Production', 'Staging']);
  expect(await cells(page, 4)).toEqual(['42%', '180 ms', '12%']);

  // a live update from Staging changes Staging's row alone
  await page.evaluate(
    (s) => window.__katyaScript.setMetrics([s]),
    series('stag01', 'cpu_usage', 'srv-1', 77),
  );
  await expect(table(page).locator('tbody tr').nth(2)).toContainText('77%');
  expect(await cells(page, 4)).toEqual(['42%', '180 ms', '77%']);

  // one server's metrics
  const from = page.getByRole('combobox', { name: 'Metrics from' });
  await expect(from.locator('option')).toHaveText(['All servers', 'Production', 'Staging', 'Lab']);
  await from.selectOption({ label: 'Staging' });
  expect(await cells(page, 1)).toEqual(['Staging']);
  await from.selectOption({ label: 'Lab' });
  await expect(page.getByText('No metrics from Lab yet.')).toBeVisible();
  await expect(table(page)).toHaveCount(0);
  // the choice stays while the window moves between views
  await from.selectOption({ label: 'Production' });
  await nav(page, 'Feed').click();
  await nav(page, 'Metrics').click();
  await expect(from).toHaveValue('prod01');
  expect(await cells(page, 1)).toEqual(['Production', 'Production']);

  // Production removed: its series go, and the view shows every server's again
  await page.evaluate(async () => {
    const s = window.__katyaScript.settings();
    await (window as unknown as { katya: KatyaApi }).katya.invoke['settings:update']({
      servers: s.servers.slice(1),
    });
  });
  await expect(from).toHaveValue('');
  await expect(from.locator('option')).toHaveText(['All servers', 'Staging', 'Lab']);
  expect(await cells(page, 1)).toEqual(['Staging']);
  await nav(page, 'Feed').click();
  await nav(page, 'Metrics').click();
  expect(await cells(page, 1)).toEqual(['Staging']);
});

test("metrics: one server shows no server column; the demo's series are the Demo's", async ({
  page,
}) => {
  await openWindow(page, { settings: { servers: [prod] }, metrics: [METRICS[1]!] });
  await nav(page, 'Metrics').click();
  await expect(table(page).getByRole('columnheader')).toHaveCount(6);
  await expect(page.getByRole('combobox', { name: 'Metrics from' })).toHaveCount(0);

  // with several servers, a series from the demo server is named as the window names it
  await page.evaluate(
    (s) => window.__katyaScript.setMetrics([s]),
    series('demo', 'requests', 'srv-3', 5, 'req/s'),
  );
  await page.evaluate(async (more) => {
    const s = window.__katyaScript.settings();
    await (window as unknown as { katya: KatyaApi }).katya.invoke['settings:update']({
      servers: [...s.servers, more],
    });
  }, staging);
  await expect(table(page).getByRole('columnheader')).toHaveCount(7);
  await expect(table(page).getByRole('row', { name: /requests/ })).toContainText('Demo');
});

// ---- how it looks -------------------------------------------------------------------------

const WORDS = {
  en: {
    settings: 'Settings',
    metrics: 'Metrics',
    rowSnooze: 'Snooze notifications of Staging',
    barSnooze: 'Snooze notifications',
    hour: 'For 1 hour',
    servers: 'Servers',
  },
  ru: {
    settings: 'Настройки',
    metrics: 'Метрики',
    rowSnooze: 'Отложить уведомления сервера Staging',
    barSnooze: 'Отложить уведомления',
    hour: 'На 1 час',
    servers: 'Серверы',
  },
} as const;

for (const language of ['en', 'ru'] as const) {
  for (const theme of ['light', 'dark'] as const) {
    test(`snooze per server and metrics per server in ${language}, ${theme} theme: screenshots and axe`, async ({
      page,
    }, testInfo) => {
      const words = WORDS[language];
      await page.setViewportSize({ width: 1200, height: 800 });
      await openWindow(page, {
        settings: { servers: three, language, theme },
        metrics: METRICS,
      });
      await expect(page.locator('html')).toHaveAttribute('lang', language);

      // Staging snoozed from its row; its menu open again
      await nav(page, words.settings).click();
      const rowSnooze = page.getByRole('button', { name: words.rowSnooze, exact: true });
      await rowSnooze.click();
      await page
        .getByRole('group', { name: words.rowSnooze, exact: true })
        .getByRole('button', { name: words.hour })
        .click();
      await expect(page.locator('.server-snooze')).toHaveCount(1);
      await rowSnooze.click();
      await expect(page.getByRole('group', { name: words.rowSnooze, exact: true })).toBeVisible();
      await shoot(page, testInfo, `servers-snooze-row-${language}-${theme}`);
      await expectAccessible(page, testInfo, `servers-snooze-row-${language}-${theme}`);
      await page.keyboard.press('Escape');

      // the status bar's menu, Staging picked
      await page.getByRole('button', { name: words.barSnooze, exact: true }).click();
      await page
        .getByRole('group', { name: words.barSnooze, exact: true })
        .getByRole('combobox', { name: words.servers })
        .selectOption('stag01');
      await shoot(page, testInfo, `servers-snooze-menu-${language}-${theme}`);
      await expectAccessible(page, testInfo, `servers-snooze-menu-${language}-${theme}`);
      await page.keyboard.press('Escape');

      await nav(page, words.metrics).click();
      await expect(page.locator('tbody tr')).toHaveCount(3);
      await shoot(page, testInfo, `servers-metrics-${language}-${theme}`);
      await expectAccessible(page, testInfo, `servers-metrics-${language}-${theme}`);
    });
  }
}
