// Which Chromium the browser suites drive: KATYA_CHROMIUM, else Debian's /usr/bin/chromium,
// else Playwright's managed browser (where `npx playwright install` could fetch one).
import { existsSync } from 'node:fs';
import type { LaunchOptions } from '@playwright/test';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-gpu',
];

export function systemChromium(): string | undefined {
  const candidates = [process.env.KATYA_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((p): p is string => !!p && existsSync(p));
}

export function chromiumLaunchOptions(): LaunchOptions {
  const executablePath = systemChromium();
  return executablePath ? { executablePath, args: CHROMIUM_ARGS } : { args: CHROMIUM_ARGS };
}
