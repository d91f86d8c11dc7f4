import { describe, expect, it } from 'vitest';
import {
  CHECK_INTERVAL_MS,
  FIRST_CHECK_DELAY_MS,
  UpdateSchedule,
  retryDelay,
} from '../../../main/core/updates/schedule';
import type { Clock, TimerHandle } from '../../../main/core/clock';
import { ManualClock } from '../../fakes/clock';

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** A schedule whose run answers from `results` (true: success), recording when it ran. */
function scheduled(clock: Clock, results: boolean[] = [], random = () => 1) {
  const runs: number[] = [];
  const schedule = new UpdateSchedule({
    clock,
    random,
    run: async () => {
      runs.push(clock.monotonic());
      return results.length ? results.shift()! : true;
    },
  });
  return { schedule, runs };
}

/** Advance a manual clock and let the checks' promises settle. */
async function advance(clock: ManualClock, ms: number) {
  clock.advance(ms);
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('retryDelay', () => {
  it('starts at a minute, doubles, and never goes past the regular interval', () => {
    const full = (n: number) => retryDelay(n, () => 1);
    expect([1, 2, 3, 4].map(full)).toEqual([MINUTE, 2 * MINUTE, 4 * MINUTE, 8 * MINUTE]);
    expect(full(9)).toBe(256 * MINUTE);
    expect(full(10)).toBe(CHECK_INTERVAL_MS);
    expect(full(5000)).toBe(CHECK_INTERVAL_MS);
  });

  it('spreads retries over the upper half of the window, whatever the random source says', () => {
    expect(retryDelay(1, () => 0)).toBe(MINUTE / 2);
    expect(retryDelay(1, () => 0.5)).toBe(0.75 * MINUTE);
    expect(retryDelay(1, () => Number.NaN)).toBe(MINUTE / 2);
    expect(retryDelay(1, () => -3)).toBe(MINUTE / 2);
    expect(retryDelay(1, () => 7)).toBe(MINUTE);
  });
});

describe('UpdateSchedule', () => {
  it('checks a few seconds after start, then every six hours', async () => {
    const clock = new ManualClock();
    const start = clock.monotonic();
    const { schedule, runs } = scheduled(clock);
    schedule.start();
    expect(schedule.nextInMs()).toBe(FIRST_CHECK_DELAY_MS);
    await advance(clock, FIRST_CHECK_DELAY_MS - 1);
    expect(runs).toEqual([]);
    await advance(clock, 1);
    // The next check is planned once a check has ended, so time moves one interval at a time.
    await advance(clock, CHECK_INTERVAL_MS);
    await advance(clock, CHECK_INTERVAL_MS);
    expect(runs.map((t) => t - start)).toEqual([
      FIRST_CHECK_DELAY_MS,
      FIRST_CHECK_DELAY_MS + CHECK_INTERVAL_MS,
      FIRST_CHECK_DELAY_MS + 2 * CHECK_INTERVAL_MS,
    ]);
    expect(schedule.nextInMs()).toBe(CHECK_INTERVAL_MS);
  });

  it('backs off after failures and returns to six hours after a success', async () => {
    const clock = new ManualClock();
    const { schedule, runs } = scheduled(clock, [false, false, false, true]);
    schedule.start();
    await advance(clock, FIRST_CHECK_DELAY_MS);
    expect(schedule.failures()).toBe(1);
    expect(schedule.nextInMs()).toBe(MINUTE);
    await advance(clock, MINUTE);
    expect(schedule.nextInMs()).toBe(2 * MINUTE);
    await advance(clock, 2 * MINUTE);
    expect(schedule.nextInMs()).toBe(4 * MINUTE);
    await advance(clock, 4 * MINUTE);
    expect(runs).toHaveLength(4);
    expect(schedule.failures()).toBe(0);
    expect(schedule.nextInMs()).toBe(CHECK_INTERVAL_MS);
  });

  it('a run that throws counts as a failure', async () => {
    const clock = new ManualClock();
    const schedule = new UpdateSchedule({
      clock,
      random: () => 1,
      run: () => Promise.reject(new Error('boom')),
    });
    schedule.start();
    await advance(clock, FIRST_CHECK_DELAY_MS);
    expect(schedule.failures()).toBe(1);
    expect(schedule.nextInMs()).toBe(MINUTE);
  });

  it('checkNow runs at once, joins a check under way, and the cycle counts from it', async () => {
    const clock = new ManualClock();
    let release!: (ok: boolean) => void;
    let hold = false;
    let runs = 0;
    const schedule = new UpdateSchedule({
      clock,
      run: () => {
        runs++;
        return hold ? new Promise<boolean>((r) => (release = r)) : Promise.resolve(true);
      },
    });
    schedule.start();
    await advance(clock, HOUR);
    expect(runs).toBe(1);
    hold = true;
    const first = schedule.checkNow();
    expect(schedule.nextInMs()).toBeNull();
    const second = schedule.checkNow();
    expect(second).toBe(first);
    release(true);
    await first;
    expect(runs).toBe(2);
    expect(schedule.nextInMs()).toBe(CHECK_INTERVAL_MS);
  });

  it('stop() cancels the plan; a check under way then plans nothing', async () => {
    const clock = new ManualClock();
    let release!: (ok: boolean) => void;
    const schedule = new UpdateSchedule({
      clock,
      run: () => new Promise<boolean>((r) => (release = r)),
    });
    schedule.start();
    const running = schedule.checkNow();
    schedule.stop();
    release(false);
    await running;
    expect(schedule.nextInMs()).toBeNull();
    expect(clock.pending()).toBe(0);
  });

  it('a wall clock set back an hour moves nothing: the schedule runs on monotonic time', async () => {
    const clock = new ManualClock();
    const { schedule, runs } = scheduled(clock);
    schedule.start();
    clock.stepWall(-HOUR);
    await advance(clock, FIRST_CHECK_DELAY_MS);
    expect(runs).toHaveLength(1);
    clock.stepWall(+3 * HOUR);
    await advance(clock, CHECK_INTERVAL_MS - 1);
    expect(runs).toHaveLength(1);
    await advance(clock, 1);
    expect(runs).toHaveLength(2);
  });

  it('nudge() runs a check that fell due while the timers slept', async () => {
    // A sleeping machine: monotonic time moves, timers do not fire.
    let mono = 0;
    const clock: Clock = {
      now: () => 1_800_000_000_000 + mono,
      monotonic: () => mono,
      setTimeout: () => ({}) as TimerHandle,
      clearTimeout: () => undefined,
    };
    const { schedule, runs } = scheduled(clock);
    schedule.start();
    schedule.nudge();
    expect(runs).toEqual([]);
    mono = FIRST_CHECK_DELAY_MS;
    schedule.nudge();
    expect(runs).toEqual([FIRST_CHECK_DELAY_MS]);
  });
});
