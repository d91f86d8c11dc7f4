// The connection's state, statistics and subscription statuses as the window shows them: the
// engine (../../connection/) produces them, the window only reads them.
import type { Channel, EventType } from './protocol';
import type { ConnectionProblem } from './network';

export type ConnectionState =
  | { state: 'connecting'; since: number }
  | { state: 'open'; since: number }
  | {
      state: 'reconnecting';
      since: number;
      attempt: number;
      delayMs: number;
      retryAt: number;
      lastError?: string;
      /** the last attempt failed at a proxy or a certificate: which, and why */
      problem?: ConnectionProblem;
    }
  | { state: 'auth_failed'; since: number; reason: string }
  | { state: 'closed'; since: number };

export type SubscriptionStatus =
  | { kind: 'channel' | 'event'; name: string; status: 'pending' | 'active' }
  | { kind: 'channel' | 'event'; name: string; status: 'rejected'; code: string; message: string };

export interface DesiredSubscriptions {
  channels: readonly Channel[];
  events: readonly EventType[];
}

export interface ConnectionStats {
  /** ms the current connection has been open; 0 when not open */
  uptimeMs: number;
  connectedAt: number | null;
  messagesReceived: number;
  messagesSent: number;
  errors: number;
  reconnects: number;
  lastPing: number | null;
  /** last measured client ping round trip in ms */
  rttMs: number | null;
  duplicatesDropped: number;
  invalidDropped: number;
}
