// The window's live feed stays bounded: it keeps at most history.maxEvents entries however
// many live events arrive, and so does its count of events, as main's history does. Main keeps
// the same bound, so what falls off the window's end is gone from main too; the tests that
// scroll back past a trim model a main that holds more (historyKeeps), to show that trimming
// and paging stay right even then: no duplicates, no holes. The window's count of loaded
// entries is read from the list's data-loaded-count attribute.
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import type { KatyaApi } from '../../../preload/contract';
import { openWindow } from '../support/scripted-katya';
import { rowAt } from '../support/feed-rows';

const ROW = 56;
const list = (page: Page) => page.getByRole('listbox', { name: 'Events, newest first' });
const loaded = async (page: Page) => Number(await list(page).getAttribute('data-loaded-count'));

/** Live events evt_<first> .. evt_<first+count-1>, one ms apart from `at`, as main sends them. */
function pushLive(page: Page, first: number, count: number, at: number): Promise<void> {
  return page.evaluate(
    ({ first, count, at }) => {
      const s = window.__katyaScript;
      s.push(
        Array.from({ length: count }, (_, k) => s.makeEvent(first + k, { receivedAt: at + k })),
      );
    },
    { first, count, at },
  );
}

/** Scroll to the end until the window holds `expected` entries (each step loads one page). */
async function scrollToEnd(page: Page, expected: number): Promise<void> {
  let count = await loaded(page);
  for (let round = 0; count < expected && round < 100; round++) {
    await list(page).evaluate((el) => (el.scrollTop = el.scrollHeight));
    const before = count;
    await expect.poll(() => loaded(page), { timeout: 20_000 }).toBeGreaterThan(before);
    count = await loaded(page);
  }
  expect(count).toBe(expected);
}

/** The rendered rows from 1-based position `at` on must be exactly the expected ids. */
async function expectRowsAt(page: Page, at: number, idAt: (position: number) => string) {
  await list(page).evaluate((el, top) => (el.scrollTop = top), (at - 1) * ROW);
  await expect(page.locator(`#feed-row-demo_${idAt(at)}`)).toBeAttached();
  const rows = await list(page)
    .getByRole('option')
    .evaluateAll((els) =>
      els.map((e) => [Number(e.getAttribute('aria-posinset')), e.getAttribute('data-event-id')]),
    );
  expect(rows.length).toBeGreaterThan(10);
  for (const [position, id] of rows) expect(id).toBe(idAt(position as number));
}

test('the count of events never passes history.maxEvents, and the list ends where main does', async ({
  page,
}) => {
  await openWindow(page, {
    seed: 1200,
    settings: { history: { maxEvents: 1000, maxAgeDays: 30 } },
  });
  await expect(page.getByTestId('feed-total')).toHaveText('1,000 events');
  const start = Date.now() + 1000;
  for (let b = 0; b < 3; b++) {
    await pushLive(page, 100_000 + b * 1000, 1000, start + b * 1000);
    await expect(rowAt(list(page), 1)).toHaveId(`feed-row-demo_evt_${100_000 + b * 1000 + 999}`);
    await expect(page.getByTestId('feed-total')).toHaveText('1,000 events');
  }
  expect(await loaded(page)).toBe(1000);
  // scrolling down asks main for more and gets nothing: the list ends at main's oldest event
  await list(page).evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(page.locator('#feed-row-demo_evt_102000')).toBeVisible();
  await expect(page.locator('.more')).toHaveCount(0);
  expect(await loaded(page)).toBe(1000);
  await expect(page.getByTestId('feed-total')).toHaveText('1,000 events');
});

test('20,000 live events keep the window at history.maxEvents; scrolling down pages back to the oldest', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await openWindow(page, {
    seed: 1200,
    settings: { history: { maxEvents: 1000, maxAgeDays: 30 } },
    historyKeeps: Number.MAX_SAFE_INTEGER,
  });
  await expect(page.getByTestId('feed-total')).toHaveText('1,200 events');
  await expect(list(page)).toHaveAttribute('data-loaded-count', '500');

  // 20 batches of 1,000, newer than every seeded event; at the top of the list
  const start = Date.now() + 1000;
  let most = 0;
  for (let b = 0; b < 20; b++) {
    await pushLive(page, 100_000 + b * 1000, 1000, start + b * 1000);
    await expect(rowAt(list(page), 1)).toHaveId(`feed-row-demo_evt_${100_000 + b * 1000 + 999}`);
    most = Math.max(most, await loaded(page));
  }
  expect(most).toBe(1000);
  // the count stops at the window's bound, which is main's too (this main keeps more)
  await expect(page.getByTestId('feed-total')).toHaveText('1,000 events');
  expect(await page.evaluate(() => window.__katyaScript.entryCount())).toBe(21_200);

  // newest first: the live events, then the seeded ones
  const idAt = (p: number) => (p <= 20_000 ? `evt_${120_000 - p}` : `evt_${21_200 - p}`);
  await scrollToEnd(page, 21_200);
  await expect(list(page)).toHaveAttribute('data-loaded-count', '21200');
  await list(page).evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(page.locator('#feed-row-demo_evt_0')).toBeVisible();
  await expect(page.locator('.more')).toHaveCount(0);
  // in order where the trimmed list ended, at page boundaries after it, where live met seeded
  for (const at of [1, 985, 1485, 1985, 19_985, 21_170]) await expectRowsAt(page, at, idAt);

  // one more batch trims again, and the end comes back again, in order
  // (back at the top first, so the list does not ask for more at once)
  await list(page).evaluate((el) => (el.scrollTop = 0));
  await expect(rowAt(list(page), 1)).toHaveId('feed-row-demo_evt_119999');
  await pushLive(page, 200_000, 1000, start + 100_000);
  await expect(rowAt(list(page), 1)).toHaveId('feed-row-demo_evt_200999');
  expect(await loaded(page)).toBe(1000);
  await scrollToEnd(page, 1500);
  const idAfter = (p: number) => (p <= 1000 ? `evt_${201_000 - p}` : `evt_${121_000 - p}`);
  await expectRowsAt(page, 985, idAfter);
});

test('a reader further down keeps their place while the list is trimmed', async ({ page }) => {
  await openWindow(page, { seed: 900, settings: { history: { maxEvents: 1000, maxAgeDays: 30 } } });
  const start = Date.now() + 1000;
  await pushLive(page, 10_000, 300, start);
  await expect(list(page)).toHaveAttribute('data-loaded-count', '800');

  await list(page).evaluate((el, top) => (el.scrollTop = top), 100 * ROW);
  await expect.poll(() => list(page).evaluate((el) => el.scrollTop)).toBe(100 * ROW);
  const reading = page.locator('#feed-row-demo_evt_10199');
  await expect(reading).toBeVisible();
  const y = (await reading.boundingBox())!.y;

  await pushLive(page, 20_000, 300, start + 10_000);
  await expect(list(page)).toHaveAttribute('data-loaded-count', '1000');
  await expect.poll(() => list(page).evaluate((el) => el.scrollTop)).toBe(400 * ROW);
  await expect(reading).toBeVisible();
  expect((await reading.boundingBox())!.y).toBe(y);
});

test('after a trim, an "unread only" list finds its place even when its last entry was read', async ({
  page,
}) => {
  await openWindow(page, {
    settings: { history: { maxEvents: 100, maxAgeDays: 30 } },
    historyKeeps: Number.MAX_SAFE_INTEGER,
  });
  await page.getByRole('checkbox', { name: 'Unread only' }).check();
  await expect
    .poll(() =>
      page.evaluate(() =>
        window.__katyaScript.calls.some(
          (c) => c.channel === 'feed:query' && (c.args[0] as { unreadOnly?: boolean }).unreadOnly,
        ),
      ),
    )
    .toBe(true);
  const start = Date.now() + 1000;
  for (let b = 0; b < 3; b++) await pushLive(page, 1000 + b * 100, 100, start + b * 1000);
  await expect(rowAt(list(page), 1)).toHaveId('feed-row-demo_evt_1299');
  await expect(list(page)).toHaveAttribute('data-loaded-count', '100');

  // the list's oldest entry, evt_1200, is read elsewhere: main no longer lists it as unread
  await page.evaluate(() =>
    (window as unknown as { katya: KatyaApi }).katya.invoke['feed:markRead'](['demo/evt_1200']),
  );
  await scrollToEnd(page, 300);
  await expectRowsAt(page, 95, (p) => `evt_${1300 - p}`);
  await list(page).evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(page.locator('#feed-row-demo_evt_1000')).toBeVisible();
});
