// The Electron main process boots in Node. The built dist/main/start.cjs, which runs
// dist/main/index.cjs through the code cache (what app.asar ships), is loaded with `require('electron')` answered by the recording stand-in of
// test/fakes/electron-main.ts; everything else is real: the app model, the settings file, the
// token vault, the history, and a reference Katya server on loopback.
//
// It proves the wiring of main/index.ts: the hardened window and its page, every IPC channel of
// the contract, the tray and its menu, a security alert from the server reaching a
// notification, the token going through safeStorage only, second-instance and a clean quit;
// and updates: none in a development build, and in a packaged AppImage the updater configured
// from the settings (where the admin policy's mode lands), checking a local feed at start and
// offering the restart, or, with updates off, never asking.
// What only real Electron shows (the window on screen, native notifications, packages) is
// proven on GitHub's runners (.github/workflows/ci.yml).
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import Module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trayIconFile } from '../../../main/adapters/tray';
import { startKatyaServer } from '../../../main/server/server';
import type { KatyaServer } from '../../../main/server/server';
import { invokeSchemas, sendSchemas } from '../../../preload/contract';
import type { AboutInfo, Snapshot } from '../../../preload/contract';
import { appUpdateYml, publish, startLocalFeed } from '../updates/local-feed';
import type { LocalFeed } from '../updates/local-feed';
import type { FakeSender } from '../../fakes/ipc-main';
import {
  fakeElectronMain,
  requireWithElectron,
  requireWithElectronKept,
} from '../../fakes/electron-main';
import type { FakeElectronMain, FakeMenu } from '../../fakes/electron-main';

const root = path.resolve(__dirname, '../../..');
/** package.json's "main": it takes the profile, then runs MAIN through the code cache */
const START = path.join(root, 'dist/main/start.cjs');
const MAIN = path.join(root, 'dist/main/index.cjs');
const TOKEN = 'boot-suite-s3cret-token';
const PAGE = 'app://katya/index.html';

type Maybe<T> = T | undefined | null | false | 0;

async function until<T>(
  what: string,
  fn: () => Maybe<T> | Promise<Maybe<T>>,
  ms = 10_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

/**
 * The intervals the bundle starts (its power and network poll, which the real app ends with
 * its process): recorded by the stack that created them, cleared when the suite ends.
 */
function trackBundleIntervals() {
  const original = globalThis.setInterval;
  const handles: NodeJS.Timeout[] = [];
  globalThis.setInterval = ((...args: Parameters<typeof setInterval>) => {
    const handle = original(...args);
    if (new Error().stack?.includes(MAIN)) handles.push(handle);
    return handle;
  }) as typeof setInterval;
  return {
    count: () => handles.length,
    stop() {
      globalThis.setInterval = original;
      for (const h of handles) clearInterval(h);
    },
  };
}

describe('the Electron stand-in is strict where Electron is', () => {
  it('refuses Tray, BrowserWindow, safeStorage and the session before ready', () => {
    const e = fakeElectronMain();
    const { Tray, BrowserWindow, safeStorage, session } = e.module as {
      Tray: new (image: unknown) => unknown;
      BrowserWindow: new (options: unknown) => unknown;
      safeStorage: { encryptString(s: string): Buffer; isEncryptionAvailable(): boolean };
      session: { defaultSession: unknown };
    };
    expect(() => new Tray({})).toThrow(/before the app is ready/);
    expect(() => new BrowserWindow({})).toThrow(/before the app is ready/);
    expect(() => safeStorage.encryptString('x')).toThrow(/before the app is ready/);
    expect(() => safeStorage.isEncryptionAvailable()).toThrow(/before the app is ready/);
    expect(() => session.defaultSession).toThrow(/before the app is ready/);
    e.ready();
    expect(() => new Tray({})).not.toThrow();
    expect(safeStorage.encryptString('x').toString()).not.toContain('x');
  });

  it('refuses window options and webPreferences keys that Electron does not declare', () => {
    const e = fakeElectronMain();
    e.ready();
    const { BrowserWindow } = e.module as { BrowserWindow: new (options: unknown) => unknown };
    expect(() => new BrowserWindow({ webPreferences: { contextIsolation: true } })).not.toThrow();
    expect(() => new BrowserWindow({ webPreferences: { contextIsolaton: true } })).toThrow(
      /unknown webPreferences\.contextIsolaton/,
    );
    expect(() => new BrowserWindow({ webPreferences: { enableRemoteModule: false } })).toThrow(
      /unknown webPreferences\.enableRemoteModule/,
    );
    expect(() => new BrowserWindow({ widht: 100 })).toThrow(/unknown option widht/);
  });

  it('answers require("electron") only while the bundle loads', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'katya-boot-require-'));
    const loader = Module as unknown as { _load: unknown };
    const before = loader._load;
    try {
      const file = path.join(dir, 'probe.cjs');
      writeFileSync(file, 'globalThis.__katyaProbe = require("electron").marker;');
      const requested = requireWithElectron(file, { marker: 'stand-in' });
      expect((globalThis as { __katyaProbe?: string }).__katyaProbe).toBe('stand-in');
      expect(requested).toEqual(['electron']);
      expect(loader._load).toBe(before);
    } finally {
      delete (globalThis as { __katyaProbe?: string }).__katyaProbe;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the main bundle runs through the code cache', () => {
  it('holds no dynamic import() but the optional kerberos one, which node:vm cannot serve', () => {
    const source = readFileSync(MAIN, 'utf8');
    // `import()` with nothing inside is a comment's: as code it would not parse
    const imports = [...source.matchAll(/(?<![\w$.])import\(\s*([^)\s][^)]*)\)/g)].map((m) => m[1]);
    expect(imports).toEqual(['"kerberos"']);
  });
});

describe('the main process (dist/main/start.cjs) boots against the stand-in', () => {
  let electron: FakeElectronMain;
  let server: KatyaServer;
  const serverLog: string[] = [];
  let temp: string;
  let userData: string;
  let intervals: ReturnType<typeof trackBundleIntervals>;
  const savedEnv: Record<string, string | undefined> = {};

  const mainWindow = () => electron.windows[0]!;
  const sender = (): FakeSender => ({
    webContentsId: mainWindow().webContents.id,
    frameUrl: PAGE,
  });
  const invoke = <T>(channel: string, ...args: unknown[]) =>
    electron.ipcMain.invoke(sender(), channel, ...args) as Promise<T>;

  beforeAll(async () => {
    for (const file of [START, MAIN])
      if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first`);
    server = await startKatyaServer({
      tokens: [{ token: TOKEN, channels: ['*'], admin: true }],
      log: (line) => serverLog.push(line),
    });
    temp = mkdtempSync(path.join(os.tmpdir(), 'katya-boot-'));
    userData = path.join(temp, 'userData');
    mkdirSync(userData);
    // The settings file the app reads at start (electron-store's settings.json in userData):
    // only the server; the app fills in every other setting with its default.
    writeFileSync(
      path.join(userData, 'settings.json'),
      JSON.stringify({ version: 1, serverUrl: server.url }),
    );
    // main/index.ts's profile switch; XDG_CONFIG_HOME keeps the autostart check in the temp dir.
    for (const [key, value] of Object.entries({
      KATYA_USER_DATA_DIR: userData,
      XDG_CONFIG_HOME: path.join(temp, 'xdg'),
    })) {
      savedEnv[key] = process.env[key];
      process.env[key] = value;
    }
    electron = fakeElectronMain({ version: '0.1.0-boot', locale: 'en-US' });
    intervals = trackBundleIntervals();
    requireWithElectron(START, electron.module);
  });

  afterAll(async () => {
    intervals?.stop();
    await server?.close();
    for (const [key, value] of Object.entries(savedEnv)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    if (temp) rmSync(temp, { recursive: true, force: true });
  });

  it('before ready: takes its profile, the single-instance lock and the app:// scheme, and nothing else', () => {
    expect(electron.app.paths.get('userData')).toBe(userData);
    expect(electron.app.lockRequests).toBe(1);
    expect(electron.protocol.privileged).toEqual([
      expect.objectContaining({
        scheme: 'app',
        privileges: expect.objectContaining({ standard: true, secure: true }),
      }),
    ]);
    expect(electron.windows).toHaveLength(0);
    expect(electron.trays).toHaveLength(0);
    expect(electron.safeStorage.calls).toEqual([]);
  });

  it('on ready: opens one hardened window on app://katya, from the built preload', async () => {
    electron.ready();
    await until('the window and the tray', () => electron.windows.length && electron.trays.length);
    expect(electron.windows).toHaveLength(1);
    const win = mainWindow();
    expect(win.options.show).toBe(false);
    const prefs = win.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      disableBlinkFeatures: 'Auxclick',
      preload: path.join(root, 'dist/preload/index.cjs'),
    });
    expect(existsSync(prefs.preload as string)).toBe(true);
    expect(win.loaded).toEqual([PAGE]);
    // shown once the page is ready, not before
    await until('the window shown', () => win.visible);
    expect(electron.errorBoxes).toEqual([]);
  });

  it('hardens the window: no new windows, no navigation away, permissions for notifications only', () => {
    const contents = mainWindow().webContents;
    expect(contents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({
      action: 'deny',
    });
    expect(contents.navigate('https://example.com/')).toBe(false);
    expect(contents.navigate('file:///etc/passwd')).toBe(false);
    expect(contents.navigate(`${PAGE}#feed`)).toBe(true);
    const check = electron.session.permissionCheck as (wc: unknown, p: string) => boolean;
    expect(check(null, 'notifications')).toBe(true);
    expect(check(null, 'media')).toBe(false);
    expect(electron.applicationMenu.set).toBe(true);
  });

  it('serves the built window over app://katya with the Content-Security-Policy, and nothing else', async () => {
    const serve = electron.protocol.handlers.get('app')!;
    const page = await serve(new Request(PAGE));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await page.text()).toContain('<html');
    expect((await serve(new Request('app://katya/../../package.json'))).status).toBe(404);
    expect((await serve(new Request('app://elsewhere/index.html'))).status).toBe(404);
  });

  it('registers a handler for every channel of the IPC contract, once, and no other but electron-store', () => {
    const ipc = electron.ipcMain;
    expect([...ipc.handlers.keys()].sort()).toEqual(Object.keys(invokeSchemas).sort());
    const listened = [...ipc.listeners.entries()].filter(([, list]) => list.length > 0);
    for (const [, list] of listened) expect(list).toHaveLength(1);
    const sends = Object.keys(sendSchemas);
    expect(
      listened
        .map(([c]) => c)
        .filter((c) => sends.includes(c))
        .sort(),
    ).toEqual([...sends].sort());
    // electron-store's own synchronous channel (it hands its settings path to a renderer that
    // asks); outside the contract and its sender check, and unreachable from the sandboxed page.
    expect(listened.map(([c]) => c).filter((c) => !sends.includes(c))).toEqual([
      'electron-store-get-data',
    ]);
  });

  it('answers IPC from its own window only', async () => {
    const snapshot = await invoke<Snapshot>('app:snapshot');
    expect(snapshot.settings.servers[0]?.url).toBe(server.url);
    expect(snapshot.version).toBe('0.1.0-boot');
    await expect(
      electron.ipcMain.invoke(
        { webContentsId: mainWindow().webContents.id, frameUrl: 'https://example.com/' },
        'app:snapshot',
      ),
    ).rejects.toThrow(/refused/);
    await expect(
      electron.ipcMain.invoke({ webContentsId: 9999, frameUrl: PAGE }, 'app:snapshot'),
    ).rejects.toThrow(/refused/);
  });

  it('a development build: About shows Node (no Electron here) and no update is looked for', async () => {
    const about = await invoke<AboutInfo>('app:about');
    expect(about).toMatchObject({ name: 'Katya Desktop', version: '0.1.0-boot' });
    // main/index.ts passes Electron's process.versions; in Node there is no electron or chrome.
    expect(about.versions).toEqual({ electron: null, chromium: null, node: process.versions.node });
    expect(about.update).toMatchObject({ phase: 'unavailable', unavailable: 'development' });
    expect(electron.netRequests).toEqual([]);
  });

  it('puts the tray up with its icon and menu', () => {
    const tray = electron.trays[0]!;
    const icon = (tray.initialImage as { path: string }).path;
    expect(icon).toBe(
      path.join(root, 'build/icons/tray', trayIconFile('connecting', process.platform)),
    );
    expect(existsSync(icon)).toBe(true);
    const menu = tray.menu as FakeMenu;
    for (const label of [
      'Open Katya Desktop',
      'Reconnect now',
      'Settings…',
      'Quit Katya Desktop',
    ]) {
      expect(menu.item(label), label).toBeTruthy();
    }
    expect(tray.tooltip).not.toBe('');
  });

  it('keeps the token through safeStorage only: encrypted, never in clear under userData', async () => {
    const status = await invoke('token:set', { token: TOKEN });
    expect(status).toEqual({ stored: true, storage: 'keychain' });
    expect(electron.safeStorage.calls).toContain('encryptString');
    expect(electron.safeStorage.encrypted).toContain(TOKEN);
    await until('connected with active subscriptions', async () => {
      const s = await invoke<Snapshot>('app:snapshot');
      return (
        s.connection.phase === 'connected' &&
        s.subscriptions.length > 0 &&
        s.subscriptions.every((x) => x.status === 'active')
      );
    });
    expect(existsSync(path.join(userData, 'token.bin'))).toBe(true);
    const files = filesUnder(userData);
    expect(files.length).toBeGreaterThan(2);
    for (const file of files) {
      expect(readFileSync(file).includes(TOKEN), file).toBe(false);
    }
  });

  it("asks Chromium's resolver for the system proxy, with the server's URL as http://", () => {
    // ws:// and wss:// are asked as the http(s) URL they upgrade from, as Chromium does.
    expect(electron.session.proxyAsked).toContain(server.url.replace(/^ws:/, 'http:'));
  });

  it('turns a critical security alert from the server into a native notification', async () => {
    const before = electron.notifications.length;
    server.publish('security.alert.created', {
      id: 'boot_alert_1',
      title: 'Port scan detected',
      severity: 'critical',
      source: '203.0.113.7',
    });
    const note = await until('a notification', () =>
      electron.notifications
        .slice(before)
        .find((n) => String(n.options.title).includes('Port scan detected')),
    );
    expect(note.shown).toBe(true);
    expect(note.listenerCount('click')).toBe(1);
    // the same event reaches the window's feed
    await until('the alert in the window feed', () =>
      mainWindow().webContents.sent.some(
        ([channel, payload]) =>
          channel === 'feed:added' && JSON.stringify(payload).includes('boot_alert_1'),
      ),
    );
  });

  it('hides on close and comes back, focused, on a second launch', () => {
    const win = mainWindow();
    expect(win.userClose()).toBe(false);
    expect(win.visible).toBe(false);
    expect(win.destroyed).toBe(false);
    const focused = win.focused;
    electron.app.emit('second-instance', {}, ['katya-desktop'], root, {});
    expect(electron.windows).toHaveLength(1);
    expect(win.visible).toBe(true);
    expect(win.focused).toBe(focused + 1);
  });

  it('quits from the tray menu: stops the app model, closes the socket with 1000, exits 0', async () => {
    // Let the tray's quarter-second redraw run first: the real app's timers end with its process.
    await new Promise((r) => setTimeout(r, 400));
    expect(server.clientCount()).toBe(1);
    const quit = (electron.trays[0]!.menu as FakeMenu).item('Quit Katya Desktop')!;
    quit.click!(quit);
    expect(await electron.exited).toBe(0);
    await until('the server to see the close', () => server.clientCount() === 0);
    expect(serverLog.filter((l) => / closed \(\d+\)/.test(l))).toEqual([
      expect.stringMatching(/ closed \(1000\)$/),
    ]);
    expect(intervals.count()).toBeGreaterThan(0);
    expect(electron.errorBoxes).toEqual([]);
  });
});

describe('a second launch (dist/main/index.cjs without the single-instance lock)', () => {
  it('quits at once and builds nothing, leaving the first instance to show its window', async () => {
    const temp = mkdtempSync(path.join(os.tmpdir(), 'katya-boot-second-'));
    const saved = process.env.KATYA_USER_DATA_DIR;
    process.env.KATYA_USER_DATA_DIR = temp;
    try {
      const electron = fakeElectronMain({ singleInstance: false });
      requireWithElectron(START, electron.module);
      expect(electron.app.lockRequests).toBe(1);
      expect(await electron.exited).toBe(0);
      electron.ready();
      await new Promise((r) => setTimeout(r, 100));
      expect(electron.windows).toHaveLength(0);
      expect(electron.trays).toHaveLength(0);
      expect(electron.protocol.privileged).toEqual([]);
      expect(electron.ipcMain.handlers.size).toBe(0);
      expect(readdirSync(temp)).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.KATYA_USER_DATA_DIR;
      else process.env.KATYA_USER_DATA_DIR = saved;
      rmSync(temp, { recursive: true, force: true });
    }
  });
});

describe('updates in a packaged AppImage (dist/main/index.cjs with resources/app-update.yml)', () => {
  // app.isPackaged, process.resourcesPath with the icons and an app-update.yml that names a
  // feed on 127.0.0.1, and APPIMAGE: what electron-updater looks for. Everything from the
  // settings to electron-updater's generic provider and download is the bundle's own code; only
  // Electron's net.request is the stand-in's (over node:http).
  const APPIMAGE = 'katya-desktop-9.9.9-linux-x86_64.AppImage';
  const newBuild = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7) & 0xff));
  let feed: LocalFeed;

  beforeAll(async () => {
    feed = await startLocalFeed();
    publish(feed, 'latest-linux.yml', '9.9.9', [{ name: APPIMAGE, bytes: newBuild }]);
  });
  afterAll(async () => {
    await feed?.close();
  });

  async function bootPackaged(settings: Record<string, unknown>) {
    const temp = mkdtempSync(path.join(os.tmpdir(), 'katya-boot-update-'));
    const resources = path.join(temp, 'resources');
    mkdirSync(resources);
    symlinkSync(path.join(root, 'build/icons'), path.join(resources, 'icons'));
    writeFileSync(path.join(resources, 'app-update.yml'), appUpdateYml(feed.url));
    const userData = path.join(temp, 'userData');
    mkdirSync(userData);
    // No token: the link stays closed ("sign-in needed"), so nothing but the updater goes out.
    writeFileSync(
      path.join(userData, 'settings.json'),
      JSON.stringify({ version: 1, serverUrl: 'ws://127.0.0.1:9/v1/ws', ...settings }),
    );
    writeFileSync(path.join(temp, 'Katya_Desktop.AppImage'), 'the running AppImage');
    const env: Record<string, string> = {
      KATYA_USER_DATA_DIR: userData,
      XDG_CONFIG_HOME: path.join(temp, 'xdg'),
      XDG_CACHE_HOME: path.join(temp, 'cache'),
      APPIMAGE: path.join(temp, 'Katya_Desktop.AppImage'),
    };
    const saved: Record<string, string | undefined> = {};
    for (const [key, value] of Object.entries(env)) {
      saved[key] = process.env[key];
      process.env[key] = value;
    }
    const proc = process as { resourcesPath?: string };
    const savedResources = proc.resourcesPath;
    proc.resourcesPath = resources;
    const before = feed.requests.length;
    const electron = fakeElectronMain({ version: '1.0.0', packaged: true });
    const intervals = trackBundleIntervals();
    // electron-updater, inside the bundle, asks for electron when it first checks.
    const release = requireWithElectronKept(START, electron.module);
    electron.ready();
    await until('the window and the tray', () => electron.windows.length && electron.trays.length);
    const win = electron.windows[0]!;
    const invoke = <T>(channel: string) =>
      electron.ipcMain.invoke(
        { webContentsId: win.webContents.id, frameUrl: PAGE },
        channel,
      ) as Promise<T>;
    return {
      electron,
      invoke,
      temp,
      feedRequests: () => feed.requests.slice(before),
      async quit() {
        const quit = (electron.trays[0]!.menu as FakeMenu).item('Quit Katya Desktop')!;
        quit.click!(quit);
        expect(await electron.exited).toBe(0);
        release();
        intervals.stop();
        if (savedResources === undefined) delete proc.resourcesPath;
        else proc.resourcesPath = savedResources;
        for (const [key, value] of Object.entries(saved)) {
          if (value === undefined) delete process.env[key];
          else process.env[key] = value;
        }
        rmSync(temp, { recursive: true, force: true });
      },
    };
  }

  it('mode auto (the default): checks the feed at start, downloads 9.9.9, offers "Restart to update to v9.9.9" in the tray and once as a notification', async () => {
    const app = await bootPackaged({});
    try {
      await until('the download', () => app.feedRequests().includes(`/feed/${APPIMAGE}`));
      expect(app.feedRequests()[0]).toBe('/feed/latest-linux.yml');
      // through Electron's net module, as electron-updater does it in the app
      expect(app.electron.netRequests[0]).toMatch(
        /^http:\/\/127\.0\.0\.1:\d+\/feed\/latest-linux\.yml/,
      );
      const about = await until('the update ready', async () => {
        const a = await app.invoke<AboutInfo>('app:about');
        return a.update.phase === 'ready' && a;
      });
      expect(about.update).toMatchObject({ version: '9.9.9', current: '1.0.0', mode: 'auto' });
      const kept = path.join(app.temp, 'cache', 'katya-desktop-updater', 'pending', APPIMAGE);
      expect(readFileSync(kept).equals(newBuild)).toBe(true);
      const item = await until('the tray item', () =>
        (app.electron.trays[0]!.menu as FakeMenu).item('Restart to update to v9.9.9'),
      );
      expect(item.enabled).not.toBe(false);
      const notes = app.electron.notifications.filter((n) =>
        String(n.options.title).includes('9.9.9'),
      );
      expect(notes.map((n) => n.options.title)).toEqual(['Katya Desktop v9.9.9 is ready']);
      expect(notes[0]!.shown).toBe(true);
    } finally {
      await app.quit();
    }
  });

  it('updates "off" in the settings (where a policy\'s mode lands, locked): no request to the feed at all', async () => {
    const app = await bootPackaged({ updates: 'off' });
    try {
      // The first check would come 2 s after start.
      await new Promise((r) => setTimeout(r, 3_000));
      expect(app.feedRequests()).toEqual([]);
      expect(app.electron.netRequests).toEqual([]);
      const about = await app.invoke<AboutInfo>('app:about');
      expect(about.update).toMatchObject({ phase: 'off', mode: 'off', unavailable: null });
      expect((app.electron.trays[0]!.menu as FakeMenu).items.map((i) => i.label)).not.toContain(
        'Restart to update to v9.9.9',
      );
    } finally {
      await app.quit();
    }
  });
});
