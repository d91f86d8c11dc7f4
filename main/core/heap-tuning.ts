// V8 told to favour a small heap over peak speed, for a process that holds a bounded history
// all week and meets bursts of events now and then. Set from the main process's entry
// (main/start.ts), before the main bundle loads, so that its code cache is made under the same
// flags it is read under. What it changes is measured in docs/benchmarks.md ("Where flood
// memory goes"). It relies on V8's flags staying writable after start-up: Electron's main
// process, like Node, starts V8 with --no-freeze-flags-after-init so that Node's
// v8.setFlagsFromString keeps working. A V8 that froze them would stop the process with a
// fatal error at this call; the Electron end-to-end suite, which starts the real app, is where
// that would show.
import { setFlagsFromString } from 'node:v8';

// What the flag changes shows only in the collector's choices, which no test can see: the
// memory bench measures it (npm run bench -- --only=memory, and BENCH_NO_SMALL_HEAP=1 without).
// Stryker disable next-line StringLiteral: see above
export const SMALL_HEAP_FLAGS = '--optimize-for-size';

// Stryker disable next-line BlockStatement: see above
export function favourSmallHeap(): void {
  setFlagsFromString(SMALL_HEAP_FLAGS);
}
