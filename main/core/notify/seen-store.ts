// Which event ids have already been notified, so that no event is notified twice: across
// reconnects (the connection's own de-duplication window is finite) and across restarts.
// Bounded: the oldest ids fall off once the store holds `max`.
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { systemClock } from '../clock';
import type { Clock, TimerHandle } from '../clock';
import { SILENT_LOG } from '../log/scoped';
import type { ScopedLog } from '../log/scoped';

export interface SeenStore {
  has(id: string): boolean;
  /** remember these ids (a file store writes them later, see fileSeenStore) */
  add(ids: readonly string[]): void;
  /** write what is not yet on disk, synchronously; called on shutdown */
  flush?(): void;
}

export interface FileSeenStore extends SeenStore {
  flush(): void;
  /** resolves when no background write is in flight (for tests and orderly shutdowns) */
  idle(): Promise<void>;
  /** how many times the file has been written since the store was opened */
  readonly writes: number;
}

/** The last `max` distinct ids, in insertion order; a ring, so eviction costs no iteration. */
class BoundedIds {
  readonly #ids = new Set<string>();
  readonly #ring: (string | undefined)[];
  #next = 0;
  readonly max: number;
  constructor(max: number) {
    this.max = Number.isFinite(max) ? Math.max(1, Math.floor(max)) : 5000;
    // Stryker disable next-line ArrayDeclaration: the length only sizes the array up front; an empty one grows to the same contents
    this.#ring = new Array<string | undefined>(this.max);
  }
  has(id: string) {
    return this.#ids.has(id);
  }
  add(id: string): boolean {
    if (this.#ids.has(id)) return false;
    const evicted = this.#ring[this.#next];
    // Stryker disable next-line ConditionalExpression: for the types only; deleting undefined from a Set of strings does nothing
    if (evicted !== undefined) this.#ids.delete(evicted);
    this.#ring[this.#next] = id;
    this.#next = (this.#next + 1) % this.max;
    this.#ids.add(id);
    return true;
  }
  /** oldest first */
  list(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.max; i++) {
      const id = this.#ring[(this.#next + i) % this.max];
      if (id !== undefined) out.push(id);
    }
    return out;
  }
}

export function memorySeenStore(max = 5000): SeenStore {
  const ids = new BoundedIds(max);
  return {
    has: (id) => ids.has(id),
    add: (list) => {
      for (const id of list) ids.add(id);
    },
  };
}

/**
 * A seen store kept in a small JSON file (an array of ids, oldest first). Memory is the truth:
 * `add` only schedules a write, and writes are coalesced to at most one per `intervalMs`
 * (default 1000), done in the background, atomically (temp file, fsync, rename), so a flood of
 * notifying events never blocks the event loop on the disk. `flush()` (the notifier's dispose)
 * writes what is left synchronously, so nothing decided before an orderly shutdown is lost; a
 * crash loses at most the last interval, the same promise the history makes.
 * A missing or damaged file starts empty. A write that fails leaves memory the truth and the
 * file as it was (no temp file behind), and is retried at the next interval whether or not
 * another id arrives, so a disk that was full for a moment loses nothing to a later crash; a
 * failed flush is retried by the next change or flush. A streak of failures warns once, and
 * says so at info when a write succeeds again.
 */
export function fileSeenStore(
  path: string,
  opts: { max?: number; log?: ScopedLog; clock?: Clock; intervalMs?: number } = {},
): FileSeenStore {
  const clock = opts.clock ?? systemClock;
  const intervalMs = Math.max(0, opts.intervalMs ?? 1000);
  const log = opts.log ?? SILENT_LOG;
  const ids = new BoundedIds(Math.max(1, opts.max ?? 5000));
  // Two temp names: a synchronous flush may run while a background write is still busy with
  // its own temp file, and neither may clobber the other's half-written file.
  const bgTmp = `${path}.tmp`;
  const syncTmp = `${path}.flush.tmp`;
  try {
    // Stryker disable next-line StringLiteral: without an encoding, JSON.parse reads the Buffer as the same text
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (!Array.isArray(parsed)) throw new Error('it is not a list of ids');
    for (const id of parsed) if (typeof id === 'string') ids.add(id);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      log.warn(
        `notified-ids file ${path} is unreadable and was started afresh: ${(err as Error).message}`,
      );
    }
  }

  /** ids changed since the last snapshot that went to disk (or is on its way) */
  let dirty = false;
  let timer: TimerHandle | undefined;
  /** the background write in flight, if any */
  let writing: Promise<void> | null = null;
  let lastWriteStart = Number.NEGATIVE_INFINITY;
  /** bumped by every synchronous flush: a background write begun before it is stale */
  let generation = 0;
  let writes = 0;
  /** a write failed and none has succeeded since: further failures are not warned again */
  let failing = false;

  const failed = (err: unknown) => {
    const line = `cannot save notified ids to ${path}: ${(err as Error).message}`;
    if (failing) log.debug(line);
    else log.warn(`${line} (kept in memory; retrying)`);
    failing = true;
  };
  const saved = () => {
    writes++;
    if (failing) log.info(`notified ids saved to ${path} again`);
    failing = false;
  };

  const schedule = () => {
    if (timer !== undefined || writing !== null || !dirty) return;
    const wait = Math.max(0, lastWriteStart + intervalMs - clock.monotonic());
    timer = clock.setTimeout(() => {
      timer = undefined;
      startBackgroundWrite();
    }, wait);
  };

  // Runs only from schedule()'s timer, which is set while dirty and idle, and cleared by flush.
  const startBackgroundWrite = () => {
    dirty = false;
    lastWriteStart = clock.monotonic();
    const text = JSON.stringify(ids.list());
    const gen = generation;
    writing = writeInBackground(text, gen)
      .catch((err: unknown) => {
        // A flush has meanwhile written everything this snapshot held: nothing is lost.
        if (gen !== generation) return;
        // Memory stays the truth; schedule() below tries again at the next interval.
        dirty = true;
        failed(err);
      })
      .finally(() => {
        writing = null;
        schedule();
      });
  };

  const writeInBackground = async (text: string, gen: number) => {
    await mkdir(dirname(path), { recursive: true });
    const fh = await open(bgTmp, 'w', 0o600);
    try {
      try {
        await fh.writeFile(text);
        await fh.sync();
      } finally {
        await fh.close();
      }
      if (gen !== generation) {
        // A synchronous flush wrote newer ids meanwhile: this snapshot must not replace them.
        // Stryker disable next-line ObjectLiteral,BooleanLiteral: the temp file was just written, so it exists
        rmSync(bgTmp, { force: true });
        return;
      }
      // The rename is done synchronously, in this same tick as the check above, so that no
      // flush can slip in between and be overwritten by this older snapshot.
      renameSync(bgTmp, path);
    } catch (err) {
      // A half-written snapshot is of no use to anyone. (`force` matters only when the folder
      // vanished between mkdir and open, a race no test can stage.)
      // Stryker disable next-line ObjectLiteral,BooleanLiteral: see above
      rmSync(bgTmp, { force: true });
      throw err;
    }
    saved();
  };

  return {
    has: (id) => ids.has(id),
    add(list) {
      if (!Array.isArray(list)) return;
      for (const id of list) if (typeof id === 'string' && ids.add(id)) dirty = true;
      schedule();
    },
    flush() {
      clock.clearTimeout(timer);
      timer = undefined;
      // A write still in flight holds a snapshot that has not replaced the file yet: write the
      // current ids now and make that write stand down.
      if (!dirty && writing === null) return;
      // Stryker disable next-line UpdateOperator: any change of the generation makes older writes stale
      generation++;
      dirty = false;
      try {
        mkdirSync(dirname(path), { recursive: true });
        const fd = openSync(syncTmp, 'w', 0o600);
        try {
          try {
            writeFileSync(fd, JSON.stringify(ids.list()));
            fsyncSync(fd);
          } finally {
            closeSync(fd);
          }
          renameSync(syncTmp, path);
        } catch (err) {
          // Stryker disable next-line ObjectLiteral,BooleanLiteral: as in the background write
          rmSync(syncTmp, { force: true });
          throw err;
        }
        saved();
      } catch (err) {
        // Memory stays the truth; the next change or flush tries again. No timer here: a
        // flush is the last word at shutdown, and must not leave work running behind it.
        dirty = true;
        failed(err);
      }
    },
    async idle() {
      while (writing !== null) await writing;
    },
    get writes() {
      return writes;
    },
  };
}
