import { describe, expect, it } from 'vitest';
import { assignSlots } from '../../../renderer/components/row-slots';

const ids = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `e${from + i}`);

/** every id has a slot in range, and no two ids share one */
function expectValid(slots: Map<string, number>, wanted: string[], count: number) {
  expect([...slots.keys()].sort()).toEqual([...wanted].sort());
  const used = [...slots.values()];
  expect(new Set(used).size).toBe(used.length);
  for (const s of used) expect(s >= 0 && s < count).toBe(true);
}

describe('assignSlots', () => {
  it('fills the slots in order the first time', () => {
    const slots = assignSlots(new Map(), ids(0, 5), 8);
    expect([...slots]).toEqual(ids(0, 5).map((id, i) => [id, i]));
  });

  it('keeps the slot of every id still drawn, and gives the new ones the slots that were left', () => {
    const first = assignSlots(new Map(), ids(10, 18), 8);
    // three new entries on top push the three oldest out
    const next = assignSlots(first, ['n3', 'n2', 'n1', ...ids(10, 15)], 8);
    expectValid(next, ['n3', 'n2', 'n1', ...ids(10, 15)], 8);
    for (const id of ids(10, 15)) expect(next.get(id)).toBe(first.get(id));
    expect(['n3', 'n2', 'n1'].map((id) => next.get(id)).sort()).toEqual(
      ids(15, 18)
        .map((id) => first.get(id))
        .sort(),
    );
  });

  it('uses no more slots than ids, and frees slots of ids no longer drawn', () => {
    const first = assignSlots(new Map(), ids(0, 8), 8);
    const fewer = assignSlots(first, ['e6', 'e7'], 8);
    expect([...fewer]).toEqual([
      ['e6', 6],
      ['e7', 7],
    ]);
    const again = assignSlots(fewer, ['x', 'e6', 'y', 'e7'], 8);
    expect(again.get('x')).toBe(0);
    expect(again.get('y')).toBe(1);
  });

  it('moves ids whose slot no longer exists when the window shrinks', () => {
    const first = assignSlots(new Map(), ids(0, 10), 10);
    const shrunk = assignSlots(first, ids(4, 10), 6);
    expectValid(shrunk, ids(4, 10), 6);
    expect(shrunk.get('e4')).toBe(4);
    expect(shrunk.get('e5')).toBe(5);
  });

  it('stays valid through a long run of scrolling, batches and filters', () => {
    let slots = new Map<string, number>();
    let seed = 7;
    const random = () => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
    for (let step = 0; step < 2_000; step++) {
      const count = 5 + Math.floor(random() * 20);
      const start = Math.floor(random() * 100);
      const wanted = ids(start, start + Math.floor(random() * (count + 1)));
      const next = assignSlots(slots, wanted, count);
      expectValid(next, wanted, count);
      for (const id of wanted) {
        const was = slots.get(id);
        if (was !== undefined && was < count) expect(next.get(id)).toBe(was);
      }
      slots = next;
    }
  });

  it('refuses more ids than slots', () => {
    expect(() => assignSlots(new Map(), ids(0, 4), 3)).toThrow(RangeError);
  });
});
