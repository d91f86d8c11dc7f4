import { describe, expect, it } from 'vitest';
import {
  breaksThrough,
  decide,
  describeForNotification,
  inQuietHours,
  snoozeUntil,
  wantsNotification,
} from '../../../main/core/notify/policy';
import type { NotificationRules } from '../../../main/core/notify/policy';
import { DEFAULT_SETTINGS } from '../../../main/core/common/settings-schema';
import { SEVERITIES, severityRank } from '../../../main/core/common/protocol';
import type { EventMessage, EventType, Severity } from '../../../main/core/common/protocol';
import { ALL_TYPES, sample } from './samples';

const defaults: NotificationRules = structuredClone(DEFAULT_SETTINGS.notifications);
const rules = (patch: Partial<NotificationRules> = {}): NotificationRules => ({
  ...structuredClone(defaults),
  ...patch,
});

/** docs/architecture.md, "Behaviour the design fixes": what notifies with default settings. */
function expectedByDefault(type: EventType, sev: Severity, threshold: Severity = 'high'): boolean {
  if (type === 'security.alert.created' || type === 'security.alert.updated') {
    return severityRank(sev) >= severityRank(threshold);
  }
  if (type === 'system.maintenance.start' || type === 'system.maintenance.end') return true;
  if (type === 'system.status.changed') return sev !== 'low'; // low is "operational"
  return false;
}

const table = ALL_TYPES.flatMap((type) => SEVERITIES.map((sev) => [type, sev] as const));

describe('wantsNotification, defaults', () => {
  it('covers all 22 types in four severities', () => {
    expect(table).toHaveLength(88);
  });
  it.each(table)('%s at %s', (type, sev) => {
    expect(wantsNotification(sample(type, sev), defaults)).toBe(expectedByDefault(type, sev));
  });
});

describe('wantsNotification, threshold', () => {
  for (const threshold of SEVERITIES) {
    it(`threshold ${threshold}: alerts at or above it, other types unchanged`, () => {
      const r = rules({ threshold });
      for (const [type, sev] of table) {
        expect(wantsNotification(sample(type, sev), r), `${type} ${sev}`).toBe(
          expectedByDefault(type, sev, threshold),
        );
      }
    });
  }
  it('an alert without a readable severity passes no threshold, not even low', () => {
    const e = sample('security.alert.created', 'high');
    e.data.severity = 'urgent!!';
    expect(wantsNotification(e, rules({ threshold: 'low' }))).toBe(false);
  });
});

describe('wantsNotification, switches and mutes', () => {
  it('switching any non-alert type to notify notifies it at every severity', () => {
    for (const [type, sev] of table) {
      if (type.startsWith('security.alert.')) continue;
      expect(
        wantsNotification(sample(type, sev), rules({ perEvent: { [type]: 'notify' } })),
        type,
      ).toBe(true);
    }
  });
  it('switching alerts to notify keeps the threshold (it is the alert setting)', () => {
    const r = rules({ perEvent: { 'security.alert.created': 'notify' } });
    expect(wantsNotification(sample('security.alert.created', 'medium'), r)).toBe(false);
    expect(wantsNotification(sample('security.alert.created', 'high'), r)).toBe(true);
  });
  it('switching a type to feed silences it, even critical', () => {
    for (const type of ALL_TYPES) {
      expect(
        wantsNotification(sample(type, 'critical'), rules({ perEvent: { [type]: 'feed' } })),
      ).toBe(false);
    }
  });
  it('a muted channel never notifies; other channels are untouched', () => {
    const r = rules({ mutedChannels: ['security'] });
    expect(wantsNotification(sample('security.alert.created', 'critical'), r)).toBe(false);
    expect(wantsNotification(sample('system.maintenance.start'), r)).toBe(true);
    const r2 = rules({ mutedChannels: ['messages'], perEvent: { 'message.created': 'notify' } });
    expect(wantsNotification(sample('message.created'), r2)).toBe(false);
  });
  it('bad input is simply not notified', () => {
    expect(wantsNotification({ ...sample('room.created'), event: 'no.such.event' }, defaults)).toBe(
      false,
    );
    expect(wantsNotification(null as unknown as EventMessage, defaults)).toBe(false);
    const e = sample('system.status.changed');
    e.data = { status: 42 };
    expect(wantsNotification(e, defaults)).toBe(false);
  });
});

// Local wall-clock times, whatever the machine's time zone is.
const at = (h: number, m = 0, day = 26) => new Date(2026, 10, day, h, m).getTime();

describe('quiet hours', () => {
  const q = rules({ quietHours: { enabled: true, start: '22:00', end: '07:00' } });
  it.each([
    [21, 59, false],
    [22, 0, true],
    [23, 30, true],
    [0, 0, true],
    [3, 15, true],
    [6, 59, true],
    [7, 0, false],
    [12, 0, false],
  ])('across midnight: %i:%i quiet=%s', (h, m, quiet) => {
    expect(inQuietHours(q, at(h, m))).toBe(quiet);
  });
  it('within one day (13:00-14:00) and disabled', () => {
    const day = rules({ quietHours: { enabled: true, start: '13:00', end: '14:00' } });
    expect(inQuietHours(day, at(12, 59))).toBe(false);
    expect(inQuietHours(day, at(13, 30))).toBe(true);
    expect(inQuietHours(day, at(14, 0))).toBe(false);
    expect(inQuietHours(rules(), at(23, 0))).toBe(false); // default: off
  });
  it('uses the local time zone (TZ=Asia/Tokyo, UTC+9)', () => {
    const before = process.env.TZ;
    process.env.TZ = 'Asia/Tokyo';
    try {
      // 14:30 UTC is 23:30 in Tokyo: quiet there, though not at 14:30.
      expect(inQuietHours(q, Date.UTC(2026, 10, 26, 14, 30))).toBe(true);
      // 03:00 UTC is 12:00 in Tokyo.
      expect(inQuietHours(q, Date.UTC(2026, 10, 26, 3, 0))).toBe(false);
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });
  it('holds back a high alert but lets a critical one break through, unless that is off', () => {
    const high = sample('security.alert.created', 'high');
    const critical = sample('security.alert.created', 'critical');
    expect(decide(high, q, at(23), null)).toEqual({ notify: false, reason: 'quiet_hours' });
    expect(decide(critical, q, at(23), null)).toEqual({ notify: true, breakthrough: true });
    expect(decide(high, q, at(12), null)).toEqual({ notify: true, breakthrough: false });
    const strict = { ...q, criticalBreaksThrough: false };
    expect(decide(critical, strict, at(23), null)).toEqual({
      notify: false,
      reason: 'quiet_hours',
    });
    // a critical event the rules do not want stays silent: breakthrough is not a rule of its own
    expect(decide(critical, { ...q, mutedChannels: ['security'] }, at(23), null)).toEqual({
      notify: false,
      reason: 'rules',
    });
    expect(breaksThrough(sample('system.status.changed', 'critical'), q)).toBe(true);
  });
});

describe('snooze', () => {
  it('1h and 4h from now; tomorrow is the next end of quiet hours at least an hour away', () => {
    const now = at(15, 20);
    expect(snoozeUntil('1h', now, defaults)).toBe(now + 3_600_000);
    expect(snoozeUntil('4h', now, defaults)).toBe(now + 4 * 3_600_000);
    expect(snoozeUntil('tomorrow', now, defaults)).toBe(at(7, 0, 27));
    expect(snoozeUntil('tomorrow', at(23, 50), defaults)).toBe(at(7, 0, 27));
    // after midnight "tomorrow" still means this morning's end of night
    expect(snoozeUntil('tomorrow', at(1, 0), defaults)).toBe(at(7, 0, 26));
    expect(snoozeUntil('tomorrow', at(6, 30), defaults)).toBe(at(7, 0, 27));
    const custom = rules({ quietHours: { enabled: false, start: '23:00', end: '09:30' } });
    expect(snoozeUntil('tomorrow', now, custom)).toBe(at(9, 30, 27));
  });
  it('holds everything but breakthrough criticals until it ends', () => {
    const until = at(13);
    expect(decide(sample('system.maintenance.start'), defaults, at(12), until)).toEqual({
      notify: false,
      reason: 'snoozed',
    });
    expect(decide(sample('security.alert.created', 'critical'), defaults, at(12), until)).toEqual({
      notify: true,
      breakthrough: true,
    });
    expect(decide(sample('system.maintenance.start'), defaults, until, until)).toEqual({
      notify: true,
      breakthrough: false,
    });
  });
});

describe('describeForNotification', () => {
  it('says what an alert is about: severity, title, source, category', () => {
    expect(describeForNotification(sample('security.alert.created', 'high'))).toEqual({
      title: 'High security alert: Suspicious login attempt',
      body: 'from 192.168.1.100 (authentication)',
    });
    const upd = describeForNotification(sample('security.alert.updated', 'critical'));
    expect(upd.title).toBe('Critical security alert acknowledged: Suspicious login attempt');
    expect(upd.body).toBe('by alice, from 192.168.1.100 (authentication)');
  });
  it('maintenance, status and scans name their subject', () => {
    expect(describeForNotification(sample('system.maintenance.start')).title).toBe(
      'Maintenance started: Database upgrade',
    );
    expect(describeForNotification(sample('system.maintenance.start')).body).toMatch(
      /^affects db, api, expected to end at \d\d:\d\d$/,
    );
    expect(describeForNotification(sample('system.maintenance.end'))).toEqual({
      title: 'Maintenance ended: Database upgrade',
      body: 'outcome: completed',
    });
    expect(describeForNotification(sample('system.status.changed', 'high'))).toEqual({
      title: 'System status: partial outage (api)',
      body: 'Errors rising · was operational',
    });
    expect(describeForNotification(sample('security.scan.completed', 'critical')).body).toBe(
      '2 findings, highest severity critical, malware scan',
    );
  });
  it.each(ALL_TYPES)('%s has a non-empty title even with an empty or hostile payload', (type) => {
    const e = sample(type);
    expect(describeForNotification(e).title.length).toBeGreaterThan(0);
    const hostile: EventMessage = {
      ...e,
      data: {
        title: { toString: 'x' },
        source: ['a'],
        severity: 'high',
        content: 'x\n'.repeat(5000),
        name: 7,
      },
    };
    const d = describeForNotification(hostile);
    expect(d.title.length).toBeGreaterThan(0);
    expect(d.title.length).toBeLessThanOrEqual(120);
    expect(d.body.length).toBeLessThanOrEqual(300);
    expect(d.title + d.body).not.toMatch(/[\n\r]/);
    expect(describeForNotification({ ...e, data: {} }).title.length).toBeGreaterThan(0);
  });
});
