// The About view against the scripted contract: versions, where updates stand, the mode (and
// its lock), the buttons that fit each state, update:changed, both languages, axe.
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import path from 'node:path';
import { openWindow } from '../support/scripted-katya';
import { RENDERER_ORIGIN } from '../support/renderer';

const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: /Views|Разделы/ }).getByRole('button', { name });
/** axe-core's serious and critical findings in the page (served from the window's origin: CSP). */
async function seriousAxeFindings(page: Page): Promise<string[]> {
  await page.route(`${RENDERER_ORIGIN}/__test__/axe.min.js`, (route) =>
    route.fulfill({
      path: path.resolve('node_modules/axe-core/axe.min.js'),
      contentType: 'text/javascript',
    }),
  );
  await page.addScriptTag({ url: `${RENDERER_ORIGIN}/__test__/axe.min.js` });
  return page.evaluate(async () => {
    const w = window as unknown as {
      axe: {
        run: (
          ctx: Document,
          opts: object,
        ) => Promise<{ violations: { id: string; impact: string | null }[] }>;
      };
    };
    const r = await w.axe.run(document, { resultTypes: ['violations'] });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => v.id);
  });
}

const calls = (page: Page, channel: string) =>
  page.evaluate(
    (ch) => window.__katyaScript.calls.filter((c) => c.channel === ch).map((c) => c.args),
    channel,
  );

test('About: the versions of the app, Electron, Chromium and Node', async ({ page }) => {
  await openWindow(page);
  await nav(page, 'About').click();
  await expect(page.getByRole('heading', { name: 'About Katya Desktop', level: 1 })).toBeFocused();
  const facts = page.locator('dl.about-versions');
  await expect(facts).toContainText('0.1.0-test');
  await expect(facts).toContainText('Electron45.5.0');
  await expect(facts).toContainText('Chromium140.0.7339.249');
  await expect(facts).toContainText('Node.js22.20.0');
  await expect(facts).toContainText('linux x64');
  await expect(page.getByRole('status').filter({ hasText: 'up to date' })).toHaveText(
    'Katya Desktop is up to date.',
  );
  expect(await calls(page, 'app:about')).toHaveLength(1);
});

test('the preview has no Electron: About says so', async ({ page }) => {
  await openWindow(page, {
    about: { versions: { electron: null, chromium: null, node: '20.19.0' } },
    update: { phase: 'unavailable', unavailable: 'development' },
  });
  await nav(page, 'About').click();
  await expect(page.locator('dl.about-versions')).toContainText(
    'not running in Electron (browser preview)',
  );
  await expect(
    page.getByText('This is a development build: it does not update itself.'),
  ).toBeVisible();
  await expect(page.getByRole('button', { name: 'Check for updates' })).toHaveCount(0);
  await expect(page.getByLabel('When a new version is published')).toHaveCount(0);
});

test('a deb or rpm install: "Updates come from your package manager", nothing to press', async ({
  page,
}) => {
  await openWindow(page, { update: { phase: 'unavailable', unavailable: 'package-manager' } });
  await nav(page, 'About').click();
  await expect(page.getByText('Updates come from your package manager.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Check for updates' })).toHaveCount(0);
});

test('check, then the outcome as update:changed; a downloaded update offers the restart', async ({
  page,
}) => {
  await openWindow(page);
  await nav(page, 'About').click();
  await page.getByRole('button', { name: 'Check for updates' }).click();
  await expect(page.getByText(/Last checked/)).toBeVisible();
  expect(await calls(page, 'update:check')).toEqual([[]]);

  await page.evaluate(() =>
    window.__katyaScript.emit('update:changed', {
      phase: 'downloading',
      mode: 'auto',
      unavailable: null,
      current: '0.1.0-test',
      version: '0.2.0',
      percent: 42,
      lastCheckedAt: Date.now(),
      nextCheckAt: null,
      error: null,
      feedUrl: null,
    }),
  );
  await expect(page.getByRole('status').filter({ hasText: 'Downloading' })).toHaveText(
    'Downloading version 0.2.0: 42%',
  );
  await expect(page.locator('progress')).toHaveAttribute('value', '42');
  await expect(page.getByRole('button', { name: 'Check for updates' })).toBeDisabled();

  await page.evaluate(() =>
    window.__katyaScript.emit('update:changed', {
      phase: 'ready',
      mode: 'auto',
      unavailable: null,
      current: '0.1.0-test',
      version: '0.2.0',
      percent: null,
      lastCheckedAt: Date.now(),
      nextCheckAt: Date.now() + 6 * 3_600_000,
      error: null,
      feedUrl: 'https://mirror.acme.example/katya/',
    }),
  );
  await expect(page.getByText('Version 0.2.0 is downloaded and ready to install.')).toBeVisible();
  await expect(
    page.getByText('Update feed (set by your organisation): https://mirror.acme.example/katya/'),
  ).toBeVisible();
  await page.getByRole('button', { name: 'Restart to update to v0.2.0' }).click();
  expect(await calls(page, 'update:install')).toEqual([[]]);
});

test('mode notify: "Download update vX" downloads, then offers the restart', async ({ page }) => {
  await openWindow(page, {
    settings: { updates: 'notify' },
    update: { phase: 'available', mode: 'notify', version: '0.2.0', lastCheckedAt: Date.now() },
  });
  await nav(page, 'About').click();
  await expect(page.getByText('Version 0.2.0 is available.')).toBeVisible();
  await page.getByRole('button', { name: 'Download update v0.2.0' }).click();
  await expect(page.getByRole('button', { name: 'Restart to update to v0.2.0' })).toBeVisible();
  expect(await calls(page, 'update:download')).toEqual([[]]);
});

test('the mode is a setting; an admin policy locks it', async ({ page }) => {
  await openWindow(page);
  await nav(page, 'About').click();
  const mode = page.getByLabel('When a new version is published');
  await expect(mode).toHaveValue('auto');
  await mode.selectOption('off');
  await expect.poll(() => calls(page, 'settings:update')).toEqual([[{ updates: 'off' }]]);

  await page.evaluate(() =>
    window.__katyaScript.emit('settings:changed', {
      settings: { ...window.__katyaScript.settings(), updates: 'off' },
      locks: {
        locked: { updates: 'Managed by ACME IT' },
        source: '/etc/katya-desktop/policy.json',
      },
      token: { stored: false },
    }),
  );
  await expect(mode).toBeDisabled();
  await expect(mode).toHaveValue('off');
  await expect(page.getByText('Locked by your administrator: Managed by ACME IT')).toBeVisible();
});

test('in Russian, and without accessibility violations', async ({ page }) => {
  await openWindow(page, {
    settings: { language: 'ru' },
    update: { phase: 'ready', version: '0.2.0', lastCheckedAt: Date.now() },
  });
  await nav(page, 'О программе').click();
  await expect(
    page.getByRole('heading', { name: 'О программе Katya Desktop', level: 1 }),
  ).toBeVisible();
  await expect(page.getByText('Версия 0.2.0 скачана и готова к установке.')).toBeVisible();
  await expect(
    page.getByRole('button', { name: 'Перезапустить и обновить до v0.2.0' }),
  ).toBeVisible();
  expect(await seriousAxeFindings(page)).toEqual([]);
});
