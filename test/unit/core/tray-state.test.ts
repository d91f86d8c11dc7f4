import { describe, expect, it } from 'vitest';
import { trayState, worstConnection } from '../../../main/core/tray-state';
import type { TrayInput } from '../../../main/core/tray-state';
import type { ConnectionView } from '../../../main/core/common/views';

const now = Date.UTC(2026, 10, 26, 12, 0, 0);
const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);

function view(phase: ConnectionView['phase'], extra: Partial<ConnectionView> = {}): ConnectionView {
  return {
    phase,
    since: now - 60_000,
    retryAt: null,
    attempt: 0,
    lastError: null,
    serverUrl: 'wss://k/v1/ws',
    demo: false,
    ...extra,
  };
}
function input(connection: ConnectionView, extra: Partial<TrayInput> = {}): TrayInput {
  return {
    connection,
    unread: 0,
    unreadAlerts: 0,
    snoozedUntil: null,
    now,
    formatTime: hhmm,
    language: 'en',
    ...extra,
  };
}

describe('tray state', () => {
  it.each([
    ['connected', 'connected', 'Connected'],
    ['connecting', 'connecting', 'Connecting…'],
    ['signin', 'signin', 'Sign-in needed'],
    ['paused', 'offline', 'Paused'],
  ] as const)('%s shows the %s icon and says "%s"', (phase, icon, line) => {
    const s = trayState(input(view(phase)));
    expect(s.icon).toBe(icon);
    expect(s.statusLine).toBe(line);
    expect(s.tooltip).toBe(`Katya Desktop — ${line}`);
  });

  it('counts down to the next attempt while reconnecting', () => {
    const s = trayState(input(view('reconnecting', { retryAt: now + 4_200, attempt: 3 })));
    expect(s.icon).toBe('connecting');
    expect(s.statusLine).toBe('Reconnecting (in 5 s)');
    expect(s.tooltip).toBe('Katya Desktop — Reconnecting (in 5 s)');
    expect(trayState(input(view('reconnecting'))).statusLine).toBe('Reconnecting…');
  });

  it('says since when it is offline', () => {
    const s = trayState(input(view('offline', { since: Date.UTC(2026, 10, 26, 11, 41) })));
    expect(s.icon).toBe('offline');
    expect(s.statusLine).toBe('Offline since 11:41');
    expect(s.tooltip).toBe('Katya Desktop — Offline since 11:41');
  });

  it('shows unread alerts over snooze, and snooze over a plain connected icon', () => {
    const alerts = trayState(
      input(view('connected'), { unread: 5, unreadAlerts: 2, snoozedUntil: now + 3_600_000 }),
    );
    expect(alerts.icon).toBe('unread');
    expect(alerts.tooltip).toBe(
      'Katya Desktop — Connected — 5 unread, 2 alerts — Snoozed until 13:00',
    );
    const snoozed = trayState(
      input(view('connected'), { unread: 5, snoozedUntil: now + 3_600_000 }),
    );
    expect(snoozed.icon).toBe('snoozed');
    expect(snoozed.tooltip).toBe('Katya Desktop — Connected — 5 unread — Snoozed until 13:00');
    const ended = trayState(input(view('connected'), { snoozedUntil: now - 1 }));
    expect(ended.icon).toBe('connected');
    expect(ended.snoozed).toBe(false);
    expect(ended.tooltip).toBe('Katya Desktop — Connected');
  });

  it('counts one alert in the singular and leaves out counts that are zero', () => {
    expect(trayState(input(view('connected'), { unread: 1, unreadAlerts: 1 })).tooltip).toBe(
      'Katya Desktop — Connected — 1 unread, 1 alert',
    );
    expect(trayState(input(view('connected'), { unread: 3 })).tooltip).toBe(
      'Katya Desktop — Connected — 3 unread',
    );
    expect(trayState(input(view('connected'), { unread: 0, unreadAlerts: 0 })).tooltip).toBe(
      'Katya Desktop — Connected',
    );
  });

  it('never hides a connection problem behind unread or snooze', () => {
    expect(
      trayState(input(view('signin'), { unreadAlerts: 3, snoozedUntil: now + 1000 })).icon,
    ).toBe('signin');
    expect(trayState(input(view('offline'), { unreadAlerts: 3 })).icon).toBe('offline');
  });

  it('marks demo mode in the tooltip', () => {
    expect(trayState(input(view('connected', { demo: true }))).tooltip).toBe(
      'Katya Desktop (Demo) — Connected',
    );
  });
});

describe('tray state in Russian', () => {
  const ru = (connection: ConnectionView, extra: Partial<TrayInput> = {}) =>
    trayState(input(connection, { language: 'ru', ...extra }));

  it.each([
    ['connected', 'Подключено'],
    ['connecting', 'Подключение…'],
    ['signin', 'Нужно войти'],
    ['paused', 'Приостановлено'],
  ] as const)('%s says "%s"', (phase, line) => {
    const s = ru(view(phase));
    expect(s.statusLine).toBe(line);
    expect(s.tooltip).toBe(`Katya Desktop — ${line}`);
    expect(s.language).toBe('ru');
  });

  it('the countdown, offline, demo and snooze', () => {
    expect(ru(view('reconnecting', { retryAt: now + 4_200 })).statusLine).toBe(
      'Переподключение (через 5 с)',
    );
    expect(ru(view('reconnecting')).statusLine).toBe('Переподключение…');
    expect(ru(view('offline', { since: Date.UTC(2026, 10, 26, 11, 41) })).tooltip).toBe(
      'Katya Desktop — Нет соединения с 11:41',
    );
    expect(ru(view('connected', { demo: true }), { snoozedUntil: now + 3_600_000 }).tooltip).toBe(
      'Katya Desktop (демо) — Подключено — Уведомления отложены до 13:00',
    );
  });

  it('unread and alert counts agree with the number', () => {
    const tip = (unread: number, unreadAlerts: number) =>
      ru(view('connected'), { unread, unreadAlerts }).tooltip;
    expect(tip(1, 1)).toBe('Katya Desktop — Подключено — 1 непрочитанное, 1 оповещение');
    expect(tip(2, 2)).toBe('Katya Desktop — Подключено — 2 непрочитанных, 2 оповещения');
    expect(tip(5, 5)).toBe('Katya Desktop — Подключено — 5 непрочитанных, 5 оповещений');
    expect(tip(21, 21)).toBe('Katya Desktop — Подключено — 21 непрочитанное, 21 оповещение');
  });
});

describe('tray ticking', () => {
  it('ticks only while a countdown is shown', () => {
    expect(trayState(input(view('reconnecting', { retryAt: now + 2000 }))).ticking).toBe(true);
    expect(trayState(input(view('reconnecting', { retryAt: now - 1 }))).ticking).toBe(false);
    expect(trayState(input(view('connected'))).ticking).toBe(false);
    expect(trayState(input(view('offline', { retryAt: now + 2000 }))).ticking).toBe(false);
  });
});

describe('tray state with several servers', () => {
  it('takes the connection that needs the user most, a switched-off server last', () => {
    const phases = (list: ConnectionView['phase'][]) =>
      worstConnection(list.map((p) => view(p)))?.phase;
    expect(phases(['connected', 'reconnecting', 'signin', 'offline'])).toBe('signin');
    expect(phases(['connected', 'proxy', 'offline'])).toBe('proxy');
    expect(phases(['connected', 'certificate', 'proxy'])).toBe('certificate');
    expect(phases(['paused', 'connected'])).toBe('connected');
    expect(phases(['paused'])).toBe('paused');
    expect(phases([])).toBeUndefined();
    // the first of equals: the server listed first
    const first = view('offline', { serverUrl: 'wss://a/v1/ws' });
    expect(worstConnection([first, view('offline')])).toBe(first);
  });

  it('lists each server with its state, and counts down while any one retries', () => {
    const servers = [
      { id: 'a', name: 'Production', connection: view('connected') },
      { id: 'b', name: 'Staging', connection: view('reconnecting', { retryAt: now + 4_000 }) },
      { id: 'c', name: 'Lab', connection: view('paused') },
    ];
    const t = trayState(input(view('reconnecting', { retryAt: now + 4_000 }), { servers }));
    expect(t.serverLines).toEqual([
      { id: 'a', line: 'Production: Connected' },
      { id: 'b', line: 'Staging: Reconnecting (in 4 s)' },
      { id: 'c', line: 'Lab: Paused' },
    ]);
    expect(t.ticking).toBe(true);
    const ru = trayState(input(view('connected'), { servers, language: 'ru' }));
    expect(ru.serverLines?.[0]?.line).toBe('Production: Подключено');
    expect(ru.ticking).toBe(true); // Staging still counts down
    expect(trayState(input(view('connected'))).serverLines).toEqual([]);
  });
});
