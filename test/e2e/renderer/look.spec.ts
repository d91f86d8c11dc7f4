// Both languages and both themes, with screenshots kept as test artifacts; an axe-core scan of
// every view in each; and no CSP violation anywhere.
import { expect, test } from '@playwright/test';
import { openWindow } from '../support/scripted-katya';
import { expectAccessible, shoot } from '../support/look';

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
          await page.locator('#feed-row-demo_evt_57').click();
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
