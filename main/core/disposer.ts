// Listeners, timers and connections that belong together are released together. A Disposer
// collects the functions that undo them; dispose() calls each once, newest first, and goes on
// past one that throws, so a quit or a rebuilt connection never leaves a timer or a listener
// behind.
import { systemClock } from './clock';
import type { Clock, TimerHandle } from './clock';

/** One timer that is set again and again (a redraw, a debounce); at most one pending. */
export interface TimerSlot {
  /** (re)start: a pending run is replaced */
  set(fn: () => void, ms: number): void;
  /** start only when none is pending (a debounce that keeps the first) */
  setIfIdle(fn: () => void, ms: number): void;
  clear(): void;
}

export class Disposer {
  #undo: (() => void)[] = [];
  #disposed = false;

  /** Remember how to undo something; returns `undo` for convenience. */
  add(undo: () => void): () => void {
    if (this.#disposed) undo();
    else this.#undo.push(undo);
    return undo;
  }

  /** A timer slot that dispose() clears. */
  timer(clock: Pick<Clock, 'setTimeout' | 'clearTimeout'> = systemClock): TimerSlot {
    let handle: TimerHandle | undefined;
    const clear = () => {
      clock.clearTimeout(handle);
      handle = undefined;
    };
    const start = (fn: () => void, ms: number) => {
      if (this.#disposed) return;
      handle = clock.setTimeout(() => {
        handle = undefined;
        fn();
      }, ms);
    };
    this.add(clear);
    return {
      set: (fn, ms) => {
        clear();
        start(fn, ms);
      },
      setIfIdle: (fn, ms) => {
        if (handle === undefined) start(fn, ms);
      },
      clear,
    };
  }

  /** Undo everything added so far, newest first; errors are handed to `onError`. */
  dispose(onError: (err: unknown) => void = () => {}): void {
    const undo = this.#undo;
    this.#undo = [];
    for (let i = undo.length - 1; i >= 0; i--) {
      try {
        undo[i]!();
      } catch (err) {
        onError(err);
      }
    }
  }

  /** dispose(), and every later add() or timer undoes at once: for things that end for good. */
  close(onError?: (err: unknown) => void): void {
    this.#disposed = true;
    this.dispose(onError);
  }
}
