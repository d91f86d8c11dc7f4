import { describe, expect, it } from 'vitest';
import { OFFLINE_AFTER_MS, connectionView } from '../../../main/core/connection-view';
import type { ViewInput } from '../../../main/core/connection-view';

const now = 1_000_000_000_000;
const base = {
  lostForMs: null,
  serverUrl: 'wss://k/v1/ws',
  demo: false,
  missingToken: false,
  disconnectedSince: null,
};

function v(extra: Partial<ViewInput> & Pick<ViewInput, 'state'>) {
  return connectionView({ ...base, ...extra });
}

describe('connection view', () => {
  it('maps open, connecting, auth_failed and closed', () => {
    expect(v({ state: { state: 'open', since: now - 5 } }).phase).toBe('connected');
    expect(v({ state: { state: 'connecting', since: now } }).phase).toBe('connecting');
    const signin = v({
      state: { state: 'auth_failed', since: now, reason: 'error 4001: bad token' },
    });
    expect(signin.phase).toBe('signin');
    expect(signin.lastError).toContain('4001');
    expect(v({ state: { state: 'closed', since: now } }).phase).toBe('paused');
  });

  it('is "reconnecting" for a short outage and "offline" after two minutes', () => {
    const state = {
      state: 'reconnecting' as const,
      since: now,
      attempt: 4,
      delayMs: 3000,
      retryAt: now + 3000,
    };
    const short = v({
      state,
      disconnectedSince: now - OFFLINE_AFTER_MS + 1,
      lostForMs: OFFLINE_AFTER_MS - 1,
    });
    expect(short.phase).toBe('reconnecting');
    expect(short.retryAt).toBe(now + 3000);
    const long = v({
      state,
      disconnectedSince: now - OFFLINE_AFTER_MS,
      lostForMs: OFFLINE_AFTER_MS,
    });
    expect(long.phase).toBe('offline');
    expect(long.since).toBe(now - OFFLINE_AFTER_MS);
  });

  it('decides "offline" by the monotonic time lost, whatever the wall clock says', () => {
    const state = {
      state: 'reconnecting' as const,
      since: now,
      attempt: 1,
      delayMs: 1,
      retryAt: now,
    };
    // The wall clock was stepped back an hour after the loss: the "since" time reads as in
    // the future, yet three minutes have passed.
    const stepped = v({ state, disconnectedSince: now + 3_600_000, lostForMs: 180_000 });
    expect(stepped.phase).toBe('offline');
    expect(v({ state, disconnectedSince: now - 3_600_000, lostForMs: 1000 }).phase).toBe(
      'reconnecting',
    );
  });

  it('asks for sign-in when a real server has no token', () => {
    expect(v({ state: { state: 'closed', since: now }, missingToken: true }).phase).toBe('signin');
  });
});
