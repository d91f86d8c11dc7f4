// Lines to stdout that never let a slow reader grow our memory. A pipe into `less` or a stalled
// SSH session reads slower than a server can send; Node then keeps every unwritten line in the
// stream's buffer. Past a bound, lines that may be lost (events, server errors) are dropped and
// counted, and one notice says how many once the reader catches up. Lines that must not be lost
// (connection states, notifications: both few by nature) are always written.

export interface LineSink {
  writableLength: number;
  write(chunk: string): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

export interface BoundedOutput {
  /** a line that may be dropped while the reader is behind */
  droppable(line: string): void;
  /** a line that is always written */
  always(line: string): void;
  /** lines dropped so far and not yet reported */
  pendingDrops(): number;
  /** report drops not yet reported (at exit) */
  flushNotice(): void;
}

/** 1 MiB of unwritten output: a few thousand event lines, far more than a terminal shows. */
export const DEFAULT_MAX_BUFFERED = 1024 * 1024;

export function boundedOutput(
  sink: LineSink,
  notice: (dropped: number) => void,
  maxBuffered = DEFAULT_MAX_BUFFERED,
): BoundedOutput {
  let dropped = 0;
  let waiting = false;

  const report = () => {
    if (dropped === 0) return;
    const n = dropped;
    dropped = 0;
    notice(n);
  };
  const waitForDrain = () => {
    if (waiting) return;
    waiting = true;
    sink.once('drain', () => {
      waiting = false;
      report();
    });
  };

  return {
    droppable(line) {
      if (sink.writableLength > maxBuffered) {
        dropped++;
        waitForDrain();
        return;
      }
      if (!sink.write(`${line}\n`)) waitForDrain();
    },
    always(line) {
      if (!sink.write(`${line}\n`)) waitForDrain();
    },
    pendingDrops: () => dropped,
    flushNotice: report,
  };
}
