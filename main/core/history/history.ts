// The event history: what the feed shows, kept across restarts. Two parts with one job each:
// feed-index.ts holds the live entries in memory and answers every query; record-log.ts keeps
// them in a crash-safe file. This class turns the app's calls into an entry for the one and a
// record for the other, and turns records read back at start into entries.
import { systemClock } from '../clock';
import type { Clock, TimerHandle } from '../clock';
import type { Gap } from '../connection/types';
import { channelOf, checkServerMessage, isEventType } from '../common/protocol';
import type { EventMessage } from '../common/protocol';
import { severityOf } from '../severity';
import type { HistoryEvent, HistoryGap, HistoryPage, FeedQuery } from '../common/views';
import { FeedIndex, clampInt } from './feed-index';
import type { Entry } from './feed-index';
import type { HistoryRecord } from './record';
import { SILENT_LOG } from '../log/scoped';
import type { ScopedLog } from '../log/scoped';
import { RecordLog, toRecord } from './record-log';

export { DAMAGED_COPY, HISTORY_FILE } from './record-log';

export interface HistoryOptions {
  dir: string;
  clock?: Clock;
  /** default 5000 */
  maxEvents?: number;
  /** default 30 */
  maxAgeDays?: number;
  /** how long appended entries may wait in memory before they are written; 10..1000, default 500 */
  flushIntervalMs?: number;
  /** records tolerated beyond twice the live entries before the file is rewritten; default 1000 */
  compactionSlack?: number;
  /** problems (damage, write failures) at warn */
  log?: ScopedLog;
  /**
   * Told once the file has been read (see unloaded()), whatever started the read, with the
   * events given before that were stored then, as append() would have returned them (it
   * answered with nothing), so whoever shows the feed has not had them yet.
   */
  loaded?: (held: HistoryEvent[]) => void;
}

export interface HistoryInfo {
  events: number;
  gaps: number;
  /** false until the file has been read (see EventHistory.unloaded) */
  loaded: boolean;
  fileBytes: number;
  /** records waiting for the next write */
  queuedRecords: number;
  damagedRecordsSkipped: number;
  /** the last write problem, or null; the history keeps working in memory meanwhile */
  lastError: string | null;
}

/** A call made before the file was read, applied once it has been; returns what it stored. */
type HeldCall = () => HistoryEvent[] | void;

export class EventHistory {
  readonly #clock: Clock;
  readonly #index: FeedIndex;
  readonly #opts: HistoryOptions;
  readonly #log: ScopedLog;
  readonly #flushMs: number;
  #records: RecordLog | null = null;
  /** null once the file has been read */
  #held: HeldCall[] | null = [];
  #loading: Promise<HistoryEvent[]> | null = null;
  #holdTimer: TimerHandle | undefined;
  #closed = false;

  private constructor(opts: HistoryOptions) {
    this.#opts = opts;
    this.#clock = opts.clock ?? systemClock;
    this.#log = opts.log ?? SILENT_LOG;
    this.#flushMs = clampInt(opts.flushIntervalMs, 10, 1000, 500);
    this.#index = new FeedIndex(
      this.#clock,
      clampInt(opts.maxEvents, 1, 1_000_000, 5000),
      clampInt(opts.maxAgeDays, 1, 3650, 30),
    );
  }

  /**
   * Load the history in `dir` (created when missing). Never rejects: damaged records are
   * skipped and counted in info(), and a folder that cannot be written leaves a history that
   * works in memory and says why in info().lastError.
   */
  static async open(opts: HistoryOptions): Promise<EventHistory> {
    const h = new EventHistory(opts);
    await h.load();
    return h;
  }

  /**
   * A history that has not read its file yet, so that reading it need not delay what matters
   * more at start (connecting). Until load() has finished, it answers from what it holds (no
   * events), and what it is given (events, gaps, read marks) is held and applied, in order,
   * after the records on disk: sequence numbers and de-duplication work as if it had been
   * loaded first. Closing it reads the file first when something is held, so nothing is lost.
   */
  static unloaded(opts: HistoryOptions): EventHistory {
    return new EventHistory(opts);
  }

  get loaded(): boolean {
    return this.#held === null;
  }

  /**
   * Read the file (once; later calls get the same promise). Resolves with the events given
   * before it was read that were stored then (append() answered those with nothing;
   * HistoryOptions.loaded is told the same). Never rejects. A history closed before
   * anything started the read never reads its file.
   */
  load(): Promise<HistoryEvent[]> {
    if (this.#closed && !this.#loading) return Promise.resolve([]);
    return this.#read();
  }

  #read(): Promise<HistoryEvent[]> {
    this.#loading ??= this.#readFile();
    return this.#loading;
  }

  async #readFile(): Promise<HistoryEvent[]> {
    const opts = this.#opts;
    const index = this.#index;
    this.#records = await RecordLog.open({
      dir: opts.dir,
      clock: this.#clock,
      flushMs: this.#flushMs,
      compactionSlack: clampInt(opts.compactionSlack, 0, 1_000_000, 1000),
      log: this.#log,
      live: {
        all: () => index.all(),
        size: () => index.counts().entries,
        remove: (e) => index.remove(e),
      },
      replay: (rec) => this.#replay(rec),
      replayed: () => index.pruneEverywhere(),
    });
    this.#clock.clearTimeout(this.#holdTimer);
    const held = this.#held!;
    this.#held = null;
    const stored: HistoryEvent[] = [];
    for (const call of held) stored.push(...(call() ?? []));
    // What was held has waited already: write it now, not a flush interval later.
    // Stryker disable next-line ConditionalExpression,EqualityOperator: with nothing held nothing is queued, and the file was rewritten at the read if it had to be: a flush would write nothing
    if (held.length > 0) void this.#records.flush();
    try {
      opts.loaded?.(stored);
    } catch (err) {
      this.#log.warn(`after reading the history: ${(err as Error).message}`);
    }
    return stored;
  }

  /**
   * Hold a call until the file is read. The first one also starts the read within a flush
   * interval, so that a held event waits no longer for the disk than a queued one does.
   */
  #hold(call: HeldCall): void {
    // After close(), a read is never started again: nothing held would ever be applied.
    if (this.#closed) return;
    const held = this.#held!;
    if (held.length === 0) {
      this.#holdTimer = this.#clock.setTimeout(() => void this.#read(), this.#flushMs);
    }
    held.push(call);
  }

  // ---- writing ----------------------------------------------------------------------------

  /**
   * Store new events (unknown types and ids already stored are skipped); returns what was
   * stored. `frames[i]`, when given, holds the text of the frame `events[i]` arrived in (see
   * ConnectionEvents.events): it is stored as it is, which costs a fraction of encoding the
   * event again. A frame spread over several lines (a server that pretty-prints) cannot be one
   * record line, and text with a lone surrogate would not be written as it is (the engine's
   * frames never have one: they were decoded from checked UTF-8), so those events are encoded
   * after all.
   */
  append(
    events: readonly EventMessage[],
    receivedAt?: number,
    frames?: readonly string[],
  ): HistoryEvent[] {
    if (this.#closed || !Array.isArray(events)) return [];
    const at =
      // Stryker disable next-line ConditionalExpression: for the types only; Number.isFinite refuses anything but a number
      typeof receivedAt === 'number' && Number.isFinite(receivedAt)
        ? receivedAt
        : this.#clock.now();
    const withFrames = Array.isArray(frames) && frames.length === events.length;
    if (this.#held) {
      const held = events.slice();
      const heldFrames = withFrames ? frames.slice() : undefined;
      this.#hold(() => this.#store(held, at, heldFrames));
      return [];
    }
    return this.#store(events, at, withFrames ? frames : undefined);
  }

  #store(
    events: readonly EventMessage[],
    at: number,
    frames: readonly string[] | undefined,
  ): HistoryEvent[] {
    const records = this.#records!;
    const stored: HistoryEvent[] = [];
    const persisting = records.persisting;
    // Stryker disable next-line EqualityOperator: one past the end is undefined, which toFeedEvent refuses
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      // Duplicates are the common skip (a replay after a reconnect): skip them before building.
      // Stryker disable next-line ConditionalExpression: for the types only; has() of a non-string is false
      if (e && typeof e.id === 'string' && this.#index.has(e.id)) continue;
      const feed = toFeedEvent(e, at);
      if (!feed) continue;
      const entry: Entry = { seq: this.#index.takeSeq(), feed };
      // Stryker disable next-line ConditionalExpression: a log that is not persisting ignores writes; this saves the encoding
      if (persisting) {
        const frame = frames?.[i];
        if (typeof frame === 'string' && !frame.includes('\n') && frame.isWellFormed()) {
          records.writeFrame(entry.seq, at, frame);
        } else {
          records.write(toRecord(entry));
        }
      }
      this.#index.add(entry);
      // The stored object itself: entries are never mutated (see Entry.feed).
      stored.push(feed);
    }
    // Stryker disable next-line ConditionalExpression: pruning again changes nothing; this saves the pass
    if (stored.length) this.#index.prune();
    return stored;
  }

  /**
   * Record a disconnected period (from the connection engine's 'gap' event). Before the file
   * is read the gap is held, and the marker returned is the one it will have.
   */
  addGap(gap: Gap): HistoryGap {
    const start = Number(gap?.start);
    const end = Number(gap?.end);
    const s = Number.isFinite(start) ? start : this.#clock.now();
    // Stryker disable next-line EqualityOperator: end === s gives s either way
    const e = Number.isFinite(end) && end >= s ? end : s;
    const feed: HistoryGap = { kind: 'gap', id: `gap:${s}-${e}`, start: s, end: e };
    if (this.#closed) return feed;
    if (this.#held) {
      this.#hold(() => {
        this.#storeGap(feed);
      });
      return { ...feed };
    }
    return this.#storeGap(feed);
  }

  #storeGap(feed: HistoryGap): HistoryGap {
    const existing = this.#index.gap(feed.id);
    if (existing) return existing;
    const seq = this.#index.takeSeq();
    this.#index.add({ seq, feed });
    this.#records!.write({ k: 'g', seq, id: feed.id, start: feed.start, end: feed.end });
    this.#index.prune();
    return { ...feed };
  }

  /** Mark events read; returns the unread count after (0 while the file is unread). */
  markRead(ids: readonly string[]): number {
    if (!Array.isArray(ids)) return this.#index.unreadCount();
    if (this.#held) {
      const held = ids.slice();
      this.#hold(() => this.#markRead(held));
      return 0;
    }
    this.#markRead(ids);
    return this.#index.unreadCount();
  }

  #markRead(ids: readonly string[]): void {
    const changed = this.#index.markRead(ids);
    if (changed.length) this.#records!.write({ k: 'r', ids: changed });
  }

  markAllRead(): number {
    if (this.#held) {
      this.#hold(() => this.#markAllRead());
      return 0;
    }
    this.#markAllRead();
    return 0;
  }

  #markAllRead(): void {
    if (this.#index.unreadCount() === 0) return;
    this.#index.markReadUpTo();
    this.#records!.write({ k: 'a', seq: this.#index.lastSeq() });
  }

  setLimits(maxEvents: number, maxAgeDays: number): void {
    this.#index.setLimits(maxEvents, maxAgeDays);
  }

  /**
   * Write what is pending now (and compact when due). Before the file is read, something held
   * makes it read the file first. Never rejects.
   */
  async flush(): Promise<void> {
    // Nothing held, or closed before anything started the read: there is no file to write.
    if (this.#held && !this.#loading && (this.#closed || this.#held.length === 0)) return;
    await this.#read();
    await this.#records!.flush();
  }

  /**
   * Flush and close the file. Later appends are ignored. Something held is not lost: the file
   * is read first, and the held calls written.
   */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#held && this.#held.length === 0 && !this.#loading) return;
    await this.#read();
    await this.#records!.close();
  }

  // ---- reading ----------------------------------------------------------------------------

  /**
   * Newest first, paged: pass the page's nextCursor as `before` for the next one. Gap markers
   * are included unless the query asks for unread events or searches text.
   */
  query(q: FeedQuery = {}): HistoryPage {
    return this.#index.query(q);
  }

  /** The cursor of the page that would end at entry `id` (see FeedIndex.cursorOf). */
  cursorOf(id: string): string | null {
    return this.#index.cursorOf(id);
  }

  get(id: string): HistoryEvent | null {
    return this.#index.get(id);
  }

  unreadCount(): number {
    return this.#index.unreadCount();
  }

  info(): HistoryInfo {
    const { events, gaps } = this.#index.counts();
    const file = this.#records?.info() ?? {
      fileBytes: 0,
      queuedRecords: 0,
      damagedRecordsSkipped: 0,
      lastError: null,
    };
    return { events, gaps, loaded: this.loaded, ...file };
  }

  // ---- reading back -----------------------------------------------------------------------

  /** Apply one record read from the file; false when it is damaged. */
  #replay(rec: HistoryRecord): boolean {
    if ('seq' in rec) this.#index.noteSeq(rec.seq);
    switch (rec.k) {
      case 'f': {
        // The same check as when the frame arrived; a frame that fails it now was altered.
        const checked = checkServerMessage(rec.m);
        if (!checked.ok || checked.message.type !== 'event') return false;
        // An event type no longer in the catalogue is skipped, not damage (as for `e`).
        const feed = toFeedEvent(checked.message, rec.at);
        if (feed && !this.#index.has(feed.id)) this.#index.insertInOrder({ seq: rec.seq, feed });
        return true;
      }
      case 'e': {
        if (this.#index.has(rec.id) || !isEventType(rec.event)) return true;
        const feed: HistoryEvent = {
          kind: 'event',
          id: rec.id,
          event: rec.event,
          channel: channelOf(rec.event),
          timestamp: rec.timestamp,
          receivedAt: rec.receivedAt,
          severity: severityOf(rec.event, rec.data),
          read: rec.read === true,
          data: rec.data,
        };
        this.#index.insertInOrder({ seq: rec.seq, feed });
        return true;
      }
      case 'g': {
        if (this.#index.has(rec.id)) return true;
        this.#index.insertInOrder({
          seq: rec.seq,
          feed: { kind: 'gap', id: rec.id, start: rec.start, end: rec.end },
        });
        return true;
      }
      case 'r':
        this.#index.markRead(rec.ids);
        return true;
      case 'a':
        this.#index.markReadUpTo(rec.seq);
        return true;
    }
  }
}

function toFeedEvent(e: EventMessage, receivedAt: number): HistoryEvent | null {
  if (!e) return null;
  if (typeof e.id !== 'string' || e.id.length === 0 || e.id.length > 256) return null;
  if (!isEventType(e.event)) return null;
  const data =
    typeof e.data === 'object' && e.data !== null && !Array.isArray(e.data) ? e.data : {};
  return {
    kind: 'event',
    id: e.id,
    event: e.event,
    channel: channelOf(e.event),
    timestamp: typeof e.timestamp === 'string' ? e.timestamp.slice(0, 64) : null,
    receivedAt,
    severity: severityOf(e.event, data),
    read: false,
    data,
  };
}
