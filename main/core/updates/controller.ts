// Updates in the app, decided here without Electron: whether this copy updates itself, when to
// check (schedule.ts), which version to offer (version.ts), whether to download it (the mode),
// and what the tray, the one notification and the About view show. The updater itself
// (electron-updater, in main/adapters/updater.ts) is reached through UpdaterPort, so the tests
// pass a stand-in or the real updater against a local feed.
import type { Clock } from '../clock';
import type { Language, Translate } from '../common/messages';
import { createTranslator } from '../common/messages';
import type { ShownNotification } from '../common/views';
import type {
  UpdateMode,
  UpdatePhase,
  UpdateView,
  UpdatesUnavailable,
} from '../common/update-view';
import { SILENT_LOG } from '../log/scoped';
import type { ScopedLog } from '../log/scoped';
import type { InstallFacts } from './install';
import { whyNoSelfUpdate } from './install';
import { updateNotification } from './presentation';
import { UpdateSchedule } from './schedule';
import { acceptsPrereleases, formatVersion, parseVersion, shouldOffer } from './version';

/** What the feed says is the latest version. */
export interface FeedLatest {
  version: string;
  /**
   * The updater would take it: electron-updater also weighs a staged rollout and the minimum OS
   * version, and downloads only what its own check accepted.
   */
  updaterAccepts: boolean;
}

export interface UpdaterConfig {
  /** the admin policy's feed (a generic electron-builder feed); null: the build's own */
  feedUrl: string | null;
  allowPrerelease: boolean;
  /** a downloaded update is installed when the app quits */
  installOnQuit: boolean;
}

/** The updater as the core needs it; main/adapters/updater.ts implements it over electron-updater. */
export interface UpdaterPort {
  /** applied before the next check */
  configure(config: UpdaterConfig): void;
  /** ask the feed; null when the updater is not active in this copy */
  check(): Promise<FeedLatest | null>;
  /** download what the last check accepted; `onProgress` gets 0..100 */
  download(onProgress: (percent: number) => void): Promise<void>;
  /** quit, install the downloaded update and start again */
  install(): void;
}

export interface UpdateControllerOptions {
  clock: Clock;
  /** the running version (package.json's, through Electron's app.getVersion()) */
  current: string;
  install: InstallFacts;
  /** null where there is no updater at all (the preview, tests) */
  port: UpdaterPort | null;
  mode: UpdateMode;
  /** the admin policy's feed URL, or null */
  feedUrl: string | null;
  /** told after every change of the view */
  onChange: (view: UpdateView) => void;
  /** the one notification per version (the app's NotificationSink) */
  notify: (n: ShownNotification) => void;
  /** the language of the notification: the window's */
  language: () => Language;
  log?: ScopedLog;
  random?: () => number;
  firstCheckDelayMs?: number;
}

/** An error from the updater as one line for the window and the log (it can be a stack). */
export function errorLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const line = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? 'unknown error';
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}

export class UpdateController {
  readonly #opts: UpdateControllerOptions;
  readonly #log: ScopedLog;
  readonly #schedule: UpdateSchedule;
  readonly #unavailable: UpdatesUnavailable | null;
  readonly #current: string;
  #mode: UpdateMode;
  #phase: UpdatePhase; // the constructor's #restingPhase()
  #version: string | null = null;
  #percent: number | null = null;
  #error: string | null = null;
  #lastCheckedAt: number | null = null;
  /** notifications already shown, by id: once per version and kind */
  readonly #notified = new Set<string>();
  /** bumped when the mode changes or the controller stops: late answers are then dropped */
  #generation = 0;
  #started = false;

  constructor(opts: UpdateControllerOptions) {
    this.#opts = opts;
    this.#log = opts.log ?? SILENT_LOG;
    this.#mode = opts.mode;
    const parsed = parseVersion(opts.current);
    this.#current = parsed ? formatVersion(parsed) : opts.current;
    this.#unavailable = opts.port ? whyNoSelfUpdate(opts.install, opts.feedUrl) : 'development';
    this.#schedule = new UpdateSchedule({
      clock: opts.clock,
      run: () => this.#checkAndMaybeDownload(),
      // The view shows when the next check is due.
      onPlanned: () => this.#changed(),
      random: opts.random,
      firstDelayMs: opts.firstCheckDelayMs,
    });
    this.#phase = this.#restingPhase();
  }

  /** Begin the schedule (when this copy updates itself and the mode is not off). */
  start(): void {
    this.#started = true;
    this.#apply();
  }

  stop(): void {
    this.#started = false;
    // Stryker disable next-line UpdateOperator: any change of the number makes late answers stale
    this.#generation++;
    this.#schedule.stop();
  }

  /** The settings changed (the user's choice, or the policy's at start). */
  setMode(mode: UpdateMode): void {
    if (mode === this.#mode) return;
    this.#log.info(`mode: ${mode}`);
    this.#mode = mode;
    // Stryker disable next-line UpdateOperator: any change of the number makes late answers stale
    this.#generation++;
    this.#schedule.stop();
    if (mode === 'off' || this.#unavailable) {
      this.#phase = this.#restingPhase();
      this.#percent = null;
    } else if (
      this.#phase === 'off' ||
      this.#phase === 'checking' ||
      this.#phase === 'downloading'
    ) {
      // What was under way belongs to the old mode; the schedule asks again.
      this.#phase = 'idle';
      this.#percent = null;
    }
    this.#apply();
    // Switched to auto with a version already known: no need to wait for the next check.
    if (this.#mode === 'auto' && this.#phase === 'available') void this.download();
    this.#changed();
  }

  view(): UpdateView {
    const next = this.#schedule.nextInMs();
    return {
      phase: this.#phase,
      mode: this.#mode,
      unavailable: this.#unavailable,
      current: this.#current,
      version: this.#version,
      percent: this.#percent,
      lastCheckedAt: this.#lastCheckedAt,
      nextCheckAt: next === null ? null : this.#opts.clock.now() + next,
      error: this.#error,
      feedUrl: this.#opts.feedUrl,
    };
  }

  /**
   * "Check for updates" in the window; the regular schedule then counts from now. Resolves when
   * the check (and in mode auto its download) is over; the window does not wait for that.
   */
  async checkNow(): Promise<void> {
    if (this.#active()) await this.#schedule.checkNow();
  }

  /** Download the version the last check offered (mode notify, or a retry after a failure). */
  async download(): Promise<void> {
    const canDownload =
      this.#active() &&
      this.#version !== null &&
      (this.#phase === 'available' || (this.#phase === 'failed' && this.#mode === 'notify'));
    if (canDownload) await this.#download(this.#generation);
  }

  /** Restart into the downloaded update; does nothing unless one is ready. */
  install(): UpdateView {
    if (this.#phase === 'ready' && this.#opts.port) {
      this.#log.info(`restarting to install ${this.#version}`);
      this.#opts.port.install();
    }
    return this.view();
  }

  /** The tray's update item: restart when ready, download when available. */
  act(): void {
    if (this.#phase === 'ready') this.install();
    else if (this.#phase === 'available') void this.download();
  }

  /** Resume from sleep, network back: a check that fell due meanwhile runs now. */
  nudge(): void {
    this.#schedule.nudge();
  }

  // ---- the work ---------------------------------------------------------------------------

  #active(): boolean {
    return this.#started && this.#mode !== 'off' && this.#unavailable === null;
  }

  #restingPhase(): UpdatePhase {
    if (this.#mode === 'off') return 'off';
    if (this.#unavailable) return 'unavailable';
    return 'idle';
  }

  /** Configure the updater for the mode and start or stop the schedule. */
  #apply(): void {
    if (!this.#opts.port || this.#unavailable) return;
    this.#opts.port.configure({
      feedUrl: this.#opts.feedUrl,
      allowPrerelease: acceptsPrereleases(this.#current),
      // "off" means hands off, also for an update downloaded before the switch.
      installOnQuit: this.#mode !== 'off',
    });
    if (this.#active()) this.#schedule.start();
  }

  async #checkAndMaybeDownload(): Promise<boolean> {
    const generation = this.#generation;
    const port = this.#opts.port;
    if (!port || !this.#active()) return true;
    // A download under way already answers the question.
    if (this.#phase === 'downloading') return true;
    const before = this.#phase;
    if (before !== 'ready') this.#setPhase('checking');
    let latest: FeedLatest | null;
    try {
      latest = await port.check();
    } catch (err) {
      if (generation !== this.#generation) return true;
      // A downloaded update stays on offer when a later check fails.
      return this.#failed('check', err, before === 'ready' ? 'ready' : 'failed');
    }
    if (generation !== this.#generation) return true;
    this.#lastCheckedAt = this.#opts.clock.now();
    this.#error = null;
    const offered = latest && latest.updaterAccepts && shouldOffer(latest.version, this.#current);
    if (!latest || !offered) {
      if (latest) this.#log.info(`latest is ${latest.version}: nothing to offer`);
      // A downloaded update stays ready (the feed may have moved back; it is still newer).
      if (before !== 'ready') {
        this.#version = null;
        this.#setPhase('idle');
      } else this.#setPhase('ready');
      return true;
    }
    const version = formatVersion(parseVersion(latest.version)!);
    if (before === 'ready' && version === this.#version) {
      this.#setPhase('ready');
      return true;
    }
    this.#log.info(`found ${version} (running ${this.#current})`);
    this.#version = version;
    if (this.#mode === 'auto') return this.#download(generation);
    this.#setPhase('available');
    this.#notifyOnce();
    return true;
  }

  async #download(generation: number): Promise<boolean> {
    const port = this.#opts.port;
    // Stryker disable next-line ConditionalExpression,BooleanLiteral: for the types only; #download runs when active, and a copy without a port is 'development', never active
    if (!port) return true;
    this.#percent = 0;
    this.#error = null;
    this.#setPhase('downloading');
    try {
      await port.download((percent) => {
        if (generation !== this.#generation || this.#phase !== 'downloading') return;
        // Progress comes many times a second; the window needs whole percents only.
        const whole = Math.max(0, Math.min(100, Math.floor(Number(percent) || 0)));
        if (whole === this.#percent) return;
        this.#percent = whole;
        this.#changed();
      });
    } catch (err) {
      if (generation !== this.#generation) return true;
      this.#percent = null;
      return this.#failed('download', err, 'failed');
    }
    if (generation !== this.#generation) return true;
    this.#percent = null;
    this.#log.info(`downloaded ${this.#version}`);
    this.#setPhase('ready');
    this.#notifyOnce();
    return true;
  }

  #failed(what: 'check' | 'download', err: unknown, phase: 'failed' | 'ready'): false {
    this.#error = errorLine(err);
    this.#log.warn(`${what} failed: ${this.#error}`);
    this.#setPhase(phase);
    return false;
  }

  #notifyOnce(): void {
    const t: Translate = createTranslator(this.#opts.language());
    const note = updateNotification(this.view(), t);
    if (!note || this.#notified.has(note.id)) return;
    this.#notified.add(note.id);
    this.#opts.notify(note);
  }

  #setPhase(phase: UpdatePhase): void {
    this.#phase = phase;
    this.#changed();
  }

  #changed(): void {
    this.#opts.onChange(this.view());
  }
}
