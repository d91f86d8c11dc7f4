// Whether this copy can update itself, from facts the updater adapter gathers about how it was
// installed. The facts are the ones electron-updater itself goes by (see
// node_modules/electron-updater/out/main.js and AppImageUpdater.js):
// - electron-builder writes `resources/package-type` ("deb", "rpm", "pacman") into the packages
//   a system package manager installs; electron-updater would then pick its Deb/Rpm/Pacman
//   updater, which runs the package manager with root rights. We leave those to the system.
// - On Linux only an AppImage can replace itself; electron-updater finds it by the APPIMAGE
//   variable its runtime sets, and declines under SNAP.
// - `resources/app-update.yml` names the build's feed; electron-builder writes it only when it
//   knew where releases are published (here: the GitHub repository of the checkout).
import type { UpdatesUnavailable } from '../common/update-view';

export interface InstallFacts {
  /** a packaged build (Electron's app.isPackaged) */
  packaged: boolean;
  platform: string;
  /** the content of resources/package-type, or null when there is none */
  packageType: string | null;
  /** APPIMAGE is set: running from an AppImage */
  appImage: boolean;
  /** SNAP is set: running as a snap */
  snap: boolean;
  /** resources/app-update.yml exists */
  builtInFeed: boolean;
}

/** What the browser preview and the tests are: not a packaged build. */
export const DEVELOPMENT_BUILD: InstallFacts = {
  packaged: false,
  platform: 'unknown',
  packageType: null,
  appImage: false,
  snap: false,
  builtInFeed: false,
};

/**
 * Why this copy does not update itself, or null when it does. `policyFeedUrl` is the admin
 * policy's feed, which stands in for a build without one of its own.
 */
export function whyNoSelfUpdate(
  facts: InstallFacts,
  policyFeedUrl: string | null,
): UpdatesUnavailable | null {
  if (!facts.packaged) return 'development';
  if (facts.platform === 'linux') {
    if ((facts.packageType ?? '').trim() !== '' || facts.snap) return 'package-manager';
    if (!facts.appImage) return 'unsupported';
  }
  if (!facts.builtInFeed && !policyFeedUrl) return 'no-feed';
  return null;
}
