// The way to the server in the window: "certificate not trusted" and proxy problems in the
// status bar in words (which certificate, why, its issuer, dates and fingerprint), the
// Network settings (proxy mode, manual URL, write-only proxy credentials, extra CA file),
// their admin-policy locks, and the network lines of diagnostics.
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { makeServer, openWindow } from '../support/scripted-katya';
import type { ConnectionProblem } from '../../../main/core/common/network';

const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name });
const callsTo = (page: Page, channel: string) =>
  page.evaluate(
    (ch) => window.__katyaScript.calls.filter((c) => c.channel === ch).map((c) => c.args),
    channel,
  );

const acme = makeServer('acme01', 'ACME', 'wss://katya.acme.example/v1/ws');

const untrusted: ConnectionProblem = {
  kind: 'certificate',
  reason: 'untrusted_issuer',
  host: 'katya.acme.example',
  code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  certificate: {
    subject: 'CN=ACME Issuing CA, O=ACME',
    issuer: 'CN=ACME Root CA, O=ACME',
    validFrom: '2025-01-01T00:00:00.000Z',
    validTo: '2030-01-01T00:00:00.000Z',
    fingerprint256: '3F:B2:4C:71:0B:8E:13:3B',
    names: [],
  },
};

test('status bar: a refused certificate in words, with the certificate, and a way to retry', async ({
  page,
}) => {
  await openWindow(page, {
    settings: { servers: [acme] },
    connection: {
      phase: 'certificate',
      problem: untrusted,
      lastError: 'certificate not trusted: ...',
      retryAt: Date.now() + 20_000,
      serverUrl: 'wss://katya.acme.example/v1/ws',
      demo: false,
    },
  });
  await expect(page.getByTestId('status-text')).toHaveText(
    'Certificate not trusted: the issuer CN=ACME Root CA, O=ACME is not a trusted authority',
  );
  await expect(page.getByTestId('status-problem')).toHaveText(
    'Certificate CN=ACME Issuing CA, O=ACME, issued by CN=ACME Root CA, O=ACME, valid 2025-01-01 to 2030-01-01, SHA-256 3F:B2:4C:71:0B:8E:13:3B',
  );
  await expect(page.getByRole('status').filter({ hasText: 'Certificate not trusted' })).toHaveCount(
    1,
  );
  await page.getByRole('button', { name: 'Reconnect now' }).click();
  await expect.poll(() => callsTo(page, 'connection:reconnectNow')).toHaveLength(1);
});

test('status bar: each proxy problem in its own words, in Russian too', async ({ page }) => {
  await openWindow(page, {
    settings: { servers: [acme], language: 'ru' },
    connection: {
      phase: 'proxy',
      problem: {
        kind: 'proxy',
        reason: 'auth_required',
        proxy: 'HTTP proxy proxy.acme.example:3128',
        target: 'katya.acme.example:443',
        status: 407,
        credentialsSent: false,
      },
      lastError: 'proxy: ...',
      retryAt: Date.now() + 20_000,
      demo: false,
    },
  });
  await expect(page.getByTestId('status-text')).toHaveText(
    'Ошибка прокси: HTTP proxy proxy.acme.example:3128 требует имя пользователя и пароль',
  );
  await page.evaluate(() =>
    window.__katyaScript.setConnection({
      problem: {
        kind: 'proxy',
        reason: 'denied',
        proxy: 'HTTP proxy proxy.acme.example:3128',
        target: 'katya.acme.example:443',
        status: 403,
      },
    }),
  );
  await expect(page.getByTestId('status-text')).toHaveText(
    'Ошибка прокси: HTTP proxy proxy.acme.example:3128 не разрешает соединения с katya.acme.example:443 (HTTP 403)',
  );
});

test('settings: proxy mode, manual URL checked in place, write-only credentials, extra CA file', async ({
  page,
}) => {
  await openWindow(page, { settings: { servers: [acme] } });
  await nav(page, 'Settings').click();
  const network = page.getByRole('region', { name: 'Network' });
  await expect(
    network.getByRole('radio', { name: 'Use the system proxy settings (recommended)' }),
  ).toBeChecked();
  await expect(network.getByRole('textbox', { name: 'Proxy URL' })).toHaveCount(0);

  await network.getByRole('radio', { name: 'Manual proxy' }).check();
  await expect
    .poll(() => callsTo(page, 'settings:update'))
    .toContainEqual([{ proxyMode: 'manual' }]);
  const url = network.getByRole('textbox', { name: 'Proxy URL' });
  await url.fill('http://alice:secret@proxy.acme.example:3128');
  await expect(network.getByRole('alert')).toHaveText(
    'Enter the user name and password in their own fields below, not in the URL.',
  );
  await url.fill('http://proxy.acme.example:3128');
  await expect(network.getByRole('alert')).toHaveCount(0);
  await url.press('Tab');
  await expect
    .poll(() => callsTo(page, 'settings:update'))
    .toContainEqual([{ proxyUrl: 'http://proxy.acme.example:3128' }]);

  await expect(network.getByText('No proxy credentials are stored.')).toBeVisible();
  await network.getByLabel('User name').fill('alice');
  await network.getByLabel('Password').fill('s3cret');
  await network.getByRole('button', { name: 'Save credentials' }).click();
  await expect
    .poll(() => callsTo(page, 'proxyAuth:set'))
    .toEqual([[{ username: 'alice', password: 's3cret' }]]);
  await expect(
    network.getByText('Proxy credentials are stored in the system keychain. Saved.'),
  ).toBeVisible();
  // Write-only: nothing typed stays in the form once saved.
  await expect(network.getByLabel('Password')).toHaveValue('');
  await expect(network.getByLabel('User name')).toHaveValue('');
  await network.getByRole('button', { name: 'Remove credentials' }).click();
  await expect.poll(() => callsTo(page, 'proxyAuth:clear')).toHaveLength(1);

  const caFile = network.getByRole('textbox', { name: 'Extra CA certificates (PEM file)' });
  await caFile.fill('acme-ca.pem');
  await expect(network.getByRole('alert')).toHaveText(
    'Enter the full path of a PEM file, such as /etc/ssl/acme-ca.pem.',
  );
  await caFile.fill('/etc/ssl/acme-ca.pem');
  await caFile.press('Tab');
  await expect
    .poll(() => callsTo(page, 'settings:update'))
    .toContainEqual([{ extraCaFile: '/etc/ssl/acme-ca.pem' }]);
});

test('settings: an admin policy locks the proxy mode, the manual proxy and the CA file', async ({
  page,
}) => {
  await openWindow(page, {
    settings: {
      proxyMode: 'manual',
      proxyUrl: 'http://proxy.acme.example:3128',
      extraCaFile: '/etc/ssl/acme-root.pem',
    },
    locks: {
      locked: {
        proxyMode: 'Managed by ACME IT',
        proxyUrl: 'Managed by ACME IT',
        extraCaFile: 'Managed by ACME IT',
      },
      source: '/etc/katya-desktop/policy.json',
    },
  });
  await nav(page, 'Settings').click();
  const network = page.getByRole('region', { name: 'Network' });
  await expect(network.getByRole('radio', { name: 'No proxy' })).toBeDisabled();
  await expect(network.getByRole('textbox', { name: 'Proxy URL' })).toBeDisabled();
  await expect(
    network.getByRole('textbox', { name: 'Extra CA certificates (PEM file)' }),
  ).toBeDisabled();
  await expect(network.getByText('Locked by your administrator: Managed by ACME IT')).toHaveCount(
    3,
  );
  // The credentials stay the user's own: no policy can hold a password every user can read.
  await expect(network.getByLabel('Password')).toBeEnabled();
});

test('diagnostics: which proxy and which certificates are trusted', async ({ page }) => {
  await openWindow(page, {
    diagnostics: {
      network: [
        "proxy: the system's (PAC, WPAD, OS settings), asked for each connection",
        "trusted: Node's list: 144 certificates",
      ],
    },
  });
  await nav(page, 'Diagnostics').click();
  await expect(page.getByTestId('diag-network').getByRole('listitem')).toHaveText([
    "proxy: the system's (PAC, WPAD, OS settings), asked for each connection",
    "trusted: Node's list: 144 certificates",
  ]);
});
