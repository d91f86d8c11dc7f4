// The feed: the loaded window of entries (newest first), the filters, paging with the
// `before` cursor, live additions, read marks and the detail pane. All server access goes
// through the contract's feed:* methods.
import { batch, signal } from '@preact/signals';
import type { KatyaApi } from '../../preload/contract';
import type { Channel, FeedEntry, FeedEvent, FeedQuery, Severity } from '../../main/core/views';
import { searchableText } from '../format/text';

export const PAGE_SIZE = 500;
const TEXT_DEBOUNCE_MS = 250;

export interface FeedFilters {
  channels: Channel[];
  severities: Severity[];
  unreadOnly: boolean;
  text: string;
}

export const NO_FILTERS: FeedFilters = {
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
  return f.channels.length > 0 || f.severities.length > 0 || f.unreadOnly || f.text.trim() !== '';
}

export function toQuery(f: FeedFilters, before: string | null): FeedQuery {
  const q: FeedQuery = { limit: PAGE_SIZE };
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
  if (entry.kind === 'gap') return !f.unreadOnly && !text;
  if (f.channels.length && !f.channels.includes(entry.channel)) return false;
  if (f.severities.length && (!entry.severity || !f.severities.includes(entry.severity)))
    return false;
  if (f.unreadOnly && entry.read) return false;
  if (text) {
    const haystack = [entry.event, entry.channel, entry.id, ...searchableText(entry.data)];
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

export function createFeedState(api: KatyaApi) {
  const filters = signal<FeedFilters>(NO_FILTERS);
  const entries = signal<FeedEntry[]>([]);
  const total = signal(0);
  const cursor = signal<string | null>(null);
  const status = signal<'idle' | 'loading' | 'loadingMore' | 'error'>('idle');
  const error = signal<string | null>(null);
  const activeIndex = signal(0);
  const detail = signal<DetailState>({ state: 'closed' });
  /** bumps when entries are put above the ones the user sees, so the list can keep its place */
  const prepended = signal({ count: 0, seq: 0 });
  const copyState = signal<'idle' | 'copied' | 'failed'>('idle');

  let ids = new Set<string>();
  let querySeq = 0;
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
      const list = (Array.isArray(page?.entries) ? page.entries : []).filter(isEntry);
      list.sort((a, b) => timeOf(b) - timeOf(a));
      batch(() => {
        ids = new Set(list.map((e) => e.id));
        entries.value = list;
        total.value = typeof page.total === 'number' ? page.total : list.length;
        cursor.value = typeof page.nextCursor === 'string' ? page.nextCursor : null;
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

  async function loadMore(): Promise<void> {
    const before = cursor.value;
    if (!before || status.value !== 'idle') return;
    const seq = querySeq;
    status.value = 'loadingMore';
    try {
      const page = await api.invoke['feed:query'](toQuery(filters.value, before));
      if (seq !== querySeq) return;
      const older = (Array.isArray(page?.entries) ? page.entries : [])
        .filter(isEntry)
        .filter((e) => !ids.has(e.id));
      older.sort((a, b) => timeOf(b) - timeOf(a));
      batch(() => {
        for (const e of older) ids.add(e.id);
        entries.value = entries.value.concat(older);
        if (typeof page.total === 'number') total.value = Math.max(page.total, total.value);
        cursor.value = typeof page.nextCursor === 'string' ? page.nextCursor : null;
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

  /** Live entries from 'feed:added' (newest last). Returns the new events that were shown. */
  function addEntries(added: unknown): FeedEvent[] {
    if (!Array.isArray(added)) return [];
    const f = filters.value;
    const fresh: FeedEntry[] = [];
    for (let i = added.length - 1; i >= 0; i--) {
      const e: unknown = added[i];
      if (!isEntry(e) || ids.has(e.id) || !matchesFilters(e, f)) continue;
      ids.add(e.id);
      fresh.push(e);
    }
    if (!fresh.length) return [];
    fresh.sort((a, b) => timeOf(b) - timeOf(a));
    const events = fresh.filter((e): e is FeedEvent => e.kind === 'event');
    batch(() => {
      entries.value = fresh.concat(entries.value);
      total.value += events.length;
      // Keep the same entry under the keyboard focus.
      if (activeIndex.value > 0) activeIndex.value += fresh.length;
      prepended.value = { count: fresh.length, seq: prepended.value.seq + 1 };
    });
    return events;
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
      api.send['feed:opened'](event.id);
    } catch {
      // the bridge is gone; nothing to tell
    }
    if (!event.read) void markRead([event.id]);
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
      if (isEntry(event) && event.kind === 'event') showEvent(event);
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
    status,
    error,
    activeIndex,
    detail,
    prepended,
    copyState,
    reload,
    loadMore,
    addEntries,
    setFilters,
    setText,
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
