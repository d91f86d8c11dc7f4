// Time as a dependency: the engine and the services never call Date.now or setTimeout
// directly, so tests can move time forward without waiting and without fake sockets.

export type TimerHandle = { readonly __timer: unique symbol } | number | object;

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // A tray app must not be kept alive by its own timers when everything else has ended.
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => {
    if (h !== undefined) clearTimeout(h as ReturnType<typeof setTimeout>);
  },
};
