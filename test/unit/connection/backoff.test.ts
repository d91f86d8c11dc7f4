import { describe, expect, it } from 'vitest';
import { backoffCeiling, backoffDelay } from '../../../main/core/connection/backoff';

describe('backoff', () => {
  it('doubles the ceiling from 0.5 s and caps it at 30 s', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 100, 5000].map((a) => backoffCeiling(a))).toEqual([
      500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000,
    ]);
  });

  it('uses full jitter: anywhere from 0 up to the ceiling', () => {
    expect(backoffDelay(3, () => 0)).toBe(0);
    expect(backoffDelay(3, () => 0.5)).toBe(2000);
    expect(backoffDelay(3, () => 0.999_999)).toBe(3999);
    expect(backoffDelay(50, () => 0.5)).toBe(15000);
  });

  it('survives a broken random source', () => {
    expect(backoffDelay(2, () => NaN)).toBe(0);
    expect(backoffDelay(2, () => -3)).toBe(0);
    expect(backoffDelay(2, () => 7)).toBe(1999);
    // exactly 1 is out of [0, 1) too: the delay stays below the ceiling
    expect(backoffDelay(2, () => 1)).toBe(1999);
  });

  it('honours a custom policy', () => {
    const policy = { minMs: 100, maxMs: 1000, resetAfterMs: 1 };
    expect(backoffCeiling(0, policy)).toBe(100);
    expect(backoffCeiling(4, policy)).toBe(1000);
  });
});
