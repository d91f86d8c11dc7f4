// A Clock for tests. In 'real' mode timers also run on real time (so 50 ms batches flush by
// themselves) and advance() jumps over long waits (backoff, the 45 s liveness deadline).
// In 'manual' mode nothing fires unless the test advances the clock, so a test can prove
// that the engine does nothing (no reconnect storm) while it waits.
import type { Clock, TimerHandle } from '../../../../main/core/clock';

interface Entry {
  due: number;
  fn: () => void;
  real?: ReturnType<typeof setTimeout>;
}

export class TestClock implements Clock {
  private offset = 0;
  /** how far the wall clock was stepped by hand (stepWall); monotonic time ignores it */
  private wallStep = 0;
  private readonly base = Date.now();
  private readonly timers = new Map<number, Entry>();
  private nextId = 1;

  constructor(readonly mode: 'real' | 'manual' = 'real') {}

  now(): number {
    return this.monotonic() + this.wallStep;
  }

  monotonic(): number {
    return (this.mode === 'manual' ? this.base : Date.now()) + this.offset;
  }

  /** The user or NTP sets the wall clock: now() jumps; monotonic time and timers do not. */
  stepWall(ms: number): void {
    this.wallStep += ms;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    const wait = Math.max(0, ms);
    const entry: Entry = { due: this.monotonic() + wait, fn };
    if (this.mode === 'real') entry.real = setTimeout(() => this.fire(id), wait);
    this.timers.set(id, entry);
    return id;
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (typeof handle !== 'number') return;
    const entry = this.timers.get(handle);
    if (entry?.real) clearTimeout(entry.real);
    this.timers.delete(handle);
  }

  /** Move time forward and run every timer that is now due (late, as after a sleep). */
  advance(ms: number): void {
    this.offset += ms;
    this.runDue();
  }

  /** Move time forward without running any timer: the machine slept and nothing woke up. */
  jump(ms: number): void {
    this.offset += ms;
  }

  runDue(): void {
    for (let guard = 0; guard < 10_000; guard++) {
      const now = this.monotonic();
      let next: [number, Entry] | undefined;
      for (const e of this.timers)
        if (e[1].due <= now && (!next || e[1].due < next[1].due)) next = e;
      if (!next) return;
      this.fire(next[0]);
    }
    throw new Error('TestClock: timers keep scheduling themselves as due');
  }

  /** ms until the earliest pending timer, or null when none is pending. */
  nextDelay(): number | null {
    let min: number | null = null;
    for (const e of this.timers.values()) min = min === null ? e.due : Math.min(min, e.due);
    return min === null ? null : Math.max(0, min - this.monotonic());
  }

  get pending(): number {
    return this.timers.size;
  }

  private fire(id: number): void {
    const entry = this.timers.get(id);
    if (!entry) return;
    this.timers.delete(id);
    if (entry.real) clearTimeout(entry.real);
    entry.fn();
  }
}

/** Poll until `check` returns a truthy value (real time); the value is returned. */
export async function waitFor<T>(
  check: () => T,
  what: string,
  timeoutMs = 15_000,
): Promise<NonNullable<T>> {
  const started = Date.now();
  for (;;) {
    const value = check();
    if (value) return value as NonNullable<T>;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Let sockets and callbacks run for a while (used only to show that nothing happens). */
export function settle(ms = 100): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
