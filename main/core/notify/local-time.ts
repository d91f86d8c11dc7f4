// Wall-clock time in a time zone, for quiet hours, "snooze until tomorrow" and the offline
// notice's "since HH:MM". The zone is a parameter (an IANA name such as "Europe/Moscow";
// undefined means this machine's zone) rather than whatever `Date` reads from the process:
// a test that sets process.env.TZ changes nothing inside a worker thread, where Vitest's
// threads pool and Stryker run it, so a test says which zone it means by passing it in.

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** One formatter per zone: building an Intl.DateTimeFormat costs far more than using it. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string | undefined): Intl.DateTimeFormat {
  // Stryker disable next-line StringLiteral: any key that no zone is named works
  const key = timeZone ?? '';
  let f = formatters.get(key);
  // Stryker disable next-line ConditionalExpression: without the cache, the same answer, slower
  if (f === undefined) {
    // Throws a RangeError for a zone Intl does not know, before anything is decided with it.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(key, f);
  }
  return f;
}

/** Throws a RangeError when `timeZone` is not a zone this runtime knows. */
export function checkTimeZone(timeZone: string | undefined): void {
  formatterFor(timeZone);
}

/** How far the zone's wall clock is ahead of UTC at `epochMs`, in ms (Tokyo: +9 h). */
export function zoneOffset(epochMs: number, timeZone?: string): number {
  const fields: Record<string, number> = {};
  // (the literal parts, "/" and ":", land in fields.literal, which nothing reads)
  for (const part of formatterFor(timeZone).formatToParts(epochMs)) {
    fields[part.type] = Number(part.value);
  }
  const wallAsUtc = Date.UTC(
    fields.year!,
    fields.month! - 1,
    fields.day!,
    fields.hour!,
    fields.minute!,
    fields.second!,
  );
  // The parts carry whole seconds: compare with the instant cut to its second.
  return wallAsUtc - Math.floor(epochMs / 1000) * 1000;
}

/** The wall-clock time at `epochMs` as ms since 1970-01-01 00:00 on that zone's clock. */
function wallAt(epochMs: number, timeZone: string | undefined): number {
  return epochMs + zoneOffset(epochMs, timeZone);
}

/** Minutes since local midnight at `epochMs` (0..1439). */
export function minuteOfDay(epochMs: number, timeZone?: string): number {
  const wall = wallAt(epochMs, timeZone);
  return Math.floor((wall - Math.floor(wall / DAY) * DAY) / MINUTE);
}

/** "HH:MM" at `epochMs` on the zone's clock. */
export function hhmm(epochMs: number, timeZone?: string): string {
  const m = minuteOfDay(epochMs, timeZone);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** The instant at which the zone's wall clock reads `wall` (ms on that clock, as wallAt). */
function instantOf(wall: number, timeZone: string | undefined): number {
  // The offset depends on the instant we are looking for: guess with the offset at `wall`
  // read as an instant, then correct with the offset at the guess (one change of summer time
  // lies between them at most).
  const guess = wall - zoneOffset(wall, timeZone);
  return wall - zoneOffset(guess, timeZone);
}

/**
 * The first instant at or after `from` at which the zone's clock reads `minute` minutes past
 * midnight (07:00 is 420). Across a change of summer time the wall time is kept, as a person
 * reading a clock would: "07:00 tomorrow" is 07:00 whatever the offset then.
 */
export function nextWallTime(from: number, minute: number, timeZone?: string): number {
  const fromWall = wallAt(from, timeZone);
  let wall = Math.floor(fromWall / DAY) * DAY + minute * MINUTE;
  let at = instantOf(wall, timeZone);
  while (at < from) {
    wall += DAY;
    at = instantOf(wall, timeZone);
  }
  return at;
}
