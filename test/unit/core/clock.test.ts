import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../main/core/clock';

describe('systemClock', () => {
  it('reads wall time from Date and monotonic time from performance', () => {
    const before = Date.now();
    const now = systemClock.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
    const m = systemClock.monotonic();
    expect(m).toBeGreaterThan(0);
    expect(Math.abs(m - performance.now())).toBeLessThan(1000);
  });

  it('runs a timer once, and clearTimeout stops it (clearing undefined is a no-op)', async () => {
    const fired: string[] = [];
    systemClock.setTimeout(() => fired.push('kept'), 5);
    const stopped = systemClock.setTimeout(() => fired.push('cleared'), 5);
    systemClock.clearTimeout(stopped);
    expect(() => systemClock.clearTimeout(undefined)).not.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(fired).toEqual(['kept']);
  });

  it('never keeps the process alive by its own timers', () => {
    const t = systemClock.setTimeout(() => {}, 60_000) as ReturnType<typeof setTimeout>;
    expect(t.hasRef()).toBe(false);
    systemClock.clearTimeout(t);
  });
});
