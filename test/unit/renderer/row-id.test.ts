import { describe, expect, it } from 'vitest';
import { rowDomId } from '../../../renderer/components/row-id';

describe('rowDomId', () => {
  it('keeps the usual ids readable', () => {
    expect(rowDomId('demo/evt_1')).toBe('feed-row-demo_evt_1');
    expect(rowDomId('lab001/gap_3')).toBe('feed-row-lab001_gap_3');
  });

  it('gives ids that only differ in punctuation ids of their own', () => {
    const ids = ['demo/a_b', 'demo/a/b', 'demo/a-b', 'demo/a b', 'demo/a-002fb', 'demo/a.b'];
    const dom = ids.map(rowDomId);
    expect(new Set(dom).size).toBe(ids.length);
    expect(rowDomId('demo/a/b')).toBe('feed-row-demo_a-002fb');
    expect(rowDomId('demo/a-002fb')).toBe('feed-row-demo_a-002d002fb');
  });

  it('does not let the server part run into the event part', () => {
    // settings never allow these server ids; the id stays unique if one got through anyway
    expect(rowDomId('a_b/c')).not.toBe(rowDomId('a/b_c'));
    expect(rowDomId('a/b/c')).not.toBe(rowDomId('a_b/c'));
  });

  it('writes only characters an HTML id and a CSS identifier take as they are', () => {
    expect(rowDomId('demo/"><img src=x>\u00e9\ud83d\ude00 \t')).toMatch(
      /^feed-row-[A-Za-z0-9_-]+$/,
    );
  });

  it('never maps two feed ids to one DOM id (random ids over a small alphabet)', () => {
    const alphabet = ['a', '_', '-', '/', '0', '2', 'f', ' ', '\u00e9', '\ud83d'];
    let seed = 7;
    const next = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0);
    const seen = new Map<string, string>();
    for (let i = 0; i < 20_000; i++) {
      let id = '';
      const len = 1 + ((next() >>> 16) % 7);
      for (let k = 0; k < len; k++) id += alphabet[(next() >>> 16) % alphabet.length];
      const dom = rowDomId(`s/${id}`);
      const before = seen.get(dom);
      if (before !== undefined) expect(before).toBe(id);
      seen.set(dom, id);
    }
    expect(seen.size).toBeGreaterThan(10_000);
  });
});
