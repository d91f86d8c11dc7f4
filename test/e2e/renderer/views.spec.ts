// Metrics, settings, diagnostics and the status bar against the scripted contract.
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { calledChannels, makeServer, openWindow } from '../support/scripted-katya';

const prod = makeServer('prod01', 'Production', 'wss://prod.example/v1/ws');

const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name });
const lastArgs = (page: Page, channel: string) =>
  page.evaluate(
    (ch) => window.__katyaScript.calls.filter((c) => c.channel === ch).at(-1)?.args,
    channel,
  );

test('metrics: latest value per metric and server, with unit and sparkline', async ({ page }) => {
  await openWindow(page, {
    metrics: [
      {
        name: 'cpu_usage',
        server: 'srv-1',
        region: 'eu-west',
        unit: 'percent',
        latest: 42.5,
        updatedAt: Date.now() - 5000,
        recent: [10, 20, 42.5],
      },
      {
        name: 'latency_p95',
        server: 'srv-2',
        region: null,
        unit: 'ms',
        latest: 180,
        updatedAt: Date.now(),
        recent: [200, 180],
      },
      {
        name: 'requests',
        server: 'srv-1',
        region: 'eu-west',
        unit: 'req/s',
        latest: 1250,
        updatedAt: Date.now(),
        recent: [],
      },
    ],
  });
  await nav(page, 'Metrics').click();
  await expect(page.getByRole('heading', { name: 'Metrics', level: 1 })).toBeFocused();
  const table = page.getByRole('table');
  const cpu = table.getByRole('row').filter({ hasText: 'cpu_usage' });
  await expect(cpu).toContainText('srv-1');
  await expect(cpu).toContainText('42.5%');
  await expect(cpu.getByRole('img')).toHaveAttribute(
    'aria-label',
    '3 recent values, from 10% to 42.5%',
  );
  await expect(table.getByRole('row').filter({ hasText: 'latency_p95' })).toContainText('180 ms');
  await expect(table.getByRole('row').filter({ hasText: 'requests' })).toContainText('1,250 req/s');

  // a live update replaces the series for that metric and server (from the same Katya server)
  await page.evaluate(() =>
    window.__katyaScript.emit('metrics:changed', [
      {
        name: 'cpu_usage',
        source: 'demo',
        server: 'srv-1',
        region: 'eu-west',
        unit: 'percent',
        latest: 77,
        updatedAt: Date.now(),
        recent: [10, 20, 42.5, 77],
      },
    ]),
  );
  await expect(cpu).toContainText('77%');
  await expect(table.getByRole('row')).toHaveCount(4);
});

test('settings: URL validated in place, saved through settings:update', async ({ page }) => {
  await openWindow(page, { settings: { servers: [prod] } });
  await nav(page, 'Settings').click();
  const url = page
    .getByRole('region', { name: 'Server: Production' })
    .getByRole('textbox', { name: 'Server URL' });
  await url.fill('ws://katya.example/v1/ws');
  await expect(page.locator('#serverUrl-error')).toHaveText(/ws:\/\/ is unencrypted/);
  await expect(url).toHaveAttribute('aria-invalid', 'true');
  await url.press('Enter');
  expect(await calledChannels(page)).not.toContain('settings:update');

  await url.fill('wss://katya.example/v1/ws');
  await expect(page.locator('#serverUrl-error')).toBeHidden();
  await url.press('Tab');
  // a server's change is sent as the whole servers list, as main takes it
  await expect
    .poll(() => lastArgs(page, 'settings:update'))
    .toEqual([{ servers: [{ ...prod, url: 'wss://katya.example/v1/ws' }] }]);
  await expect(page.getByText('Saved', { exact: true })).toBeVisible();

  // errors from main land next to their field, in words from their code
  await page.evaluate(() =>
    window.__katyaScript.failNextUpdate([
      {
        field: 'history.maxEvents',
        code: 'range',
        params: { min: 100, max: 100_000 },
        message: 'must be a whole number from 100 to 100000',
      },
    ]),
  );
  const maxEvents = page.getByRole('spinbutton', { name: 'Keep at most this many events' });
  await maxEvents.fill('99');
  await expect(page.locator('#history-maxEvents-error')).toHaveText(
    'Enter a whole number from 100 to 100,000.',
  );
  await maxEvents.fill('6000');
  await maxEvents.press('Tab');
  await expect(page.locator('#history-maxEvents-error')).toHaveText(
    'Enter a whole number from 100 to 100,000.',
  );
  await expect(
    page.getByText('Not saved: Enter a whole number from 100 to 100,000.', { exact: true }),
  ).toBeVisible();

  // quiet hours in HH:MM
  const from = page.getByRole('textbox', { name: 'From (HH:MM)' });
  await from.fill('25:00');
  await expect(page.locator('#quiet-start-error')).toHaveText(/24-hour form/);
  await from.fill('23:30');
  await from.press('Tab');
  await expect
    .poll(() => page.evaluate(() => window.__katyaScript.settings().notifications.quietHours.start))
    .toBe('23:30');
});

test('settings: errors are shown in Russian from their codes', async ({ page }) => {
  await openWindow(page, { settings: { language: 'ru', servers: [prod] } });
  await page
    .getByRole('navigation', { name: 'Разделы' })
    .getByRole('button', { name: 'Настройки' })
    .click();

  // the window's own checks
  const url = page.getByRole('textbox', { name: 'Адрес сервера' });
  await url.fill('ws://katya.example/v1/ws');
  await expect(page.locator('#serverUrl-error')).toHaveText(
    'ws:// не шифруется и разрешён только для этого компьютера (localhost, 127.0.0.1, ::1). Используйте wss://.',
  );
  await url.fill('https://katya.example/v1/ws');
  await expect(page.locator('#serverUrl-error')).toHaveText('Адрес должен начинаться с wss://.');
  const days = page.getByRole('spinbutton', { name: 'Хранить события, дней' });
  await days.fill('400');
  await expect(page.locator('#history-maxAgeDays-error')).toHaveText(
    'Введите целое число от 1 до 365.',
  );
  await page.getByRole('button', { name: 'Сохранить токен' }).click();
  await expect(page.locator('#token-error')).toHaveText('Введите токен.');

  // main's answer: a code with parameters, put into words by the window
  await page.evaluate(() =>
    window.__katyaScript.failNextUpdate([
      {
        field: 'history.maxEvents',
        code: 'range',
        params: { min: 100, max: 100_000 },
        message: 'must be a whole number from 100 to 100000',
      },
      {
        field: 'notifications',
        code: 'locked',
        params: { reason: 'политика ИТ' },
        message: 'locked: политика ИТ',
      },
      {
        field: 'settings',
        code: 'saveFailed',
        params: { error: 'disk full' },
        message: 'cannot save the settings: disk full',
      },
    ]),
  );
  const events = page.getByRole('spinbutton', { name: 'Хранить не больше событий' });
  await events.fill('6000');
  await events.press('Tab');
  await expect(page.locator('#history-maxEvents-error')).toHaveText(
    'Введите целое число от 100 до 100 000.',
  );
  const others = page.locator('.settings > ul.field-error li');
  await expect(others).toHaveText([
    'notifications: Заблокировано администратором: политика ИТ',
    'settings: Настройки не удалось записать: disk full',
  ]);
  await expect(page.locator('.save-state')).toHaveText(
    'Не сохранено: Введите целое число от 100 до 100 000.; Заблокировано администратором: политика ИТ; Настройки не удалось записать: disk full',
  );
});

test('settings: channels, per-event rules, threshold, mute, language and theme', async ({
  page,
}) => {
  await openWindow(page, {
    settings: { servers: [prod] },
    subscriptions: [
      { kind: 'channel', name: 'security', status: 'active' },
      {
        kind: 'channel',
        name: 'rooms',
        status: 'rejected',
        code: '4002',
        message: 'no permission',
      },
    ],
  });
  await nav(page, 'Settings').click();
  await expect(page.getByText('rejected (4002): no permission')).toBeVisible();
  await page.getByRole('checkbox', { name: 'Subscribe to the whole Trust channel' }).uncheck();
  await expect
    .poll(() =>
      page.evaluate(() => window.__katyaScript.settings().servers[0]!.subscriptions.channels),
    )
    .not.toContain('trust');
  const single = page.getByRole('checkbox', { name: 'Subscribe to trust.reputation.updated' });
  await expect(single).toBeEnabled();
  await single.check();
  await expect
    .poll(() =>
      page.evaluate(() => window.__katyaScript.settings().servers[0]!.subscriptions.events),
    )
    .toEqual(['trust.reputation.updated']);

  await page.getByRole('combobox', { name: 'Alerts for room.created' }).selectOption('notify');
  await expect
    .poll(() => page.evaluate(() => window.__katyaScript.settings().notifications.perEvent))
    .toEqual({ 'room.created': 'notify' });
  await page
    .getByRole('combobox', { name: 'Pop up security alerts at or above' })
    .selectOption('critical');
  await page.getByRole('checkbox', { name: 'Mute Analytics' }).check();
  await page
    .getByRole('checkbox', { name: 'Critical alerts break through quiet hours and snooze' })
    .uncheck();
  await page.getByRole('checkbox', { name: 'Start at login' }).check();
  await expect
    .poll(() => page.evaluate(() => window.__katyaScript.settings()))
    .toMatchObject({
      startAtLogin: true,
      notifications: {
        threshold: 'critical',
        mutedChannels: ['analytics'],
        criticalBreaksThrough: false,
      },
    });

  await page.getByRole('combobox', { name: 'Theme' }).selectOption('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.getByRole('combobox', { name: 'Language' }).selectOption('ru');
  await expect(page.locator('html')).toHaveAttribute('lang', 'ru');
  await expect(page.getByRole('heading', { name: 'Настройки', level: 1 })).toBeVisible();
});

test('settings: the token is write-only and says how it is stored', async ({ page }) => {
  await openWindow(page, { tokenBackend: 'memory', settings: { servers: [prod] } });
  await nav(page, 'Settings').click();
  await expect(page.getByText('No token is stored.')).toBeVisible();
  const field = page.getByLabel('Access token');
  await expect(field).toHaveAttribute('type', 'password');
  await field.fill('has space');
  await page.getByRole('button', { name: 'Save token' }).click();
  await expect(page.getByText('A token has no spaces.')).toBeVisible();
  expect(await calledChannels(page)).not.toContain('token:set');

  await field.fill('tok_secret_123');
  await page.getByRole('button', { name: 'Save token' }).click();
  await expect(page.getByText(/kept in memory only/)).toBeVisible();
  await expect(field).toHaveValue('');
  expect(await lastArgs(page, 'token:set')).toEqual([
    { token: 'tok_secret_123', server: 'prod01' },
  ]);
  // the token never appears in the window
  expect(await page.content()).not.toContain('tok_secret_123');

  await page.getByRole('checkbox', { name: 'Store it anyway (weak)' }).check();
  await expect
    .poll(() => page.evaluate(() => window.__katyaScript.settings().acceptWeakTokenStorage))
    .toBe(true);
  await field.fill('tok_again');
  await field.press('Enter');
  await expect
    .poll(() => lastArgs(page, 'token:set'))
    .toEqual([{ token: 'tok_again', acceptWeakStorage: true, server: 'prod01' }]);
  await expect(page.getByText(/stored on disk without a system keychain/)).toBeVisible();

  await page.getByRole('button', { name: 'Remove token' }).click();
  await expect(page.getByText('No token is stored.')).toBeVisible();
  expect(await lastArgs(page, 'token:clear')).toEqual([{ server: 'prod01' }]);
});

test('settings: test connection shows each step; locked fields say why', async ({ page }) => {
  await openWindow(page, {
    settings: { servers: [prod] },
    locks: {
      locked: { servers: 'set by IT (fleet policy)', notifications: 'company rules' },
      source: '/etc/katya/policy.json',
    },
    testResult: {
      ok: false,
      steps: [
        { step: 'url', ok: true, detail: 'wss://katya.example/v1/ws' },
        { step: 'dns', ok: true, detail: '203.0.113.7' },
        {
          step: 'tcp',
          ok: false,
          detail: 'connection refused',
          outcome: 'fail',
          advice: 'Is the server running?',
        },
        { step: 'tls', ok: false, detail: '', outcome: 'skip' },
      ],
    },
  });
  await nav(page, 'Settings').click();
  await expect(page.getByRole('textbox', { name: 'Server URL' })).toBeDisabled();
  await expect(page.locator('#serverUrl-lock')).toHaveText(
    'Locked by your administrator: set by IT (fleet policy)',
  );
  await expect(
    page.getByRole('combobox', { name: 'Pop up security alerts at or above' }),
  ).toBeDisabled();
  await expect(page.getByRole('combobox', { name: 'Alerts for room.created' })).toBeDisabled();

  await page.getByRole('button', { name: 'Test connection' }).click();
  expect(await lastArgs(page, 'connection:test')).toEqual([
    { url: 'wss://prod.example/v1/ws', authMethod: 'header', server: 'prod01' },
  ]);
  const steps = page.getByRole('list', { name: 'Test steps' }).getByRole('listitem');
  await expect(steps).toHaveText([
    /URL: passed/,
    /Name lookup: passed — 203\.0\.113\.7/,
    /TCP connection: failed — connection refused\s*Is the server running\?/,
    /TLS handshake: skipped/,
  ]);
  await expect(page.getByText('The connection failed.')).toBeVisible();
});

test('diagnostics: statistics, state changes, log lines, copy', async ({ page }) => {
  await openWindow(page);
  await nav(page, 'Diagnostics').click();
  const stats = page.locator('dl.stats').first();
  await expect(stats).toContainText('Messages received1,234');
  await expect(stats).toContainText('Uptime1 hr 2 min');
  await expect(stats).toContainText('Round-trip time42 ms');
  await expect(page.getByText('socket closed (1006)').first()).toBeVisible();
  await expect(
    page.getByRole('region', { name: 'Recent log lines' }).or(page.getByLabel('Recent log lines')),
  ).toContainText('token ***');
  await page.getByRole('button', { name: 'Copy diagnostics' }).click();
  await expect(page.getByText('Diagnostics copied to the clipboard.')).toBeVisible();
  expect(await page.evaluate(() => window.__katyaScript.clipboard.at(-1))).toContain('[redacted]');
});

test('status bar: the demo server, when no server is configured', async ({ page }) => {
  await openWindow(page, { connection: { demo: true, serverUrl: '' } });
  await expect(page.getByTestId('status-text')).toHaveText('Connected to the demo server');
  await expect(page.locator('.demo-badge')).toHaveText(/Demo/);
  await nav(page, 'Settings').click();
  await expect(page.getByRole('region', { name: 'Servers' })).toContainText(
    'No server is configured: the built-in demo server is in use.',
  );
  await expect(page.getByRole('button', { name: 'Add server' })).toBeEnabled();
  // no server, no token of its own: the demo needs none
  await expect(page.getByLabel('Access token')).toHaveCount(0);
});

test('status bar: states in words, reconnect now, sign in, snooze', async ({ page }) => {
  await openWindow(page, { settings: { servers: [prod] } });
  const status = page.getByTestId('status-text');
  await expect(status).toHaveText('Connected to wss://prod.example/v1/ws');
  await expect(page.locator('.demo-badge')).toBeHidden();

  await page.evaluate(() =>
    window.__katyaScript.setConnection({
      phase: 'reconnecting',
      retryAt: Date.now() + 12_000,
      demo: false,
      serverUrl: 'wss://k.example/v1/ws',
    }),
  );
  await expect(status).toHaveText(/^Connection lost. Reconnecting in \d+ seconds?$/);
  await expect(page.locator('.demo-badge')).toBeHidden();

  const since = new Date(2025, 0, 1, 9, 5).getTime();
  await page.evaluate(
    (s) => window.__katyaScript.setConnection({ phase: 'offline', since: s, retryAt: null }),
    since,
  );
  await expect(status).toHaveText('Offline since 09:05 AM');
  await page.getByRole('button', { name: 'Reconnect now' }).click();
  await expect(status).toHaveText('Connecting to wss://k.example/v1/ws…');
  expect(await calledChannels(page)).toContain('connection:reconnectNow');

  await page.evaluate(() =>
    window.__katyaScript.setConnection({ phase: 'signin', lastError: 'token rejected (4001)' }),
  );
  await expect(status).toHaveText('Sign-in needed: the server rejected the token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByLabel('Access token')).toBeFocused();

  await page.getByRole('button', { name: 'Snooze notifications' }).click();
  await page.getByRole('button', { name: 'For 1 hour' }).click();
  await expect(page.getByText(/Notifications snoozed until/)).toBeVisible();
  expect(await lastArgs(page, 'notifications:snooze')).toEqual(['1h']);

  await page.evaluate(() => window.__katyaScript.emit('navigate:view', { view: 'diagnostics' }));
  await expect(page.getByRole('heading', { name: 'Diagnostics', level: 1 })).toBeVisible();
});
