// The history's durable side: one append-only file of checksummed records (record.ts), written
// in batches at most `flushMs` apart with an fsync each time, so a crash or power cut loses at
// most the last second and never what was stored before. A damaged or torn record is skipped
// and counted, never fatal. Now and then the live entries are rewritten into a fresh file (temp
// file, fsync, rename), which drops records that retention, read marks and damage made obsolete.
// What the entries mean is feed-index.ts's business; this file only keeps them.
import { constants as fsConstants } from 'node:fs';
import { copyFile, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock, TimerHandle } from '../clock';
import type { ScopedLog } from '../log/scoped';
import type { Entry } from './feed-index';
import { decodeRecord } from './record';
import type { EventRecord, GapRecord, HistoryRecord } from './record';
import { RecordBuffer } from './record-buffer';

export const HISTORY_FILE = 'events.log';
export const DAMAGED_COPY = 'events.damaged.log';
/** entries encoded between two turns of the event loop when the file is rewritten */
const COMPACTION_SLICE = 500;

/** What the log needs of memory: the live entries, to rewrite the file from them. */
export interface LiveEntries {
  all(): readonly Entry[];
  size(): number;
  /** an entry that cannot be encoded leaves memory as it leaves the file */
  remove(entry: Entry): void;
}

export interface RecordLogOptions {
  dir: string;
  clock: Clock;
  flushMs: number;
  /** records tolerated beyond twice the live entries before the file is rewritten */
  compactionSlack: number;
  log: ScopedLog;
  live: LiveEntries;
  /** apply one record read at open; false when it is damaged */
  replay: (rec: HistoryRecord) => boolean;
  /** after every record was replayed, before a rewrite (retention, for example) */
  replayed: () => void;
}

export class RecordLog {
  readonly #opts: RecordLogOptions;
  readonly #file: string;
  readonly #tmp: string;
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

  private constructor(opts: RecordLogOptions) {
    this.#opts = opts;
    this.#file = join(opts.dir, HISTORY_FILE);
    this.#tmp = `${this.#file}.tmp`;
  }

  /** Read the file back through `replay`. Never rejects (see EventHistory.open). */
  static async open(opts: RecordLogOptions): Promise<RecordLog> {
    const log = new RecordLog(opts);
    await log.#load();
    return log;
  }

  /** false once closed, or when the folder could not be used (memory only) */
  get persisting(): boolean {
    // Stryker disable next-line ConditionalExpression,LogicalOperator: write() refuses the same cases; callers use this to skip the encoding
    return this.#persist && !this.#closed;
  }

  info(): {
    fileBytes: number;
    queuedRecords: number;
    damagedRecordsSkipped: number;
    lastError: string | null;
  } {
    return {
      fileBytes: this.#fileBytes,
      queuedRecords: this.#pending.records,
      damagedRecordsSkipped: this.#damaged,
      lastError: this.#lastError,
    };
  }

  /** Queue one record for the next flush. */
  write(rec: HistoryRecord): void {
    if (!this.#persist || this.#closed) return;
    let line: string;
    try {
      line = JSON.stringify(rec);
    } catch (err) {
      this.#opts.log.warn(`a record could not be encoded, not stored: ${(err as Error).message}`);
      return;
    }
    if (this.#superseded()) return;
    this.#pending.append(line);
    this.#armFlush();
  }

  /** Queue an event as the frame it arrived in (an `f` record; the caller checked the text). */
  writeFrame(seq: number, at: number, frame: string): void {
    // Stryker disable next-line ConditionalExpression,LogicalOperator: append() calls this only while persisting; the guard keeps the promise of write()
    if (!this.#persist || this.#closed) return;
    if (this.#superseded()) return;
    this.#pending.appendFrame(seq, at, frame);
    this.#armFlush();
  }

  /**
   * True when the next flush rewrites the file from memory anyway, which makes queueing a
   * record pointless: it is live in memory, and the rewrite writes it. Under a flood this is
   * most of the time: queued records would reach the limit within one flush interval and be
   * written only to be replaced by the rewrite at once. Skipping them keeps the queue (off-heap
   * chunks, which the C allocator does not give back after a flood) to the records that one
   * compaction allows, and saves their encoding and writing.
   */
  #superseded(): boolean {
    if (this.#needsCompaction) {
      // Owed since a failed write, perhaps: the record is live, but only a flush writes it.
      this.#armFlush();
      return true;
    }
    const { live, compactionSlack } = this.#opts;
    if (this.#recordsOnDisk + this.#pending.records < 2 * live.size() + compactionSlack) {
      return false;
    }
    this.#needsCompaction = true;
    this.#pending.clear();
    this.#armFlush();
    return true;
  }

  /** Write what is pending now (and compact when due). Never rejects. */
  flush(): Promise<void> {
    this.#opts.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#chain = this.#chain.then(() => this.#writePending());
    return this.#chain;
  }

  /** Flush and close the file. Later writes are ignored. */
  async close(): Promise<void> {
    // Stryker disable next-line ConditionalExpression: closing twice flushes nothing and closes no handle: the same
    if (this.#closed) return this.#chain;
    await this.flush();
    this.#closed = true;
    this.#chain = this.#chain.then(async () => {
      await this.#handle?.close().catch(() => {});
      this.#handle = null;
    });
    return this.#chain;
  }

  #armFlush() {
    if (this.#timer === undefined) {
      this.#timer = this.#opts.clock.setTimeout(() => {
        this.#timer = undefined;
        void this.flush();
      }, this.#opts.flushMs);
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
    return this.#recordsOnDisk > 2 * this.#opts.live.size() + this.#opts.compactionSlack;
  }

  /** Rewrite the file from memory: temp file, fsync, rename, fsync the folder. */
  async #compact(): Promise<void> {
    // The entries and the pending queue are taken together, before the first await: records
    // written after this moment stay pending for the next flush and land after the snapshot.
    // What the file holds once the rewrite is done is counted from now, so that records queued
    // meanwhile are counted against it (see #superseded). A failure sets #needsCompaction again.
    const entries = this.#opts.live.all().slice();
    this.#pending.clear();
    this.#recordsOnDisk = entries.length;
    this.#needsCompaction = false;
    const snapshot = new RecordBuffer();
    const unwritable: Entry[] = [];
    // Encoded a slice at a time, the event loop let through between slices: 5,000 entries at
    // once held it for 50-100 ms on a busy machine (profiled under a flood), and an alert that
    // arrived meanwhile waited. An entry's record can only gain a read mark in between, which
    // its own pending record repeats.
    for (let from = 0; from < entries.length; from += COMPACTION_SLICE) {
      if (from > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      for (const e of entries.slice(from, from + COMPACTION_SLICE)) {
        const line = recordLine(e);
        if (line === null) unwritable.push(e);
        else snapshot.append(line);
      }
    }
    // One entry that cannot be encoded must not fail every compaction after it (and with it
    // every later write).
    for (const e of unwritable) {
      this.#opts.live.remove(e);
      this.#opts.log.warn(`event ${e.feed.id.slice(0, 64)} could not be encoded; dropped`);
    }
    const { parts, bytes, records } = snapshot.take();
    this.#recordsOnDisk = records;
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
    await fsyncDir(this.#opts.dir);
    this.#handle = await open(this.#file, 'a', 0o600);
    this.#fileBytes = bytes;
    this.#lastError = null;
  }

  async #load(): Promise<void> {
    try {
      await mkdir(this.#opts.dir, { recursive: true });
      // A temp file is what is left of a compaction that crashed before its rename: the log
      // itself is still whole, so the temp file is simply dropped.
      await rm(this.#tmp, { force: true });
    } catch (err) {
      this.#persist = false;
      this.#fail(
        `history is kept in memory only: cannot use ${this.#opts.dir}: ${(err as Error).message}`,
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
    // Stryker disable next-line StringLiteral: split() never returns an empty array
    const tail = lines.pop() ?? ''; // after the last newline: empty, or a torn last record
    if (tail.length > 0) this.#damaged++;
    for (const line of lines) {
      if (line.length === 0) continue;
      const rec = decodeRecord(line);
      if (!rec || !this.#opts.replay(rec)) {
        this.#damaged++;
        continue;
      }
      this.#recordsOnDisk++;
    }
    // Stryker disable next-line StringLiteral: UTF-8 is byteLength's default as well
    this.#fileBytes = Buffer.byteLength(text, 'utf8');
    this.#opts.replayed();
    if (this.#damaged > 0) {
      this.#opts.log.warn(`skipped ${this.#damaged} damaged record(s) in ${this.#file}`);
      await this.#keepDamagedCopy();
      // Rewrite now so that new records never land after a torn line.
      this.#needsCompaction = true;
    }
    if (this.#needsCompaction || this.#compactionDue()) {
      try {
        await this.#compact();
      } catch (err) {
        // Stryker disable next-line BooleanLiteral: a rewrite of a file that could be read fails only where root cannot be stopped (a read-only file system); then this keeps new records from landing after a torn line
        this.#needsCompaction = true;
        this.#fail(`cannot rewrite the history file: ${(err as Error).message}`);
      }
    }
  }

  async #keepDamagedCopy() {
    try {
      await stat(this.#file);
      await copyFile(this.#file, join(this.#opts.dir, DAMAGED_COPY), fsConstants.COPYFILE_FICLONE);
    } catch {
      // best effort: the copy is for a bug report, not for the app
    }
  }

  #fail(message: string) {
    this.#lastError = message;
    this.#opts.log.warn(message);
  }
}

/** An entry as the record compaction writes (an `e` or `g` record). */
export function toRecord(e: Entry): EventRecord | GapRecord {
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

/** writev until every byte is written: a short write (a full disk, a signal) must not tear a record. */
export async function writeAll(handle: FileHandle, parts: Buffer[], bytes: number): Promise<void> {
  let written = (await handle.writev(parts)).bytesWritten;
  while (written < bytes) {
    const rest = Buffer.concat(parts).subarray(written);
    const more = (await handle.write(rest)).bytesWritten;
    if (more === 0) throw new Error(`the file took ${written} of ${bytes} bytes`);
    written += more;
  }
}

// Stryker disable all: what this changes shows only after a power cut, which no test can stage
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
// Stryker restore all
