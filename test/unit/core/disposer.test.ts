import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../fakes/clock';
import { Disposer } from '../../../main/core/disposer';

describe('Disposer', () => {
  it('undoes newest first, each once, past one that throws', () => {
    const d = new Disposer();
    const done: string[] = [];
    d.add(() => done.push('first'));
    d.add(() => {
      throw new Error('broken');
    });
    d.add(() => done.push('last'));
    const errors: unknown[] = [];
    d.dispose((e) => errors.push(e));
    d.dispose();
    expect(done).toEqual(['last', 'first']);
    expect(errors).toHaveLength(1);
  });

  it('clears its timer slots, which keep at most one run pending', () => {
    const clock = new ManualClock();
    const d = new Disposer();
    const slot = d.timer(clock);
    let runs = 0;
    slot.set(() => runs++, 100);
    slot.set(() => runs++, 100);
    slot.setIfIdle(() => (runs += 10), 50);
    clock.advance(100);
    expect(runs).toBe(1);
    slot.set(() => runs++, 100);
    d.dispose();
    clock.advance(1000);
    expect(runs).toBe(1);
    expect(clock.pending()).toBe(0);
  });

  it('after close(), undoes what is added at once and starts no timer', () => {
    const clock = new ManualClock();
    const d = new Disposer();
    d.close();
    let undone = false;
    d.add(() => (undone = true));
    d.timer(clock).set(() => {}, 10);
    expect(undone).toBe(true);
    expect(clock.pending()).toBe(0);
  });

  it('setIfIdle starts a run when none is pending, and dispose() may be called again later', () => {
    const clock = new ManualClock();
    const d = new Disposer();
    const slot = d.timer(clock);
    let runs = 0;
    slot.setIfIdle(() => runs++, 50);
    clock.advance(50);
    expect(runs).toBe(1);
    d.dispose();
    const done: string[] = [];
    d.add(() => done.push('after'));
    const errors: unknown[] = [];
    d.dispose((e) => errors.push(e));
    expect(done).toEqual(['after']); // what was undone before is not undone again
    expect(errors).toEqual([]);
  });
});
