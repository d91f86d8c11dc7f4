// What the window, the tray and the About view learn about updates: the mode, why a copy does
// not update itself, and how far an update has come. The decisions behind it live in
// main/core/updates/; this file is only the shape, Node-free because the window reads it.

/** off: never check. notify: check and say so, download when asked. auto: check and download. */
export const UPDATE_MODES = ['off', 'notify', 'auto'] as const;
export type UpdateMode = (typeof UPDATE_MODES)[number];

/**
 * Why this copy does not update itself:
 * - package-manager: a deb, rpm or pacman package, or a snap: the system updates it;
 * - development: not a packaged build (npm start, the preview, tests);
 * - unsupported: a packaged copy that cannot replace itself (an unpacked folder on Linux);
 * - no-feed: the build has no update feed (no app-update.yml) and no policy names one.
 */
export type UpdatesUnavailable = 'package-manager' | 'development' | 'unsupported' | 'no-feed';

export type UpdatePhase =
  /** the mode is off */
  | 'off'
  /** this copy does not update itself; see `unavailable` */
  | 'unavailable'
  /** nothing newer is known (or no check has run yet) */
  | 'idle'
  | 'checking'
  /** a newer version is known and not downloaded (mode notify) */
  | 'available'
  | 'downloading'
  /** downloaded: a restart installs it */
  | 'ready'
  /** the last check or download failed; the schedule tries again */
  | 'failed';

export interface UpdateView {
  phase: UpdatePhase;
  mode: UpdateMode;
  unavailable: UpdatesUnavailable | null;
  /** the running version */
  current: string;
  /** the newer version found, downloading or downloaded (without a leading "v") */
  version: string | null;
  /** download progress, 0 to 100, while downloading */
  percent: number | null;
  /** wall time (epoch ms) of the last check that reached the feed */
  lastCheckedAt: number | null;
  /** wall time of the next scheduled check; the schedule itself runs on monotonic time */
  nextCheckAt: number | null;
  /** why the last check or download failed, in the updater's words (one line) */
  error: string | null;
  /** the feed the admin policy names; null: the releases this build was made for */
  feedUrl: string | null;
}

/** The versions the About view shows; the browser preview has no Electron and no Chromium of its own. */
export interface RuntimeVersions {
  electron: string | null;
  chromium: string | null;
  node: string | null;
}

export interface AboutInfo {
  name: string;
  version: string;
  platform: string;
  arch: string;
  versions: RuntimeVersions;
  update: UpdateView;
}
