// The chain scenarios over the real Electron app. The app is launched unfused from
// node_modules/electron (Playwright needs the inspector arguments a fused build refuses).
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from '@playwright/test';
import { electronForTests } from '../../../main/dev/electron-binary';
import type { KatyaServer } from '../../../main/server/server';
import * as chain from '../scenarios/chain';
import type { AppUnderTest } from '../scenarios/harness';
import { launchElectron } from '../support/electron';

// Null skips the suite; under KATYA_REQUIRE_ELECTRON=1 a missing binary throws instead.
const ELECTRON_BINARY = electronForTests();
const NO_ELECTRON =
  'the Electron binary is not installed (it downloads on first use from outside the npm registry); npm test runs the same scenarios through the preview';
test.skip(!ELECTRON_BINARY, NO_ELECTRON);

let server: KatyaServer | null = null;
let app: AppUnderTest | null = null;
test.afterEach(async () => {
  await app?.close();
  await server?.close();
  app = null;
  server = null;
});

const launch = () =>
  launchElectron(ELECTRON_BINARY!, mkdtempSync(path.join(os.tmpdir(), 'katya-electron-')));

test('first run: the demo server fills the feed within seconds', async () => {
  app = await launch();
  await chain.demoFeed(app);
});

test('signing in through settings, then alerts and notifications', async () => {
  server = await chain.startTestServer();
  app = await launch();
  await chain.signIn(app, server);
  await chain.alertsAndNotifications(app, server);
});

test('the server killed and restarted', async () => {
  server = await chain.startTestServer();
  app = await launch();
  await chain.signIn(app, server);
  server = await chain.serverRestart(app, server);
});

test('the token revoked', async () => {
  server = await chain.startTestServer();
  app = await launch();
  await chain.signIn(app, server);
  await chain.tokenRevoked(app, server);
});

test('a channel the token may not read', async () => {
  server = await chain.startTestServer();
  app = await launch();
  await chain.signIn(app, server, chain.VIEWER_TOKEN);
  await chain.channelRejected(app, server);
});

test('a restart keeps history and read marks', async () => {
  server = await chain.startTestServer();
  app = await launch();
  await chain.signIn(app, server);
  await chain.historySurvivesRestart(app, server);
});

test('a burst of 1,000 events', async () => {
  server = await chain.startTestServer();
  app = await launch();
  await chain.signIn(app, server);
  await chain.burst(app, server);
});
