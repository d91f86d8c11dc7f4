// Server data is always text: markup, scripts and javascript: URLs in every text field of
// every event type (and in notifications, metrics, diagnostics and server names) stay inert.
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import {
  EVENT_TYPES,
  makeEvent,
  makeServer,
  openWindow,
  sampleData,
} from '../support/scripted-katya';
import type { FeedEvent } from '../../../main/core/common/views';

const PAYLOADS = [
  '<img src=x onerror="window.__pwned=(window.__pwned||0)+1">',
  '<script>window.__pwned=(window.__pwned||0)+1</script>',
  'javascript:window.__pwned=(window.__pwned||0)+1',
];

/** Every string in the payload replaced by a hostile one (cycling through the three). */
function poison(value: unknown, counter: { n: number }): unknown {
  if (typeof value === 'string') return PAYLOADS[counter.n++ % PAYLOADS.length];
  if (Array.isArray(value)) return value.map((v) => poison(v, counter));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, poison(v, counter)]));
  return value;
}

function hostileEvents(): FeedEvent[] {
  const now = Date.now();
  return EVENT_TYPES.flatMap((event, k) =>
    // three variants per type, so each field gets each payload
    [0, 1, 2].map((shift) => {
      const data = poison(sampleData(event, k), { n: shift }) as Record<string, unknown>;
      return makeEvent(k * 3 + shift, {
        event,
        data,
        receivedAt: now - (k * 3 + shift) * 1000,
        id: `evil_${k}_${shift}`,
      });
    }),
  );
}

async function expectInert(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned ?? 0)).toBe(0);
  // no element was created from server markup
  expect(await page.locator('img[src=x], #app script').count()).toBe(0);
  expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
}

test('hostile strings in every field of every event type render as text', async ({ page }) => {
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.setViewportSize({ width: 1280, height: 4200 });
  await openWindow(page, {});
  await page.evaluate((events) => window.__katyaScript.push(events), hostileEvents());
  const options = page.getByRole('listbox').getByRole('option');
  await expect(options).toHaveCount(66);
  // the markup shows up literally, as text
  await expect(page.getByRole('listbox')).toContainText('<img src=x onerror=');
  await expect(page.getByRole('listbox')).toContainText('<script>window.__pwned');
  await expect(page.getByRole('listbox')).toContainText('javascript:window.__pwned');
  await expectInert(page);

  // open every event's detail pane: the full payload is text too
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.getByRole('listbox').focus();
  for (let i = 0; i < 66; i++) {
    await page.keyboard.press('Enter');
    await expect(page.locator('.detail pre')).toContainText('__pwned');
    await page.keyboard.press('j');
  }
  await page.getByRole('button', { name: 'Copy payload' }).click();
  expect(await page.evaluate(() => window.__katyaScript.clipboard.at(-1))).toContain('__pwned');
  await expectInert(page);
  expect(dialogs).toEqual([]);
});

test('hostile notifications, metrics, diagnostics and settings values stay inert', async ({
  page,
}) => {
  const evil = PAYLOADS.join(' ');
  // server names are at most 40 characters, without control characters: markup fits
  const evilName = '<img src=x onerror="__pwned=1">';
  await openWindow(page, {
    seed: 3,
    settings: {
      servers: [
        makeServer('evil1', evilName, 'wss://evil.example/v1/ws'),
        makeServer('evil2', '<script>__pwned=1</script>', 'wss://evil2.example/v1/ws'),
      ],
    },
    metrics: [
      {
        name: evil,
        server: evil,
        region: evil,
        unit: evil,
        latest: 1,
        updatedAt: Date.now(),
        recent: [1, 2],
      },
    ],
    diagnostics: {
      logLines: [evil],
      stateHistory: [{ at: Date.now(), phase: 'offline', detail: evil }],
    },
    subscriptions: [{ kind: 'channel', name: evil, status: 'rejected', code: evil, message: evil }],
    locks: { locked: { servers: evil }, source: evil },
    notices: [evil],
    connection: {
      phase: 'reconnecting',
      retryAt: Date.now() + 5000,
      lastError: evil,
      serverUrl: evil,
    },
    testResult: { ok: false, steps: [{ step: 'url', ok: false, detail: evil, advice: evil }] },
  });
  await page.evaluate(
    (text) =>
      window.__katyaScript.emit('notification:shown', {
        id: 'n',
        title: text,
        body: text,
        eventId: 'evt_1',
        severity: 'high',
        urgent: false,
        silent: false,
      }),
    evil,
  );
  await expect(
    page
      .getByRole('region', { name: 'Notifications' })
      .getByRole('status')
      .filter({ hasText: '<img src=x' }),
  ).toBeVisible();
  // the status bar names the server, as text
  await expect(page.getByTestId('status-text')).toContainText(`${evilName}: Connection lost`);
  // the server's name beside its events, in the server filter and in the sidebar: text
  await expect(page.getByRole('listbox')).toContainText(evilName);
  await expect(page.getByRole('group', { name: 'Servers' })).toContainText('<script>__pwned');
  await expect(page.getByRole('list', { name: 'Unread events by server' })).toContainText(evilName);
  for (const view of ['Metrics', 'Settings', 'Diagnostics']) {
    await page.getByRole('navigation').getByRole('button', { name: view }).click();
    if (view === 'Settings') await page.getByRole('button', { name: 'Test connection' }).click();
    await expect(page.getByRole('main')).toContainText('<img src=x onerror=');
  }
  await expectInert(page);
});
