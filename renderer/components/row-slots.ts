// Which of the list's DOM rows shows which entry. An entry keeps its row for as long as it
// stays in the drawn range, and an entry coming in takes a row that another entry left, so a
// batch on top of the feed rewrites the rows of the entries that came in and leaves every
// other row's content as it was. The rows stay in one DOM order for good: a row moved in the
// DOM is styled and laid out again from nothing, which costs more than giving it new text.

/**
 * The slot (0 ≤ slot < `slots`) of each id in `ids`, keeping the slots of `previous` where it
 * can. `ids` must be distinct and at most `slots` long.
 */
export function assignSlots(
  previous: ReadonlyMap<string, number>,
  ids: readonly string[],
  slots: number,
): Map<string, number> {
  const next = new Map<string, number>();
  const taken = new Uint8Array(slots);
  for (const id of ids) {
    const slot = previous.get(id);
    if (slot !== undefined && slot < slots && !taken[slot]) {
      next.set(id, slot);
      taken[slot] = 1;
    }
  }
  let free = 0;
  for (const id of ids) {
    if (next.has(id)) continue;
    while (taken[free]) free++;
    if (free >= slots) throw new RangeError(`${ids.length} rows do not fit in ${slots} slots`);
    next.set(id, free);
    taken[free] = 1;
  }
  return next;
}
