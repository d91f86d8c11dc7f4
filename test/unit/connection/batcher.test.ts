import { describe, expect, it } from 'vitest';
import { Batcher } from '../../../main/core/connection/batcher';
import { TestClock } from '../../integration/connection/support/test-clock';

describe('Batcher', () => {
  it('delivers when full, or when the oldest item has waited maxDelayMs', () => {
    const clock = new TestClock('manual');
    const out: number[][] = [];
    const b = new Batcher<number>(clock, { maxDelayMs: 50, maxSize: 3 }, (x) => out.push(x));
    b.push(1);
    b.push(2);
    clock.advance(49);
    expect(out).toEqual([]);
    clock.advance(1);
    expect(out).toEqual([[1, 2]]);
    b.push(3);
    b.push(4);
    b.push(5);
    expect(out).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
    expect(clock.pending).toBe(0); // the size flush cancelled the timer
  });

  it('flush() delivers what is pending and nothing when empty', () => {
    const clock = new TestClock('manual');
    const out: string[][] = [];
    const b = new Batcher<string>(clock, { maxDelayMs: 50, maxSize: 10 }, (x) => out.push(x));
    b.flush();
    b.push('a');
    b.flush();
    b.flush();
    expect(out).toEqual([['a']]);
    expect(b.size).toBe(0);
  });
});
