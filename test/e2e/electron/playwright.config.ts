// `npm run test:e2e:electron`: the shared chain scenarios over the real Electron app.
import { defineConfig } from '@playwright/test';
import { findElectronBinary } from '../../../main/dev/electron-binary';

if (!findElectronBinary({ tryDownload: false })) {
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
