// `npm run test:e2e:electron`: the shared chain scenarios over the real Electron app.
// Skips with one line where the binary is missing; KATYA_REQUIRE_ELECTRON=1 (CI on GitHub's
// runners) makes that an error instead, thrown here before any test is collected.
import { defineConfig } from '@playwright/test';
import { electronForTests } from '../../../main/dev/electron-binary';

if (!electronForTests()) {
  console.log(
    'Electron e2e suite skipped: the Electron binary is not installed here (it downloads on first use from outside the npm registry).',
  );
}

export default defineConfig({
  testDir: '.',
  outputDir: '../../../test-results/electron',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  workers: 1,
  reporter: [['line']],
});
