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
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';

export interface SeenStore {
  has(id: string): boolean;
  /** remember these ids; a file store writes them once per call */
  add(ids: readonly string[]): void;
}

class BoundedIds {
  readonly #ids = new Set<string>();
  constructor(readonly max: number) {}
  has(id: string) {
    return this.#ids.has(id);
  }
  add(id: string): boolean {
    if (this.#ids.has(id)) return false;
    this.#ids.add(id);
    while (this.#ids.size > this.max) this.#ids.delete(this.#ids.values().next().value as string);
    return true;
  }
  list() {
    return [...this.#ids];
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
 * A seen store kept in a small JSON file (an array of ids, oldest first), rewritten atomically
 * (temp file, fsync, rename) on each add, so a crash leaves either the old or the new list.
 * A missing or damaged file starts empty; a write that fails keeps working from memory.
 */
export function fileSeenStore(
  path: string,
  opts: { max?: number; log?: (m: string) => void } = {},
): SeenStore {
  const ids = new BoundedIds(Math.max(1, opts.max ?? 5000));
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (Array.isArray(parsed)) for (const id of parsed) if (typeof id === 'string') ids.add(id);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      opts.log?.(
        `notified-ids file ${path} is unreadable and was started afresh: ${(err as Error).message}`,
      );
    }
  }
  return {
    has: (id) => ids.has(id),
    add(list) {
      let changed = false;
      for (const id of list) if (typeof id === 'string' && ids.add(id)) changed = true;
      if (!changed) return;
      try {
        mkdirSync(dirname(path), { recursive: true });
        const tmp = `${path}.tmp`;
        const fd = openSync(tmp, 'w', 0o600);
        try {
          writeFileSync(fd, JSON.stringify(ids.list()));
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
        renameSync(tmp, path);
      } catch (err) {
        opts.log?.(`cannot save notified ids to ${path}: ${(err as Error).message}`);
      }
    },
  };
}
