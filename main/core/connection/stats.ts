// The document's `WebSocketStats` (katya-websocket-api.ru.md, "Мониторинг"), built into the
// engine and extended with what diagnostics need: reconnects, round-trip time, drops.
import type { ConnectionStats } from './types';

export class WebSocketStats {
  connectedAt: number | null = null;
  messagesReceived = 0;
  messagesSent = 0;
  errors = 0;
  reconnects = 0;
  lastPing: number | null = null;
  rttMs: number | null = null;
  duplicatesDropped = 0;
  invalidDropped = 0;

  constructor(private readonly now: () => number) {}

  onConnect(): void {
    this.connectedAt = this.now();
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
    this.lastPing = this.now();
  }

  getStats(): ConnectionStats {
    return {
      uptimeMs: this.connectedAt === null ? 0 : Math.max(0, this.now() - this.connectedAt),
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
