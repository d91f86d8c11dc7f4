// The window's one feed over every server's history: entries tagged with their server, merged
// newest first, paged with a cursor that holds a position in each history. Each history stays
// its server's own (its ids, its read marks, its limits); only this module knows there are
// several.
import type {
  FeedEntry,
  FeedEvent,
  FeedPage,
  FeedQuery,
  HistoryEntry,
  HistoryEvent,
  HistoryPage,
} from '../common/views';
import { DEFAULT_PAGE } from './feed-index';

/** What the merge needs of one server's history (EventHistory has it). */
export interface FeedSource {
  query(q: FeedQuery): HistoryPage;
  cursorOf(id: string): string | null;
  get(id: string): HistoryEvent | null;
}

/** A server's id and its history, in the user's order of servers. */
export interface NamedSource {
  server: string;
  history: FeedSource;
}

/**
 * An entry's id in the feed: the server's id, a slash, the entry's id in that server's history.
 * Server ids have no slash (SERVER_ID_PATTERN), so the first slash splits the two again.
 */
export function feedKey(server: string, id: string): string {
  return `${server}/${id}`;
}

/** The server and the history's id of a feed id; null for anything else. */
export function splitFeedKey(key: unknown): { server: string; id: string } | null {
  if (typeof key !== 'string') return null;
  const slash = key.indexOf('/');
  if (slash <= 0 || slash === key.length - 1) return null;
  return { server: key.slice(0, slash), id: key.slice(slash + 1) };
}

export function toFeedEvent(server: string, e: HistoryEvent): FeedEvent {
  return { ...e, id: feedKey(server, e.id), eventId: e.id, server };
}

export function toFeedEntry(server: string, e: HistoryEntry): FeedEntry {
  return e.kind === 'event' ? toFeedEvent(server, e) : { ...e, id: feedKey(server, e.id), server };
}

/** Where a history's next page starts: from its newest entry, before a cursor, or nowhere. */
type Position = { at: 'top' } | { at: 'before'; cursor: string } | { at: 'done' };

/**
 * The merged cursor: `server:position` for each server, comma-separated, position being empty
 * (from the newest), a history's own cursor, or `-` (nothing older). A server the cursor does
 * not name was added after the first page: its entries are newer than the pages still to come.
 */
function parseMergedCursor(text: unknown, servers: readonly string[]): Map<string, Position> {
  const out = new Map<string, Position>();
  if (typeof text !== 'string' || text === '') {
    for (const s of servers) out.set(s, { at: 'top' });
    return out;
  }
  for (const part of text.split(',')) {
    const colon = part.indexOf(':');
    if (colon <= 0) continue;
    const server = part.slice(0, colon);
    const value = part.slice(colon + 1);
    out.set(
      server,
      value === ''
        ? { at: 'top' }
        : value === '-'
          ? { at: 'done' }
          : { at: 'before', cursor: value },
    );
  }
  return out;
}

function positionText(p: Position): string {
  return p.at === 'top' ? '' : p.at === 'done' ? '-' : p.cursor;
}

/** The time an entry sorts by across servers: when it arrived, or when a gap ended. */
function sortTime(e: HistoryEntry): number {
  return e.kind === 'event' ? e.receivedAt : e.end;
}

/**
 * One page of the merged feed. Each history gives up to `limit` entries from its position; the
 * newest `limit` of all of them make the page (ties go to the server listed first), and each
 * history's position moves past what it gave.
 */
export function queryMergedFeed(sources: readonly NamedSource[], q: FeedQuery = {}): FeedPage {
  const wanted = q.servers ? new Set(q.servers) : null;
  const chosen = sources.filter((s) => !wanted || wanted.has(s.server));
  const positions = parseMergedCursor(
    q.before,
    chosen.map((s) => s.server),
  );
  const { servers: _servers, before: _before, ...rest } = q;
  const pages = chosen.map((source) => {
    const position = positions.get(source.server) ?? { at: 'done' as const };
    const page =
      position.at === 'done'
        ? null
        : source.history.query({
            ...rest,
            before: position.at === 'before' ? position.cursor : null,
          });
    return { source, position, page, taken: 0 };
  });
  let total = 0;
  let unread = 0;
  for (const p of pages) {
    // Counts are of all matches, wherever the page is: ask the history again at the top for
    // a source that is done (a done source gave no page).
    const counts = p.page ?? p.source.history.query({ ...rest, limit: 1 });
    total += counts.total;
    unread += counts.unread;
  }
  const limit = q.limit ?? DEFAULT_PAGE;
  const entries: FeedEntry[] = [];
  while (entries.length < limit) {
    let best: (typeof pages)[number] | null = null;
    for (const p of pages) {
      const head = p.page?.entries[p.taken];
      if (!head) continue;
      if (!best || sortTime(head) > sortTime(best.page!.entries[best.taken]!)) best = p;
    }
    if (!best) break;
    entries.push(toFeedEntry(best.source.server, best.page!.entries[best.taken]!));
    best.taken++;
  }
  const next = pages.map((p) => {
    let position: Position = p.position;
    if (p.page) {
      if (p.taken < p.page.entries.length) {
        const last = p.page.entries[p.taken - 1];
        position = last
          ? { at: 'before', cursor: p.source.history.cursorOf(last.id) ?? '' }
          : p.position;
      } else {
        position = p.page.nextCursor ? { at: 'before', cursor: p.page.nextCursor } : { at: 'done' };
      }
    }
    return `${p.source.server}:${positionText(position)}`;
  });
  const more = pages.some((p) => p.page && (p.taken < p.page.entries.length || p.page.nextCursor));
  return { entries, total, unread, nextCursor: more ? next.join(',') : null };
}
