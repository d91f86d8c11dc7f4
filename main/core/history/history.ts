// The event history: what the feed shows, kept across restarts. One append-only log file of
// checksummed records (record.ts), written in batches at most `flushIntervalMs` apart with an
// fsync each time, so a crash or power cut loses at most the last second and never what was
// stored before; a damaged or torn record is skipped and counted, never fatal. Now and then the
// live entries are rewritten into a fresh file (temp file, fsync, rename), which drops records
// that retention, read marks and damage made obsolete. Queries run over memory.
import { isUtf8 } from 'node:buffer';
import { constants as fsConstants } from 'node:fs';
import { copyFile, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { systemClock } from '../clock';
import type { Clock, TimerHandle } from '../clock';
import type { Gap } from '../connection/types';
import { channelOf, checkServerMessage, isEventType } from '../common/protocol';
import type { EventMessage } from '../common/protocol';
import { severityOf } from '../severity';
import type { FeedEntry, FeedEvent, FeedGap, FeedPage, FeedQuery } from '../common/views';
import { decodeRecord } from './record';
import type { EventRecord, GapRecord, HistoryRecord } from './record';
import { RecordBuffer } from './record-buffer';

export const HISTORY_FILE = 'events.log';
export const DAMAGED_COPY = 'events.damaged.log';
const DAY_MS = 86_400_000;
const DEFAULT_PAGE = 200;
const MAX_GAPS = 1000;
const NEWLINE = 0x0a;

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
  log?: (message: string) => void;
}

export interface HistoryInfo {
  events: number;
  gaps: number;
  fileBytes: number;
  damagedRecordsSkipped: number;
  /** the last write problem, or null; the history keeps working in memory meanwhile */
  lastError: string | null;
}

interface Entry {
  seq: number;
  /**
   * Never mutated once stored: a read mark replaces it with a copy. So append() can hand the
   * very object it stored to the caller, without a defensive copy per event.
   */
  feed: FeedEntry;
  /** lower-cased searchable text, built on the first text query */
  hay?: string;
}

const clampInt = (v: unknown, min: number, max: number, fallback: number) =>
  typeof v === 'number' && Number.isFinite(v)
    ? Math.min(max, Math.max(min, Math.floor(v)))
    : fallback;

export class EventHistory {
  readonly #file: string;
  readonly #tmp: string;
  readonly #dir: string;
  readonly #clock: Clock;
  readonly #flushMs: number;
  readonly #log: (m: string) => void;
  readonly #compactionSlack: number;
  #maxEvents: number;
  #maxAgeDays: number;

  /** live entries, oldest first (ascending seq = arrival order) */
  #entries: Entry[] = [];
  readonly #byId = new Map<string, Entry>();
  #eventCount = 0;
  #unread = 0;
  #nextSeq = 1;

  readonly #pending = new RecordBuffer();
  #timer: TimerHandle | undefined;
  #chain: Promise<void> = Promise.resolve();
  #handle: FileHandle | null = null;
  #persist = true;
  #needsCompaction = false;
  #recordsOnDisk = 0;
  #fileBytes = 0;
  #damaged = 0;
  #lastError: string | null = null;
  #closed = false;

  private constructor(opts: HistoryOptions) {
    this.#dir = opts.dir;
    this.#file = join(opts.dir, HISTORY_FILE);
    this.#tmp = `${this.#file}.tmp`;
    this.#clock = opts.clock ?? systemClock;
    this.#flushMs = clampInt(opts.flushIntervalMs, 10, 1000, 500);
    this.#maxEvents = clampInt(opts.maxEvents, 1, 1_000_000, 5000);
    this.#maxAgeDays = clampInt(opts.maxAgeDays, 1, 3650, 30);
    this.#log = opts.log ?? (() => {});
    this.#compactionSlack = clampInt(opts.compactionSlack, 0, 1_000_000, 1000);
  }

  /**
   * Load the history in `dir` (created when missing). Never rejects: damaged records are
   * skipped and counted in info(), and a folder that cannot be written leaves a history that
   * works in memory and says why in info().lastError.
   */
  static async open(opts: HistoryOptions): Promise<EventHistory> {
    const h = new EventHistory(opts);
    await h.#load();
    return h;
  }

  // ---- writing ----------------------------------------------------------------------------

  /**
   * Store new events (unknown types and ids already stored are skipped); returns what was
   * stored. `frames[i]`, when given, holds the bytes of the frame `events[i]` arrived in (see
   * ConnectionEvents.events): they are stored as they are, which costs a fraction of encoding
   * the event again. A frame spread over several lines (a server that pretty-prints) cannot be
   * one record line, and bytes that are not UTF-8 would not read back (the engine's frames
   * always are: ws checks them), so those events are encoded after all.
   */
  append(
    events: readonly EventMessage[],
    receivedAt?: number,
    frames?: readonly Uint8Array[],
  ): FeedEvent[] {
    if (this.#closed || !Array.isArray(events)) return [];
    const at =
      typeof receivedAt === 'number' && Number.isFinite(receivedAt)
        ? receivedAt
        : this.#clock.now();
    const stored: FeedEvent[] = [];
    const withFrames = Array.isArray(frames) && frames.length === events.length;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      // Duplicates are the common skip (a replay after a reconnect): skip them before building.
      if (e && typeof e.id === 'string' && this.#byId.has(e.id)) continue;
      const feed = toFeedEvent(e, at);
      if (!feed) continue;
      const entry: Entry = { seq: this.#nextSeq++, feed };
      if (this.#persist) {
        const frame = withFrames ? frames[i] : undefined;
        if (frame instanceof Uint8Array && !frame.includes(NEWLINE) && isUtf8(frame)) {
          this.#pending.appendFrame(entry.seq, at, frame);
          this.#armFlush();
        } else {
          this.#write(toRecord(entry));
        }
      }
      this.#add(entry);
      // The stored object itself: entries are never mutated (see Entry.feed).
      stored.push(feed);
    }
    if (stored.length) this.#prune();
    return stored;
  }

  /** Record a disconnected period (from the connection engine's 'gap' event). */
  addGap(gap: Gap): FeedGap {
    const start = Number(gap?.start);
    const end = Number(gap?.end);
    const s = Number.isFinite(start) ? start : this.#clock.now();
    const e = Number.isFinite(end) && end >= s ? end : s;
    const id = `gap:${s}-${e}`;
    const existing = this.#byId.get(id);
    if (existing) return { ...(existing.feed as FeedGap) };
    const feed: FeedGap = { kind: 'gap', id, start: s, end: e };
    if (this.#closed) return feed;
    const seq = this.#nextSeq++;
    this.#add({ seq, feed });
    this.#write({ k: 'g', seq, id, start: s, end: e });
    this.#prune();
    return { ...feed };
  }

  /** Mark events read; returns the unread count after. */
  markRead(ids: readonly string[]): number {
    if (!Array.isArray(ids)) return this.#unread;
    const changed = this.#applyRead(ids);
    if (changed.length && !this.#closed) this.#write({ k: 'r', ids: changed });
    return this.#unread;
  }

  markAllRead(): number {
    if (this.#unread === 0) return 0;
    for (const entry of this.#entries) markEntryRead(entry);
    this.#unread = 0;
    if (!this.#closed) this.#write({ k: 'a', seq: this.#nextSeq - 1 });
    return 0;
  }

  setLimits(maxEvents: number, maxAgeDays: number): void {
    this.#maxEvents = clampInt(maxEvents, 1, 1_000_000, this.#maxEvents);
    this.#maxAgeDays = clampInt(maxAgeDays, 1, 3650, this.#maxAgeDays);
    this.#pruneEverywhere();
  }

  /** Write what is pending now (and compact when due). Never rejects. */
  flush(): Promise<void> {
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#chain = this.#chain.then(() => this.#writePending());
    return this.#chain;
  }

  /** Flush and close the file. Later appends are ignored. */
  async close(): Promise<void> {
    if (this.#closed) return this.#chain;
    await this.flush();
    this.#closed = true;
    this.#chain = this.#chain.then(async () => {
      await this.#handle?.close().catch(() => {});
      this.#handle = null;
    });
    return this.#chain;
  }

  // ---- reading ----------------------------------------------------------------------------

  /**
   * Newest first, paged: pass the page's nextCursor as `before` for the next one. Gap markers
   * are included unless the query asks for unread events or searches text.
   */
  query(q: FeedQuery = {}): FeedPage {
    this.#prune();
    const limit = clampInt(q?.limit, 1, 10_000, DEFAULT_PAGE);
    const before = parseCursor(q?.before);
    const channels = q?.channels?.length ? new Set<string>(q.channels) : null;
    const severities = q?.severities?.length ? new Set<string>(q.severities) : null;
    const types = q?.events?.length ? new Set<string>(q.events) : null;
    const unreadOnly = q?.unreadOnly === true;
    const text = typeof q?.text === 'string' ? q.text.trim().toLowerCase() : '';
    const withGaps = !unreadOnly && text === '';

    const page: FeedEntry[] = [];
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
      if (severities && (f.severity === null || !severities.has(f.severity))) continue;
      if (unreadOnly && f.read) continue;
      if (text && !this.#haystack(entry).includes(text)) continue;
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

  get(id: string): FeedEvent | null {
    const entry = typeof id === 'string' ? this.#byId.get(id) : undefined;
    return entry && entry.feed.kind === 'event' ? { ...entry.feed } : null;
  }

  unreadCount(): number {
    return this.#unread;
  }

  info(): HistoryInfo {
    return {
      events: this.#eventCount,
      gaps: this.#byId.size - this.#eventCount,
      fileBytes: this.#fileBytes,
      damagedRecordsSkipped: this.#damaged,
      lastError: this.#lastError,
    };
  }

  // ---- memory -----------------------------------------------------------------------------

  #applyRead(ids: readonly unknown[]): string[] {
    const changed: string[] = [];
    for (const id of ids) {
      const entry = typeof id === 'string' ? this.#byId.get(id) : undefined;
      if (entry && markEntryRead(entry)) {
        this.#unread--;
        changed.push(entry.feed.id);
      }
    }
    return changed;
  }

  #add(entry: Entry) {
    this.#entries.push(entry);
    this.#byId.set(entry.feed.id, entry);
    if (entry.feed.kind === 'event') {
      this.#eventCount++;
      if (!entry.feed.read) this.#unread++;
    }
  }

  /**
   * Apply retention: age first, then count; gaps older than every kept event go too. Runs
   * after every append, so the usual case costs a few comparisons: entries are in arrival
   * order, so only the oldest needs an age check, and what goes is a run at the front, cut
   * off with one splice instead of copying the whole array.
   */
  #prune() {
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
    if (k > 0) entries.splice(0, k);
    if (this.#byId.size - this.#eventCount > MAX_GAPS) this.#pruneEverywhere();
  }

  /**
   * The thorough pass, for load, new limits and too many gaps: drops what is too old anywhere
   * (entries can be out of time order after a clock change), then the oldest events beyond
   * maxEvents, then the gaps before any dropped event and the oldest gaps beyond MAX_GAPS.
   * Copies the whole array, so it is kept off the path of every append.
   */
  #pruneEverywhere() {
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
    if (excess > 0) {
      kept = kept.filter((e) => {
        if (excess <= 0 || e.feed.kind !== 'event') return true;
        excess--;
        drop(e);
        return false;
      });
    }
    let gapsLeft = this.#byId.size - this.#eventCount;
    this.#entries = kept.filter((e) => {
      if (e.feed.kind !== 'gap') return true;
      if (e.seq > droppedUpTo && gapsLeft <= MAX_GAPS) return true;
      gapsLeft--;
      drop(e);
      return false;
    });
  }

  /** Take an entry out of the indexes and counts (the caller removes it from #entries). */
  #forget(e: Entry) {
    this.#byId.delete(e.feed.id);
    if (e.feed.kind === 'event') {
      this.#eventCount--;
      if (!e.feed.read) this.#unread--;
    }
  }

  #haystack(entry: Entry): string {
    if (entry.hay === undefined) {
      const f = entry.feed as FeedEvent;
      const parts: string[] = [f.event, f.channel, f.id, f.severity ?? ''];
      collectText(f.data, parts, 0);
      entry.hay = parts.join('\n').toLowerCase();
    }
    return entry.hay;
  }

  // ---- file -------------------------------------------------------------------------------

  /** Queue one record for the next flush. */
  #write(rec: HistoryRecord) {
    if (!this.#persist) return;
    let line: string;
    try {
      line = JSON.stringify(rec);
    } catch (err) {
      this.#log(`history: a record could not be encoded, not stored: ${(err as Error).message}`);
      return;
    }
    this.#pending.append(line);
    this.#armFlush();
  }

  #dropUnwritable(e: Entry) {
    const i = this.#entries.indexOf(e);
    if (i >= 0) this.#entries.splice(i, 1);
    this.#forget(e);
    this.#log(`history: event ${e.feed.id.slice(0, 64)} could not be encoded; dropped`);
  }

  #armFlush() {
    if (this.#timer === undefined) {
      this.#timer = this.#clock.setTimeout(() => {
        this.#timer = undefined;
        void this.flush();
      }, this.#flushMs);
    }
  }

  async #writePending(): Promise<void> {
    // After close() nothing may reopen the file (a late timer, a pending compaction).
    if (!this.#persist || this.#closed) return;
    try {
      if (this.#needsCompaction || this.#compactionDue()) {
        await this.#compact();
        return;
      }
      if (this.#pending.records === 0) return;
      const { parts, bytes, records } = this.#pending.take();
      this.#handle ??= await open(this.#file, 'a', 0o600);
      await writeAll(this.#handle, parts, bytes);
      // Batched durability: one fsync per flush, flushes at most a second apart.
      await this.#handle.datasync();
      this.#recordsOnDisk += records;
      this.#fileBytes += bytes;
      this.#lastError = null;
      if (this.#compactionDue()) await this.#compact();
    } catch (err) {
      // Memory is the truth: the next flush rewrites the whole file from it.
      this.#needsCompaction = true;
      this.#pending.clear();
      this.#fail(`cannot write the history file: ${(err as Error).message}`);
    }
  }

  #compactionDue(): boolean {
    return this.#recordsOnDisk > 2 * this.#byId.size + this.#compactionSlack;
  }

  /** Rewrite the file from memory: temp file, fsync, rename, fsync the folder. */
  async #compact(): Promise<void> {
    // Snapshot and pending queue are taken together, before the first await: records written
    // after this moment stay pending for the next flush and land after the snapshot.
    const snapshot = new RecordBuffer();
    const unwritable: Entry[] = [];
    for (const e of this.#entries) {
      const line = recordLine(e);
      if (line === null) unwritable.push(e);
      else snapshot.append(line);
    }
    // One entry that cannot be encoded must not fail every compaction after it (and with it
    // every later write): it leaves memory as it leaves the file.
    for (const e of unwritable) this.#dropUnwritable(e);
    this.#pending.clear();
    const { parts, bytes, records } = snapshot.take();
    await this.#handle?.close().catch(() => {});
    this.#handle = null;
    const tmp = await open(this.#tmp, 'w', 0o600);
    try {
      await writeAll(tmp, parts, bytes);
      await tmp.sync();
    } finally {
      await tmp.close();
    }
    await rename(this.#tmp, this.#file);
    await fsyncDir(this.#dir);
    this.#handle = await open(this.#file, 'a', 0o600);
    this.#recordsOnDisk = records;
    this.#fileBytes = bytes;
    this.#needsCompaction = false;
    this.#lastError = null;
  }

  async #load(): Promise<void> {
    try {
      await mkdir(this.#dir, { recursive: true });
      // A temp file is what is left of a compaction that crashed before its rename: the log
      // itself is still whole, so the temp file is simply dropped.
      await rm(this.#tmp, { force: true });
    } catch (err) {
      this.#persist = false;
      this.#fail(
        `history is kept in memory only: cannot use ${this.#dir}: ${(err as Error).message}`,
      );
      return;
    }
    let text = '';
    try {
      text = await readFile(this.#file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.#fail(`cannot read the history file, starting empty: ${(err as Error).message}`);
        await this.#keepDamagedCopy();
        this.#needsCompaction = true;
      }
    }
    const lines = text.split('\n');
    const tail = lines.pop() ?? ''; // after the last newline: empty, or a torn last record
    if (tail.length > 0) this.#damaged++;
    for (const line of lines) {
      if (line.length === 0) continue;
      const rec = decodeRecord(line);
      if (!rec || !this.#replay(rec)) {
        this.#damaged++;
        continue;
      }
      this.#recordsOnDisk++;
    }
    this.#fileBytes = Buffer.byteLength(text, 'utf8');
    this.#pruneEverywhere();
    if (this.#damaged > 0) {
      this.#log(`history: skipped ${this.#damaged} damaged record(s) in ${this.#file}`);
      await this.#keepDamagedCopy();
      // Rewrite now so that new records never land after a torn line.
      this.#needsCompaction = true;
    }
    if (this.#needsCompaction || this.#compactionDue()) {
      try {
        await this.#compact();
      } catch (err) {
        this.#needsCompaction = true;
        this.#fail(`cannot rewrite the history file: ${(err as Error).message}`);
      }
    }
  }

  /** Apply one record read from the file; false when it is damaged. */
  #replay(rec: HistoryRecord): boolean {
    if ('seq' in rec) this.#nextSeq = Math.max(this.#nextSeq, rec.seq + 1);
    switch (rec.k) {
      case 'f': {
        // The same check as when the frame arrived; a frame that fails it now was altered.
        const checked = checkServerMessage(rec.m);
        if (!checked.ok || checked.message.type !== 'event') return false;
        // An event type no longer in the catalogue is skipped, not damage (as for `e`).
        const feed = toFeedEvent(checked.message, rec.at);
        if (feed && !this.#byId.has(feed.id)) {
          this.#insertInOrder({ seq: rec.seq, feed });
        }
        return true;
      }
      case 'e': {
        if (this.#byId.has(rec.id) || !isEventType(rec.event)) return true;
        const feed: FeedEvent = {
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
        this.#insertInOrder({ seq: rec.seq, feed });
        return true;
      }
      case 'g': {
        if (this.#byId.has(rec.id)) return true;
        this.#insertInOrder({
          seq: rec.seq,
          feed: { kind: 'gap', id: rec.id, start: rec.start, end: rec.end },
        });
        return true;
      }
      case 'r':
        this.#applyRead(rec.ids);
        return true;
      case 'a':
        for (const e of this.#entries) {
          if (e.seq <= rec.seq && markEntryRead(e)) this.#unread--;
        }
        return true;
    }
  }

  /** Records are written in seq order; this keeps memory ordered even if a file was not. */
  #insertInOrder(entry: Entry) {
    const last = this.#entries[this.#entries.length - 1];
    if (!last || last.seq < entry.seq) {
      this.#add(entry);
      return;
    }
    this.#add(entry);
    this.#entries.sort((a, b) => a.seq - b.seq);
  }

  async #keepDamagedCopy() {
    try {
      await stat(this.#file);
      await copyFile(this.#file, join(this.#dir, DAMAGED_COPY), fsConstants.COPYFILE_FICLONE);
    } catch {
      // best effort: the copy is for a bug report, not for the app
    }
  }

  #fail(message: string) {
    this.#lastError = message;
    this.#log(`history: ${message}`);
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

function toRecord(e: Entry): EventRecord | GapRecord {
  const f = e.feed;
  if (f.kind === 'gap') return { k: 'g', seq: e.seq, id: f.id, start: f.start, end: f.end };
  const rec: EventRecord = {
    k: 'e',
    seq: e.seq,
    id: f.id,
    event: f.event,
    timestamp: f.timestamp,
    receivedAt: f.receivedAt,
    data: f.data,
  };
  if (f.read) rec.read = true;
  return rec;
}

/** An entry's record as one line of JSON, or null when it cannot be encoded. */
function recordLine(e: Entry): string | null {
  try {
    return JSON.stringify(toRecord(e));
  } catch {
    return null;
  }
}

function toFeedEvent(e: EventMessage, receivedAt: number): FeedEvent | null {
  if (!e || typeof e !== 'object') return null;
  if (typeof e.id !== 'string' || e.id.length === 0 || e.id.length > 256) return null;
  if (typeof e.event !== 'string' || !isEventType(e.event)) return null;
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

function parseCursor(before: unknown): number {
  if (typeof before !== 'string' || !/^\d{1,15}$/.test(before)) return Number.POSITIVE_INFINITY;
  return Number(before);
}

/** Strings and numbers of a payload, depth-limited, for text search. */
function collectText(v: unknown, out: string[], depth: number) {
  if (depth > 6 || out.length > 2000) return;
  if (typeof v === 'string') out.push(v);
  else if (typeof v === 'number' || typeof v === 'boolean') out.push(String(v));
  else if (Array.isArray(v)) for (const x of v) collectText(x, out, depth + 1);
  else if (v && typeof v === 'object')
    for (const x of Object.values(v)) collectText(x, out, depth + 1);
}

/** writev until every byte is written: a short write (a full disk, a signal) must not tear a record. */
async function writeAll(handle: FileHandle, parts: Buffer[], bytes: number): Promise<void> {
  let written = (await handle.writev(parts)).bytesWritten;
  while (written < bytes) {
    const rest = Buffer.concat(parts).subarray(written);
    const more = (await handle.write(rest)).bytesWritten;
    if (more === 0) throw new Error(`the file took ${written} of ${bytes} bytes`);
    written += more;
  }
}

async function fsyncDir(dir: string) {
  // Makes the rename itself durable on Linux; Windows cannot open a folder and does not need it.
  try {
    const h = await open(dir, 'r');
    try {
      await h.sync();
    } finally {
      await h.close();
    }
  } catch {
    // best effort
  }
}
