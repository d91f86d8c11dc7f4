// The window's one feed over several servers' histories: time order across servers, each row
// tagged, paging that neither skips nor repeats, counts and filters over all of them.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../fakes/clock';
import { FeedIndex } from '../../../main/core/history/feed-index';
import { feedKey, queryMergedFeed, splitFeedKey } from '../../../main/core/history/merged-feed';
import type { NamedSource } from '../../../main/core/history/merged-feed';
import type { FeedEntry, HistoryEvent } from '../../../main/core/common/views';

const NOW = Date.UTC(2026, 11, 2, 12);

function source(server: string, events: [id: string, at: number, read?: boolean][]): NamedSource {
  const ix = new FeedIndex(new ManualClock(NOW), 1000, 30);
  for (const [id, at, read] of events) {
    const feed: HistoryEvent = {
      kind: 'event',
      id,
      event: 'message.created',
      channel: id.startsWith('s') ? 'security' : 'messages',
      timestamp: null,
      receivedAt: at,
      severity: null,
      read: read === true,
      data: {},
    };
    ix.add({ seq: ix.takeSeq(), feed });
  }
  return { server, history: ix };
}

const ids = (entries: FeedEntry[]) => entries.map((e) => e.id);

/** Every page from the start, following nextCursor. */
function allPages(sources: NamedSource[], limit: number) {
  const pages: string[][] = [];
  let before: string | null = null;
  for (let n = 0; n < 100; n++) {
    const page = queryMergedFeed(sources, { limit, before });
    pages.push(ids(page.entries));
    if (page.nextCursor === null) return pages;
    before = page.nextCursor;
  }
  throw new Error('the pages never end');
}

describe('the merged feed', () => {
  const a = () =>
    source('aaa', [
      ['a1', NOW - 50],
      ['a2', NOW - 30],
      ['a3', NOW - 10],
    ]);
  const b = () =>
    source('bbb', [
      ['b1', NOW - 40],
      ['b2', NOW - 20, true],
    ]);

  it('merges newest first across servers, each entry with its server and a feed id', () => {
    const page = queryMergedFeed([a(), b()], {});
    expect(ids(page.entries)).toEqual(['aaa/a3', 'bbb/b2', 'aaa/a2', 'bbb/b1', 'aaa/a1']);
    expect(page.entries[1]).toMatchObject({ server: 'bbb', eventId: 'b2', read: true });
    expect(page).toMatchObject({ total: 5, unread: 4, nextCursor: null });
  });

  it('pages without skipping or repeating, whatever the page size', () => {
    const whole = ids(queryMergedFeed([a(), b()], {}).entries);
    for (const limit of [1, 2, 3, 4, 5]) {
      const pages = allPages([a(), b()], limit);
      expect(pages.flat(), `limit ${limit}`).toEqual(whole);
      expect(pages.slice(0, -1).every((p) => p.length === limit)).toBe(true);
    }
  });

  it('counts every match on every page, and filters by server and by the usual filters', () => {
    const first = queryMergedFeed([a(), b()], { limit: 2 });
    const second = queryMergedFeed([a(), b()], { limit: 2, before: first.nextCursor });
    expect([first.total, second.total]).toEqual([5, 5]);
    expect([first.unread, second.unread]).toEqual([4, 4]);
    expect(ids(queryMergedFeed([a(), b()], { servers: ['bbb'] }).entries)).toEqual([
      'bbb/b2',
      'bbb/b1',
    ]);
    expect(queryMergedFeed([a(), b()], { servers: ['nope'] })).toMatchObject({
      entries: [],
      total: 0,
      nextCursor: null,
    });
    expect(ids(queryMergedFeed([a(), b()], { unreadOnly: true }).entries)).not.toContain('bbb/b2');
  });

  it('a server added after the first page does not slip into older pages', () => {
    const first = queryMergedFeed([a(), b()], { limit: 2 });
    const late = source('ccc', [['c1', NOW - 45]]);
    const rest = queryMergedFeed([a(), b(), late], { limit: 10, before: first.nextCursor });
    expect(ids(rest.entries)).toEqual(['aaa/a2', 'bbb/b1', 'aaa/a1']);
  });

  it('takes a damaged cursor as "from the start" of the servers it names, and ignores the rest', () => {
    expect(ids(queryMergedFeed([a(), b()], { before: 'garbage' }).entries)).toEqual([]);
    expect(ids(queryMergedFeed([a(), b()], { before: 'aaa:,zzz:5' }).entries)).toEqual([
      'aaa/a3',
      'aaa/a2',
      'aaa/a1',
    ]);
  });
});

describe('feed ids', () => {
  it('split back into the server and the id, at the first slash', () => {
    expect(splitFeedKey(feedKey('abc', 'evt/1'))).toEqual({ server: 'abc', id: 'evt/1' });
    for (const bad of ['', '/x', 'x/', 'noslash', 5, null, undefined])
      expect(splitFeedKey(bad), String(bad)).toBeNull();
  });
});
