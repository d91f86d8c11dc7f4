// Both languages and both themes, with screenshots kept as test artifacts; an axe-core scan of
// every view in each; and no CSP violation anywhere.
import { expect, test } from '@playwright/test';
import type { Page, TestInfo } from '@playwright/test';
import path from 'node:path';
import { openWindow } from '../support/scripted-katya';
import { RENDERER_ORIGIN } from '../support/renderer';

const AXE = path.resolve('node_modules/axe-core/axe.min.js');

const metrics = [
  {
    name: 'cpu_usage',
    server: 'srv-1',
    region: 'eu-west',
    unit: 'percent',
    latest: 42.5,
    updatedAt: Date.now(),
    recent: [10, 30, 20, 42.5],
  },
  {
    name: 'latency_p95',
    server: 'srv-2',
    region: null,
    unit: 'ms',
    latest: 180,
    updatedAt: Date.now(),
    recent: [200, 150, 180],
  },
];

async function shoot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const file = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

async function axe(page: Page): Promise<AxeViolation[]> {
  // Served from the window's own origin: the strict CSP (script-src 'self') blocks inline scripts.
  if (!(await page.evaluate(() => 'axe' in window))) {
    await page.route(`${RENDERER_ORIGIN}/__test__/axe.min.js`, (route) =>
      route.fulfill({ path: AXE, contentType: 'text/javascript' }),
    );
    await page.addScriptTag({ url: `${RENDERER_ORIGIN}/__test__/axe.min.js` });
  }
  return page.evaluate(async () => {
    const w = window as unknown as {
      axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> };
    };
    const r = await w.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }));
  });
}

async function expectAccessible(page: Page, testInfo: TestInfo, where: string): Promise<void> {
  const violations = await axe(page);
  await testInfo.attach(`axe-${where}.json`, {
    body: JSON.stringify(violations, null, 2),
    contentType: 'application/json',
  });
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    serious,
    `${where}: ${serious.map((v) => `${v.id} ${JSON.stringify(v.nodes.slice(0, 3))}`).join('; ')}`,
  ).toEqual([]);
}

const VIEWS: Record<'en' | 'ru', [string, string][]> = {
  en: [
    ['Feed', 'feed'],
    ['Metrics', 'metrics'],
    ['Settings', 'settings'],
    ['Diagnostics', 'diagnostics'],
    ['About', 'about'],
  ],
  ru: [
    ['Лента', 'feed'],
    ['Метрики', 'metrics'],
    ['Настройки', 'settings'],
    ['Диагностика', 'diagnostics'],
    ['О программе', 'about'],
  ],
};

for (const language of ['en', 'ru'] as const) {
  for (const theme of ['light', 'dark'] as const) {
    test(`every view in ${language}, ${theme} theme: screenshots and axe`, async ({
      page,
    }, testInfo) => {
      const violations: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy/.test(m.text()) && !/frame-ancestors/.test(m.text()))
          violations.push(m.text());
      });
      await page.setViewportSize({ width: 1200, height: 800 });
      await openWindow(page, {
        seed: 60,
        settings: { language, theme },
        metrics,
        subscriptions: [{ kind: 'channel', name: 'security', status: 'active' }],
        connection: { demo: true, serverUrl: '' },
        notices: language === 'en' ? ['The settings file was damaged and has been reset.'] : [],
      });
      await expect(page.locator('html')).toHaveAttribute('lang', language);
      await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
      const nav = page.getByRole('navigation');
      for (const [label, view] of VIEWS[language]) {
        await nav.getByRole('button', { name: label }).click();
        await expect(page.getByRole('main')).toHaveAccessibleName(label);
        if (view === 'feed') {
          await page.locator('#feed-row-evt_57').click();
          await expect(page.locator('.detail pre')).toBeVisible();
        }
        if (view === 'diagnostics') await expect(page.locator('dl.stats').first()).toBeVisible();
        if (view === 'about') await expect(page.locator('dl.about-versions')).toBeVisible();
        await shoot(page, testInfo, `${view}-${language}-${theme}`);
        await expectAccessible(page, testInfo, `${view}-${language}-${theme}`);
      }
      expect(violations).toEqual([]);
    });
  }
}

test('Russian plural forms and dates come from Intl', async ({ page }) => {
  await openWindow(page, { seed: 21, settings: { language: 'ru' } });
  // 21 -> "21 событие", 7 unread (0, 3, ..., 18) -> "7 непрочитанных"
  await expect(page.getByTestId('feed-total')).toHaveText('21 событие');
  await expect(page.getByTestId('feed-unread')).toHaveText('7 непрочитанных');
  await expect(page.locator('.row-time').first()).toHaveText('только что');
  // The seeded row is about 90 s old when it is drawn; on a loaded machine it may be a little
  // older. Either way the Russian form must agree with the number (минуту for 1, минуты for 2-4).
  await expect(page.locator('.row-time').nth(3)).toHaveText(/^(1 минуту|2 минуты) назад$/);
  await page.getByRole('checkbox', { name: 'Только непрочитанные' }).check();
  await expect(page.getByTestId('feed-total')).toHaveText('7 событий');
  await page.evaluate(() =>
    window.__katyaScript.setConnection({ phase: 'reconnecting', retryAt: Date.now() + 3_500 }),
  );
  await expect(page.getByTestId('status-text')).toHaveText(/через [34] секунды/);
  await expect(page.locator('.row-line').first()).toHaveText(
    'Проверка vulnerability для host-0 завершена: 2 находки',
  );
});

test('system language and system theme are the defaults', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'ru-RU', colorScheme: 'dark' });
  const page = await context.newPage();
  await openWindow(page, { seed: 3 });
  await expect(page.locator('html')).toHaveAttribute('lang', 'ru');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'system');
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(bg).toBe('rgb(21, 24, 28)');
  await context.close();
});
