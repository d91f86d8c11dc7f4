// A manual clock for the Clock interface: time moves only when a test says so.
import type { Clock, TimerHandle } from '../../main/core/clock';

export class ManualClock implements Clock {
  private t: number;
  private timers = new Map<number, { at: number; fn: () => void }>();
  private seq = 0;
  /** how far the wall clock was stepped by hand (stepWall); monotonic time ignores it */
  private wallStep = 0;
  constructor(start = Date.UTC(2026, 10, 26, 12, 0, 0)) {
    this.t = start;
  }
  now() {
    return this.t + this.wallStep;
  }
  monotonic() {
    return this.t;
  }
  /** the user or NTP sets the wall clock: now() jumps, monotonic time and timers do not */
  stepWall(ms: number) {
    this.wallStep += ms;
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + Math.max(0, ms), fn });
    return id;
  }
  clearTimeout(h: TimerHandle | undefined) {
    if (typeof h === 'number') this.timers.delete(h);
  }
  /** advance time, firing due timers in order */
  advance(ms: number) {
    const end = this.t + ms;
    for (;;) {
      const due = [...this.timers.entries()]
        .filter(([, v]) => v.at <= end)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = Math.max(this.t, due[1].at);
      due[1].fn();
    }
    this.t = end;
  }
  pending() {
    return this.timers.size;
  }
}
