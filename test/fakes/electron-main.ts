// A recording stand-in for the `electron` module as the main process and the preload see it, to
// load the built bundles (dist/main/index.cjs, dist/preload/index.cjs) in Node. It is strict
// where Electron is: Tray, BrowserWindow, safeStorage and the default session refuse to work
// before `ready`, privileged schemes are registered before it only, and a BrowserWindow option
// or webPreferences key that Electron's own electron.d.ts does not declare throws. `net.request`
// makes a real HTTP request with node:http (electron-updater downloads through it).
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import { FakeIpcMain } from './ipc-main';
import { FakeNotification, FakeTray, FakeWindow } from './electron';

const require = createRequire(import.meta.url);

/** The keys an interface of the installed Electron's electron.d.ts declares. */
function declaredKeys(...interfaces: string[]): Set<string> {
  const dts = readFileSync(
    path.join(path.dirname(require.resolve('electron/package.json')), 'electron.d.ts'),
    'utf8',
  );
  const keys = new Set<string>();
  for (const name of interfaces) {
    const body = new RegExp(
      `\\n  interface ${name}(?: extends \\w+)? \\{\\n([\\s\\S]*?)\\n  \\}`,
    ).exec(dts)?.[1];
    if (!body) throw new Error(`electron.d.ts declares no interface ${name}`);
    for (const m of body.matchAll(/^ {4}(\w+)\??:/gm)) keys.add(m[1]!);
  }
  return keys;
}

export interface MenuItem {
  label?: string;
  role?: string;
  type?: string;
  checked?: boolean;
  enabled?: boolean;
  submenu?: MenuItem[];
  click?: (item: MenuItem) => void;
}

export interface FakeMenu {
  items: MenuItem[];
  /** the item with this label, searched through submenus */
  item(label: string): MenuItem | undefined;
}

function menuOf(template: MenuItem[]): FakeMenu {
  const find = (items: MenuItem[], label: string): MenuItem | undefined => {
    for (const it of items) {
      if (it.label === label) return it;
      const inner = it.submenu && find(it.submenu, label);
      if (inner) return inner;
    }
    return undefined;
  };
  return { items: template, item: (label) => find(template, label) };
}

export class FakeWebContents extends EventEmitter {
  readonly sent: [string, unknown][] = [];
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  constructor(readonly id: number) {
    super();
  }
  send(channel: string, payload: unknown) {
    this.sent.push([channel, payload]);
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = handler;
  }
  /** what Electron does before a navigation: ask the listeners, report whether it was stopped */
  navigate(url: string): boolean {
    let prevented = false;
    this.emit('will-navigate', { preventDefault: () => (prevented = true) }, url);
    return !prevented;
  }
}

/** A BrowserWindow of the stand-in: what it was built with and what it loaded. */
export type FakeBrowserWindow = Omit<FakeWindow, 'webContents'> & {
  readonly webContents: FakeWebContents;
  readonly options: Record<string, unknown>;
  readonly loaded: string[];
};

export interface FakeElectronMain {
  /** what `require('electron')` returns in the main process */
  module: Record<string, unknown>;
  app: EventEmitter & {
    exitCode: number | null;
    paths: Map<string, string>;
    lockRequests: number;
  };
  ipcMain: FakeIpcMain;
  windows: FakeBrowserWindow[];
  trays: (FakeTray & { initialImage: unknown })[];
  notifications: FakeNotification[];
  applicationMenu: { set: boolean; menu: FakeMenu | null };
  /** safeStorage calls, in order, with what went in */
  safeStorage: { calls: string[]; encrypted: string[] };
  protocol: {
    privileged: unknown[];
    handlers: Map<string, (request: Request) => Promise<Response>>;
  };
  session: {
    permissionRequest: unknown;
    permissionCheck: unknown;
    devicePermission: unknown;
    /** the URLs session.resolveProxy was asked about, in order */
    proxyAsked: string[];
  };
  errorBoxes: [string, string][];
  /** the URLs asked for through net.request, in order */
  netRequests: string[];
  /** fire `ready` (whenReady resolves) */
  ready(): void;
  /** resolves with the code of the first app.exit() */
  exited: Promise<number>;
}

export function fakeElectronMain(
  /**
   * singleInstance: false plays a second launch, whose lock the first instance holds;
   * packaged: app.isPackaged (the caller then sets process.resourcesPath)
   */
  opts: { version?: string; locale?: string; singleInstance?: boolean; packaged?: boolean } = {},
): FakeElectronMain {
  const WINDOW_OPTIONS = declaredKeys(
    'BaseWindowConstructorOptions',
    'BrowserWindowConstructorOptions',
  );
  const WEB_PREFERENCES = declaredKeys('WebPreferences');
  let isReady = false;
  let resolveReady!: () => void;
  const readyPromise = new Promise<void>((r) => (resolveReady = r));
  let resolveExit!: (code: number) => void;
  const exited = new Promise<number>((r) => (resolveExit = r));
  const notReady = (what: string) => {
    if (!isReady) throw new Error(`${what} cannot be used before the app is ready`);
  };

  const app = Object.assign(new EventEmitter(), {
    exitCode: null as number | null,
    paths: new Map<string, string>(),
    isPackaged: opts.packaged ?? false,
    setPath(name: string, value: string) {
      app.paths.set(name, value);
    },
    getPath(name: string) {
      const p = app.paths.get(name);
      if (!p) throw new Error(`stand-in: app.getPath('${name}') was never set`);
      return p;
    },
    getVersion: () => opts.version ?? '0.0.0-test',
    getLocale: () => opts.locale ?? 'en-US',
    getName: () => 'Katya Desktop',
    lockRequests: 0,
    requestSingleInstanceLock() {
      app.lockRequests++;
      return opts.singleInstance ?? true;
    },
    releaseSingleInstanceLock: () => undefined,
    relaunch: () => undefined,
    getLoginItemSettings: () => ({ openAtLogin: false, wasOpenedAtLogin: false }),
    setLoginItemSettings: () => undefined,
    isReady: () => isReady,
    whenReady: () => readyPromise,
    /** Electron: emits before-quit (cancellable), then will-quit and quit, then exits 0 */
    quit() {
      let prevented = false;
      app.emit('before-quit', { preventDefault: () => (prevented = true) });
      if (prevented) return;
      app.emit('will-quit', { preventDefault: () => undefined });
      app.emit('quit', {}, 0);
      app.exit(0);
    },
    /** Electron: ends at once, without before-quit; later calls do nothing */
    exit(code = 0) {
      if (app.exitCode !== null) return;
      app.exitCode = code;
      resolveExit(code);
    },
  });

  const windows: FakeElectronMain['windows'] = [];
  let webContentsId = 100;
  class BrowserWindow extends FakeWindow {
    readonly options: Record<string, unknown>;
    readonly loaded: string[] = [];
    override readonly webContents: FakeWebContents;
    constructor(options: Record<string, unknown> = {}) {
      notReady('BrowserWindow');
      super();
      for (const key of Object.keys(options)) {
        if (!WINDOW_OPTIONS.has(key)) throw new Error(`BrowserWindow: unknown option ${key}`);
      }
      const prefs = (options.webPreferences ?? {}) as Record<string, unknown>;
      for (const key of Object.keys(prefs)) {
        if (!WEB_PREFERENCES.has(key))
          throw new Error(`BrowserWindow: unknown webPreferences.${key}`);
      }
      this.options = options;
      this.webContents = new FakeWebContents(++webContentsId);
      windows.push(this);
      app.emit('web-contents-created', {}, this.webContents);
    }
    loadURL(url: string): Promise<void> {
      this.loaded.push(url);
      // The page loads, then the window is ready to be shown without a flash.
      setImmediate(() => this.emit('ready-to-show'));
      return Promise.resolve();
    }
  }

  const trays: FakeElectronMain['trays'] = [];
  class Tray extends FakeTray {
    initialImage: unknown;
    destroyed = false;
    constructor(image: unknown) {
      notReady('Tray');
      super();
      this.initialImage = image;
      trays.push(this);
    }
    destroy() {
      this.destroyed = true;
    }
  }

  const notifications: FakeNotification[] = [];
  class Notification extends FakeNotification {
    static isSupported() {
      return true;
    }
    constructor(options: Record<string, unknown>) {
      super(options);
      notifications.push(this);
    }
  }

  const applicationMenu: FakeElectronMain['applicationMenu'] = { set: false, menu: null };
  const Menu = {
    buildFromTemplate: (template: MenuItem[]) => menuOf(template),
    setApplicationMenu(menu: FakeMenu | null) {
      applicationMenu.set = true;
      applicationMenu.menu = menu;
    },
  };

  // A reversible transform that never leaves the text readable, tagged so a foreign blob fails.
  const TAG = Buffer.from('stand-in-keychain:');
  const flip = (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a));
  const safe: FakeElectronMain['safeStorage'] = { calls: [], encrypted: [] };
  const safeStorage = {
    isEncryptionAvailable() {
      notReady('safeStorage');
      safe.calls.push('isEncryptionAvailable');
      return true;
    },
    getSelectedStorageBackend() {
      notReady('safeStorage');
      safe.calls.push('getSelectedStorageBackend');
      return 'gnome_libsecret';
    },
    encryptString(text: string) {
      notReady('safeStorage');
      safe.calls.push('encryptString');
      safe.encrypted.push(text);
      return Buffer.concat([TAG, flip(Buffer.from(text, 'utf8'))]);
    },
    decryptString(data: Buffer) {
      notReady('safeStorage');
      safe.calls.push('decryptString');
      if (!data.subarray(0, TAG.length).equals(TAG)) throw new Error('cannot decrypt');
      return flip(data.subarray(TAG.length)).toString('utf8');
    },
  };

  const protocolState: FakeElectronMain['protocol'] = { privileged: [], handlers: new Map() };
  const protocol = {
    registerSchemesAsPrivileged(schemes: unknown[]) {
      if (isReady) throw new Error('registerSchemesAsPrivileged must be called before ready');
      protocolState.privileged.push(...schemes);
    },
    handle(scheme: string, handler: (request: Request) => Promise<Response>) {
      notReady('protocol.handle');
      protocolState.handlers.set(scheme, handler);
    },
  };

  const sessionState: FakeElectronMain['session'] = {
    permissionRequest: null,
    permissionCheck: null,
    devicePermission: null,
    proxyAsked: [],
  };
  const defaultSession = {
    setPermissionRequestHandler: (h: unknown) => (sessionState.permissionRequest = h),
    setPermissionCheckHandler: (h: unknown) => (sessionState.permissionCheck = h),
    setDevicePermissionHandler: (h: unknown) => (sessionState.devicePermission = h),
    // The app asks the system proxy for each connection; the test machine has none.
    resolveProxy: async (url: string) => {
      sessionState.proxyAsked.push(url);
      return 'DIRECT';
    },
  };
  const session = {
    get defaultSession() {
      notReady('session.defaultSession');
      return defaultSession;
    },
    fromPartition(partition: string) {
      notReady('session.fromPartition');
      return { partition };
    },
  };

  // Electron's net.request takes Node-style options plus its own (session, redirect); here the
  // request goes out through node:http, unchanged otherwise.
  const netRequests: string[] = [];
  const net = {
    isOnline: () => true,
    request(options: RequestOptions & { session?: unknown; redirect?: string }) {
      notReady('net.request');
      const { session: _session, redirect: _redirect, ...node } = options;
      netRequests.push(`${node.protocol}//${node.hostname}:${node.port}${node.path}`);
      return (node.protocol === 'https:' ? httpsRequest : httpRequest)(node);
    },
  };

  const errorBoxes: [string, string][] = [];
  const ipcMain = new FakeIpcMain();

  const module: Record<string, unknown> = {
    app,
    BrowserWindow,
    Menu,
    Notification,
    Tray,
    ipcMain,
    safeStorage,
    protocol,
    session,
    dialog: { showErrorBox: (title: string, text: string) => errorBoxes.push([title, text]) },
    nativeImage: { createFromPath: (p: string) => ({ path: p, isEmpty: () => false }) },
    net,
    powerMonitor: new EventEmitter(),
    // Squirrel's updater; electron-updater tells it before-quit-for-update
    autoUpdater: new EventEmitter(),
    shell: { openPath: async () => '' },
  };

  return {
    module,
    app,
    ipcMain,
    windows,
    trays,
    notifications,
    applicationMenu,
    safeStorage: safe,
    protocol: protocolState,
    session: sessionState,
    errorBoxes,
    netRequests,
    ready() {
      isReady = true;
      app.emit('will-finish-launching');
      app.emit('ready', {}, {});
      resolveReady();
    },
    exited,
  };
}

export interface PreloadRecord {
  /** what `require('electron')` returns in the preload */
  module: Record<string, unknown>;
  exposed: Map<string, unknown>;
  ipcRenderer: EventEmitter & {
    invoked: [string, unknown[]][];
    sentMessages: [string, unknown[]][];
  };
}

export function fakeElectronPreload(): PreloadRecord {
  const exposed = new Map<string, unknown>();
  const ipcRenderer = Object.assign(new EventEmitter(), {
    invoked: [] as [string, unknown[]][],
    sentMessages: [] as [string, unknown[]][],
    invoke(channel: string, ...args: unknown[]) {
      ipcRenderer.invoked.push([channel, args]);
      return Promise.resolve({ channel });
    },
    send(channel: string, ...args: unknown[]) {
      ipcRenderer.sentMessages.push([channel, args]);
    },
  });
  const contextBridge = {
    exposeInMainWorld(key: string, api: unknown) {
      if (exposed.has(key)) throw new Error(`Cannot bind an API on top of an existing property`);
      exposed.set(key, api);
    },
  };
  return { module: { contextBridge, ipcRenderer }, exposed, ipcRenderer };
}

type Loader = (request: string, parent: unknown, isMain: boolean) => unknown;

/**
 * require() a built bundle with `require('electron')` answered by `electron`, for the duration
 * of that one call only (the hook is removed before this returns). Returns every module name
 * the bundle asked for while loading.
 */
/**
 * A request made by the bundle `file` or by a bundle beside it: dist/main/start.cjs loads
 * index.cjs from its folder, with that file as the parent of index.cjs's requests.
 */
function fromBundle(parent: unknown, file: string): boolean {
  const from = (parent as { filename?: unknown } | null)?.filename;
  return typeof from === 'string' && path.dirname(from) === path.dirname(file);
}

export function requireWithElectron(file: string, electron: unknown): string[] {
  const loader = Module as unknown as { _load: Loader };
  const original = loader._load;
  const requested: string[] = [];
  loader._load = function (request, parent, isMain) {
    if (fromBundle(parent, file)) requested.push(request);
    if (request === 'electron') return electron;
    return original.call(this, request, parent, isMain);
  };
  try {
    delete require.cache[file];
    require(file);
  } finally {
    loader._load = original;
    delete require.cache[file];
  }
  return requested;
}

/**
 * Like requireWithElectron, for a bundle that also asks for `electron` later, after loading:
 * electron-updater, bundled into dist/main/index.cjs, calls require('electron') when it first
 * checks or downloads. Only the bundle's own requests are answered, until `release()`.
 */
export function requireWithElectronKept(file: string, electron: unknown): () => void {
  const loader = Module as unknown as { _load: Loader };
  const original = loader._load;
  const hook: Loader = function (this: unknown, request, parent, isMain) {
    if (request === 'electron' && fromBundle(parent, file)) return electron;
    return original.call(this, request, parent, isMain);
  };
  loader._load = hook;
  try {
    delete require.cache[file];
    require(file);
  } finally {
    delete require.cache[file];
  }
  return () => {
    // Another hook may have been laid over this one since; then leave the chain alone.
    if (loader._load === hook) loader._load = original;
  };
}
