// V8 told to favour a small heap over peak speed, for a process that holds a bounded history
// all week and meets bursts of events now and then. Set from the main process's entry
// (main/start.ts), before the main bundle loads, so that its code cache is made under the same
// flags it is read under. What it changes is measured in docs/benchmarks.md ("Where flood
// memory goes"). Electron patches V8 so that flags stay writable after start-up (its "disable
// freezing flags after init in node" patch), which this relies on: a V8 that froze them would
// refuse the change with a fatal error instead of ignoring it.
import { setFlagsFromString } from 'node:v8';

// What the flag changes shows only in the collector's choices, which no test can see: the
// memory bench measures it (npm run bench -- --only=memory, and BENCH_NO_SMALL_HEAP=1 without).
// Stryker disable next-line StringLiteral: see above
export const SMALL_HEAP_FLAGS = '--optimize-for-size';

// Stryker disable next-line BlockStatement: see above
export function favourSmallHeap(): void {
  setFlagsFromString(SMALL_HEAP_FLAGS);
}
