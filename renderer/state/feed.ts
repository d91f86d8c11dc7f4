// The feed: the loaded window of entries (newest first), the filters, paging with the
// `before` cursor, live additions, read marks and the detail pane. All server access goes
// through the contract's feed:* methods.
//
// The window holds at most `history.maxEvents` entries, like main's history: live batches
// push the oldest entries out of the list (and out of the id set). What was pushed out is
// still in main's history (until main prunes it too) and comes back by scrolling down.
import { batch, computed, signal } from '@preact/signals';
import type { KatyaApi } from '../../preload/contract';
import type {
  Channel,
  FeedEntry,
  FeedEvent,
  FeedQuery,
  Severity,
} from '../../main/core/common/views';
import { DEFAULT_SETTINGS, HISTORY_LIMITS } from '../../main/core/common/settings-schema';
import { searchableText } from '../format/text';

export const PAGE_SIZE = 500;
/** the most a feed:query may ask for (feedQuerySchema's limit) */
const MAX_QUERY_LIMIT = 10_000;
/** the range settings allow for history.maxEvents */
const WINDOW_LIMITS = HISTORY_LIMITS.maxEvents;
/** how far finding the place of a trimmed list's oldest entry may walk before giving up */
const MAX_RESUME_PAGES = 20;
const TEXT_DEBOUNCE_MS = 250;

export interface FeedFilters {
  /** server ids; empty: every server's entries */
  servers: string[];
  channels: Channel[];
  severities: Severity[];
  unreadOnly: boolean;
  text: string;
}

export const NO_FILTERS: FeedFilters = {
  servers: [],
  channels: [],
  severities: [],
  unreadOnly: false,
  text: '',
};

export type DetailState =
  | { state: 'closed' }
  | { state: 'loading'; id: string }
  | { state: 'open'; event: FeedEvent }
  | { state: 'missing'; id: string };

export function hasFilters(f: FeedFilters): boolean {
  return (
    f.servers.length > 0 ||
    f.channels.length > 0 ||
    f.severities.length > 0 ||
    f.unreadOnly ||
    f.text.trim() !== ''
  );
}

export function toQuery(f: FeedFilters, before: string | null): FeedQuery {
  const q: FeedQuery = { limit: PAGE_SIZE };
  if (f.servers.length) q.servers = [...f.servers];
  if (f.channels.length) q.channels = [...f.channels];
  if (f.severities.length) q.severities = [...f.severities];
  if (f.unreadOnly) q.unreadOnly = true;
  const text = f.text.trim().slice(0, 200);
  if (text) q.text = text;
  if (before) q.before = before;
  return q;
}

/**
 * Whether a live entry belongs in the current view. Gaps are context for every view except
 * "unread only" and text search, where a marker between unrelated hits would only confuse.
 */
export function matchesFilters(entry: FeedEntry, f: FeedFilters): boolean {
  const text = f.text.trim().toLowerCase();
  if (f.servers.length && !f.servers.includes(entry.server)) return false;
  if (entry.kind === 'gap') return !f.unreadOnly && !text;
  if (f.channels.length && !f.channels.includes(entry.channel)) return false;
  if (f.severities.length && (!entry.severity || !f.severities.includes(entry.severity)))
    return false;
  if (f.unreadOnly && entry.read) return false;
  if (text) {
    const haystack = [entry.event, entry.channel, entry.eventId, ...searchableText(entry.data)];
    if (!haystack.some((s) => s.toLowerCase().includes(text))) return false;
  }
  return true;
}

/** Newest first: events by arrival time, gaps by when they ended. */
function timeOf(e: FeedEntry): number {
  return e.kind === 'gap' ? e.end : e.receivedAt;
}

/** A structurally sound entry (the window never trusts what it is handed). */
export function isEntry(value: unknown): value is FeedEntry {
  if (!value || typeof value !== 'object') return false;
  const e = value as Record<string, unknown>;
  if (typeof e.id !== 'string' || !e.id) return false;
  if (e.kind === 'gap') return typeof e.start === 'number' && typeof e.end === 'number';
  return (
    e.kind === 'event' &&
    typeof e.event === 'string' &&
    typeof e.channel === 'string' &&
    typeof e.receivedAt === 'number' &&
    !!e.data &&
    typeof e.data === 'object'
  );
}

/**
 * A sound entry with its server named: `server` and (for events) `eventId` are strings, the
 * server's own event id standing in as the feed id when main left it out. Null for anything
 * that is not an entry.
 */
export function toEntry(value: unknown): FeedEntry | null {
  if (!isEntry(value)) return null;
  const server = typeof value.server === 'string' ? value.server : '';
  if (value.kind === 'gap') return value.server === server ? value : { ...value, server };
  const eventId = typeof value.eventId === 'string' && value.eventId ? value.eventId : value.id;
  return value.server === server && value.eventId === eventId
    ? value
    : { ...value, server, eventId };
}

/** The well-formed entries of a list from main, each id once (the list draws one row per id). */
function entriesOf(list: unknown): FeedEntry[] {
  if (!Array.isArray(list)) return [];
  const out: FeedEntry[] = [];
  const seen = new Set<string>();
  for (const item of list) {
    const e = toEntry(item);
    if (e && !seen.has(e.id)) {
      seen.add(e.id);
      out.push(e);
    }
  }
  return out;
}

/**
 * How many entries the window keeps: history.maxEvents as main keeps it, within the range the
 * settings schema allows; the default when the value is missing or not a number.
 */
export function windowLimit(maxEvents: unknown): number {
  if (typeof maxEvents !== 'number' || !Number.isFinite(maxEvents))
    return DEFAULT_SETTINGS.history.maxEvents;
  return Math.min(WINDOW_LIMITS.max, Math.max(WINDOW_LIMITS.min, Math.floor(maxEvents)));
}

/**
 * The entries of a page (newest first) that are older than `anchor`, the oldest entry the
 * window holds; null when the anchor's place is not on this page (it is further down).
 * The anchor is found by id; when main no longer lists it (it was read and the view is
 * "unread only", or main pruned it), its place is where entries older than it begin.
 */
export function entriesAfter(list: FeedEntry[], anchor: FeedEntry): FeedEntry[] | null {
  const at = list.findIndex((e) => e.id === anchor.id);
  if (at >= 0) return list.slice(at + 1);
  const time = timeOf(anchor);
  const older = list.findIndex((e) => timeOf(e) < time);
  return older >= 0 ? list.slice(older) : null;
}

interface FeedOptions {
  /** history.maxEvents from the current settings (read on every live batch) */
  maxEvents?: () => unknown;
}

function pageEntries(page: unknown): FeedEntry[] {
  return entriesOf((page as { entries?: unknown } | null | undefined)?.entries);
}

export function createFeedState(api: KatyaApi, options: FeedOptions = {}) {
  const filters = signal<FeedFilters>(NO_FILTERS);
  const entries = signal<FeedEntry[]>([]);
  const total = signal(0);
  /** main's cursor for the page after the oldest loaded entry; null at the end or after a trim */
  const cursor = signal<string | null>(null);
  /**
   * Set when live entries pushed older ones out of the list: the oldest entry still held.
   * The window has no cursor for it (main's cursors are its own), so the next page is found
   * by looking for this entry in a fresh query.
   */
  const resumeAfter = signal<FeedEntry | null>(null);
  /** whether scrolling further down can load older entries */
  const hasMore = computed(() => cursor.value !== null || resumeAfter.value !== null);
  const status = signal<'idle' | 'loading' | 'loadingMore' | 'error'>('idle');
  const error = signal<string | null>(null);
  const activeIndex = signal(0);
  const detail = signal<DetailState>({ state: 'closed' });
  /** bumps when entries are put above the ones the user sees, so the list can keep its place */
  const prepended = signal({ count: 0, seq: 0 });
  const copyState = signal<'idle' | 'copied' | 'failed'>('idle');

  let ids = new Set<string>();
  let querySeq = 0;
  /** bumps whenever the list loses entries at its end: a page asked for before is stale */
  let trimSeq = 0;
  let textTimer: ReturnType<typeof setTimeout> | undefined;

  function message(err: unknown): string {
    return err instanceof Error ? err.message : String(err);
  }

  async function reload(): Promise<void> {
    const seq = ++querySeq;
    status.value = 'loading';
    error.value = null;
    try {
      const page = await api.invoke['feed:query'](toQuery(filters.value, null));
      if (seq !== querySeq) return; // a newer query replaced this one
      const list = pageEntries(page);
      list.sort((a, b) => timeOf(b) - timeOf(a));
      batch(() => {
        ids = new Set(list.map((e) => e.id));
        entries.value = list;
        total.value = typeof page.total === 'number' ? page.total : list.length;
        cursor.value = typeof page.nextCursor === 'string' ? page.nextCursor : null;
        resumeAfter.value = null;
        activeIndex.value = 0;
        status.value = 'idle';
      });
    } catch (err) {
      if (seq !== querySeq) return;
      batch(() => {
        status.value = 'error';
        error.value = message(err);
      });
    }
  }

  /** The page after the oldest loaded entry, by main's cursor. */
  async function pageBefore(
    before: string,
  ): Promise<{ older: FeedEntry[]; next: string | null; total: unknown }> {
    const page = await api.invoke['feed:query'](toQuery(filters.value, before));
    const next = typeof page?.nextCursor === 'string' ? page.nextCursor : null;
    return { older: pageEntries(page), next, total: page?.total };
  }

  /**
   * The entries older than `anchor` after a trim: query from the top with pages big enough
   * to hold the whole list (one query while the list is under 9,500 entries) and take what
   * follows the anchor's place. Costs one large query per trim, only when the user scrolls
   * to the end of a trimmed list.
   */
  async function pageAfterAnchor(
    anchor: FeedEntry,
  ): Promise<{ older: FeedEntry[]; next: string | null; total: unknown }> {
    const limit = Math.min(MAX_QUERY_LIMIT, entries.value.length + PAGE_SIZE);
    let before: string | null = null;
    for (let walked = 0; walked < MAX_RESUME_PAGES; walked++) {
      const page = await api.invoke['feed:query']({ ...toQuery(filters.value, before), limit });
      const next = typeof page?.nextCursor === 'string' ? page.nextCursor : null;
      const older = entriesAfter(pageEntries(page), anchor);
      if (older) return { older, next, total: page?.total };
      if (!next || next === before) break;
      before = next;
    }
    // The anchor's place is not in main's history any more: nothing older is left to show.
    return { older: [], next: null, total: undefined };
  }

  async function loadMore(): Promise<void> {
    const anchor = resumeAfter.value;
    const before = cursor.value;
    if ((!anchor && !before) || status.value !== 'idle') return;
    const seq = querySeq;
    const trims = trimSeq;
    status.value = 'loadingMore';
    try {
      const page = anchor ? await pageAfterAnchor(anchor) : await pageBefore(before!);
      if (seq !== querySeq) return;
      if (trims !== trimSeq) {
        // Live entries pushed the list's end out while this page was on its way: appending
        // it would leave a hole. The list asks again from its new end.
        status.value = 'idle';
        return;
      }
      const older = page.older.filter((e) => !ids.has(e.id));
      older.sort((a, b) => timeOf(b) - timeOf(a));
      batch(() => {
        for (const e of older) ids.add(e.id);
        if (older.length) entries.value = entries.value.concat(older);
        if (typeof page.total === 'number') total.value = Math.max(page.total, total.value);
        cursor.value = page.next;
        resumeAfter.value = null;
        status.value = 'idle';
      });
    } catch (err) {
      if (seq !== querySeq) return;
      batch(() => {
        status.value = 'error';
        error.value = message(err);
      });
    }
  }

  /**
   * Live entries from 'feed:added' (newest last), put on top of the list; entries beyond the
   * window's limit fall off its end. Returns the new events that were shown.
   */
  function addEntries(added: unknown): FeedEvent[] {
    if (!Array.isArray(added)) return [];
    const f = filters.value;
    const fresh: FeedEntry[] = [];
    for (let i = added.length - 1; i >= 0; i--) {
      const e = toEntry(added[i]);
      if (!e || ids.has(e.id) || !matchesFilters(e, f)) continue;
      ids.add(e.id);
      fresh.push(e);
    }
    if (!fresh.length) return [];
    fresh.sort((a, b) => timeOf(b) - timeOf(a));
    const arrived = fresh.reduce((n, e) => (e.kind === 'event' ? n + 1 : n), 0);

    const limit = windowLimit(options.maxEvents?.());
    const old = entries.value;
    // A batch bigger than the whole window keeps only its newest part.
    const shown = fresh.length > limit ? fresh.slice(0, limit) : fresh;
    for (let i = shown.length; i < fresh.length; i++) ids.delete(fresh[i]!.id);
    const keep = Math.min(old.length, limit - shown.length);
    for (let i = keep; i < old.length; i++) ids.delete(old[i]!.id);
    // A new array per batch: one copy of the kept list (two passes when trimming). The list
    // is bounded by `limit` (5,000 by default, at most 100,000) and main sends at most one
    // batch per batch window, so a batch costs a bounded amount however long the window has
    // been open. Avoiding the copy altogether would mean giving up the plain immutable array
    // that the virtualised list indexes and that signals and effects compare by identity.
    const next = shown.concat(keep < old.length ? old.slice(0, keep) : old);
    const trimmed = keep < old.length || shown.length < fresh.length;

    batch(() => {
      entries.value = next;
      // Main's history keeps at most `limit` events (the same setting), so no count of them
      // can be higher, however many arrive.
      total.value = Math.min(total.value + arrived, limit);
      if (trimmed) {
        trimSeq++;
        // main's cursor pointed past the old end of the list; the new end has none
        cursor.value = null;
        resumeAfter.value = next[next.length - 1]!;
      }
      // Keep the same entry under the keyboard focus (the last one, if it fell off the end).
      if (activeIndex.value > 0)
        activeIndex.value = Math.min(activeIndex.value + shown.length, next.length - 1);
      prepended.value = { count: shown.length, seq: prepended.value.seq + 1 };
    });
    return shown.filter((e): e is FeedEvent => e.kind === 'event');
  }

  /** Drop the entries of servers that are gone (the list is asked for again after). */
  function forgetServers(gone: readonly string[]): void {
    const drop = new Set(gone);
    const kept = entries.value.filter((e) => !drop.has(e.server));
    const d = detail.value;
    batch(() => {
      if (kept.length !== entries.value.length) {
        ids = new Set(kept.map((e) => e.id));
        entries.value = kept;
        activeIndex.value = Math.min(activeIndex.value, Math.max(0, kept.length - 1));
      }
      if (d.state === 'open' && drop.has(d.event.server)) detail.value = { state: 'closed' };
    });
  }

  function setFilters(patch: Partial<FeedFilters>): void {
    filters.value = { ...filters.value, ...patch };
    clearTimeout(textTimer);
    void reload();
  }

  /** Typing in the search box: wait until the user pauses before asking again. */
  function setText(text: string): void {
    filters.value = { ...filters.value, text };
    clearTimeout(textTimer);
    textTimer = setTimeout(() => void reload(), TEXT_DEBOUNCE_MS);
  }

  function toggle<T>(list: T[], item: T): T[] {
    return list.includes(item) ? list.filter((x) => x !== item) : [...list, item];
  }

  function applyRead(readIds: ReadonlySet<string> | 'all'): void {
    const updateEvent = (e: FeedEvent): FeedEvent => ({ ...e, read: true });
    entries.value = entries.value.map((e) =>
      e.kind === 'event' && !e.read && (readIds === 'all' || readIds.has(e.id))
        ? updateEvent(e)
        : e,
    );
    const d = detail.value;
    if (d.state === 'open' && (readIds === 'all' || readIds.has(d.event.id)) && !d.event.read)
      detail.value = { state: 'open', event: updateEvent(d.event) };
  }

  async function markRead(list: string[]): Promise<void> {
    const unique = [...new Set(list)].slice(0, 10_000);
    if (!unique.length) return;
    applyRead(new Set(unique));
    try {
      await api.invoke['feed:markRead'](unique);
    } catch (err) {
      error.value = message(err);
    }
  }

  async function markAllRead(): Promise<void> {
    applyRead('all');
    try {
      await api.invoke['feed:markAllRead']();
    } catch (err) {
      error.value = message(err);
    }
  }

  function showEvent(event: FeedEvent): void {
    detail.value = { state: 'open', event };
    copyState.value = 'idle';
    try {
      // main marks an opened event read itself and announces the new unread count
      api.send['feed:opened'](event.id);
    } catch {
      // the bridge is gone; nothing to tell
    }
    // ...so this only shows the read mark at once, without asking main a second time
    if (!event.read) applyRead(new Set([event.id]));
  }

  /** Open the detail pane on an event, fetching it when it is not among the loaded entries. */
  async function open(id: string): Promise<void> {
    const index = entries.value.findIndex((e) => e.id === id);
    const found = entries.value[index];
    if (found?.kind === 'event') {
      activeIndex.value = index;
      showEvent(found);
      return;
    }
    detail.value = { state: 'loading', id };
    try {
      const event = await api.invoke['feed:get'](id);
      const current = detail.value;
      if (current.state !== 'loading' || current.id !== id) return;
      const fetched = toEntry(event);
      if (fetched?.kind === 'event') showEvent(fetched);
      else detail.value = { state: 'missing', id };
    } catch {
      detail.value = { state: 'missing', id };
    }
  }

  function close(): void {
    detail.value = { state: 'closed' };
  }

  async function copyPayload(text: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
      copyState.value = 'copied';
    } catch {
      copyState.value = 'failed';
    }
  }

  return {
    filters,
    entries,
    total,
    cursor,
    hasMore,
    status,
    error,
    activeIndex,
    detail,
    prepended,
    copyState,
    reload,
    loadMore,
    addEntries,
    forgetServers,
    setFilters,
    setText,
    toggleServer: (id: string) => setFilters({ servers: toggle(filters.value.servers, id) }),
    /** the feed of one server alone (or of every server again, when it is already so) */
    onlyServer: (id: string) => {
      const f = filters.value.servers;
      setFilters({ servers: f.length === 1 && f[0] === id ? [] : [id] });
    },
    toggleChannel: (c: Channel) => setFilters({ channels: toggle(filters.value.channels, c) }),
    toggleSeverity: (s: Severity) =>
      setFilters({ severities: toggle(filters.value.severities, s) }),
    clearFilters: () => setFilters(NO_FILTERS),
    markRead,
    markAllRead,
    open,
    close,
    copyPayload,
  };
}

export type FeedState = ReturnType<typeof createFeedState>;
