// The history's memory: the live entries in arrival order, looked up by id, with their counts,
// retention and the queries the feed runs. No files here (record-log.ts keeps them on disk), so
// every rule about what is kept and what a query returns is decided in one place.
import type { Clock } from '../clock';
import type {
  HistoryEntry,
  HistoryEvent,
  HistoryGap,
  HistoryPage,
  FeedQuery,
} from '../common/views';

const DAY_MS = 86_400_000;
export const DEFAULT_PAGE = 200;
const MAX_GAPS = 1000;

export interface Entry {
  seq: number;
  /**
   * Never mutated once stored: a read mark replaces it with a copy. So append() can hand the
   * very object it stored to the caller, without a defensive copy per event.
   */
  feed: HistoryEntry;
  /** lower-cased searchable text, built on the first text query */
  hay?: string;
}

export const clampInt = (v: unknown, min: number, max: number, fallback: number) =>
  // Stryker disable next-line ConditionalExpression: for the types only; Number.isFinite refuses anything but a number
  typeof v === 'number' && Number.isFinite(v)
    ? Math.min(max, Math.max(min, Math.floor(v)))
    : fallback;

export class FeedIndex {
  readonly #clock: Clock;
  #maxEvents: number;
  #maxAgeDays: number;
  /** live entries, oldest first (ascending seq = arrival order) */
  #entries: Entry[] = [];
  readonly #byId = new Map<string, Entry>();
  #eventCount = 0;
  #unread = 0;
  #nextSeq = 1;

  constructor(clock: Clock, maxEvents: number, maxAgeDays: number) {
    this.#clock = clock;
    this.#maxEvents = maxEvents;
    this.#maxAgeDays = maxAgeDays;
  }

  // ---- entries --------------------------------------------------------------------------

  /** The next sequence number, taken. */
  takeSeq(): number {
    return this.#nextSeq++;
  }

  /** A record read back carried `seq`: later entries must come after it. */
  noteSeq(seq: number): void {
    this.#nextSeq = Math.max(this.#nextSeq, seq + 1);
  }

  /** The sequence number of the newest entry so far (0 before any). */
  lastSeq(): number {
    return this.#nextSeq - 1;
  }

  has(id: string): boolean {
    return this.#byId.has(id);
  }

  entryOf(id: string): Entry | undefined {
    return this.#byId.get(id);
  }

  /** Every live entry, oldest first; read-only for the caller (compaction). */
  all(): readonly Entry[] {
    return this.#entries;
  }

  /** A new entry, newer than every other. */
  add(entry: Entry): void {
    this.#entries.push(entry);
    this.#byId.set(entry.feed.id, entry);
    if (entry.feed.kind === 'event') {
      this.#eventCount++;
      if (!entry.feed.read) this.#unread++;
    }
  }

  /** Records are written in seq order; this keeps memory ordered even if a file was not. */
  insertInOrder(entry: Entry): void {
    const last = this.#entries[this.#entries.length - 1];
    this.add(entry);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: sorting an ordered array changes nothing; the check only saves the sort
    if (last && last.seq > entry.seq) this.#entries.sort((a, b) => a.seq - b.seq);
  }

  /** Take out a live entry; one that is not (any more) live changes nothing, counts included. */
  remove(entry: Entry): void {
    const i = this.#entries.indexOf(entry);
    if (i < 0) return;
    this.#entries.splice(i, 1);
    this.#forget(entry);
  }

  // ---- read marks -----------------------------------------------------------------------

  /** Mark these ids read; returns the ids that changed. */
  markRead(ids: readonly unknown[]): string[] {
    const changed: string[] = [];
    for (const id of ids) {
      // Stryker disable next-line ConditionalExpression: for the types only; the Map has only string keys
      const entry = typeof id === 'string' ? this.#byId.get(id) : undefined;
      if (entry && markEntryRead(entry)) {
        this.#unread--;
        changed.push(entry.feed.id);
      }
    }
    return changed;
  }

  /** Mark every event up to `seq` read (all of them when omitted). */
  markReadUpTo(seq = Number.POSITIVE_INFINITY): void {
    for (const e of this.#entries) {
      if (e.seq <= seq && markEntryRead(e)) this.#unread--;
    }
  }

  unreadCount(): number {
    return this.#unread;
  }

  counts(): { events: number; gaps: number; entries: number } {
    return {
      events: this.#eventCount,
      gaps: this.#byId.size - this.#eventCount,
      entries: this.#byId.size,
    };
  }

  // ---- retention ------------------------------------------------------------------------

  setLimits(maxEvents: number, maxAgeDays: number): void {
    this.#maxEvents = clampInt(maxEvents, 1, 1_000_000, this.#maxEvents);
    this.#maxAgeDays = clampInt(maxAgeDays, 1, 3650, this.#maxAgeDays);
    this.pruneEverywhere();
  }

  /**
   * Apply retention: age first, then count; gaps older than every kept event go too. Runs
   * after every append, so the usual case costs a few comparisons: entries are in arrival
   * order, so only the oldest needs an age check, and what goes is a run at the front, cut
   * off with one splice instead of copying the whole array.
   */
  prune(): void {
    const cutoff = this.#clock.now() - this.#maxAgeDays * DAY_MS;
    const entries = this.#entries;
    let excess = this.#eventCount - this.#maxEvents;
    let k = 0;
    // Every entry before a dropped event goes: events by age or count, and gaps, which describe
    // a period the feed no longer shows (there are always `excess` events further on).
    while (k < entries.length) {
      const e = entries[k]!;
      if (excess <= 0 && !isTooOld(e, cutoff)) break;
      if (e.feed.kind === 'event') excess--;
      this.#forget(e);
      k++;
    }
    entries.splice(0, k);
    // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: pruneEverywhere keeps 1000 gaps itself; this only decides when to pay for its pass
    if (this.#byId.size - this.#eventCount > MAX_GAPS) this.pruneEverywhere();
  }

  /**
   * The thorough pass, for load, new limits and too many gaps: drops what is too old anywhere
   * (entries can be out of time order after a clock change), then the oldest events beyond
   * maxEvents, then the gaps before any dropped event and the oldest gaps beyond MAX_GAPS.
   * Copies the whole array, so it is kept off the path of every append.
   */
  pruneEverywhere(): void {
    const cutoff = this.#clock.now() - this.#maxAgeDays * DAY_MS;
    let droppedUpTo = -1;
    const drop = (e: Entry) => {
      this.#forget(e);
      if (e.feed.kind === 'event') droppedUpTo = Math.max(droppedUpTo, e.seq);
    };
    let kept = this.#entries.filter((e) => {
      if (!isTooOld(e, cutoff)) return true;
      drop(e);
      return false;
    });
    let excess = this.#eventCount - this.#maxEvents;
    kept = kept.filter((e) => {
      if (excess <= 0 || e.feed.kind !== 'event') return true;
      excess--;
      drop(e);
      return false;
    });
    let gapsLeft = this.#byId.size - this.#eventCount;
    this.#entries = kept.filter((e) => {
      if (e.feed.kind !== 'gap') return true;
      // Stryker disable next-line EqualityOperator: a gap never has the seq of an event
      if (e.seq > droppedUpTo && gapsLeft <= MAX_GAPS) return true;
      gapsLeft--;
      drop(e);
      return false;
    });
  }

  // ---- queries --------------------------------------------------------------------------

  /**
   * Newest first, paged: pass the page's nextCursor as `before` for the next one. Gap markers
   * are included unless the query asks for unread events or searches text.
   */
  query(q: FeedQuery = {}): HistoryPage {
    this.prune();
    const limit = clampInt(q?.limit, 1, 10_000, DEFAULT_PAGE);
    const before = parseCursor(q?.before);
    const channels = q?.channels?.length ? new Set<string>(q.channels) : null;
    const severities = q?.severities?.length ? new Set<string>(q.severities) : null;
    const types = q?.events?.length ? new Set<string>(q.events) : null;
    const unreadOnly = q?.unreadOnly === true;
    const text = typeof q?.text === 'string' ? q.text.trim().toLowerCase() : '';
    const withGaps = !unreadOnly && text === '';

    const page: HistoryEntry[] = [];
    let total = 0;
    let unread = 0;
    let more = false;
    for (let i = this.#entries.length - 1; i >= 0; i--) {
      const entry = this.#entries[i]!;
      const f = entry.feed;
      const inPage = entry.seq < before;
      if (f.kind === 'gap') {
        if (!withGaps || !inPage) continue;
        if (page.length < limit) page.push({ ...f });
        else more = true;
        continue;
      }
      if (channels && !channels.has(f.channel)) continue;
      if (types && !types.has(f.event)) continue;
      // Stryker disable next-line ConditionalExpression: for the types only; has(null) is false
      if (severities && (f.severity === null || !severities.has(f.severity))) continue;
      if (unreadOnly && f.read) continue;
      if (text && !haystack(entry).includes(text)) continue;
      total++;
      if (!f.read) unread++;
      if (!inPage) continue;
      if (page.length < limit) page.push({ ...f });
      else more = true;
    }
    const last = page[page.length - 1];
    const nextCursor = more && last ? String(this.#byId.get(last.id)!.seq) : null;
    return { entries: page, total, unread, nextCursor };
  }

  /** What query() would give as nextCursor had its page ended at entry `id`; null: no such entry. */
  cursorOf(id: string): string | null {
    const entry = this.#byId.get(id);
    return entry ? String(entry.seq) : null;
  }

  get(id: string): HistoryEvent | null {
    // Stryker disable next-line ConditionalExpression: for the types only; the Map has only string keys
    const entry = typeof id === 'string' ? this.#byId.get(id) : undefined;
    return entry && entry.feed.kind === 'event' ? { ...entry.feed } : null;
  }

  gap(id: string): HistoryGap | null {
    const entry = this.#byId.get(id);
    return entry && entry.feed.kind === 'gap' ? { ...entry.feed } : null;
  }

  /** Take an entry out of the indexes and counts (the caller removes it from #entries). */
  #forget(e: Entry): void {
    this.#byId.delete(e.feed.id);
    if (e.feed.kind === 'event') {
      this.#eventCount--;
      if (!e.feed.read) this.#unread--;
    }
  }
}

/** Mark an unread event read (copy on write, see Entry.feed); false when there was nothing to do. */
function markEntryRead(entry: Entry): boolean {
  const f = entry.feed;
  if (f.kind !== 'event' || f.read) return false;
  entry.feed = { ...f, read: true };
  return true;
}

function isTooOld(e: Entry, cutoff: number): boolean {
  return e.feed.kind === 'event' ? e.feed.receivedAt < cutoff : e.feed.end < cutoff;
}

function parseCursor(before: unknown): number {
  if (!/^\d{1,15}$/.test(String(before))) return Number.POSITIVE_INFINITY;
  return Number(before);
}

function haystack(entry: Entry): string {
  // Stryker disable next-line ConditionalExpression: without the cache, the same text, built again
  if (entry.hay === undefined) {
    const f = entry.feed as HistoryEvent;
    // Stryker disable next-line StringLiteral: any text is as good for "no severity", unless searched for
    const parts: string[] = [f.event, f.channel, f.id, f.severity ?? ''];
    collectText(f.data, parts, 0);
    entry.hay = parts.join('\n').toLowerCase();
  }
  return entry.hay;
}

/** Strings and numbers of a payload, depth-limited, for text search (arrays are objects too). */
function collectText(v: unknown, out: string[], depth: number) {
  if (depth > 6 || out.length > 2000) return;
  if (typeof v === 'string') out.push(v);
  else if (typeof v === 'number' || typeof v === 'boolean') out.push(String(v));
  else if (typeof v === 'object' && v !== null)
    for (const x of Object.values(v)) collectText(x, out, depth + 1);
}
