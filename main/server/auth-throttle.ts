// The sign-in throttle: an address that fails to sign in too often (by default 5 times within
// 60 s) is refused for a while (by default 60 s), so a token cannot be guessed at network speed.
// Only guesses count: an unknown token on the upgrade, in an auth message or on POST
// /v1/events. A missing token, an authentication timeout or a revoked token is not a guess.
//
// The table is bounded: entries expire a window (or a block) after their last failure, and at
// most `maxAddresses` are kept; when it is full, expired entries go first, then the address
// that failed longest ago. Deadlines use a monotonic clock, so a wall-clock step (NTP, a user)
// neither lifts nor stretches a block.

export interface AuthThrottleOptions {
  /** failed sign-ins within `windowMs` that block an address; default 5 */
  maxFailures?: number;
  /** default 60 000 ms */
  windowMs?: number;
  /** how long a blocked address is refused, from the failure that blocked it; default 60 000 ms */
  blockMs?: number;
  /** addresses remembered at most; default 10 000 */
  maxAddresses?: number;
  /** monotonic milliseconds; default performance.now (tests inject their own) */
  now?: () => number;
}

export const THROTTLE_DEFAULTS = {
  maxFailures: 5,
  windowMs: 60_000,
  blockMs: 60_000,
  maxAddresses: 10_000,
} as const;

export interface AuthThrottle {
  /** milliseconds until the address may try again; 0 when it may now */
  retryAfterMs(address: string): number;
  /** count a failed sign-in; true when this failure blocked the address */
  fail(address: string): boolean;
  /** addresses in the table (for tests) */
  size(): number;
}

interface Entry {
  /** times of the recent failures, oldest first; never more than maxFailures */
  failures: number[];
  /** refused until then; 0 when not blocked */
  blockedUntil: number;
}

export function createAuthThrottle(options: AuthThrottleOptions = {}): AuthThrottle {
  const maxFailures = options.maxFailures ?? THROTTLE_DEFAULTS.maxFailures;
  const windowMs = options.windowMs ?? THROTTLE_DEFAULTS.windowMs;
  const blockMs = options.blockMs ?? THROTTLE_DEFAULTS.blockMs;
  const maxAddresses = options.maxAddresses ?? THROTTLE_DEFAULTS.maxAddresses;
  const clock = options.now ?? (() => performance.now());

  // Keyed by address, in a Map: an address is outside input, never a key into an object.
  // Insertion order is the order of the last failure (an entry is re-inserted on each). An
  // entry expires windowMs or blockMs after its last failure, so with the defaults (equal) this
  // is also expiry order; otherwise nearly so, and an expired entry left behind a live one is
  // dropped when its address is looked up, or when it reaches the front.
  const table = new Map<string, Entry>();

  const expired = (e: Entry, now: number) =>
    e.blockedUntil <= now && (e.failures.length === 0 || e.failures.at(-1)! <= now - windowMs);

  function makeRoom(now: number) {
    if (table.size < maxAddresses) return;
    // Expired entries are at the front: drop them all while at it, up to the first live one.
    for (const [key, e] of table) {
      if (!expired(e, now)) break;
      table.delete(key);
    }
    // Still full of live entries: forget the address that failed longest ago.
    while (table.size >= maxAddresses) table.delete(table.keys().next().value!);
  }

  return {
    retryAfterMs(address) {
      const key = throttleKey(address);
      const e = table.get(key);
      if (!e) return 0;
      const now = clock();
      if (e.blockedUntil > now) return e.blockedUntil - now;
      if (expired(e, now)) table.delete(key);
      return 0;
    },

    fail(address) {
      const key = throttleKey(address);
      const now = clock();
      let e = table.get(key);
      if (e && e.blockedUntil > now) return false; // refused before it could guess
      if (e && expired(e, now)) e = undefined;
      table.delete(key);
      if (!e) {
        makeRoom(now);
        e = { failures: [], blockedUntil: 0 };
      }
      table.set(key, e);
      e.failures.push(now);
      while (e.failures[0]! <= now - windowMs) e.failures.shift();
      if (e.failures.length < maxFailures) return false;
      e.failures = [];
      e.blockedUntil = now + blockMs;
      return true;
    },

    size: () => table.size,
  };
}

/**
 * The throttle's key for a remote address: IPv4-mapped IPv6 (`::ffff:1.2.3.4`, what a dual-stack
 * listener reports) as plain IPv4, and other IPv6 by its /64 network, because one machine
 * commonly holds a whole /64 and could otherwise take a fresh address for every few guesses.
 */
export function throttleKey(address: string): string {
  const a = address.toLowerCase().replace(/%.*$/, '');
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(a);
  if (mapped) return mapped[1]!;
  if (!a.includes(':')) return a;
  const groups = (part: string) => (part ? part.split(':') : []);
  // A trailing dotted IPv4 (`::1.2.3.4`) stands for two groups.
  const width = (gs: string[]) => gs.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  let all: string[];
  const gap = a.indexOf('::');
  if (gap < 0) {
    all = groups(a);
  } else {
    const head = groups(a.slice(0, gap));
    const tail = groups(a.slice(gap + 2));
    const zeros = Math.max(0, 8 - width(head) - width(tail));
    all = [...head, ...Array<string>(zeros).fill('0'), ...tail];
  }
  const network = all.slice(0, 4).map((g) => (parseInt(g, 16) || 0).toString(16));
  return `${network.join(':')}::/64`;
}
