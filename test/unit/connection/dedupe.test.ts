import { describe, expect, it } from 'vitest';
import { IdWindow } from '../../../main/core/connection/dedupe';

describe('IdWindow', () => {
  it('reports an id as seen the second time', () => {
    const w = new IdWindow(10);
    expect(w.seen('a')).toBe(false);
    expect(w.seen('a')).toBe(true);
    expect(w.seen('b')).toBe(false);
  });

  it('forgets the oldest id once full, and stays bounded', () => {
    const w = new IdWindow(3);
    for (const id of ['a', 'b', 'c', 'd']) w.seen(id);
    expect(w.size).toBe(3);
    expect(w.seen('b')).toBe(true);
    expect(w.seen('a')).toBe(false); // evicted by 'd', so new again (and now evicts 'b')
    expect(w.seen('b')).toBe(false);
    for (let i = 0; i < 100_000; i++) w.seen(`x${i}`);
    expect(w.size).toBe(3);
  });

  it('defaults to 10,000 ids', () => {
    const w = new IdWindow();
    for (let i = 0; i < 10_000; i++) w.seen(`id${i}`);
    expect(w.seen('id0')).toBe(true);
    w.seen('one-more'); // evicts the oldest, id0
    expect(w.seen('id1')).toBe(true);
    expect(w.seen('id0')).toBe(false);
  });

  it('a window of one id remembers just the last one', () => {
    const w = new IdWindow(1);
    expect(w.seen('a')).toBe(false);
    expect(w.seen('a')).toBe(true);
    expect(w.seen('b')).toBe(false);
    expect(w.seen('a')).toBe(false);
    expect(w.size).toBe(1);
  });

  it('rejects a nonsense capacity and can be cleared', () => {
    expect(() => new IdWindow(0)).toThrow(
      'the de-duplication window must be a positive integer (got 0)',
    );
    expect(() => new IdWindow(2.5)).toThrow('(got 2.5)');
    const w = new IdWindow(2);
    w.seen('a');
    w.clear();
    expect(w.seen('a')).toBe(false);
  });
});
