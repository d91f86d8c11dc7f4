// Public shape of the connection engine (engine.ts). Consumers (the app service, the preview,
// `katya tail`, the benchmarks) depend on this file only.
import type { AuthMethod, EventMessage } from '../common/protocol';
import type { Clock } from '../clock';
import type { NetworkOptions } from '../net/route-agent';

import type {
  ConnectionState,
  DesiredSubscriptions,
  SubscriptionStatus,
} from '../common/connection-types';

export type {
  ConnectionState,
  ConnectionStats,
  DesiredSubscriptions,
  SubscriptionStatus,
} from '../common/connection-types';

export interface Gap {
  /** epoch ms when the connection was lost */
  start: number;
  /** epoch ms when events flowed again */
  end: number;
}

export interface ProtocolErrorInfo {
  code: string;
  message: string;
  channel?: string;
  event?: string;
  requestId?: string;
}

export interface LogSink {
  (level: 'debug' | 'info' | 'warn' | 'error', message: string): void;
}

export interface ConnectionOptions {
  url: string;
  token?: string;
  authMethod?: AuthMethod; // default 'header'
  subscriptions?: DesiredSubscriptions;
  clock?: Clock;
  random?: () => number; // [0,1), for jitter
  livenessTimeoutMs?: number; // default 45_000
  backoff?: { minMs?: number; maxMs?: number; resetAfterMs?: number }; // 500, 30_000, 5_000
  dedupeWindow?: number; // default 10_000 ids
  batch?: { maxDelayMs?: number; maxSize?: number }; // default 50 ms, 500 events
  maxFrameBytes?: number; // default 1 MiB
  authMessageTimeoutMs?: number; // for the auth-message method, default 10_000
  connectTimeoutMs?: number; // TCP + TLS + upgrade must finish within this, default 30_000
  probeTimeoutMs?: number; // after nudge(): an open socket must answer a ping within this, default 10_000
  log?: LogSink;
  /** proxies and trusted certificates (../net/route-agent.ts); default direct, Node's CAs */
  network?: NetworkOptions;
}

export interface ConnectionEvents {
  state: (s: ConnectionState) => void;
  /**
   * Events after de-duplication, in arrival order, in batches; `frames[i]` holds the text of
   * the frame `batch[i]` arrived in (its UTF-8 was checked by ws, so it is that frame's bytes
   * decoded without loss), so a consumer that stores events (the history) can keep the frame
   * as received instead of encoding the event again. Text rather than the received bytes: a
   * byte view would keep the socket's whole 64 KiB read buffer alive through the batch window,
   * and under a flood those buffers fill the C allocator's heap, which does not shrink again.
   */
  events: (batch: EventMessage[], frames: readonly string[]) => void;
  /**
   * The same events one by one, the moment each is accepted (before it waits for its batch):
   * for decisions that must not wait up to a batch window, such as whether to notify. Every
   * event given here is in a later `events` batch too.
   */
  event: (event: EventMessage) => void;
  gap: (gap: Gap) => void;
  subscriptions: (all: SubscriptionStatus[]) => void;
  protocolError: (err: ProtocolErrorInfo) => void;
}
