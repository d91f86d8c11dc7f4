import { describe, expect, it } from 'vitest';
import {
  breaksThrough,
  decide,
  describeForNotification,
  inQuietHours,
  notifiesByDefault,
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
    // a payload that is not an object is an empty one: no severity, no status
    for (const data of [null, 'critical', 7]) {
      for (const type of ['security.alert.created', 'system.status.changed'] as const) {
        const odd = { ...sample(type, 'critical'), data } as unknown as EventMessage;
        expect(() => wantsNotification(odd, defaults)).not.toThrow();
        expect(wantsNotification(odd, defaults), `${type} ${String(data)}`).toBe(false);
      }
    }
  });
  it('notifiesByDefault: alerts (then held to the threshold), maintenance, a status not operational', () => {
    expect(notifiesByDefault('security.alert.created', {})).toBe(true);
    expect(notifiesByDefault('security.alert.updated', {})).toBe(true);
    expect(notifiesByDefault('system.maintenance.start', {})).toBe(true);
    expect(notifiesByDefault('system.status.changed', { status: 'degraded' })).toBe(true);
    expect(notifiesByDefault('system.status.changed', { status: 'operational' })).toBe(false);
    expect(notifiesByDefault('system.status.changed', {})).toBe(false);
    expect(notifiesByDefault('message.created', {})).toBe(false);
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
    expect(inQuietHours(day, at(13, 0))).toBe(true);
    expect(inQuietHours(day, at(13, 30))).toBe(true);
    expect(inQuietHours(day, at(14, 0))).toBe(false);
    expect(inQuietHours(rules(), at(23, 0))).toBe(false); // default: off
  });
  it('equal start and end mean never, not all day', () => {
    // A window of no length: a change that made "22:00"-"22:00" last all day must fail here.
    for (const hhmm of ['00:00', '22:00', '07:30']) {
      const none = rules({ quietHours: { enabled: true, start: hhmm, end: hhmm } });
      const [h, m] = hhmm.split(':').map(Number) as [number, number];
      for (const t of [at(h, m), at(h, m) - 60_000, at(h, m) + 60_000, at(3), at(12), at(23, 59)]) {
        expect(inQuietHours(none, t), `${hhmm} at ${new Date(t).toString()}`).toBe(false);
      }
      expect(decide(sample('security.alert.created', 'high'), none, at(h, m), null)).toEqual({
        notify: true,
        breakthrough: false,
      });
    }
  });
  it('a malformed start or end holds nothing back', () => {
    for (const [start, end] of [
      ['24:00', '07:00'],
      ['22:00', '07:60'],
      ['7:00', '22:00'],
      ['122:00', '07:00'],
      ['22:00', '07:001'],
      ['22:00', ''],
    ] as const) {
      const bad = rules({ quietHours: { enabled: true, start, end } });
      for (const t of [at(0), at(3), at(7), at(12), at(22, 30)]) {
        expect(inQuietHours(bad, t), `${start}-${end}`).toBe(false);
      }
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

// The zone is passed in, never read from process.env.TZ: a test that sets TZ changes nothing in
// a worker thread (Vitest's threads pool, Stryker), so these mean the same in every pool.
describe('quiet hours and snooze on the clock of a given time zone', () => {
  const night = rules({ quietHours: { enabled: true, start: '22:00', end: '07:00' } });
  // Tokyo is UTC+9 all year; New York is UTC-5 in late November (summer time is over).
  it.each([
    ['Asia/Tokyo', Date.UTC(2026, 10, 26, 12, 59), '21:59 on the 26th', false],
    ['Asia/Tokyo', Date.UTC(2026, 10, 26, 13, 0), '22:00 on the 26th', true],
    ['Asia/Tokyo', Date.UTC(2026, 10, 26, 14, 59), '23:59 on the 26th', true],
    ['Asia/Tokyo', Date.UTC(2026, 10, 26, 15, 0), 'midnight, the 27th', true],
    ['Asia/Tokyo', Date.UTC(2026, 10, 26, 21, 59), '06:59 on the 27th', true],
    ['Asia/Tokyo', Date.UTC(2026, 10, 26, 22, 0), '07:00 on the 27th', false],
    ['America/New_York', Date.UTC(2026, 10, 27, 2, 59), '21:59 on the 26th', false],
    ['America/New_York', Date.UTC(2026, 10, 27, 3, 0), '22:00 on the 26th', true],
    ['America/New_York', Date.UTC(2026, 10, 27, 4, 59), '23:59 on the 26th', true],
    ['America/New_York', Date.UTC(2026, 10, 27, 5, 0), 'midnight, the 27th', true],
    ['America/New_York', Date.UTC(2026, 10, 27, 11, 59), '06:59 on the 27th', true],
    ['America/New_York', Date.UTC(2026, 10, 27, 12, 0), '07:00 on the 27th', false],
  ])('22:00-07:00 across midnight in %s: %s (%s) quiet=%s', (zone, t, _local, quiet) => {
    expect(inQuietHours(night, t, zone)).toBe(quiet);
  });

  it('one instant is quiet on one clock and not on another', () => {
    const t = Date.UTC(2026, 10, 26, 14, 30); // 23:30 in Tokyo, 09:30 in New York, 14:30 UTC
    expect(inQuietHours(night, t, 'Asia/Tokyo')).toBe(true);
    expect(inQuietHours(night, t, 'America/New_York')).toBe(false);
    expect(inQuietHours(night, t, 'UTC')).toBe(false);
    const high = sample('security.alert.created', 'high');
    expect(decide(high, night, t, null, 'Asia/Tokyo')).toEqual({
      notify: false,
      reason: 'quiet_hours',
    });
    expect(decide(high, night, t, null, 'America/New_York')).toEqual({
      notify: true,
      breakthrough: false,
    });
  });

  it('"tomorrow" is the next 07:00 on that clock, at least an hour away', () => {
    // 23:30 in Tokyo on the 26th: 07:00 on the 27th in Tokyo is 22:00 UTC on the 26th.
    const t = Date.UTC(2026, 10, 26, 14, 30);
    expect(snoozeUntil('tomorrow', t, defaults, 'Asia/Tokyo')).toBe(Date.UTC(2026, 10, 26, 22));
    // 09:30 in New York on the 26th: 07:00 on the 27th there is 12:00 UTC on the 27th.
    expect(snoozeUntil('tomorrow', t, defaults, 'America/New_York')).toBe(
      Date.UTC(2026, 10, 27, 12),
    );
    // 06:30 in Tokyo: 07:00 is only half an hour away, so the next morning's.
    expect(snoozeUntil('tomorrow', Date.UTC(2026, 10, 26, 21, 30), defaults, 'Asia/Tokyo')).toBe(
      Date.UTC(2026, 10, 27, 22),
    );
    // exactly an hour before 07:00 is still this morning's
    expect(snoozeUntil('tomorrow', Date.UTC(2026, 10, 26, 21), defaults, 'Asia/Tokyo')).toBe(
      Date.UTC(2026, 10, 26, 22),
    );
  });

  it('"tomorrow" keeps 07:00 on the clock across a change of summer time', () => {
    // New York leaves summer time at 02:00 on 2026-11-01 (UTC-4 to UTC-5): from 23:00 on
    // October 31st, 07:00 is at 12:00 UTC, not 11:00.
    expect(snoozeUntil('tomorrow', Date.UTC(2026, 10, 1, 3), defaults, 'America/New_York')).toBe(
      Date.UTC(2026, 10, 1, 12),
    );
    // and enters it at 02:00 on 2026-03-08 (UTC-5 to UTC-4): 07:00 is at 11:00 UTC.
    expect(snoozeUntil('tomorrow', Date.UTC(2026, 2, 8, 4), defaults, 'America/New_York')).toBe(
      Date.UTC(2026, 2, 8, 11),
    );
    // the night of the change is quiet until 07:00 on the new offset
    const t = Date.UTC(2026, 10, 1, 11, 59); // 06:59 EST
    expect(inQuietHours(night, t, 'America/New_York')).toBe(true);
    expect(inQuietHours(night, t + 60_000, 'America/New_York')).toBe(false);
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
    // an end that is not a time: the morning is 07:00
    const broken = rules({ quietHours: { enabled: false, start: '23:00', end: 'soon' } });
    expect(snoozeUntil('tomorrow', now, broken)).toBe(at(7, 0, 27));
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
  // What each type says when the server sends other fields than the samples: ids where names
  // are missing, the optional details, and its own word when there is nothing at all.
  it.each([
    [
      'security.alert.created',
      { id: 'alert_1', category: 'brute_force' },
      'Security alert: alert_1',
      '(brute force)',
    ],
    [
      'security.alert.created',
      { title: 'Odd', description: 'Many failed logins' },
      'Security alert: Odd',
      'Many failed logins',
    ],
    [
      'security.alert.created',
      { title: 'Odd', source: '10.0.0.1', description: 'Many failed logins' },
      'Security alert: Odd',
      'from 10.0.0.1',
    ],
    ['security.alert.updated', { id: 'alert_1' }, 'Security alert updated: alert_1', ''],
    [
      'security.scan.started',
      { id: 'scan_1', scanType: 'port__scan' },
      'Security scan started: scan_1',
      'port scan scan',
    ],
    [
      'security.scan.completed',
      { id: 'scan_1', findings: 0 },
      'Security scan completed: scan_1',
      '0 findings',
    ],
    [
      'security.scan.completed',
      { target: 'db-1', findings: Number.NaN },
      'Security scan completed: db-1',
      '',
    ],
    [
      'security.scan.completed',
      { target: 'db-1', findings: '3' },
      'Security scan completed: db-1',
      '',
    ],
    ['system.status.changed', { status: 'degraded' }, 'System status: degraded', ''],
    [
      'system.maintenance.start',
      { id: 'mnt_1', components: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] },
      'Maintenance started: mnt_1',
      'affects a, b, c, d, e and 2 more',
    ],
    [
      'system.maintenance.start',
      { title: 'Up', components: ['a', 'b', 'c', 'd', 'e'] },
      'Maintenance started: Up',
      'affects a, b, c, d, e',
    ],
    [
      'system.maintenance.start',
      { title: 'Up', components: 'db', expectedEndAt: 'soon' },
      'Maintenance started: Up',
      'affects db',
    ],
    [
      'system.maintenance.start',
      { title: 'Up', components: [{}, 7, 'api'], expectedEndAt: 5 },
      'Maintenance started: Up',
      'affects 7, api',
    ],
    [
      'system.maintenance.start',
      { title: 'Up', components: [{}, null] },
      'Maintenance started: Up',
      '',
    ],
    ['system.maintenance.end', { id: 'mnt_1' }, 'Maintenance ended: mnt_1', ''],
    [
      'message.created',
      { roomId: 'room_1', messageType: 'file' },
      'Someone in room_1',
      'sent a file',
    ],
    [
      'message.updated',
      { roomName: 'ops', editedBy: 'erin', senderName: 'carol', content: 'fixed' },
      'Message edited in ops',
      'erin: fixed',
    ],
    [
      'message.updated',
      { roomId: 'room_1', senderName: 'carol', content: 'fixed' },
      'Message edited in room_1',
      'carol: fixed',
    ],
    [
      'message.deleted',
      { roomId: 'room_1', deletedBy: 'erin' },
      'Message deleted in room_1',
      'by erin',
    ],
    [
      'room.created',
      { id: 'room_1', visibility: 'private', createdBy: 'erin' },
      'Room created: room_1',
      'private room by erin',
    ],
    [
      'room.updated',
      { id: 'room_1', changes: ['topic', 'name'], updatedBy: 'erin' },
      'Room updated: room_1',
      'changed topic, name by erin',
    ],
    [
      'room.member.joined',
      { userId: 'u_1', roomId: 'room_1', role: 'moderator' },
      'u_1 joined room_1',
      'as moderator',
    ],
    [
      'room.member.left',
      { userId: 'u_1', roomId: 'room_1', reason: 'kicked' },
      'u_1 was kicked from room_1',
      '',
    ],
    [
      'room.member.left',
      { userName: 'dave', roomName: 'ops', reason: 'banned' },
      'dave was banned from ops',
      '',
    ],
    [
      'room.member.left',
      { userName: 'dave', roomName: 'ops', reason: 'timeout' },
      'dave left ops',
      '',
    ],
    [
      'trust.identity.created',
      { userId: 'u_1', provider: 'saml_sso' },
      'New identity for u_1',
      'provider: saml sso',
    ],
    [
      'trust.identity.updated',
      { userId: 'u_1', status: 'verified', provider: 'oidc' },
      'Identity verified: u_1',
      'provider: oidc',
    ],
    [
      'trust.verification.created',
      { subjectName: 'dave', verifierName: 'erin', method: 'video_call' },
      'Verification requested: dave',
      'by erin (video call)',
    ],
    [
      'trust.verification.updated',
      { subjectName: 'dave', status: 'approved', verifierName: 'erin' },
      'Verification approved: dave',
      'by erin',
    ],
    [
      'trust.reputation.updated',
      { userId: 'u_1', score: 42, previousScore: 40, reason: 'good reviews' },
      'Reputation of u_1: 42',
      'was 40 · good reviews',
    ],
    ['analytics.metric.updated', { name: 'cpu', value: 93.5, metadata: 'web-1' }, 'cpu: 93.5', ''],
    [
      'analytics.report.created',
      { id: 'rep_1', period: 'last_week', requestedBy: 'erin' },
      'Report requested: rep_1',
      'last week by erin',
    ],
    [
      'analytics.report.completed',
      { id: 'rep_1', period: 'last_week', rows: 1200 },
      'Report ready: rep_1',
      'last week · 1200 rows',
    ],
  ] as const)('%s with %j: "%s" / "%s"', (type, data, title, body) => {
    expect(describeForNotification({ ...sample(type), data: { ...data } })).toEqual({
      title,
      body,
    });
  });

  it.each([
    ['security.alert.created', 'Security alert: untitled'],
    ['security.alert.updated', 'Security alert updated: untitled'],
    ['security.scan.started', 'Security scan started: unknown target'],
    ['security.scan.completed', 'Security scan completed: unknown target'],
    ['system.status.changed', 'System status: unknown'],
    ['system.maintenance.start', 'Maintenance started: maintenance'],
    ['system.maintenance.end', 'Maintenance ended: maintenance'],
    ['message.created', 'Someone in a room'],
    ['message.updated', 'Message edited in a room'],
    ['message.deleted', 'Message deleted in a room'],
    ['room.created', 'Room created: unnamed'],
    ['room.updated', 'Room updated: unnamed'],
    ['room.member.joined', 'Someone joined a room'],
    ['room.member.left', 'Someone left a room'],
    ['trust.identity.created', 'New identity for a user'],
    ['trust.identity.updated', 'Identity updated: a user'],
    ['trust.verification.created', 'Verification requested: someone'],
    ['trust.verification.updated', 'Verification updated: someone'],
    ['trust.reputation.updated', 'Reputation of a user: ?'],
    ['analytics.metric.updated', 'Metric: ?'],
    ['analytics.report.created', 'Report requested: report'],
    ['analytics.report.completed', 'Report ready: report'],
  ] as const)('%s without data says "%s"', (type, title) => {
    const { body } = describeForNotification({ ...sample(type), data: {} });
    expect(describeForNotification({ ...sample(type), data: {} }).title).toBe(title);
    // Only the types with a word of their own for the body say anything.
    const own: Record<string, string> = {
      'security.scan.started': 'scan',
      'message.created': 'new message',
      'room.created': 'room',
    };
    expect(body).toBe(own[type] ?? '');
  });

  it('cuts a title over 120 characters with an ellipsis, and keeps one of exactly 120', () => {
    const long = describeForNotification({
      ...sample('message.created'),
      data: { senderName: 's'.repeat(80), roomName: 'r'.repeat(80) },
    }).title;
    expect(long).toBe(`${'s'.repeat(80)} in ${'r'.repeat(35)}…`);
    const exact = describeForNotification({
      ...sample('message.created'),
      data: { senderName: 's'.repeat(58), roomName: 'r'.repeat(58) },
    }).title;
    expect(exact).toBe(`${'s'.repeat(58)} in ${'r'.repeat(58)}`);
  });

  it('names an unknown event type, or says it is unknown', () => {
    expect(describeForNotification({ ...sample('room.created'), event: 'x.y' })).toEqual({
      title: 'Katya event: x.y',
      body: '',
    });
    expect(describeForNotification({ ...sample('room.created'), event: 7 as never }).title).toBe(
      'Katya event: event',
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
