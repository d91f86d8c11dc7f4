// 10,000 events stay responsive: the list keeps only a window of rows in the DOM however many
// are loaded, scrolling anywhere shows the right rows, and a burst of 1,000 live events lands
// in one update. Timings are attached for people, not asserted (benchmarks do that).
import { expect, test } from '@playwright/test';
import { openWindow } from '../support/scripted-katya';
import { rowAt } from '../support/feed-rows';

test('a 10,000-event feed scrolls by keyboard and by wheel with a bounded DOM', async ({
  page,
}, testInfo) => {
  test.setTimeout(180_000);
  await openWindow(page, {
    seed: 10_000,
    settings: { history: { maxEvents: 20_000, maxAgeDays: 30 } },
  });
  const list = page.getByRole('listbox');
  const options = list.getByRole('option');
  await expect(page.getByTestId('feed-total')).toHaveText('10,000 events');
  await page.evaluate(() => {
    const w = window as unknown as { __longTasks: number[] };
    w.__longTasks = [];
    new PerformanceObserver((l) =>
      l.getEntries().forEach((e) => w.__longTasks.push(e.duration)),
    ).observe({ type: 'longtask' });
  });

  // End pages through the whole history with the before cursor
  await list.focus();
  for (let round = 0; round < 40; round++) {
    await page.keyboard.press('End');
    if ((await list.getAttribute('aria-activedescendant')) === 'feed-row-demo_evt_0') break;
    await expect
      .poll(() => page.evaluate(() => document.querySelector('.more') === null))
      .toBe(true);
  }
  await expect(list).toHaveAttribute('aria-activedescendant', 'feed-row-demo_evt_0');
  expect(await list.evaluate((el) => el.scrollHeight)).toBe(10_000 * 56);
  expect(await options.count()).toBeLessThan(60);

  // jump to the middle: exactly the rows for that position are rendered
  await list.evaluate((el) => (el.scrollTop = 5000 * 56));
  await expect(page.locator('#feed-row-demo_evt_4999')).toBeVisible();
  expect(await options.count()).toBeLessThan(60);

  // the keyboard still moves one row at a time from there
  await page.locator('#feed-row-demo_evt_4999').click();
  await page.keyboard.press('j');
  await expect(list).toHaveAttribute('aria-activedescendant', 'feed-row-demo_evt_4998');
  await page.keyboard.press('Escape');

  // wheel scrolling
  await list.hover();
  for (let i = 0; i < 10; i++) await page.mouse.wheel(0, 2000);
  await expect.poll(() => list.evaluate((el) => el.scrollTop)).toBeGreaterThan(5000 * 56);
  expect(await options.count()).toBeLessThan(60);

  const longTasks = await page.evaluate(
    () => (window as unknown as { __longTasks: number[] }).__longTasks,
  );
  await testInfo.attach('long-tasks-ms.json', {
    body: JSON.stringify(longTasks),
    contentType: 'application/json',
  });
});

test('a burst of 1,000 live events lands at once and the window keeps answering', async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  await openWindow(page, {
    seed: 10_000,
    settings: { history: { maxEvents: 20_000, maxAgeDays: 30 } },
  });
  await expect(page.getByTestId('feed-total')).toHaveText('10,000 events');
  const list = page.getByRole('listbox');
  const started = await page.evaluate(() => {
    const s = window.__katyaScript;
    const now = Date.now();
    const burst = Array.from({ length: 1000 }, (_, k) =>
      s.makeEvent(20_000 + k, { receivedAt: now + k }),
    );
    const t0 = performance.now();
    s.push(burst);
    return t0;
  });
  await expect(page.getByTestId('feed-total')).toHaveText('11,000 events');
  await expect(rowAt(list, 1)).toHaveId('feed-row-demo_evt_20999');
  expect(await list.getByRole('option').count()).toBeLessThan(60);
  // one frame after the burst: the page is alive and takes input
  const settled = await page.evaluate(
    () => new Promise<number>((r) => requestAnimationFrame(() => r(performance.now()))),
  );
  await testInfo.attach('burst-to-frame-ms.txt', { body: String(settled - started) });
  await list.focus();
  await page.keyboard.press('j');
  await expect(list).toHaveAttribute('aria-activedescendant', 'feed-row-demo_evt_20998');
  await page.getByRole('checkbox', { name: 'Unread only' }).check();
  await expect(page.getByTestId('feed-total')).toHaveText('4,334 events');
});
