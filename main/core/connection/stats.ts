// The document's `WebSocketStats` (katya-websocket-api.ru.md, "Мониторинг"), built into the
// engine and extended with what diagnostics need: reconnects, round-trip time, drops.
import type { Clock } from '../clock';
import type { ConnectionStats } from './types';

export class WebSocketStats {
  /** wall time of the connect, for display */
  connectedAt: number | null = null;
  /** monotonic time of the connect, for the uptime (a stepped wall clock must not bend it) */
  private connectedMono = 0;
  messagesReceived = 0;
  messagesSent = 0;
  errors = 0;
  reconnects = 0;
  lastPing: number | null = null;
  rttMs: number | null = null;
  duplicatesDropped = 0;
  invalidDropped = 0;

  constructor(private readonly clock: Pick<Clock, 'now' | 'monotonic'>) {}

  onConnect(): void {
    this.connectedAt = this.clock.now();
    this.connectedMono = this.clock.monotonic();
  }

  onDisconnect(): void {
    this.connectedAt = null;
  }

  onMessage(direction: 'incoming' | 'outgoing'): void {
    if (direction === 'incoming') this.messagesReceived++;
    else this.messagesSent++;
  }

  onError(): void {
    this.errors++;
  }

  /** A heartbeat was seen: a server ping, or the answer to one of ours. */
  onPing(): void {
    this.lastPing = this.clock.now();
  }

  getStats(): ConnectionStats {
    return {
      uptimeMs:
        this.connectedAt === null ? 0 : Math.max(0, this.clock.monotonic() - this.connectedMono),
      connectedAt: this.connectedAt,
      messagesReceived: this.messagesReceived,
      messagesSent: this.messagesSent,
      errors: this.errors,
      reconnects: this.reconnects,
      lastPing: this.lastPing,
      rttMs: this.rttMs,
      duplicatesDropped: this.duplicatesDropped,
      invalidDropped: this.invalidDropped,
    };
  }
}
