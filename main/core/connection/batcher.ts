// Hands events to consumers in batches, by time and by count, so that a flood of events
// becomes a few hundred deliveries (and IPC messages) instead of one per event.
import type { Clock, TimerHandle } from '../clock';

export interface BatchOptions {
  /** deliver at most this long after the first pending item arrived */
  maxDelayMs: number;
  /** deliver at once when this many items are pending */
  maxSize: number;
}

export const DEFAULT_BATCH: BatchOptions = { maxDelayMs: 50, maxSize: 500 };

export class Batcher<T> {
  private pending: T[] = [];
  private timer: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly options: BatchOptions,
    private readonly deliver: (batch: T[]) => void,
  ) {}

  push(item: T): void {
    this.pending.push(item);
    if (this.pending.length >= this.options.maxSize) {
      this.flush();
    } else if (this.timer === undefined) {
      this.timer = this.clock.setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, this.options.maxDelayMs);
    }
  }

  /** Deliver whatever is pending now (used before the connection leaves 'open'). */
  flush(): void {
    this.clock.clearTimeout(this.timer); // clearing no timer is a no-op
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.deliver(batch);
  }

  get size(): number {
    return this.pending.length;
  }
}
