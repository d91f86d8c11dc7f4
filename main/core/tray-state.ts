// What the tray shows, as a pure function of the app's state: which icon, the tooltip and the
// menu's status line, in the user's language (the message catalogue's tray.* keys). The
// Electron tray adapter only draws what this returns.
import type { ConnectionView } from './common/views';
import { createTranslator } from './common/messages';
import type { Language, Translate } from './common/messages';
import { problemWhy } from './common/problem-words';
import type { UpdateView } from './common/update-view';
import { updateMenuLabel } from './updates/presentation';

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
  /** the language of the tooltip and the menu: the window's */
  language: Language;
  /** the app's updates, when it has them */
  update?: UpdateView | null;
  /** every server with its name, when more than one is configured: a menu line each */
  servers?: readonly { id: string; name: string; connection: ConnectionView }[];
}

export interface TrayState {
  icon: TrayIcon;
  tooltip: string;
  statusLine: string;
  snoozed: boolean;
  /** the status line counts down and must be redrawn each second */
  ticking: boolean;
  /** the menu speaks the same language as the tooltip */
  language: Language;
  /** the menu's update item ("Restart to update to v1.2.0"), or null when there is none */
  updateItem?: string | null;
  /** with several servers, one menu line each ("Production: connected"), in the user's order */
  serverLines?: { id: string; line: string }[];
}

/** How much a phase needs the user, most first: the tray shows the worst server's. */
const PHASE_RANK: Record<ConnectionView['phase'], number> = {
  signin: 0,
  certificate: 1,
  proxy: 2,
  offline: 3,
  reconnecting: 4,
  connecting: 5,
  connected: 6,
  // a server switched off asks nothing of anyone
  paused: 7,
};

/** The connection that needs the user most (the first of equals); null for none. */
export function worstConnection(views: readonly ConnectionView[]): ConnectionView | null {
  let worst: ConnectionView | null = null;
  for (const v of views) if (!worst || PHASE_RANK[v.phase] < PHASE_RANK[worst.phase]) worst = v;
  return worst;
}

function statusLine(
  c: ConnectionView,
  now: number,
  formatTime: TrayInput['formatTime'],
  t: Translate,
): string {
  switch (c.phase) {
    case 'connected':
      return t('tray.connected');
    case 'connecting':
      return t('tray.connecting');
    case 'reconnecting': {
      const s = c.retryAt ? Math.max(0, Math.ceil((c.retryAt - now) / 1000)) : 0;
      return s > 0 ? t('tray.reconnectingIn', { count: s }) : t('tray.reconnecting');
    }
    case 'offline':
      return t('tray.offlineSince', { time: formatTime(c.since) });
    case 'signin':
      return t('tray.signin');
    case 'paused':
      return t('tray.paused');
    // Which certificate or proxy, and why: the tooltip is where a tray-only user looks.
    case 'certificate':
      return t('tray.certificate', { why: c.problem ? problemWhy(c.problem, t) : '' });
    case 'proxy':
      return t('tray.proxy', { why: c.problem ? problemWhy(c.problem, t) : '' });
  }
}

function iconFor(c: ConnectionView, unreadAlerts: number, snoozed: boolean): TrayIcon {
  // Problems with the connection outrank everything: a quiet tray must mean "all is well".
  if (c.phase === 'signin') return 'signin';
  if (c.phase === 'offline' || c.phase === 'paused') return 'offline';
  if (c.phase === 'certificate' || c.phase === 'proxy') return 'offline';
  if (c.phase === 'connecting' || c.phase === 'reconnecting') return 'connecting';
  if (unreadAlerts > 0) return 'unread';
  if (snoozed) return 'snoozed';
  return 'connected';
}

// The tray keeps plain digits ("12 unread"), as it always has; see createTranslator.
const TRANSLATORS: Record<Language, Translate> = {
  en: createTranslator('en'),
  ru: createTranslator('ru'),
};

export function trayState(input: TrayInput): TrayState {
  const { connection, unread, unreadAlerts, now, formatTime } = input;
  const language: Language = input.language === 'ru' ? 'ru' : 'en';
  const t = TRANSLATORS[language];
  const snoozed = input.snoozedUntil !== null && input.snoozedUntil > now;
  const line = statusLine(connection, now, formatTime, t);
  const parts = [t(connection.demo ? 'tray.nameDemo' : 'tray.name'), line];
  if (unread > 0) {
    const counts = [t('tray.unread', { count: unread })];
    if (unreadAlerts > 0) counts.push(t('tray.alerts', { count: unreadAlerts }));
    parts.push(counts.join(', '));
  }
  if (snoozed) parts.push(t('tray.snoozedUntil', { time: formatTime(input.snoozedUntil!) }));
  return {
    icon: iconFor(connection, unreadAlerts, snoozed),
    tooltip: parts.join(' — '),
    statusLine: line,
    snoozed,
    ticking: [connection, ...(input.servers ?? []).map((sv) => sv.connection)].some(
      (c) => c.phase === 'reconnecting' && c.retryAt !== null && c.retryAt > now,
    ),
    language,
    updateItem: input.update ? updateMenuLabel(input.update, t) : null,
    serverLines: (input.servers ?? []).map((server) => ({
      id: server.id,
      line: t('tray.serverLine', {
        name: server.name,
        state: statusLine(server.connection, now, formatTime, t),
      }),
    })),
  };
}
