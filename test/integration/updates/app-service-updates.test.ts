// Updates through the app model: the admin policy and the settings configure the core's
// UpdateController, the contract answers app:about and update:*, the update reaches the
// NotificationSink, the window (update:changed) and the tray. The updater is a stand-in here;
// updater-feed.test.ts runs the real one against a local feed.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppService } from '../../../main/app/app-service';
import type { AppServiceDeps } from '../../../main/app/app-service';
import { probeServer } from '../../../main/core/doctor';
import { confBackend } from '../../../main/core/settings/settings';
import { policyFromDocument } from '../../../main/core/settings/admin-policy';
import type { FeedLatest, UpdaterConfig, UpdaterPort } from '../../../main/core/updates/controller';
import type { InstallFacts } from '../../../main/core/updates/install';
import type { ShownNotification, UpdateView } from '../../../preload/contract';
import { fakeEncryptor } from '../../fakes/encryptor';

const NSIS_INSTALL: InstallFacts = {
  packaged: true,
  platform: 'win32',
  packageType: null,
  appImage: false,
  snap: false,
  builtInFeed: true,
};

class StandInUpdater implements UpdaterPort {
  configs: UpdaterConfig[] = [];
  checks = 0;
  installs = 0;
  latest: FeedLatest | null = null;
  configure(config: UpdaterConfig) {
    this.configs.push(config);
  }
  async check() {
    this.checks++;
    return this.latest;
  }
  async download(onProgress: (p: number) => void) {
    onProgress(100);
  }
  install() {
    this.installs++;
  }
}

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function until<T>(what: string, fn: () => T | undefined | null | false, ms = 5_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function start(extra: Partial<AppServiceDeps> = {}, policyDoc?: unknown) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'katya-app-updates-'));
  cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const notes: ShownNotification[] = [];
  const updates: UpdateView[] = [];
  const adminPolicy = policyDoc === undefined ? undefined : policyFromDocument(policyDoc, 'p');
  const svc = await AppService.start({
    dataDir,
    settingsBackend: confBackend({ cwd: dataDir }),
    encryptor: fakeEncryptor('keychain'),
    notify: { show: (n) => notes.push(n), withdraw: () => undefined },
    emit: (channel, payload) => {
      if (channel === 'update:changed') updates.push(payload as UpdateView);
    },
    startDemo: null,
    probe: probeServer,
    version: '1.0.0',
    adminPolicy,
    ...extra,
  });
  cleanup.push(() => svc.stop());
  return { svc, notes, updates, invoke: svc.handlers.invoke };
}

function withUpdater(port: StandInUpdater): Partial<AppServiceDeps> {
  return { updates: { install: NSIS_INSTALL, createPort: () => port, firstCheckDelayMs: 10 } };
}

describe('updates through the app model', () => {
  it('a policy with updates "off" and a feed: configured from it, locked, and never checked', async () => {
    const port = new StandInUpdater();
    const { invoke } = await start(withUpdater(port), {
      message: 'Managed by ACME IT',
      updates: 'off',
      updateUrl: 'https://mirror.acme.example/katya/',
    });
    await new Promise((r) => setTimeout(r, 150));
    expect(port.checks).toBe(0);
    expect(port.configs).toEqual([
      {
        feedUrl: 'https://mirror.acme.example/katya/',
        allowPrerelease: false,
        installOnQuit: false,
      },
    ]);
    const about = await invoke['app:about']();
    expect(about.update).toMatchObject({
      phase: 'off',
      mode: 'off',
      feedUrl: 'https://mirror.acme.example/katya/',
    });
    expect((await invoke['app:snapshot']()).locks.locked.updates).toBe('Managed by ACME IT');
    expect(await invoke['settings:update']({ updates: 'auto' })).toMatchObject({ ok: false });
    // "Check for updates" from a window does nothing either.
    expect((await invoke['update:check']()).phase).toBe('off');
    await new Promise((r) => setTimeout(r, 50));
    expect(port.checks).toBe(0);
  });

  it('a policy with updates "auto": checks at start, downloads, notifies once, offers it in the tray', async () => {
    const port = new StandInUpdater();
    port.latest = { version: '2.0.0', updaterAccepts: true };
    const { svc, notes, updates, invoke } = await start(withUpdater(port), { updates: 'auto' });
    await until('the update ready', () => updates.some((u) => u.phase === 'ready'));
    expect(port.checks).toBe(1);
    expect(notes.map((n) => n.title)).toEqual(['Katya Desktop v2.0.0 is ready']);
    expect(svc.trayState(() => '12:00').updateItem).toBe('Restart to update to v2.0.0');
    expect((await invoke['app:about']()).update).toMatchObject({
      phase: 'ready',
      version: '2.0.0',
    });
    svc.updateNow(); // the tray item
    expect(port.installs).toBe(1);
    expect((await invoke['update:install']()).phase).toBe('ready');
    expect(port.installs).toBe(2);
  });

  it("the user's choice: off in the window stops the checks; the window hears of it", async () => {
    const port = new StandInUpdater();
    const { invoke, updates } = await start(withUpdater(port));
    await until('the first check', () => port.checks === 1 && updates.at(-1)?.phase === 'idle');
    expect(await invoke['settings:update']({ updates: 'off' })).toMatchObject({ ok: true });
    expect(updates.at(-1)).toMatchObject({ phase: 'off', mode: 'off' });
    await invoke['update:check']();
    await new Promise((r) => setTimeout(r, 50));
    expect(port.checks).toBe(1);
    await invoke['settings:update']({ updates: 'notify' });
    await until('a check after the switch', () => port.checks === 2);
  });

  it('without an updater (the preview, tests): a development build, with Node as the only runtime', async () => {
    const { invoke } = await start();
    const about = await invoke['app:about']();
    expect(about).toMatchObject({
      name: 'Katya Desktop',
      version: '1.0.0',
      versions: { electron: null, chromium: null, node: process.versions.node },
      update: { phase: 'unavailable', unavailable: 'development', current: '1.0.0' },
    });
    expect((await invoke['update:check']()).phase).toBe('unavailable');
  });

  it('the runtime versions the shell passes are the ones About shows', async () => {
    const runtime = { electron: '45.5.0', chromium: '140.0.7339.249', node: '22.20.0' };
    const { invoke } = await start({ runtime });
    expect((await invoke['app:about']()).versions).toEqual(runtime);
  });
});
