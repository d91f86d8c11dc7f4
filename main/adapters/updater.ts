// electron-updater behind the core's UpdaterPort (main/core/updates/controller.ts), and the facts
// about how this copy was installed that decide whether it updates itself at all. What to check,
// when, which version to take and what to tell the user is decided in the core; this file only
// sets electron-updater up for that and turns its promises and events into the port's.
//
// The updater is passed in (`load`), so main/index.ts hands over electron-updater's autoUpdater
// (loaded only when this copy updates itself) and the tests hand over a real AppImageUpdater or
// NsisUpdater built with a stand-in `app`, checking against a feed on 127.0.0.1.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AppUpdater, ProgressInfo } from 'electron-updater';
import type { FeedLatest, UpdaterConfig, UpdaterPort } from '../core/updates/controller';
import type { InstallFacts } from '../core/updates/install';
import type { ScopedLog } from '../core/log/scoped';

/**
 * How this copy was installed, read the way electron-updater reads it: `resources/package-type`
 * (written by electron-builder into deb, rpm and pacman packages), the APPIMAGE and SNAP
 * variables, and whether electron-builder wrote `resources/app-update.yml` (the build's feed).
 */
export function installFacts(opts: {
  isPackaged: boolean;
  platform: NodeJS.Platform;
  /** process.resourcesPath: undefined outside Electron */
  resourcesPath: string | undefined;
  env: NodeJS.ProcessEnv;
  exists?: (file: string) => boolean;
  readText?: (file: string) => string;
}): InstallFacts {
  const exists = opts.exists ?? existsSync;
  const readText = opts.readText ?? ((file: string) => readFileSync(file, 'utf8'));
  const resources = opts.resourcesPath;
  let packageType: string | null = null;
  if (resources) {
    try {
      packageType = readText(path.join(resources, 'package-type')).trim() || null;
    } catch {
      packageType = null; // no such file: not a system package
    }
  }
  return {
    packaged: opts.isPackaged,
    platform: opts.platform,
    packageType,
    appImage: Boolean(opts.env.APPIMAGE),
    snap: Boolean(opts.env.SNAP),
    builtInFeed: resources ? exists(path.join(resources, 'app-update.yml')) : false,
  };
}

/** What the adapter uses of electron-updater's AppUpdater. */
export type UpdaterLike = Pick<
  AppUpdater,
  | 'autoDownload'
  | 'autoInstallOnAppQuit'
  | 'allowPrerelease'
  | 'allowDowngrade'
  | 'logger'
  | 'setFeedURL'
  | 'checkForUpdates'
  | 'downloadUpdate'
  | 'quitAndInstall'
  | 'on'
  | 'removeListener'
>;

export interface ElectronUpdaterOptions {
  /** the updater; called once, on first use */
  load: () => UpdaterLike | Promise<UpdaterLike>;
  log: ScopedLog;
  /**
   * Run just before quitting to install. The app passes app.releaseSingleInstanceLock: an
   * AppImage starts the new version before the old one has quit, and the new one would
   * otherwise find the lock held and quit at once.
   */
  beforeInstall?: () => void;
}

export class ElectronUpdater implements UpdaterPort {
  readonly #opts: ElectronUpdaterOptions;
  #updater: Promise<UpdaterLike> | null = null;
  #config: UpdaterConfig | null = null;
  /** the feed URL last given to setFeedURL; undefined: none (the build's app-update.yml) */
  #feedSet: string | undefined;

  constructor(opts: ElectronUpdaterOptions) {
    this.#opts = opts;
  }

  configure(config: UpdaterConfig): void {
    this.#config = config;
  }

  async check(): Promise<FeedLatest | null> {
    const updater = await this.#ready();
    // null: electron-updater is not active here (not packaged, or not an AppImage).
    const result = await updater.checkForUpdates();
    if (!result) return null;
    return { version: result.updateInfo.version, updaterAccepts: result.isUpdateAvailable };
  }

  async download(onProgress: (percent: number) => void): Promise<void> {
    const updater = await this.#ready();
    const progress = (info: ProgressInfo) => onProgress(info.percent);
    updater.on('download-progress', progress);
    try {
      // Checks the file against the sha512 the feed lists before it is kept.
      await updater.downloadUpdate();
    } finally {
      updater.removeListener('download-progress', progress);
    }
  }

  install(): void {
    this.#ready()
      .then((updater) => {
        this.#opts.beforeInstall?.();
        // Silent (no installer pages on Windows) and start the new version afterwards.
        updater.quitAndInstall(true, true);
      })
      .catch((err: Error) => this.#opts.log.error(`cannot install: ${err.message}`));
  }

  async #ready(): Promise<UpdaterLike> {
    this.#updater ??= Promise.resolve(this.#opts.load()).then((updater) => {
      const log = this.#opts.log;
      updater.logger = {
        info: (m?: unknown) => log.info(String(m)),
        warn: (m?: unknown) => log.warn(String(m)),
        error: (m?: unknown) => log.error(String(m)),
        debug: (m: string) => log.debug(m),
      };
      return updater;
    });
    const updater = await this.#updater;
    this.#apply(updater);
    return updater;
  }

  /** The core's decisions, set before every use (the mode can change between two checks). */
  #apply(updater: UpdaterLike): void {
    const config = this.#config;
    if (!config) return;
    // The core decides what to download, after it has compared the versions itself.
    updater.autoDownload = false;
    updater.autoInstallOnAppQuit = config.installOnQuit;
    updater.allowPrerelease = config.allowPrerelease;
    updater.allowDowngrade = false;
    // A policy's feed replaces app-update.yml; the policy is read once at start, so it is never
    // taken back while the app runs.
    if (config.feedUrl && config.feedUrl !== this.#feedSet) {
      updater.setFeedURL({ provider: 'generic', url: config.feedUrl });
      this.#feedSet = config.feedUrl;
    }
  }
}
