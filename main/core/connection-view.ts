// How the engine's state reads to a user (docs/architecture.md, "Behaviour the design fixes"): connecting, connected,
// reconnecting (in N s), offline since HH:MM, sign-in needed, paused. A disconnection shorter
// than OFFLINE_AFTER_MS is "reconnecting"; a longer one is "offline". A retry after a refused
// certificate or a refusing proxy reads as "certificate not trusted" or "proxy problem" for as
// long as it lasts: that, not the time offline, is what the user has to act on.
import type { ConnectionState } from './connection/types';
import type { ConnectionView } from './common/views';

export const OFFLINE_AFTER_MS = 120_000;

export interface ViewInput {
  state: ConnectionState;
  /** epoch ms the last open connection was lost; null when connected or never connected */
  disconnectedSince: number | null;
  /** how long ago that was, measured on the monotonic clock (the wall clock can be stepped) */
  lostForMs: number | null;
  serverUrl: string;
  demo: boolean;
  /** a real server is configured but no token is stored for it */
  missingToken: boolean;
  /** why, when it is not simply "no token stored" */
  missingTokenReason?: string;
}

export function connectionView(input: ViewInput): ConnectionView {
  const { state, serverUrl, demo } = input;
  const base = { serverUrl, demo, attempt: 0, retryAt: null, lastError: null, problem: null };
  if (input.missingToken && state.state !== 'open') {
    return {
      ...base,
      phase: 'signin',
      since: state.since,
      lastError: input.missingTokenReason ?? 'no token stored',
    };
  }
  switch (state.state) {
    case 'open':
      return { ...base, phase: 'connected', since: state.since };
    case 'connecting':
      return { ...base, phase: 'connecting', since: input.disconnectedSince ?? state.since };
    case 'reconnecting': {
      const lostAt = input.disconnectedSince ?? state.since;
      const offline = input.lostForMs !== null && input.lostForMs >= OFFLINE_AFTER_MS;
      const problem = state.problem ?? null;
      return {
        ...base,
        phase: problem ? problem.kind : offline ? 'offline' : 'reconnecting',
        problem,
        since: lostAt,
        attempt: state.attempt,
        retryAt: state.retryAt,
        lastError: state.lastError ?? null,
      };
    }
    case 'auth_failed':
      return { ...base, phase: 'signin', since: state.since, lastError: state.reason };
    case 'closed':
      return { ...base, phase: 'paused', since: state.since };
  }
}
