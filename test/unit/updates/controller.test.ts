// The update decisions with a stand-in updater (the real one against a local feed is in
// test/integration/updates/). Time is a ManualClock: the schedule's timers fire when a test
// moves it.
import { describe, expect, it } from 'vitest';
import { UpdateController, errorLine } from '../../../main/core/updates/controller';
import type { FeedLatest, UpdaterConfig, UpdaterPort } from '../../../main/core/updates/controller';
import type { InstallFacts } from '../../../main/core/updates/install';
import { CHECK_INTERVAL_MS, FIRST_CHECK_DELAY_MS } from '../../../main/core/updates/schedule';
import type { Language } from '../../../main/core/common/messages';
import type { ShownNotification, UpdateMode, UpdateView } from '../../../preload/contract';
import { ManualClock } from '../../fakes/clock';

const SELF_UPDATING: InstallFacts = {
  packaged: true,
  platform: 'win32',
  packageType: null,
  appImage: false,
  snap: false,
  builtInFeed: true,
};

/** An updater whose answers a test sets; records what it was asked. */
class StandInUpdater implements UpdaterPort {
  configs: UpdaterConfig[] = [];
  checks = 0;
  downloads = 0;
  installs = 0;
  latest: FeedLatest | null | Error = null;
  downloadFails: Error | null = null;
  progress: number[] = [0, 10.4, 10.9, 55, 100];
  /** when set, check() waits for it */
  gate: Promise<void> | null = null;
  /** when set, download() waits for it (after its first progress report) */
  downloadGate: Promise<void> | null = null;
  configure(config: UpdaterConfig) {
    this.configs.push(config);
  }
  async check() {
    this.checks++;
    if (this.gate) await this.gate;
    if (this.latest instanceof Error) throw this.latest;
    return this.latest;
  }
  async download(onProgress: (percent: number) => void) {
    this.downloads++;
    if (this.downloadGate) {
      onProgress(0);
      await this.downloadGate;
    }
    for (const p of this.progress) onProgress(p);
    if (this.downloadFails) throw this.downloadFails;
  }
  install() {
    this.installs++;
  }
}

function setup(
  opts: {
    mode?: UpdateMode;
    current?: string;
    install?: InstallFacts;
    port?: StandInUpdater | null;
    feedUrl?: string | null;
    language?: Language;
  } = {},
) {
  const clock = new ManualClock();
  const port = opts.port === undefined ? new StandInUpdater() : opts.port;
  const notes: ShownNotification[] = [];
  const views: UpdateView[] = [];
  const logs: string[] = [];
  const updates = new UpdateController({
    clock,
    current: opts.current ?? '1.0.0',
    install: opts.install ?? SELF_UPDATING,
    port,
    mode: opts.mode ?? 'auto',
    feedUrl: opts.feedUrl ?? null,
    onChange: (v) => views.push(v),
    notify: (n) => notes.push(n),
    language: () => opts.language ?? 'en',
    random: () => 1,
    log: {
      debug: (m) => logs.push(`debug ${m}`),
      info: (m) => logs.push(`info ${m}`),
      warn: (m) => logs.push(`warn ${m}`),
      error: (m) => logs.push(`error ${m}`),
    },
  });
  const advance = async (ms: number) => {
    clock.advance(ms);
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };
  return { clock, port: port!, notes, views, updates, advance, logs };
}

const newer = (version: string, updaterAccepts = true): FeedLatest => ({ version, updaterAccepts });

describe('UpdateController: where this copy stands', () => {
  it('a development build (no updater) says so and never checks', async () => {
    const { updates, advance, views } = setup({ port: null });
    updates.start();
    await advance(CHECK_INTERVAL_MS * 2);
    expect(updates.view()).toMatchObject({ phase: 'unavailable', unavailable: 'development' });
    expect(views).toEqual([]);
  });

  it('a deb or rpm copy leaves updates to the package manager: no check, no configure', async () => {
    const { updates, port, advance } = setup({
      install: { ...SELF_UPDATING, platform: 'linux', packageType: 'rpm' },
    });
    updates.start();
    await advance(CHECK_INTERVAL_MS);
    expect(updates.view()).toMatchObject({ phase: 'unavailable', unavailable: 'package-manager' });
    expect(port.checks).toBe(0);
    expect(port.configs).toEqual([]);
    await updates.checkNow();
    expect(port.checks).toBe(0);
  });

  it('a copy that updates itself is idle until its first check', () => {
    const { updates, views } = setup({ mode: 'notify' });
    expect(updates.view()).toMatchObject({ phase: 'idle', unavailable: null, nextCheckAt: null });
    updates.start();
    // The window learns when the first check is due.
    expect(views.at(-1)).toMatchObject({
      phase: 'idle',
      nextCheckAt: expect.any(Number),
    });
  });

  it('"Check for updates" does nothing before start() and after stop()', async () => {
    const { updates, port } = setup();
    await updates.checkNow();
    expect(port.checks).toBe(0);
    expect(updates.view().nextCheckAt).toBeNull();
    updates.start();
    await updates.checkNow();
    expect(port.checks).toBe(1);
    updates.stop();
    await updates.checkNow();
    expect(port.checks).toBe(1);
  });

  it('mode off: configured hands-off, never checks', async () => {
    const { updates, port, advance } = setup({ mode: 'off' });
    updates.start();
    await advance(CHECK_INTERVAL_MS * 3);
    expect(port.checks).toBe(0);
    expect(port.configs).toEqual([{ feedUrl: null, allowPrerelease: false, installOnQuit: false }]);
    expect(updates.view().phase).toBe('off');
  });

  it("configures the updater with the policy's feed and prereleases only for a prerelease", () => {
    const a = setup({ feedUrl: 'https://mirror.example/katya/' });
    a.updates.start();
    expect(a.port.configs.at(-1)).toEqual({
      feedUrl: 'https://mirror.example/katya/',
      allowPrerelease: false,
      installOnQuit: true,
    });
    expect(a.updates.view().feedUrl).toBe('https://mirror.example/katya/');
    const b = setup({ current: '2.0.0-beta.3' });
    b.updates.start();
    expect(b.port.configs.at(-1)?.allowPrerelease).toBe(true);
  });
});

describe('UpdateController: mode auto', () => {
  it('checks at start, downloads a newer version and offers the restart once', async () => {
    const { updates, port, notes, views, advance } = setup();
    port.latest = newer('2.0.0');
    updates.start();
    expect(port.checks).toBe(0);
    await advance(FIRST_CHECK_DELAY_MS);
    expect(port.checks).toBe(1);
    expect(port.downloads).toBe(1);
    expect(updates.view()).toMatchObject({ phase: 'ready', version: '2.0.0', percent: null });
    expect(notes).toEqual([
      {
        id: 'update:ready:2.0.0',
        title: 'Katya Desktop v2.0.0 is ready',
        body: 'Choose "Restart to update to v2.0.0" in the tray menu or in About.',
        eventId: null,
        severity: null,
        urgent: false,
        silent: true,
      },
    ]);
    // progress in whole percents, each once
    expect(views.filter((v) => v.phase === 'downloading').map((v) => v.percent)).toEqual([
      0, 10, 55, 100,
    ]);
    // six hours later the same version: no second download, no second notification
    await advance(CHECK_INTERVAL_MS);
    expect(port.checks).toBe(2);
    expect(port.downloads).toBe(1);
    expect(notes).toHaveLength(1);
    expect(updates.view().phase).toBe('ready');
  });

  it('a newer version after a downloaded one is downloaded and announced too', async () => {
    const { updates, port, notes, advance } = setup();
    port.latest = newer('2.0.0');
    updates.start();
    await advance(FIRST_CHECK_DELAY_MS);
    port.latest = newer('2.1.0');
    await advance(CHECK_INTERVAL_MS);
    expect(updates.view()).toMatchObject({ phase: 'ready', version: '2.1.0' });
    expect(notes.map((n) => n.id)).toEqual(['update:ready:2.0.0', 'update:ready:2.1.0']);
  });

  it('nothing newer: idle, with the time of the check and of the next one', async () => {
    const { updates, port, clock, advance, notes } = setup();
    port.latest = newer('1.0.0', false);
    updates.start();
    await advance(FIRST_CHECK_DELAY_MS);
    expect(updates.view()).toMatchObject({
      phase: 'idle',
      version: null,
      lastCheckedAt: clock.now(),
      nextCheckAt: clock.now() + CHECK_INTERVAL_MS,
    });
    expect(port.downloads).toBe(0);
    expect(notes).toEqual([]);
  });

  it('follows electron-updater when it withholds a version (staged rollout, minimum OS)', async () => {
    const { updates, port, advance } = setup();
    port.latest = newer('2.0.0', false);
    updates.start();
    await advance(FIRST_CHECK_DELAY_MS);
    expect(updates.view().phase).toBe('idle');
    expect(port.downloads).toBe(0);
  });

  it('never offers a prerelease to a release, nor an older version', async () => {
    const { updates, port, advance } = setup({ current: '1.5.0' });
    port.latest = newer('2.0.0-rc.1');
    updates.start();
    await advance(FIRST_CHECK_DELAY_MS);
    expect(updates.view().phase).toBe('idle');
    port.latest = newer('1.4.9');
    await advance(CHECK_INTERVAL_MS);
    expect(updates.view().phase).toBe('idle');
    expect(port.downloads).toBe(0);
  });

  it('a failed check says why in one line and retries with backoff; a success resets it', async () => {
    const { updates, port, clock, advance } = setup();
    port.latest = new Error('net::ERR_NAME_NOT_RESOLVED\n    at ClientRequest.<anonymous>');
    updates.start();
    await advance(FIRST_CHECK_DELAY_MS);
    expect(updates.view()).toMatchObject({
      phase: 'failed',
      error: 'net::ERR_NAME_NOT_RESOLVED',
      nextCheckAt: clock.now() + 60_000,
    });
    await advance(60_000);
    expect(port.checks).toBe(2);
    expect(updates.view().nextCheckAt).toBe(clock.now() + 120_000);
    port.latest = null;
    await advance(120_000);
    expect(updates.view()).toMatchObject({ phase: 'idle', error: null });
    expect(updates.view().nextCheckAt).toBe(clock.now() + CHECK_INTERVAL_MS);
  });

  it('a failed download is retried by the schedule', async () => {
    const { updates, port, notes, advance } = setup();
    port.latest = newer('2.0.0');
    port.downloadFails = new Error('sha512 checksum mismatch, expected abc, got def');
    updates.start();
    await advance(FIRST_CHECK_DELAY_MS);
    expect(updates.view()).toMatchObject({
      phase: 'failed',
      version: '2.0.0',
      error: 'sha512 checksum mismatch, expected abc, got def',
    });
    expect(notes).toEqual([]);
    port.downloadFails = null;
    await advance(60_000);
    expect(port.downloads).toBe(2);
    expect(updates.view().phase).toBe('ready');
  });

  it('a check that fails after a download keeps the restart on offer', async () => {
    const { updates, port, advance } = setup();
    port.latest = newer('2.0.0');
    updates.start();
    await advance(FIRST_CHECK_DELAY_MS);
    port.latest = new Error('offline');
    await advance(CHECK_INTERVAL_MS);
    expect(updates.view()).toMatchObject({ phase: 'ready', version: '2.0.0', error: 'offline' });
  });

  it('install() restarts only into a downloaded update; act() is what the tray item does', async () => {
    const { updates, port, advance } = setup();
    updates.install();
    updates.act();
    expect(port.installs).toBe(0);
    port.latest = newer('2.0.0');
    updates.start();
    await advance(FIRST_CHECK_DELAY_MS);
    updates.act();
    expect(port.installs).toBe(1);
  });
  it('a downloaded update stays on offer when the feed later offers nothing newer', async () => {
    const { updates, port, clock, advance } = setup();
    port.latest = newer('2.0.0');
    updates.start();
    await advance(FIRST_CHECK_DELAY_MS);
    port.latest = null;
    await advance(CHECK_INTERVAL_MS);
    expect(updates.view()).toMatchObject({ phase: 'ready', version: '2.0.0' });
    expect(updates.view().nextCheckAt).toBe(clock.now() + CHECK_INTERVAL_MS);
  });

  it('a check after a download keeps showing the restart while it runs', async () => {
    const { updates, port, advance } = setup();
    port.latest = newer('2.0.0');
    updates.start();
    await advance(FIRST_CHECK_DELAY_MS);
    let open!: () => void;
    port.gate = new Promise<void>((r) => (open = r));
    await advance(CHECK_INTERVAL_MS);
    expect(port.checks).toBe(2);
    expect(updates.view().phase).toBe('ready');
    open();
    await advance(0);
    expect(updates.view().phase).toBe('ready');
  });

  it('a found and downloaded version waits the full interval for the next check', async () => {
    const { updates, port, clock, advance } = setup();
    port.latest = newer('2.0.0');
    updates.start();
    await advance(FIRST_CHECK_DELAY_MS);
    expect(updates.view().nextCheckAt).toBe(clock.now() + CHECK_INTERVAL_MS);
    await advance(CHECK_INTERVAL_MS); // the same version again
    expect(updates.view().nextCheckAt).toBe(clock.now() + CHECK_INTERVAL_MS);
  });

  it('no check runs while a download is under way', async () => {
    const { updates, port, advance } = setup();
    port.latest = newer('2.0.0');
    let open!: () => void;
    port.downloadGate = new Promise<void>((r) => (open = r));
    updates.start();
    await advance(FIRST_CHECK_DELAY_MS);
    expect(updates.view().phase).toBe('downloading');
    const asked = updates.checkNow();
    await advance(0);
    expect(port.checks).toBe(1);
    expect(updates.view().phase).toBe('downloading');
    open();
    await asked;
    expect(port.checks).toBe(1);
    expect(updates.view().phase).toBe('ready');
  });

  it('in mode auto a failed download is left to the schedule, not retried by hand', async () => {
    const { updates, port, advance } = setup();
    port.latest = newer('2.0.0');
    port.downloadFails = new Error('disk full');
    updates.start();
    await advance(FIRST_CHECK_DELAY_MS);
    expect(updates.view().phase).toBe('failed');
    port.downloadFails = null;
    await updates.download();
    expect(port.downloads).toBe(1);
  });

  it('the log tells what happened: found, downloaded, failures, restart, mode', async () => {
    const { updates, port, advance, logs } = setup();
    port.latest = newer('1.0.0');
    updates.start();
    await advance(FIRST_CHECK_DELAY_MS);
    expect(logs).toEqual(['info latest is 1.0.0: nothing to offer']);
    port.latest = newer('2.0.0');
    await advance(CHECK_INTERVAL_MS);
    updates.install();
    updates.setMode('notify');
    port.latest = new Error('offline');
    await updates.checkNow();
    expect(logs.slice(1)).toEqual([
      'info found 2.0.0 (running 1.0.0)',
      'info downloaded 2.0.0',
      'info restarting to install 2.0.0',
      'info mode: notify',
      'warn check failed: offline',
    ]);
  });
});

describe('UpdateController: mode notify', () => {
  it('says a version is available (once), downloads only when asked, then offers the restart', async () => {
    const { updates, port, notes, advance } = setup({ mode: 'notify' });
    port.latest = newer('2.0.0');
    updates.start();
    await advance(FIRST_CHECK_DELAY_MS);
    expect(updates.view()).toMatchObject({ phase: 'available', version: '2.0.0' });
    expect(port.downloads).toBe(0);
    expect(notes.map((n) => [n.id, n.body])).toEqual([
      ['update:available:2.0.0', 'Choose "Download update v2.0.0" in the tray menu or in About.'],
    ]);
    await advance(CHECK_INTERVAL_MS);
    expect(notes).toHaveLength(1);
    updates.act(); // the tray's "Download update v2.0.0"
    await advance(0);
    expect(port.downloads).toBe(1);
    expect(updates.view().phase).toBe('ready');
    expect(notes.map((n) => n.id)).toEqual(['update:available:2.0.0', 'update:ready:2.0.0']);
  });

  it('a failed download can be retried by hand', async () => {
    const { updates, port } = setup({ mode: 'notify' });
    port.latest = newer('2.0.0');
    port.downloadFails = new Error('disk full');
    updates.start();
    await updates.checkNow();
    await updates.download();
    expect(updates.view()).toMatchObject({ phase: 'failed', error: 'disk full' });
    port.downloadFails = null;
    await updates.download();
    expect(port.downloads).toBe(2);
    expect(updates.view()).toMatchObject({ phase: 'ready', error: null });
  });

  it('download() does nothing once stopped', async () => {
    const { updates, port } = setup({ mode: 'notify' });
    port.latest = newer('2.0.0');
    updates.start();
    await updates.checkNow();
    updates.stop();
    await updates.download();
    expect(port.downloads).toBe(0);
  });

  it('a found version waits the full interval for the next check', async () => {
    const { updates, port, clock } = setup({ mode: 'notify' });
    port.latest = newer('2.0.0');
    updates.start();
    await updates.checkNow();
    expect(updates.view().phase).toBe('available');
    expect(updates.view().nextCheckAt).toBe(clock.now() + CHECK_INTERVAL_MS);
  });

  it('download() does nothing when there is nothing to download', async () => {
    const { updates, port } = setup({ mode: 'notify' });
    updates.start();
    await updates.download();
    expect(port.downloads).toBe(0);
  });
});

describe('UpdateController: the mode changes while it runs', () => {
  it('off stops the schedule and the install at quit; auto again checks after a moment', async () => {
    const { updates, port, advance } = setup();
    port.latest = null;
    updates.start();
    await advance(FIRST_CHECK_DELAY_MS);
    updates.setMode('off');
    expect(updates.view()).toMatchObject({ phase: 'off', mode: 'off', nextCheckAt: null });
    expect(port.configs.at(-1)?.installOnQuit).toBe(false);
    await advance(CHECK_INTERVAL_MS * 2);
    expect(port.checks).toBe(1);
    updates.setMode('auto');
    expect(port.configs.at(-1)?.installOnQuit).toBe(true);
    await advance(FIRST_CHECK_DELAY_MS);
    expect(port.checks).toBe(2);
  });

  it('switching from notify to auto downloads the version already found', async () => {
    const { updates, port, advance } = setup({ mode: 'notify' });
    port.latest = newer('2.0.0');
    updates.start();
    await advance(FIRST_CHECK_DELAY_MS);
    updates.setMode('auto');
    await advance(0);
    expect(port.downloads).toBe(1);
    expect(updates.view().phase).toBe('ready');
  });

  it('an answer that arrives after the mode changed is dropped', async () => {
    const { updates, port, notes, advance } = setup();
    let open!: () => void;
    port.gate = new Promise<void>((r) => (open = r));
    port.latest = newer('2.0.0');
    updates.start();
    await advance(FIRST_CHECK_DELAY_MS);
    expect(updates.view().phase).toBe('checking');
    updates.setMode('off');
    open();
    await advance(0);
    expect(updates.view().phase).toBe('off');
    expect(port.downloads).toBe(0);
    expect(notes).toEqual([]);
  });

  it('the same mode again changes nothing', async () => {
    const { updates, port, views, logs } = setup();
    port.latest = null;
    updates.start();
    const seen = views.length;
    const next = updates.view().nextCheckAt;
    updates.setMode('auto');
    expect(views).toHaveLength(seen);
    expect(updates.view().nextCheckAt).toBe(next);
    expect(logs).toEqual([]);
  });

  it('from off to notify: idle, and the schedule asks again', async () => {
    const { updates, port, advance } = setup({ mode: 'off' });
    port.latest = newer('2.0.0');
    updates.start();
    updates.setMode('notify');
    expect(updates.view().phase).toBe('idle');
    await advance(FIRST_CHECK_DELAY_MS);
    expect(updates.view().phase).toBe('available');
  });

  it('a check under way when the mode changes is dropped, and the phase is idle again', async () => {
    const { updates, port, advance } = setup();
    let open!: () => void;
    port.gate = new Promise<void>((r) => (open = r));
    port.latest = newer('2.0.0');
    updates.start();
    await advance(FIRST_CHECK_DELAY_MS);
    expect(updates.view().phase).toBe('checking');
    updates.setMode('notify');
    expect(updates.view().phase).toBe('idle');
    open();
    await advance(0);
    expect(updates.view()).toMatchObject({ phase: 'idle', version: null });
  });

  it('a download under way when the mode changes is dropped, progress and all', async () => {
    const { updates, port, advance, notes } = setup();
    let open!: () => void;
    port.downloadGate = new Promise<void>((r) => (open = r));
    port.latest = newer('2.0.0');
    updates.start();
    await advance(FIRST_CHECK_DELAY_MS);
    expect(updates.view()).toMatchObject({ phase: 'downloading', percent: 0 });
    updates.setMode('notify');
    expect(updates.view()).toMatchObject({ phase: 'idle', percent: null });
    open();
    await advance(0);
    expect(updates.view()).toMatchObject({ phase: 'idle', percent: null });
    expect(notes).toEqual([]);
  });

  it('a failure that arrives after the mode changed is dropped', async () => {
    const { updates, port, advance } = setup();
    let open!: () => void;
    port.gate = new Promise<void>((r) => (open = r));
    port.latest = new Error('offline');
    updates.start();
    await advance(FIRST_CHECK_DELAY_MS);
    updates.setMode('off');
    open();
    await advance(0);
    expect(updates.view()).toMatchObject({ phase: 'off', error: null });
  });

  it('a failed download that ends after the mode changed is dropped', async () => {
    const { updates, port, advance } = setup();
    let open!: () => void;
    port.downloadGate = new Promise<void>((r) => (open = r));
    port.downloadFails = new Error('disk full');
    port.latest = newer('2.0.0');
    updates.start();
    await advance(FIRST_CHECK_DELAY_MS);
    updates.setMode('off');
    open();
    await advance(0);
    expect(updates.view()).toMatchObject({ phase: 'off', error: null });
  });

  it('stop() ends the schedule', async () => {
    const { updates, port, clock, advance } = setup();
    updates.start();
    updates.stop();
    await advance(CHECK_INTERVAL_MS);
    expect(port.checks).toBe(0);
    expect(clock.pending()).toBe(0);
  });
});

describe('UpdateController: words', () => {
  it('the notification speaks the window language', async () => {
    const { updates, port, notes, advance } = setup({ language: 'ru' });
    port.latest = newer('2.0.0');
    updates.start();
    await advance(FIRST_CHECK_DELAY_MS);
    expect(notes[0]!.title).toBe('Katya Desktop v2.0.0 готова к установке');
    expect(notes[0]!.body).toContain('«Перезапустить и обновить до v2.0.0»');
  });

  it('errorLine keeps the first non-empty line, at most 300 characters', () => {
    expect(errorLine(new Error('\n  first\nsecond'))).toBe('  first');
    expect(errorLine('x'.repeat(400))).toHaveLength(300);
    expect(errorLine(new Error(''))).toBe('unknown error');
    expect(errorLine(new Error('   \nthe real line'))).toBe('the real line');
    expect(errorLine('y'.repeat(300))).toBe('y'.repeat(300));
    expect(errorLine('y'.repeat(301))).toBe(`${'y'.repeat(299)}…`);
  });
});
