// Browser suites in Chromium: the renderer (test/e2e/renderer), the preview chain
// (test/e2e/preview) and the Electron app (test/e2e/electron, run by `npm run test:e2e:electron`).
import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './test/e2e/support/browser';

export default defineConfig({
  testDir: 'test/e2e',
  testIgnore: ['electron/**'],
  outputDir: 'test-results/artifacts',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
  use: {
    launchOptions: chromiumLaunchOptions(),
    trace: 'retain-on-failure',
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
