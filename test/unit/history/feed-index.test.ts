// The history's memory on its own: entries, read marks, retention and queries, without files.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../fakes/clock';
import { FeedIndex, clampInt } from '../../../main/core/history/feed-index';
import type { Entry } from '../../../main/core/history/feed-index';
import type { HistoryEvent, HistoryGap } from '../../../main/core/common/views';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 26, 12);

function event(id: string, patch: Partial<HistoryEvent> = {}): HistoryEvent {
  return {
    kind: 'event',
    id,
    event: 'message.created',
    channel: 'messages',
    timestamp: null,
    receivedAt: NOW,
    severity: null,
    read: false,
    data: {},
    ...patch,
  };
}
const gap = (id: string, end = NOW): HistoryGap => ({ kind: 'gap', id, start: end - 1000, end });

function index(maxEvents = 100, maxAgeDays = 30) {
  const clock = new ManualClock(NOW);
  const ix = new FeedIndex(clock, maxEvents, maxAgeDays);
  const put = (feed: HistoryEvent | HistoryGap): Entry => {
    const entry = { seq: ix.takeSeq(), feed };
    ix.add(entry);
    return entry;
  };
  const ids = () => ix.all().map((e) => e.feed.id);
  return { ix, clock, put, ids };
}

describe('clampInt', () => {
  it('floors and clamps a finite number, and takes the fallback for anything else', () => {
    expect(clampInt(5.9, 1, 10, 3)).toBe(5);
    expect(clampInt(-4, 1, 10, 3)).toBe(1);
    expect(clampInt(40, 1, 10, 3)).toBe(10);
    for (const v of ['5', Number.NaN, Number.POSITIVE_INFINITY, null, undefined]) {
      expect(clampInt(v, 1, 10, 3), String(v)).toBe(3);
    }
  });
});

describe('FeedIndex: entries', () => {
  it('numbers entries from 1, and continues after the highest number read back', () => {
    const { ix } = index();
    expect(ix.lastSeq()).toBe(0);
    expect(ix.takeSeq()).toBe(1);
    expect(ix.lastSeq()).toBe(1);
    ix.noteSeq(10);
    ix.noteSeq(4);
    expect(ix.takeSeq()).toBe(11);
  });

  it('finds an entry by id', () => {
    const { ix, put } = index();
    const a = put(event('a'));
    expect(ix.entryOf('a')).toBe(a);
    expect(ix.entryOf('b')).toBeUndefined();
  });

  it('counts an event read already as read', () => {
    const { ix, put } = index();
    put(event('a', { read: true }));
    put(event('b'));
    put(gap('g'));
    expect(ix.unreadCount()).toBe(1);
    expect(ix.counts()).toEqual({ events: 2, gaps: 1, entries: 3 });
  });

  it('puts an entry read back out of order in its place by number', () => {
    const { ix, ids } = index();
    ix.insertInOrder({ seq: 5, feed: event('five') });
    ix.insertInOrder({ seq: 2, feed: event('two') });
    ix.insertInOrder({ seq: 9, feed: event('nine') });
    expect(ids()).toEqual(['two', 'five', 'nine']);
  });

  it('removes the entry given, first or not, and nothing when it is not there', () => {
    const { ix, put, ids } = index();
    const a = put(event('a'));
    put(event('b'));
    const c = put(event('c'));
    ix.remove({ seq: 99, feed: event('stranger') });
    expect(ids()).toEqual(['a', 'b', 'c']);
    ix.remove(a);
    expect(ids()).toEqual(['b', 'c']);
    ix.remove(c);
    expect(ids()).toEqual(['b']);
    expect(ix.counts().events).toBe(1);
  });
});

describe('FeedIndex: read marks', () => {
  it('returns exactly the ids it changed: unread events only', () => {
    const { ix, put } = index();
    put(event('a'));
    put(event('b'));
    put(gap('g'));
    expect(ix.markRead(['a', 'g', 'zzz', 5])).toEqual(['a']);
    expect(ix.markRead(['a', 'b'])).toEqual(['b']);
    expect(ix.unreadCount()).toBe(0);
  });

  it('marks up to a number, and leaves what is after it', () => {
    const { ix, put } = index();
    put(event('a'));
    put(event('b'));
    put(event('c'));
    ix.markReadUpTo(2);
    expect(ix.unreadCount()).toBe(1);
    expect(ix.get('c')!.read).toBe(false);
  });
});

describe('FeedIndex: retention', () => {
  it('keeps an event received exactly maxAgeDays ago, and drops one a moment older', () => {
    const { ix, put, ids } = index(100, 1);
    put(event('older', { receivedAt: NOW - DAY - 1 }));
    put(event('edge', { receivedAt: NOW - DAY }));
    put(gap('old-gap', NOW - DAY - 1));
    put(gap('edge-gap', NOW - DAY));
    ix.pruneEverywhere();
    expect(ids()).toEqual(['edge', 'edge-gap']);
  });

  it('keeps a gap before every event when nothing was dropped', () => {
    const { ix, put, ids } = index(2);
    put(gap('first'));
    put(event('a'));
    put(event('b'));
    ix.setLimits(2, 30);
    expect(ids()).toEqual(['first', 'a', 'b']);
  });

  it('a gap dropped for its age takes no newer gap with it', () => {
    const { ix, put, ids } = index();
    put(gap('kept', NOW));
    put(gap('stale', NOW - 40 * DAY)); // a clock change: older than the one before it
    put(event('a'));
    ix.pruneEverywhere();
    expect(ids()).toEqual(['kept', 'a']);
  });
});

describe('FeedIndex: queries', () => {
  it('takes no query, or null, as the first page of everything', () => {
    const { ix, put } = index();
    put(event('a'));
    expect(ix.query().entries).toHaveLength(1);
    expect(ix.query(null as unknown as undefined).entries).toHaveLength(1);
  });

  it('a page is full at its limit, gaps counted, and says where the next one starts', () => {
    const { ix, put } = index();
    put(gap('g1'));
    put(gap('g2'));
    put(gap('g3'));
    put(event('a'));
    // the page is full at a gap, and only gaps come after it: there is still a next page
    const page = ix.query({ limit: 2 });
    expect(page.entries.map((e) => e.id)).toEqual(['a', 'g3']);
    expect(page.nextCursor).not.toBeNull();
    expect(ix.query({ limit: 2, before: page.nextCursor! }).entries.map((e) => e.id)).toEqual([
      'g2',
      'g1',
    ]);
  });

  it('a cursor that is not a plain number starts from the newest', () => {
    const { ix, put } = index();
    put(event('a'));
    put(event('b'));
    for (const before of ['x2', '2x', '', '-1']) {
      expect(
        ix.query({ before }).entries.map((e) => e.id),
        before,
      ).toEqual(['b', 'a']);
    }
    expect(ix.query({ before: '2' }).entries.map((e) => e.id)).toEqual(['a']);
  });

  it('get answers events and gap answers gaps, each a copy', () => {
    const { ix, put } = index();
    put(event('a'));
    put(gap('g'));
    expect(ix.get('g')).toBeNull();
    expect(ix.gap('a')).toBeNull();
    expect(ix.gap('nope')).toBeNull();
    const g = ix.gap('g')!;
    expect(g).toEqual(gap('g'));
    g.end = 0;
    expect(ix.gap('g')!.end).toBe(NOW);
  });
});

describe('FeedIndex: text search', () => {
  const search = (feed: HistoryEvent, text: string) => {
    const { ix, put } = index();
    put(feed);
    return ix.query({ text }).total === 1;
  };

  it('finds the type, channel, id and severity, trimmed and in any case', () => {
    const e = event('evt-77', {
      event: 'security.alert.created',
      channel: 'security',
      severity: 'critical',
    });
    for (const text of ['alert.created', 'SECURITY', 'evt-77', 'critical', '  Critical  ']) {
      expect(search(e, text), text).toBe(true);
    }
    expect(search(event('x'), 'null')).toBe(false); // no severity is not the word "null"
    // fields are not run together: the end of one and the start of the next is no match
    expect(search(event('x'), 'createdmessages')).toBe(false);
  });

  it('finds strings, numbers and booleans in the payload, nested up to six levels', () => {
    const e = event('x', {
      data: { n: 42, ok: true, none: null, gone: undefined, list: ['alpha', { deep: 'beta' }] },
    });
    for (const text of ['42', 'true', 'alpha', 'beta']) expect(search(e, text), text).toBe(true);
    const nest = (levels: number, leaf: string): unknown =>
      levels === 0 ? leaf : { down: nest(levels - 1, leaf) };
    const nestArrays = (levels: number, leaf: string): unknown =>
      levels === 0 ? leaf : [nestArrays(levels - 1, leaf)];
    expect(search(event('x', { data: nest(6, 'six') as Record<string, unknown> }), 'six')).toBe(
      true,
    );
    expect(search(event('x', { data: nest(7, 'seven') as Record<string, unknown> }), 'seven')).toBe(
      false,
    );
    expect(search(event('x', { data: { a: nestArrays(6, 'inarrays') } }), 'inarrays')).toBe(false);
    expect(search(event('x', { data: { a: nestArrays(5, 'shallow') } }), 'shallow')).toBe(true);
  });

  it('reads at most about 2,000 strings of a payload', () => {
    const items = Array.from({ length: 2100 }, (_, i) => `<${i}>`);
    const e = event('x', { data: { items } });
    // four fields come first (type, channel, id, severity): the last string read is item 1996
    expect(search(e, '<1996>')).toBe(true);
    expect(search(e, '<1997>')).toBe(false);
  });
});
