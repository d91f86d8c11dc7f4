import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../fakes/clock';
import {
  Notifier,
  OFFLINE_NOTIFICATION_ID,
  fileSeenStore,
} from '../../../main/core/notify/notifier';
import type { NotifierOptions } from '../../../main/core/notify/notifier';
import type { NotificationRequest, NotificationRules } from '../../../main/core/notify/policy';
import { DEFAULT_SETTINGS } from '../../../main/core/common/settings-schema';
import type { EventMessage } from '../../../main/core/common/protocol';
import { sample } from './samples';
import { logTo } from '../../../main/core/log/scoped';

const rules = (patch: Partial<NotificationRules> = {}): NotificationRules => ({
  ...structuredClone(DEFAULT_SETTINGS.notifications),
  ...patch,
});

// A local noon, so quiet-hours tests mean the same in every time zone.
const NOON = new Date(2026, 10, 26, 12, 0).getTime();

function setup(opts: Partial<Omit<NotifierOptions, 'clock'>> & { clock?: ManualClock } = {}) {
  const clock = opts.clock ?? new ManualClock(NOON);
  const shown: NotificationRequest[] = [];
  const withdrawn: string[] = [];
  const snoozeChanges: (number | null)[] = [];
  const n = new Notifier({
    rules: rules(),
    show: (x) => shown.push(x),
    withdraw: (id) => withdrawn.push(id),
    onSnoozeChange: (u) => snoozeChanges.push(u),
    ...opts,
    clock,
  });
  return { clock, shown, withdrawn, snoozeChanges, n };
}

const alert = (sev: 'low' | 'medium' | 'high' | 'critical' = 'high', id?: string) =>
  sample('security.alert.created', sev, id);

describe('Notifier: what is shown', () => {
  it('shows a wanted event with its text and id, and nothing for feed-only events', () => {
    const { n, shown } = setup();
    n.offer([sample('message.created'), alert('high', 'a1'), alert('low')]);
    expect(shown).toEqual([
      {
        id: 'event:a1',
        kind: 'event',
        title: 'High security alert: Suspicious login attempt',
        body: 'from 192.168.1.100 (authentication)',
        eventId: 'a1',
        severity: 'high',
        urgent: false,
        silent: false,
        channel: 'security',
      },
    ]);
  });
  it('marks critical alerts urgent', () => {
    const { n, shown } = setup();
    n.offer([alert('critical')]);
    expect(shown[0]).toMatchObject({ urgent: true, severity: 'critical' });
  });
  it('never twice for one id: in one batch, across batches, after a reconnect', () => {
    const { n, shown } = setup();
    n.offer([alert('high', 'dup'), alert('high', 'dup')]);
    n.offer([alert('high', 'dup')]);
    n.connection({
      state: 'reconnecting',
      since: NOON,
      attempt: 1,
      delayMs: 500,
      retryAt: NOON + 500,
    });
    n.connection({ state: 'open', since: NOON + 500 });
    n.offer([alert('high', 'dup')]);
    expect(shown.map((s) => s.eventId)).toEqual(['dup']);
  });
  it('follows new rules', () => {
    const { n, shown } = setup();
    n.setRules(rules({ threshold: 'critical' }));
    n.offer([alert('high')]);
    expect(shown).toHaveLength(0);
    n.setRules(rules({ perEvent: { 'room.created': 'notify' } }));
    n.offer([sample('room.created')]);
    expect(shown).toHaveLength(1);
  });
  it('survives bad input and a show() that throws', () => {
    const { n, shown } = setup();
    n.offer([null, { id: 5 }, { ...alert(), event: 'nope' }] as unknown as EventMessage[]);
    n.offer('x' as unknown as EventMessage[]);
    expect(shown).toHaveLength(0);
    const logs: string[] = [];
    const bad = setup({
      show: () => {
        throw new Error('daemon gone');
      },
      log: logTo((m) => logs.push(m)),
    });
    expect(() => bad.n.offer([alert()])).not.toThrow();
    expect(logs.join()).toContain('daemon gone');
  });
});

describe('Notifier: bursts', () => {
  it('shows 3 per channel per 10 s, then one summary that counts the rest', () => {
    const { n, shown, clock } = setup();
    const burst = [
      ...Array.from({ length: 10 }, () => alert('high')),
      ...Array.from({ length: 5 }, () => alert('critical')),
    ];
    n.offer(burst.slice(0, 6));
    n.offer(burst.slice(6));
    // another channel has its own budget
    n.offer([sample('system.maintenance.start'), sample('system.maintenance.end')]);
    expect(shown.map((s) => s.kind)).toEqual(['event', 'event', 'event', 'event', 'event']);
    clock.advance(9_999);
    expect(shown.filter((s) => s.kind === 'summary')).toHaveLength(0);
    clock.advance(1);
    const summary = shown.find((s) => s.kind === 'summary')!;
    expect(summary).toMatchObject({
      title: '12 more security alerts',
      body: 'including 5 critical, 7 high; open Katya to see them',
      severity: 'critical',
      urgent: true,
      eventId: null,
      channel: 'security',
    });
    // only one summary, and only for the channel that overflowed
    expect(shown.filter((s) => s.kind === 'summary')).toHaveLength(1);
    // a new window starts afresh
    n.offer([alert('high'), alert('high'), alert('high'), alert('high')]);
    clock.advance(10_000);
    expect(shown.filter((s) => s.kind === 'summary').map((s) => s.title)).toEqual([
      '12 more security alerts',
      '1 more security alert',
    ]);
  });
  it('says "events" when the folded ones are not all alerts', () => {
    const { n, shown, clock } = setup({
      rules: rules({ perEvent: { 'security.scan.started': 'notify' } }),
    });
    n.offer([alert(), alert(), alert(), sample('security.scan.started'), alert()]);
    clock.advance(10_000);
    expect(shown.at(-1)).toMatchObject({ kind: 'summary', title: '2 more security events' });
  });
  it('no summary when nothing was folded', () => {
    const { n, shown, clock } = setup();
    n.offer([alert(), alert(), alert()]);
    clock.advance(60_000);
    expect(shown.map((s) => s.kind)).toEqual(['event', 'event', 'event']);
  });
});

describe('Notifier: quiet hours and snooze', () => {
  it('quiet hours hold back all but critical; held events do not pop up later', () => {
    const night = new Date(2026, 10, 26, 23, 0).getTime();
    const { n, shown, clock } = setup({
      clock: new ManualClock(night),
      rules: rules({ quietHours: { enabled: true, start: '22:00', end: '07:00' } }),
    });
    n.offer([alert('high', 'h1'), alert('critical', 'c1')]);
    expect(shown.map((s) => s.eventId)).toEqual(['c1']);
    clock.advance(9 * 3_600_000); // 08:00
    n.offer([alert('high', 'h1'), alert('high', 'h2')]);
    expect(shown.map((s) => s.eventId)).toEqual(['c1', 'h2']);
  });
  it('snooze for 1 h holds, breaks through for critical, and runs out by itself', () => {
    const { n, shown, clock, snoozeChanges } = setup();
    const until = n.snooze('1h');
    expect(until).toBe(NOON + 3_600_000);
    expect(n.snoozedUntil()).toBe(until);
    n.offer([alert('high'), sample('system.maintenance.start'), alert('critical', 'crit')]);
    expect(shown.map((s) => s.eventId)).toEqual(['crit']);
    clock.advance(3_600_000);
    expect(n.snoozedUntil()).toBeNull();
    expect(snoozeChanges).toEqual([until, null]);
    n.offer([alert('high', 'after')]);
    expect(shown.map((s) => s.eventId)).toEqual(['crit', 'after']);
  });
  it('4h, tomorrow and off', () => {
    const { n, snoozeChanges } = setup();
    expect(n.snooze('4h')).toBe(NOON + 4 * 3_600_000);
    expect(n.snooze('tomorrow')).toBe(new Date(2026, 10, 27, 7, 0).getTime());
    expect(n.snooze('off')).toBeNull();
    expect(n.snoozedUntil()).toBeNull();
    expect(snoozeChanges.at(-1)).toBeNull();
  });
  it('no breakthrough when the user turned it off', () => {
    const { n, shown } = setup({ rules: rules({ criticalBreaksThrough: false }) });
    n.snooze('1h');
    n.offer([alert('critical')]);
    expect(shown).toHaveLength(0);
  });
  it('restores a saved snooze and ignores one that already ended', () => {
    const a = setup({ snoozedUntil: NOON + 60_000 });
    expect(a.n.snoozedUntil()).toBe(NOON + 60_000);
    a.n.offer([alert()]);
    expect(a.shown).toHaveLength(0);
    a.clock.advance(60_000);
    expect(a.n.snoozedUntil()).toBeNull();
    const b = setup({ snoozedUntil: NOON - 1 });
    expect(b.n.snoozedUntil()).toBeNull();
  });
});

describe('Notifier: offline notice', () => {
  it('one quiet notice after 2 minutes without a connection, withdrawn on reconnect', () => {
    const { n, shown, withdrawn, clock } = setup();
    n.connection({ state: 'open', since: NOON });
    clock.advance(1000);
    n.connection({
      state: 'reconnecting',
      since: clock.now(),
      attempt: 1,
      delayMs: 500,
      retryAt: 0,
    });
    clock.advance(60_000);
    n.connection({ state: 'connecting', since: clock.now() });
    n.connection({
      state: 'reconnecting',
      since: clock.now(),
      attempt: 2,
      delayMs: 900,
      retryAt: 0,
    });
    clock.advance(59_999);
    expect(shown).toHaveLength(0);
    clock.advance(1);
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatchObject({
      id: OFFLINE_NOTIFICATION_ID,
      kind: 'offline',
      title: 'Katya is offline',
      silent: true,
      urgent: false,
      eventId: null,
    });
    expect(shown[0]!.body).toMatch(/^No connection to the server since 12:00\./);
    clock.advance(600_000);
    expect(shown).toHaveLength(1); // once per outage
    n.connection({ state: 'open', since: clock.now() });
    expect(withdrawn).toEqual([OFFLINE_NOTIFICATION_ID]);
  });
  it('a short drop shows and withdraws nothing', () => {
    const { n, shown, withdrawn, clock } = setup();
    n.connection({ state: 'reconnecting', since: NOON, attempt: 1, delayMs: 500, retryAt: 0 });
    clock.advance(119_000);
    n.connection({ state: 'open', since: clock.now() });
    clock.advance(600_000);
    expect(shown).toHaveLength(0);
    expect(withdrawn).toHaveLength(0);
  });
  it('sign-in needed or paused is not "offline"', () => {
    const { n, shown, clock } = setup();
    n.connection({ state: 'reconnecting', since: NOON, attempt: 1, delayMs: 500, retryAt: 0 });
    clock.advance(30_000);
    n.connection({ state: 'auth_failed', since: clock.now(), reason: 'bad token' });
    clock.advance(600_000);
    expect(shown).toHaveLength(0);
  });
  it('dispose stops every timer', () => {
    const { n, shown, clock } = setup();
    n.connection({ state: 'connecting', since: NOON });
    n.offer([alert(), alert(), alert(), alert()]);
    n.snooze('1h');
    n.dispose();
    expect(clock.pending()).toBe(0);
    clock.advance(3_600_000);
    expect(shown.map((s) => s.kind)).toEqual(['event', 'event', 'event']);
  });
});

describe('Notifier: restarts', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'katya-seen-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('never twice for one id across a restart, with the file seen store', () => {
    const file = join(dir, 'notified.json');
    const first = setup({ seen: fileSeenStore(file) });
    first.n.offer([alert('high', 'r1'), alert('high', 'r2')]);
    first.n.dispose();
    const second = setup({ seen: fileSeenStore(file) });
    second.n.offer([alert('high', 'r1'), alert('high', 'r2'), alert('high', 'r3')]);
    expect(second.shown.map((s) => s.eventId)).toEqual(['r3']);
  });
  it('the seen store is bounded and survives a damaged file', () => {
    const file = join(dir, 'notified.json');
    const store = fileSeenStore(file, { max: 3 });
    store.add(['a', 'b', 'c', 'd']);
    store.flush(); // writes are coalesced in the background; flush is the shutdown's write
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(['b', 'c', 'd']);
    writeFileSync(file, '["b", "c", tru');
    const logs: string[] = [];
    const again = fileSeenStore(file, { log: logTo((m) => logs.push(m)) });
    expect(again.has('b')).toBe(false);
    expect(logs).toHaveLength(1);
    again.add(['z']);
    again.flush();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(['z']);
  });
});
