// How `katya tail` prints things for people (without --json). Server text goes through the
// same cleaning as notifications (describeForNotification), and anything else from the server
// through `clean`, so a hostile payload cannot move the cursor or recolour the terminal.
import { describeForNotification } from '../core/notify/policy';
import type { NotificationRequest } from '../core/notify/policy';
import { isChannel } from '../core/common/protocol';
import type { Channel, EventMessage, Severity } from '../core/common/protocol';
import { severityOf } from '../core/severity';
import { displayText } from '../core/common/untrusted-text';
import type {
  ConnectionState,
  ProtocolErrorInfo,
  SubscriptionStatus,
} from '../core/connection/types';

const CODES = {
  reset: '\u001b[0m',
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  red: '\u001b[31m',
  green: '\u001b[32m',
  yellow: '\u001b[33m',
  blue: '\u001b[34m',
  magenta: '\u001b[35m',
  cyan: '\u001b[36m',
} as const;
type Colour = keyof typeof CODES;

export type Paint = (text: string, ...styles: Colour[]) => string;

export function painter(enabled: boolean): Paint {
  if (!enabled) return (text) => text;
  return (text, ...styles) =>
    styles.length ? `${styles.map((s) => CODES[s]).join('')}${text}${CODES.reset}` : text;
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function wantsColour(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/** Anything, as one cleaned line for the terminal (displayText; see untrusted-text.ts). */
export function clean(value: unknown, max = 200): string {
  return displayText(String(value ?? ''), max);
}

const SEVERITY_STYLE: Record<Severity, Colour[]> = {
  critical: ['bold', 'red'],
  high: ['red'],
  medium: ['yellow'],
  low: ['dim'],
};

const CHANNEL_STYLE: Record<Channel, Colour> = {
  messages: 'blue',
  rooms: 'cyan',
  trust: 'green',
  analytics: 'magenta',
  security: 'red',
  system: 'yellow',
};

function clock(ms: number): string {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()]
    .map((n) => String(n).padStart(2, '0'))
    .join(':');
}

/** `12:01:05 security  HIGH     Critical security alert: Port scan: from 10.0.4.2 (network)` */
export function eventLine(event: EventMessage, paint: Paint, receivedAt = Date.now()): string {
  const { title, body } = describeForNotification(event);
  const severity = severityOf(event.event, event.data);
  const channel = clean(event.channel, 16);
  const sev = severity
    ? paint(severity.toUpperCase().padEnd(8), ...SEVERITY_STYLE[severity])
    : ' '.repeat(8);
  const text = body ? `${title}: ${body}` : title;
  return [
    paint(clock(receivedAt), 'dim'),
    paint(channel.padEnd(9), isChannel(channel) ? CHANNEL_STYLE[channel] : 'dim'),
    sev,
    severity === 'critical' ? paint(text, 'bold') : text,
  ].join(' ');
}

export function notificationLine(n: NotificationRequest, paint: Paint): string {
  const text = n.body ? `${n.title}: ${n.body}` : n.title;
  return `${paint('notification', 'bold', n.urgent ? 'red' : 'yellow')} ${clean(text, 400)}`;
}

export function stateLine(s: ConnectionState, url: string): string {
  switch (s.state) {
    case 'connecting':
      return `connecting to ${url}`;
    case 'open':
      return `connected to ${url}`;
    case 'reconnecting':
      // A proxy or certificate problem leads: those words (which certificate, which proxy,
      // why) are what the reader must act on, and they are longer than a socket error.
      if (s.problem && s.lastError)
        return `${clean(s.lastError, 1000)} (retry ${s.attempt} in ${(s.delayMs / 1000).toFixed(1)} s)`;
      return `reconnecting in ${(s.delayMs / 1000).toFixed(1)} s (attempt ${s.attempt})${s.lastError ? `: ${clean(s.lastError)}` : ''}`;
    case 'auth_failed':
      return `authentication failed: ${clean(s.reason)}`;
    case 'closed':
      return 'closed';
  }
}

export function subscriptionLine(s: SubscriptionStatus): string {
  if (s.status === 'rejected') {
    return `subscription to ${s.kind} ${clean(s.name, 64)} rejected (${clean(s.code, 8)}): ${clean(s.message)}`;
  }
  return `subscribed to ${s.kind} ${clean(s.name, 64)}`;
}

export function errorLine(e: ProtocolErrorInfo): string {
  const about = e.channel ?? e.event;
  return `server error ${clean(e.code, 8)}${about ? ` (${clean(about, 64)})` : ''}: ${clean(e.message)}`;
}
