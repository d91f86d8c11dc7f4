// When to look for updates: a few seconds after start, then every six hours; after a failure
// sooner, backing off from a minute to the regular six hours. Timers come from the injected
// Clock and the due time is kept in monotonic time, because a wall clock set back by the user
// or NTP must not postpone (or bring forward) the next check.
import { backoffCeiling } from '../connection/backoff';
import type { BackoffPolicy } from '../connection/backoff';
import type { Clock, TimerHandle } from '../clock';

export const CHECK_INTERVAL_MS = 6 * 60 * 60 * 1000;
/** After start: the connection to the server comes first, the update check right after. */
export const FIRST_CHECK_DELAY_MS = 2_000;
/** Retries after a failed check or download: a minute, doubling, at most the regular interval. */
export const RETRY_BACKOFF: BackoffPolicy = {
  minMs: 60_000,
  maxMs: CHECK_INTERVAL_MS,
  resetAfterMs: 0,
};

/**
 * The wait after the `failures`-th failure in a row (1-based): between half and all of the
 * backoff ceiling, so a fleet whose mirror was down does not come back in lockstep, and a retry
 * never comes sooner than half a minute.
 */
export function retryDelay(failures: number, random: () => number): number {
  const ceiling = backoffCeiling(Math.max(0, failures - 1), RETRY_BACKOFF);
  let r = random();
  if (!Number.isFinite(r) || r < 0) r = 0;
  if (r > 1) r = 1;
  return Math.round(ceiling * (0.5 + 0.5 * r));
}

export interface UpdateScheduleOptions {
  clock: Clock;
  /** one check (and in mode auto its download); resolves true when it succeeded */
  run: () => Promise<boolean>;
  /** told each time the next check is planned */
  onPlanned?: () => void;
  random?: () => number;
  firstDelayMs?: number;
  intervalMs?: number;
}

export class UpdateSchedule {
  readonly #clock: Clock;
  readonly #run: () => Promise<boolean>;
  readonly #onPlanned: () => void;
  readonly #random: () => number;
  readonly #firstDelayMs: number;
  readonly #intervalMs: number;
  #timer: TimerHandle | undefined;
  /** monotonic ms of the next run; null when none is planned */
  #dueAt: number | null = null;
  #running: Promise<void> | null = null;
  #failures = 0;
  #started = false;

  constructor(opts: UpdateScheduleOptions) {
    this.#clock = opts.clock;
    this.#run = opts.run;
    this.#onPlanned = opts.onPlanned ?? (() => undefined);
    this.#random = opts.random ?? Math.random;
    this.#firstDelayMs = opts.firstDelayMs ?? FIRST_CHECK_DELAY_MS;
    this.#intervalMs = opts.intervalMs ?? CHECK_INTERVAL_MS;
  }

  /** Plan the first check; does nothing when already started. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#planIn(this.#firstDelayMs);
  }

  /** No more checks until start() again; a check under way finishes but plans nothing. */
  stop(): void {
    this.#started = false;
    this.#failures = 0;
    this.#cancelTimer();
  }

  /**
   * Check now (the window's "Check for updates"): the next regular check counts from this one.
   * A check already under way is joined, not repeated.
   */
  checkNow(): Promise<void> {
    if (this.#running) return this.#running;
    this.#cancelTimer();
    const running = this.#runOnce().finally(() => {
      this.#running = null;
    });
    this.#running = running;
    return running;
  }

  /**
   * The machine woke up or the network came back: a check that fell due meanwhile runs now (a
   * sleeping machine's timers may fire late).
   */
  nudge(): void {
    if (!this.#started || this.#running || this.#dueAt === null) return;
    if (this.#clock.monotonic() >= this.#dueAt) void this.checkNow();
  }

  /** Milliseconds until the next planned check, or null when none is planned. */
  nextInMs(): number | null {
    if (this.#dueAt === null) return null;
    return Math.max(0, this.#dueAt - this.#clock.monotonic());
  }

  /** Failures in a row so far (0 after a success). */
  failures(): number {
    return this.#failures;
  }

  async #runOnce(): Promise<void> {
    let ok: boolean;
    try {
      ok = await this.#run();
    } catch {
      ok = false;
    }
    if (!this.#started) return;
    this.#failures = ok ? 0 : this.#failures + 1;
    this.#planIn(ok ? this.#intervalMs : retryDelay(this.#failures, this.#random));
  }

  #planIn(ms: number): void {
    this.#cancelTimer();
    this.#dueAt = this.#clock.monotonic() + ms;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      void this.checkNow();
    }, ms);
    this.#onPlanned();
  }

  #cancelTimer(): void {
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#dueAt = null;
  }
}
