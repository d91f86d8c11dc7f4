// Time as a dependency: the engine and the services never call Date.now or setTimeout
// directly, so tests can move time forward without waiting and without fake sockets.
//
// Two readings, for two jobs. `now()` is wall time (epoch ms): what a person reads, and what
// the history and the feed store. `monotonic()` only ever moves forward at the rate of real
// time: every timeout and deadline is measured with it, because users and NTP step the wall
// clock (one hour back would postpone the dead-connection check by an hour).

export type TimerHandle = { readonly __timer: unique symbol } | number | object;

export interface Clock {
  /** wall time in epoch ms: for display and for what is stored */
  now(): number;
  /** ms from an arbitrary origin that never steps: for timeouts, deadlines and durations */
  monotonic(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // A tray app must not be kept alive by its own timers when everything else has ended.
    t.unref();
    return t;
  },
  // clearTimeout(undefined) does nothing, as the interface asks
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout> | undefined),
};
