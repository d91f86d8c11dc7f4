// What the tray shows, as a pure function of the app's state: which icon, the tooltip and the
// menu's status line. The Electron tray adapter only draws what this returns.
import type { ConnectionView } from './common/views';

export type TrayIcon = 'connected' | 'connecting' | 'offline' | 'signin' | 'unread' | 'snoozed';

export interface TrayInput {
  connection: ConnectionView;
  unread: number;
  /** unread events that raised (or would have raised) a notification */
  unreadAlerts: number;
  snoozedUntil: number | null;
  now: number;
  /** formats an epoch-ms time as HH:MM in the user's locale */
  formatTime: (ms: number) => string;
}

export interface TrayState {
  icon: TrayIcon;
  tooltip: string;
  statusLine: string;
  snoozed: boolean;
  /** the status line counts down and must be redrawn each second */
  ticking: boolean;
}

function statusLine(c: ConnectionView, now: number, formatTime: TrayInput['formatTime']): string {
  switch (c.phase) {
    case 'connected':
      return 'Connected';
    case 'connecting':
      return 'Connecting…';
    case 'reconnecting': {
      const s = c.retryAt ? Math.max(0, Math.ceil((c.retryAt - now) / 1000)) : 0;
      return s > 0 ? `Reconnecting (in ${s} s)` : 'Reconnecting…';
    }
    case 'offline':
      return `Offline since ${formatTime(c.since)}`;
    case 'signin':
      return 'Sign-in needed';
    case 'paused':
      return 'Paused';
  }
}

function iconFor(c: ConnectionView, unreadAlerts: number, snoozed: boolean): TrayIcon {
  // Problems with the connection outrank everything: a quiet tray must mean "all is well".
  if (c.phase === 'signin') return 'signin';
  if (c.phase === 'offline' || c.phase === 'paused') return 'offline';
  if (c.phase === 'connecting' || c.phase === 'reconnecting') return 'connecting';
  if (unreadAlerts > 0) return 'unread';
  if (snoozed) return 'snoozed';
  return 'connected';
}

export function trayState(input: TrayInput): TrayState {
  const { connection, unread, now, formatTime } = input;
  const snoozed = input.snoozedUntil !== null && input.snoozedUntil > now;
  const parts = [
    `Katya Desktop${connection.demo ? ' (Demo)' : ''}`,
    statusLine(connection, now, formatTime),
  ];
  if (unread > 0)
    parts.push(`${unread} unread${input.unreadAlerts > 0 ? `, ${input.unreadAlerts} alerts` : ''}`);
  if (snoozed) parts.push(`Snoozed until ${formatTime(input.snoozedUntil!)}`);
  return {
    icon: iconFor(connection, input.unreadAlerts, snoozed),
    tooltip: parts.join(' — '),
    statusLine: statusLine(connection, now, formatTime),
    snoozed,
    ticking:
      connection.phase === 'reconnecting' &&
      connection.retryAt !== null &&
      connection.retryAt > now,
  };
}
