import { describe, expect, it } from 'vitest';
import { trayState } from '../../../main/core/tray-state';
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
    expect(s.tooltip).toContain(line);
  });

  it('counts down to the next attempt while reconnecting', () => {
    const s = trayState(input(view('reconnecting', { retryAt: now + 4_200, attempt: 3 })));
    expect(s.icon).toBe('connecting');
    expect(s.statusLine).toBe('Reconnecting (in 5 s)');
  });

  it('says since when it is offline', () => {
    const s = trayState(input(view('offline', { since: Date.UTC(2026, 10, 26, 11, 41) })));
    expect(s.icon).toBe('offline');
    expect(s.statusLine).toBe('Offline since 11:41');
  });

  it('shows unread alerts over snooze, and snooze over a plain connected icon', () => {
    expect(
      trayState(input(view('connected'), { unread: 5, unreadAlerts: 2, snoozedUntil: now + 1000 }))
        .icon,
    ).toBe('unread');
    const snoozed = trayState(
      input(view('connected'), { unread: 5, snoozedUntil: now + 3_600_000 }),
    );
    expect(snoozed.icon).toBe('snoozed');
    expect(snoozed.tooltip).toContain('Snoozed until 13:00');
    expect(snoozed.tooltip).toContain('5 unread');
    expect(trayState(input(view('connected'), { snoozedUntil: now - 1 })).icon).toBe('connected');
  });

  it('never hides a connection problem behind unread or snooze', () => {
    expect(
      trayState(input(view('signin'), { unreadAlerts: 3, snoozedUntil: now + 1000 })).icon,
    ).toBe('signin');
    expect(trayState(input(view('offline'), { unreadAlerts: 3 })).icon).toBe('offline');
  });

  it('marks demo mode in the tooltip', () => {
    expect(trayState(input(view('connected', { demo: true }))).tooltip).toMatch(
      /^Katya Desktop \(Demo\)/,
    );
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
