// The feed against the scripted contract: start-up order, one-liners, filters, search,
// keyboard, detail pane, read marks, gaps, live additions and paging.
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { calledChannels, installScriptedKatya, openWindow } from '../support/scripted-katya';
import { RENDERER_ORIGIN, serveRenderer } from '../support/renderer';
import { accessibleRowIds, rowAt, rowIdsInOrder } from '../support/feed-rows';

const list = (page: Page) => page.getByRole('listbox', { name: 'Events, newest first' });
const rows = (page: Page) => list(page).getByRole('option');
const total = (page: Page) => page.getByTestId('feed-total');
const unread = (page: Page) => page.getByTestId('feed-unread');

test('starts in the contract order: snapshot, subscribe, ready, query', async ({ page }) => {
  await openWindow(page, { seed: 30 });
  const calls = await calledChannels(page);
  const snapshot = calls.indexOf('app:snapshot');
  const firstOn = calls.findIndex((c) => c.startsWith('on:'));
  const lastOn = calls.findLastIndex((c) => c.startsWith('on:'));
  const ready = calls.indexOf('window:ready');
  const query = calls.indexOf('feed:query');
  expect(snapshot).toBe(0);
  expect(firstOn).toBeGreaterThan(snapshot);
  expect(ready).toBeGreaterThan(lastOn);
  expect(query).toBeGreaterThan(ready);
  expect(calls.filter((c) => c === 'on:feed:added')).toHaveLength(1);
});

test('shows a readable line for each of the 22 event types, never raw JSON', async ({ page }) => {
  // tall enough that the virtualised list renders all 22 rows
  await page.setViewportSize({ width: 1280, height: 1800 });
  await openWindow(page, { seed: 22 });
  await expect(rows(page)).toHaveCount(22);
  const lines = await list(page).locator('.row-line').allTextContents();
  expect(lines).toHaveLength(22);
  for (const line of lines) {
    expect(line).not.toMatch(/[{}]|"\w+":/);
    expect(line.length).toBeGreaterThan(8);
  }
  // a few exact lines: who, what, where
  await expect(list(page)).toContainText('alice wrote in ops: “Deploy number 0 is rolling out”');
  await expect(list(page)).toContainText('Brute force attempt 15 from 10.0.15.7 (authentication)');
  await expect(list(page)).toContainText('Maintenance ended: Database upgrade 21 (completed)');
  await expect(list(page)).toContainText('cpu_usage is 52% on srv-1');
  await expect(list(page)).toContainText('vulnerability scan of host-0 finished: 2 findings');
  // severity is shown in words too, not colour alone
  await expect(list(page).locator('.sev-badge', { hasText: /\S/ }).first()).toBeVisible();
});

test('live events on top take the rows that left the window; the other rows keep their element and content', async ({
  page,
}) => {
  // more entries than the window draws, of all 22 types
  await page.setViewportSize({ width: 1280, height: 1200 });
  await openWindow(page, { seed: 80 });
  const drawn = await rows(page).count();
  expect(drawn).toBeGreaterThan(22);
  expect(drawn).toBeLessThan(80);
  // What each row says, by the entry it claims to show, in feed order; and which entry the row
  // element showed when it was last described.
  const describe = () =>
    rows(page)
      .evaluateAll((els) =>
        els.map((el) => {
          const tagged = el as unknown as { __showed?: string };
          const showed = tagged.__showed ?? null;
          tagged.__showed = el.id;
          const text = (sel: string) => el.querySelector(sel)?.textContent ?? null;
          return {
            id: el.id,
            event: el.getAttribute('data-event-id'),
            position: Number(el.getAttribute('aria-posinset')),
            classes: el.className,
            icon: el.querySelector('.chan')?.className ?? null,
            path: el.querySelector('.chan path')?.getAttribute('d') ?? null,
            line: text('.row-line'),
            severity: text('.sev-badge'),
            type: text('.row-meta > span:not([class])'),
            unread: text('.sr-only'),
            time: el.querySelector('time')?.getAttribute('datetime') ?? null,
            top: Math.round(el.getBoundingClientRect().top),
            showed,
          };
        }),
      )
      .then((all) => all.sort((a, b) => a.position - b.position));
  const before = await describe();
  // one read entry among them, so that read and unread entries pass through rows too
  await rowAt(list(page), 4).click();
  await expect(rowAt(list(page), 4)).not.toHaveClass(/unread/);
  const readId = before[3]!.id;
  const byId = new Map((await describe()).map((r) => [r.id, r]));

  await page.evaluate(() => {
    const s = window.__katyaScript;
    s.push([5, 6, 7].map((i) => s.makeEvent(100 + i, { receivedAt: Date.now() + i })));
  });
  await expect(rowAt(list(page), 1)).toHaveId('feed-row-demo_evt_107');
  const after = await describe();
  expect(after).toHaveLength(drawn);
  expect(after.map((r) => r.position)).toEqual(after.map((_, i) => i + 1));
  // every row drawn where its position says, newest first
  for (const [i, row] of after.entries()) expect(row.top - after[0]!.top).toBe(i * 56);
  expect(after.slice(3).map((r) => r.id)).toEqual(
    before.slice(0, after.length - 3).map((r) => r.id),
  );
  // the entries already drawn kept their row element and everything in it
  for (const row of after.slice(3)) {
    const was = byId.get(row.id)!;
    expect(row.showed).toBe(row.id);
    const same = (r: typeof row) => ({
      ...r,
      position: 0,
      top: 0,
      showed: null,
      classes: r.classes.replace(/ (active|selected)/g, ''),
    });
    expect(same(row)).toEqual(same(was));
  }
  expect(after.find((r) => r.id === readId)!.unread).toBe('');
  // the new entries, in the rows of the entries that left the window: none was built for them
  const fresh = await page.evaluate(() =>
    [107, 106, 105].map((i) => {
      const e = window.__katyaScript.makeEvent(i);
      return { event: e.eventId, type: e.event, unread: e.read ? '' : ', unread' };
    }),
  );
  expect(after.slice(0, 3).map(({ event, type, unread }) => ({ event, type, unread }))).toEqual(
    fresh,
  );
  expect(
    after
      .slice(0, 3)
      .map((r) => r.showed)
      .sort(),
  ).toEqual(
    before
      .slice(-3)
      .map((r) => r.id)
      .sort(),
  );
  // a screen reader is given the rows in the feed's order, not the DOM's
  expect(await accessibleRowIds(page, list(page))).toEqual(after.map((r) => r.id));
});

test('filters by channel, severity and unread, and searches text', async ({ page }) => {
  await openWindow(page, { seed: 88 });
  await expect(total(page)).toHaveText('88 events');

  await page
    .getByRole('group', { name: 'Channels' })
    .getByRole('button', { name: 'Security' })
    .click();
  await expect(total(page)).toHaveText('16 events');
  for (const meta of await list(page).locator('.row-meta').allTextContents())
    expect(meta).toMatch(/security\./);

  await page
    .getByRole('group', { name: 'Severity' })
    .getByRole('button', { name: 'Critical' })
    .click();
  const critical = await list(page).locator('.row-meta').allTextContents();
  expect(critical.length).toBeGreaterThan(0);
  for (const meta of critical) expect(meta).toContain('Critical');

  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(total(page)).toHaveText('88 events');

  await page.getByRole('checkbox', { name: 'Unread only' }).check();
  // every third seeded event is unread: 0, 3, ..., 87
  await expect(total(page)).toHaveText('30 events');
  await expect(list(page).locator('.row.ev:not(.unread)')).toHaveCount(0);
  await page.getByRole('checkbox', { name: 'Unread only' }).uncheck();

  await page.getByRole('searchbox', { name: 'Search events' }).fill('incident-42');
  await expect(total(page)).not.toHaveText('88 events');
  for (const line of await list(page).locator('.row-line').allTextContents())
    expect(line).toContain('incident-42');
  const lastQuery = await page.evaluate(
    () => window.__katyaScript.calls.filter((c) => c.channel === 'feed:query').at(-1)?.args[0],
  );
  expect(lastQuery).toMatchObject({ text: 'incident-42' });
});

test('keyboard: j/k and arrows move, Enter opens the detail pane, Esc closes it', async ({
  page,
}) => {
  await openWindow(page, { seed: 40 });
  await list(page).focus();
  const active = () => list(page).getAttribute('aria-activedescendant');
  expect(await active()).toBe('feed-row-demo_evt_39');
  await page.keyboard.press('j');
  await page.keyboard.press('ArrowDown');
  expect(await active()).toBe('feed-row-demo_evt_37');
  await page.keyboard.press('k');
  expect(await active()).toBe('feed-row-demo_evt_38');
  await page.keyboard.press('End');
  expect(await active()).toBe('feed-row-demo_evt_0');
  await page.keyboard.press('Home');
  await page.keyboard.press('Enter');

  const detail = page.getByRole('region', { name: 'Event details' });
  await expect(detail).toBeVisible();
  await expect(detail.locator('pre')).toContainText('"id": "scan_39"');
  // opening tells main, which marks the event read (one message, no feed:markRead besides)
  await expect
    .poll(() =>
      page.evaluate(() =>
        window.__katyaScript.calls.some(
          (c) => c.channel === 'feed:opened' && c.args[0] === 'demo/evt_39',
        ),
      ),
    )
    .toBe(true);
  await expect(detail.getByRole('button', { name: 'Read', exact: true })).toBeDisabled();
  await expect(list(page).locator('#feed-row-demo_evt_39')).not.toHaveClass(/unread/);
  await expect(unread(page)).toHaveText('13 unread');
  expect(await calledChannels(page)).not.toContain('feed:markRead');

  await page.keyboard.press('Escape');
  await expect(detail).toBeHidden();
  await expect(list(page)).toBeFocused();
});

test('detail pane copies the full payload; mark read and mark all read', async ({ page }) => {
  await openWindow(page, { seed: 9 });
  await expect(unread(page)).toHaveText('3 unread');
  await page.locator('#feed-row-demo_evt_4').click();
  const detail = page.getByRole('region', { name: 'Event details' });
  await detail.getByRole('button', { name: 'Copy payload' }).click();
  await expect(detail.getByText('Copied')).toBeVisible();
  const copied = await page.evaluate(() => window.__katyaScript.clipboard.at(-1)!);
  expect(JSON.parse(copied)).toMatchObject({
    id: 'room_4',
    changes: ['name', 'topic'],
    updatedBy: 'elena',
  });

  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Mark all read' }).click();
  await expect(list(page).locator('.row.unread')).toHaveCount(0);
  await expect.poll(() => page.evaluate(() => window.__katyaScript.unread())).toBe(0);
  await expect(unread(page)).toHaveText('0 unread');
});

test('rows are not text-selectable; the copy key copies the active row in the feed order', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 1200 });
  await openWindow(page, { seed: 40 });
  // Live events on top: the DOM now holds the rows in another order than the feed's.
  await page.evaluate(() => {
    const s = window.__katyaScript;
    s.push([1, 2, 3].map((i) => s.makeEvent(100 + i, { receivedAt: Date.now() + i })));
  });
  await expect(rowAt(list(page), 1)).toHaveId('feed-row-demo_evt_103');
  const domOrder = await rows(page).evaluateAll((els) => els.map((e) => e.id));
  expect(domOrder).not.toEqual(await rowIdsInOrder(list(page)));

  // A drag over three rows selects nothing (it would take the rows between them in the DOM).
  const from = await rowAt(list(page), 1).boundingBox();
  const to = await rowAt(list(page), 3).boundingBox();
  await page.mouse.move(from!.x + 200, from!.y + 10);
  await page.mouse.down();
  await page.mouse.move(to!.x + 400, to!.y + 40, { steps: 5 });
  await page.mouse.up();
  expect(await page.evaluate(() => document.getSelection()?.toString() ?? '')).toBe('');

  // The copy key copies the active row: its time, severity, line and type, tab-separated. Text
  // selected elsewhere before the row was clicked is not what it copies.
  await page.evaluate(() =>
    document.getSelection()!.selectAllChildren(document.getElementById('feed-keys')!),
  );
  await rowAt(list(page), 2).click();
  await page.keyboard.press('Escape');
  await expect(list(page)).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Control+KeyC');
  await expect(page.getByRole('status').filter({ hasText: 'Line copied' })).toHaveText(
    'Line copied to the clipboard',
  );
  const third = rowAt(list(page), 3);
  const copied = (await page.evaluate(() => window.__katyaScript.clipboard.at(-1)!)).split('\t');
  expect(copied).toHaveLength(4);
  expect(copied[2]).toBe(await third.locator('.row-line').textContent());
  expect(copied[3]).toBe(await third.locator('.row-meta > span:not([class])').textContent());
  expect(copied[1]).toBe(await third.locator('.sev-badge').textContent());
  expect(copied[0]).toMatch(/\d/);

  // The same key on another keyboard layout (a Cyrillic "с" where the Latin "c" is).
  await page.keyboard.press('ArrowUp');
  await list(page).dispatchEvent('keydown', { key: 'с', code: 'KeyC', ctrlKey: true });
  const second = (await page.evaluate(() => window.__katyaScript.clipboard.at(-1)!)).split('\t');
  expect(second[2]).toBe(await rowAt(list(page), 2).locator('.row-line').textContent());

  // Each copy is announced, the second of the same row too: the status is cleared first.
  const announced = await page.evaluateHandle(() => {
    const seen: string[] = [];
    const region = [...document.querySelectorAll('[role="status"]')].find((e) =>
      e.textContent?.startsWith('Line copied'),
    )!;
    new MutationObserver(() => seen.push(region.textContent ?? '')).observe(region, {
      childList: true,
      characterData: true,
      subtree: true,
    });
    return seen;
  });
  await page.keyboard.press('Control+KeyC');
  await page.keyboard.press('Control+KeyC');
  await expect
    .poll(() =>
      announced.evaluate((seen) => seen.filter((t) => t.startsWith('Line copied')).length),
    )
    .toBe(2);
});

test('gap markers show disconnected periods', async ({ page }) => {
  const now = Date.now();
  await openWindow(page, {
    seed: 5,
    spacingMs: 600_000,
    entries: [
      {
        kind: 'gap',
        id: 'demo/gap_1',
        server: 'demo',
        start: now - 1_500_000,
        end: now - 1_300_000,
      },
    ],
  });
  const gap = rows(page).filter({ hasText: 'No connection from' });
  await expect(gap).toHaveCount(1);
  await expect(gap).toHaveAttribute('aria-disabled', 'true');
  // between the event received 20 min ago and the one 30 min ago
  const ids = await rowIdsInOrder(list(page));
  expect(ids.indexOf('feed-row-demo_gap_1')).toBe(3);
});

test('an entry main sends twice in a page is drawn once, with no hole in the list', async ({
  page,
}) => {
  const now = Date.now();
  const gap = {
    kind: 'gap',
    id: 'demo/gap_1',
    server: 'demo',
    start: now - 90_000,
    end: now - 80_000,
  } as const;
  await openWindow(page, { seed: 5, spacingMs: 60_000, entries: [gap, { ...gap }] });
  await expect(rows(page)).toHaveCount(6);
  const positions = await rows(page).evaluateAll((els) =>
    els.map((e) => Number(e.getAttribute('aria-posinset'))).sort((a, b) => a - b),
  );
  expect(positions).toEqual([1, 2, 3, 4, 5, 6]);
  await expect(rows(page).first()).toHaveAttribute('aria-setsize', '6');
  expect(new Set(await rowIdsInOrder(list(page))).size).toBe(6);
});

test('live events prepend, respect filters, and keep the scroll position', async ({ page }) => {
  await openWindow(page, { seed: 300 });
  await expect(total(page)).toHaveText('300 events');
  const listEl = list(page);
  await listEl.evaluate((el) => (el.scrollTop = 56 * 100));
  await expect.poll(() => listEl.evaluate((el) => el.scrollTop)).toBe(5600);
  const topId = () =>
    listEl.evaluate((el) => {
      const top = el.getBoundingClientRect().top;
      const row = [...el.querySelectorAll('[role=option]')].find(
        (r) => Math.abs(r.getBoundingClientRect().top - top) < 2,
      );
      return row?.id;
    });
  const before = await topId();
  // Every change to a row's content (its time aside, which the clock may tick) while the batch
  // comes in: none, as the entries drawn stay the same ones.
  await listEl.evaluate((el) => {
    const w = window as unknown as { __rewrites: number };
    w.__rewrites = 0;
    new MutationObserver((changes) => {
      for (const c of changes) {
        const at = c.target instanceof Element ? c.target : c.target.parentElement;
        if (at?.closest('[role="option"]') && !at.closest('time')) w.__rewrites++;
      }
    }).observe(el, { subtree: true, childList: true, characterData: true });
  });
  await page.evaluate(() => {
    const s = window.__katyaScript;
    s.push([1, 2, 3].map((k) => s.makeEvent(10_000 + k, { receivedAt: Date.now() })));
  });
  await expect(total(page)).toHaveText('303 events');
  expect(await topId()).toBe(before);
  expect(await page.evaluate(() => (window as unknown as { __rewrites: number }).__rewrites)).toBe(
    0,
  );
  await listEl.evaluate((el) => (el.scrollTop = 0));
  await expect(rowAt(list(page), 1)).toHaveId('feed-row-demo_evt_10003');

  // a filter is respected for live entries too
  await page
    .getByRole('group', { name: 'Channels' })
    .getByRole('button', { name: 'System' })
    .click();
  await expect(total(page)).not.toHaveText('303 events');
  const systemCount = Number((await total(page).textContent())!.split(' ')[0]);
  await page.evaluate(() => {
    const s = window.__katyaScript;
    s.push([
      s.makeEvent(20_000, { event: 'message.created', receivedAt: Date.now() }),
      s.makeEvent(20_001, { event: 'system.maintenance.start', receivedAt: Date.now() }),
    ]);
  });
  await expect(total(page)).toHaveText(`${systemCount + 1} events`);
  await expect(rowAt(list(page), 1)).toHaveId('feed-row-demo_evt_20001');
});

test('scrolling down fetches older pages with the before cursor', async ({ page }) => {
  await openWindow(page, { seed: 1200 });
  await expect(total(page)).toHaveText('1,200 events');
  const befores = () =>
    page.evaluate(() =>
      window.__katyaScript.calls
        .filter((c) => c.channel === 'feed:query')
        .map((c) => (c.args[0] as { before?: string }).before ?? null),
    );
  await list(page).focus();
  await page.keyboard.press('End');
  await expect.poll(befores).toEqual([null, 'demo/evt_700']);
  await page.keyboard.press('End');
  await expect.poll(befores).toEqual([null, 'demo/evt_700', 'demo/evt_200']);
  await page.keyboard.press('End');
  await expect(list(page)).toHaveAttribute('aria-activedescendant', 'feed-row-demo_evt_0');
  await expect(rowAt(list(page), 1200)).toContainText('alice wrote in ops');
  // only a window of rows is in the DOM
  expect(await rows(page).count()).toBeLessThan(60);
});

test('a notification toast opens its event, loading it when not in the list', async ({ page }) => {
  await openWindow(page, { seed: 600 });
  await page.evaluate(() =>
    window.__katyaScript.emit('notification:shown', {
      id: 'n1',
      title: 'Critical alert',
      body: 'Brute force attempt 15',
      eventId: 'demo/evt_15',
      severity: 'critical',
      urgent: true,
      silent: false,
    }),
  );
  const toast = page.getByRole('status').filter({ hasText: 'Critical alert' });
  await expect(toast).toBeVisible();
  await toast.getByRole('button', { name: /Critical alert/ }).click();
  const detail = page.getByRole('region', { name: 'Event details' });
  await expect(detail.locator('pre')).toContainText('"id": "alert_15"');
  expect(await calledChannels(page)).toContain('feed:get');

  // a summary has no event to open: it is text, not a button
  await page.evaluate(() =>
    window.__katyaScript.emit('notification:shown', {
      id: 'n2',
      title: '12 more security alerts',
      body: 'including 2 critical',
      eventId: null,
      severity: null,
      urgent: false,
      silent: true,
    }),
  );
  const summary = page.getByRole('status').filter({ hasText: '12 more security alerts' });
  await expect(summary).toBeVisible();
  await expect(summary.getByRole('button')).toHaveCount(1); // only "Dismiss notification"
  await summary.getByRole('button', { name: 'Dismiss notification' }).click();
  await expect(summary).toBeHidden();

  await page.evaluate(() =>
    window.__katyaScript.emit('navigate:event', { eventId: 'demo/evt_gone' }),
  );
  await expect(detail.getByText('That event is no longer in the history.')).toBeVisible();
});

test('new critical alerts are announced in an assertive live region', async ({ page }) => {
  await openWindow(page, { seed: 3 });
  await page.evaluate(() => {
    const s = window.__katyaScript;
    s.push([s.makeEvent(3, { event: 'security.alert.created', receivedAt: Date.now() })]);
  });
  const region = page.locator('[aria-live=assertive]');
  await expect(region).toHaveText(/^Critical alert: Brute force attempt 3 from 10\.0\.3\.7/);
});

test('bad payloads from main never break the window', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openWindow(page, { seed: 5 });
  await page.evaluate(() => {
    const s = window.__katyaScript;
    const anyEmit = s.emit as (c: string, p: unknown) => void;
    anyEmit('feed:added', null);
    anyEmit('feed:added', [
      null,
      1,
      'x',
      { kind: 'event' },
      {
        kind: 'event',
        id: 'e',
        event: 'message.created',
        channel: 'messages',
        receivedAt: Number.NaN,
        data: null,
      },
    ]);
    anyEmit('feed:added', [
      {
        kind: 'event',
        id: 'odd',
        event: 'message.created',
        channel: 'messages',
        receivedAt: 1e20,
        severity: null,
        read: false,
        timestamp: null,
        data: { senderName: { $gt: 1 }, content: ['a'], roomName: 42 },
      },
    ]);
    anyEmit('connection:changed', 'nope');
    anyEmit('unread:changed', null);
    anyEmit('metrics:changed', { a: 1 });
    anyEmit('notification:shown', 5);
    anyEmit('navigate:view', { view: 'nowhere' });
    anyEmit('settings:changed', null);
    anyEmit('servers:changed', 'nope');
    anyEmit('servers:changed', [null, 7, { id: 'x' }, { id: 'y', connection: { phase: 1 } }]);
  });
  await expect(total(page)).toHaveText('6 events');
  await expect(rowAt(list(page), 1)).toContainText('someone wrote in 42: “…”');
  expect(errors).toEqual([]);
});

test('without a bridge the window says so plainly', async ({ page }) => {
  await serveRenderer(page);
  await page.goto(`${RENDERER_ORIGIN}/`);
  await expect(page.getByRole('alert')).toContainText('window.katya is missing');
});

test('a failed start-up shows the reason and can be retried', async ({ page }) => {
  await serveRenderer(page);
  await installScriptedKatya(page, { seed: 4, failSnapshots: 1 });
  await page.goto(`${RENDERER_ORIGIN}/`);
  await expect(page.getByRole('alert')).toContainText('main is not ready');
  await page.getByRole('button', { name: 'Try again' }).click();
  await expect(total(page)).toHaveText('4 events');
  // subscribed once, however many attempts it took
  const calls = await calledChannels(page);
  expect(calls.filter((c) => c === 'on:feed:added')).toHaveLength(1);
  expect(calls.filter((c) => c === 'window:ready')).toHaveLength(1);
});
