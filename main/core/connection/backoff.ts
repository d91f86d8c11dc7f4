// Reconnect delays: exponential backoff with full jitter (docs/protocol.md, "Reconnection").
// Pure, so the schedule is tested without sockets or timers.

export interface BackoffPolicy {
  /** the ceiling of the first retry; doubles with each failed attempt */
  minMs: number;
  /** the ceiling never grows beyond this */
  maxMs: number;
  /** a connection that stays open this long resets the attempt counter */
  resetAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { minMs: 500, maxMs: 30_000, resetAfterMs: 5_000 };

/** The largest delay allowed for a 0-based attempt: min(maxMs, minMs * 2^attempt). */
export function backoffCeiling(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const exponent = Math.max(0, Math.floor(attempt));
  // 2^exponent becomes Infinity past 1023, which min() turns back into maxMs.
  return Math.min(policy.maxMs, policy.minMs * 2 ** exponent);
}

/**
 * Full jitter: a uniformly random delay in [0, ceiling). Spreading retries over the whole
 * window is what keeps a fleet of clients from reconnecting in lockstep after an outage.
 */
export function backoffDelay(
  attempt: number,
  random: () => number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): number {
  let r = random();
  // A broken random source must not produce a negative, NaN or over-long delay.
  // Stryker disable next-line EqualityOperator: "<= 0" only sets 0 to 0
  if (!Number.isFinite(r) || r < 0) r = 0;
  if (r >= 1) r = 0.999_999;
  return Math.floor(r * backoffCeiling(attempt, policy));
}
