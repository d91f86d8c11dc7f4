// The updater adapter (main/adapters/updater.ts) against a real local feed: electron-updater's
// own AppImageUpdater and NsisUpdater, built with a stand-in `app` (local-feed.ts), read
// latest-linux.yml / latest.yml / latest-mac.yml from a node:http server on 127.0.0.1, compare
// versions, honour a staged rollout, download the package and check its sha512. The core's
// UpdateController then runs on top of the same adapter. What only a packaged app on a real OS
// can show (installing, restarting, Squirrel.Mac) is not here; see docs/packaging.md.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppImageUpdater, NsisUpdater } from 'electron-updater';
import { ElectronUpdater, installFacts } from '../../../main/adapters/updater';
import type { UpdaterLike } from '../../../main/adapters/updater';
import { UpdateController } from '../../../main/core/updates/controller';
import type { ShownNotification, UpdateView } from '../../../preload/contract';
import { logTo } from '../../../main/core/log/scoped';
import { ManualClock } from '../../fakes/clock';
import {
  appUpdateYml,
  forPlatform,
  publish,
  sha512,
  standInApp,
  startLocalFeed,
  useNodeHttp,
} from './local-feed';
import type { LocalFeed } from './local-feed';

const APPIMAGE = 'katya-desktop-2.0.0-linux-x86_64.AppImage';
const SETUP = 'katya-desktop-2.0.0-setup-x64.exe';
const MAC_ZIP = 'katya-desktop-2.0.0-mac-arm64.zip';
const MAC_DMG = 'katya-desktop-2.0.0-mac-arm64.dmg';
const bytes = (label: string, size = 300_000) =>
  Buffer.from(Array.from({ length: size }, (_, i) => (i * 31 + label.length) & 0xff));

let feed: LocalFeed;
let temp: string;
let logLines: string[];
const savedAppImage = process.env.APPIMAGE;

beforeEach(async () => {
  feed = await startLocalFeed();
  temp = mkdtempSync(path.join(os.tmpdir(), 'katya-updater-'));
  logLines = [];
  // AppImageUpdater is active only in an AppImage, which it knows by APPIMAGE.
  const current = path.join(temp, 'Katya_Desktop.AppImage');
  writeFileSync(current, bytes('old', 1000));
  process.env.APPIMAGE = current;
});

afterEach(async () => {
  await feed.close();
  if (savedAppImage === undefined) delete process.env.APPIMAGE;
  else process.env.APPIMAGE = savedAppImage;
  rmSync(temp, { recursive: true, force: true });
});

/** A packaged app of `version` whose resources/app-update.yml names the local feed. */
function appOf(version: string, feedUrl = feed.url) {
  const config = path.join(temp, 'app-update.yml');
  writeFileSync(config, appUpdateYml(feedUrl));
  return standInApp({
    version,
    appUpdateConfigPath: config,
    userDataPath: path.join(temp, 'userData'),
    baseCachePath: path.join(temp, 'cache'),
  });
}

function adapter(updater: UpdaterLike) {
  const port = new ElectronUpdater({ load: () => updater, log: logTo((l) => logLines.push(l)) });
  port.configure({ feedUrl: null, allowPrerelease: false, installOnQuit: true });
  return port;
}

const pendingDir = () => path.join(temp, 'cache', 'katya-desktop-updater', 'pending');

describe('electron-updater through the adapter, against a local feed', () => {
  it('Linux: reads latest-linux.yml named by app-update.yml, offers 2.0.0, downloads the AppImage and checks its sha512', async () => {
    const appImage = bytes('appimage');
    publish(feed, 'latest-linux.yml', '2.0.0', [{ name: APPIMAGE, bytes: appImage }]);
    const port = adapter(useNodeHttp(new AppImageUpdater(null, appOf('1.0.0'))));

    expect(await port.check()).toEqual({ version: '2.0.0', updaterAccepts: true });
    expect(feed.requests[0]).toBe('/feed/latest-linux.yml');

    const progress: number[] = [];
    await port.download((p) => progress.push(p));
    expect(feed.requests).toContain(`/feed/${APPIMAGE}`);
    const kept = path.join(pendingDir(), APPIMAGE);
    expect(readFileSync(kept).equals(appImage)).toBe(true);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((p) => p >= 0 && p <= 100)).toBe(true);
  });

  it('a package whose sha512 differs from the one latest-linux.yml lists is refused and not kept', async () => {
    publish(feed, 'latest-linux.yml', '2.0.0', [
      { name: APPIMAGE, bytes: bytes('appimage'), listedSha512: sha512('something else') },
    ]);
    const port = adapter(useNodeHttp(new AppImageUpdater(null, appOf('1.0.0'))));
    expect((await port.check())?.updaterAccepts).toBe(true);
    await expect(port.download(() => undefined)).rejects.toThrow(/sha512 checksum mismatch/);
    const pending = pendingDir();
    expect(
      existsSync(pending) ? readdirSync(pending).filter((f) => f.endsWith('.AppImage')) : [],
    ).toEqual([]);
  });

  it('the same, an older or a withheld (staged rollout at 0 %) version is not accepted by electron-updater', async () => {
    const updater = useNodeHttp(new AppImageUpdater(null, appOf('1.0.0')));
    const port = adapter(updater);
    publish(feed, 'latest-linux.yml', '1.0.0', [{ name: APPIMAGE, bytes: bytes('a') }]);
    expect(await port.check()).toEqual({ version: '1.0.0', updaterAccepts: false });
    publish(feed, 'latest-linux.yml', '0.9.0', [{ name: APPIMAGE, bytes: bytes('a') }]);
    expect(await port.check()).toEqual({ version: '0.9.0', updaterAccepts: false });
    publish(feed, 'latest-linux.yml', '2.0.0', [{ name: APPIMAGE, bytes: bytes('a') }], {
      stagingPercentage: 0,
    });
    expect(await port.check()).toEqual({ version: '2.0.0', updaterAccepts: false });
  });

  it("a policy's feed URL replaces the one app-update.yml names", async () => {
    const mirror = await startLocalFeed();
    try {
      publish(mirror, 'latest-linux.yml', '3.1.0', [{ name: APPIMAGE, bytes: bytes('m') }]);
      const port = new ElectronUpdater({
        load: () => useNodeHttp(new AppImageUpdater(null, appOf('1.0.0'))),
        log: logTo(() => undefined),
      });
      port.configure({ feedUrl: mirror.url, allowPrerelease: false, installOnQuit: true });
      expect(await port.check()).toEqual({ version: '3.1.0', updaterAccepts: true });
      expect(mirror.requests).toEqual(['/feed/latest-linux.yml']);
      expect(feed.requests).toEqual([]);
    } finally {
      await mirror.close();
    }
  });

  it('Windows: NsisUpdater reads latest.yml and downloads the installer, checking its sha512', async () => {
    const setup = bytes('setup');
    publish(feed, 'latest.yml', '2.0.0', [{ name: SETUP, bytes: setup }]);
    const updater = forPlatform(useNodeHttp(new NsisUpdater(null, appOf('1.0.0'))), 'win32');
    const port = adapter(updater);
    expect(await port.check()).toEqual({ version: '2.0.0', updaterAccepts: true });
    expect(feed.requests[0]).toBe('/feed/latest.yml');
    await port.download(() => undefined);
    expect(readFileSync(path.join(pendingDir(), SETUP)).equals(setup)).toBe(true);
  });

  it('macOS: latest-mac.yml (zip and dmg) is read and compared the same way', async () => {
    publish(feed, 'latest-mac.yml', '2.0.0', [
      { name: MAC_ZIP, bytes: bytes('zip') },
      { name: MAC_DMG, bytes: bytes('dmg') },
    ]);
    // The check only: a download on macOS goes through MacUpdater and Electron's Squirrel.
    const updater = forPlatform(useNodeHttp(new NsisUpdater(null, appOf('1.0.0'))), 'darwin');
    expect(await adapter(updater).check()).toEqual({ version: '2.0.0', updaterAccepts: true });
    expect(feed.requests).toEqual(['/feed/latest-mac.yml']);
  });

  it("a feed without the channel file fails the check with electron-updater's error", async () => {
    const port = adapter(useNodeHttp(new AppImageUpdater(null, appOf('1.0.0'))));
    await expect(port.check()).rejects.toThrow(/Cannot find channel "latest-linux.yml"/);
  });

  it('electron-updater logs to the app log, through the adapter', async () => {
    publish(feed, 'latest-linux.yml', '2.0.0', [{ name: APPIMAGE, bytes: bytes('a') }]);
    await adapter(useNodeHttp(new AppImageUpdater(null, appOf('1.0.0')))).check();
    expect(logLines.some((l) => /^info Checking for update/.test(l))).toBe(true);
  });
});

describe('the core on the real updater and a local feed', () => {
  function controller(version: string, mode: 'auto' | 'notify' = 'auto') {
    const notes: ShownNotification[] = [];
    const views: UpdateView[] = [];
    const clock = new ManualClock();
    const updates = new UpdateController({
      clock,
      current: version,
      install: {
        packaged: true,
        platform: 'linux',
        packageType: null,
        appImage: true,
        snap: false,
        builtInFeed: true,
      },
      port: new ElectronUpdater({
        load: () => useNodeHttp(new AppImageUpdater(null, appOf(version))),
        log: logTo(() => undefined),
      }),
      mode,
      feedUrl: null,
      onChange: (v) => views.push(v),
      notify: (n) => notes.push(n),
      language: () => 'en',
    });
    updates.start();
    return { updates, notes, views, clock };
  }

  it('mode auto: the check finds 2.0.0, downloads it, and offers "Restart to update to v2.0.0" once', async () => {
    publish(feed, 'latest-linux.yml', '2.0.0', [{ name: APPIMAGE, bytes: bytes('appimage') }]);
    const { updates, notes, views } = controller('1.0.0');
    await updates.checkNow();
    expect(updates.view()).toMatchObject({ phase: 'ready', version: '2.0.0', error: null });
    expect(views.map((v) => v.phase)).toEqual(
      expect.arrayContaining(['checking', 'downloading', 'ready']),
    );
    expect(notes).toHaveLength(1);
    expect(notes[0]!.body).toContain('Restart to update to v2.0.0');
    await updates.checkNow();
    expect(updates.view().phase).toBe('ready');
    expect(notes).toHaveLength(1);
    updates.stop();
  });

  it('a prerelease in the feed is taken by electron-updater but not offered to a release by the core', async () => {
    publish(feed, 'latest-linux.yml', '2.0.0-beta.1', [{ name: APPIMAGE, bytes: bytes('b') }]);
    const { updates, notes } = controller('1.0.0');
    await updates.checkNow();
    expect(updates.view()).toMatchObject({ phase: 'idle', version: null });
    expect(feed.requests).not.toContain(`/feed/${APPIMAGE}`);
    expect(notes).toEqual([]);
    updates.stop();
  });

  it('a copy running a prerelease is offered the next one', async () => {
    publish(feed, 'latest-linux.yml', '2.0.0-beta.2', [{ name: APPIMAGE, bytes: bytes('b') }]);
    const { updates } = controller('2.0.0-beta.1', 'notify');
    await updates.checkNow();
    expect(updates.view()).toMatchObject({ phase: 'available', version: '2.0.0-beta.2' });
    updates.stop();
  });

  it("a feed that is down: failed, with one line of electron-updater's error, and a retry planned", async () => {
    const { updates } = controller('1.0.0');
    await updates.checkNow();
    const view = updates.view();
    expect(view.phase).toBe('failed');
    expect(view.error).toMatch(/Cannot find channel "latest-linux.yml"/);
    expect(view.error).not.toContain('\n');
    expect(view.nextCheckAt).not.toBeNull();
    updates.stop();
  });
});

describe('installFacts: how this copy was installed, read as electron-updater reads it', () => {
  it('reads resources/package-type, app-update.yml, APPIMAGE and SNAP', () => {
    const resources = path.join(temp, 'resources');
    const files = new Map<string, string>([[path.join(resources, 'package-type'), 'deb\n']]);
    const facts = installFacts({
      isPackaged: true,
      platform: 'linux',
      resourcesPath: resources,
      env: { SNAP: '/snap/katya/1' },
      exists: (f) => f === path.join(resources, 'app-update.yml'),
      readText: (f) => {
        const text = files.get(f);
        if (text === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
        return text;
      },
    });
    expect(facts).toEqual({
      packaged: true,
      platform: 'linux',
      packageType: 'deb',
      appImage: false,
      snap: true,
      builtInFeed: true,
    });
  });

  it('outside Electron (no resourcesPath) there is no package type and no feed', () => {
    expect(
      installFacts({
        isPackaged: false,
        platform: 'linux',
        resourcesPath: undefined,
        env: { APPIMAGE: '/tmp/x.AppImage' },
      }),
    ).toEqual({
      packaged: false,
      platform: 'linux',
      packageType: null,
      appImage: true,
      snap: false,
      builtInFeed: false,
    });
  });
});
