// Where a snooze waits out a restart: a snooze is a promise to the user ("quiet for 4 hours"),
// so it is kept in a small file beside the notified ids (seen-store.ts) and read back at start.
import { readFileSync, writeFileSync } from 'node:fs';
import { SILENT_LOG } from '../log/scoped';
import type { ScopedLog } from '../log/scoped';

export interface SnoozeStore {
  /** the saved snooze end (epoch ms) when it is still ahead of `now`, else null */
  read(now: number): number | null;
  /** save the snooze end, or null when there is none; a failed write is logged, never thrown */
  write(until: number | null): void;
}

export function fileSnoozeStore(path: string, log: ScopedLog = SILENT_LOG): SnoozeStore {
  return {
    read(now) {
      try {
        // Stryker disable next-line OptionalChaining: null.until throws into the catch below: the same null
        const until = (JSON.parse(readFileSync(path, 'utf8')) as { until?: unknown } | null)?.until;
        // Stryker disable next-line ConditionalExpression: for the types only; Number.isFinite refuses anything but a number
        return typeof until === 'number' && Number.isFinite(until) && until > now ? until : null;
      } catch {
        return null;
      }
    },
    write(until) {
      try {
        writeFileSync(path, JSON.stringify({ until }));
      } catch (err) {
        log.warn(`could not save the snooze: ${(err as Error).message}`);
      }
    },
  };
}
