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

describe('Notifier: the clock of a given time zone', () => {
  // 14:30 UTC: 23:30 in Tokyo (UTC+9), 09:30 in New York (UTC-5 in November).
  const T = Date.UTC(2026, 10, 26, 14, 30);
  const night = rules({ quietHours: { enabled: true, start: '22:00', end: '07:00' } });

  it('reads quiet hours on that clock', () => {
    const tokyo = setup({ clock: new ManualClock(T), rules: night, timeZone: 'Asia/Tokyo' });
    tokyo.n.offer([alert('high', 't1')]);
    expect(tokyo.shown).toHaveLength(0);
    const ny = setup({ clock: new ManualClock(T), rules: night, timeZone: 'America/New_York' });
    ny.n.offer([alert('high', 'n1')]);
    expect(ny.shown.map((s) => s.eventId)).toEqual(['n1']);
  });

  it('snoozes until 07:00 on that clock', () => {
    const { n } = setup({ clock: new ManualClock(T), timeZone: 'Asia/Tokyo' });
    expect(n.snooze('tomorrow')).toBe(Date.UTC(2026, 10, 26, 22)); // 07:00 on the 27th in Tokyo
  });

  it('says since when it is offline on that clock', () => {
    const { n, shown, clock } = setup({ clock: new ManualClock(T), timeZone: 'Asia/Tokyo' });
    n.connection({ state: 'reconnecting', since: T, attempt: 1, delayMs: 500, retryAt: 0 });
    clock.advance(120_000);
    expect(shown[0]!.body).toMatch(/^No connection to the server since 23:30\./);
  });

  it('refuses a zone it does not know when it is built, not at the first event', () => {
    expect(() => setup({ timeZone: 'Mars/Olympus_Mons' })).toThrow(RangeError);
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

/** A seen store that records what the notifier asks of it, and can be told to fail. */
function spyStore(fail: { has?: boolean; add?: boolean; flush?: boolean } = {}) {
  const ids = new Set<string>();
  const calls: string[] = [];
  return {
    calls,
    store: {
      has: (id: string) => {
        calls.push(`has ${id}`);
        if (fail.has) throw new Error('has broke');
        return ids.has(id);
      },
      add: (list: readonly string[]) => {
        calls.push(`add ${list.join(',')}`);
        if (fail.add) throw new Error('disk gone');
        for (const id of list) ids.add(id);
      },
      flush: () => {
        calls.push('flush');
        if (fail.flush) throw new Error('flush broke');
      },
    },
  };
}

describe('Notifier: the seen store', () => {
  it('looks up and records only events the rules want: feed-only events never touch it', () => {
    const { calls, store } = spyStore();
    const { n } = setup({ seen: store });
    n.offer([sample('message.created', 'low', 'm1'), sample('room.created', 'low', 'r1')]);
    expect(calls).toEqual([]);
    n.offer([sample('message.created', 'low', 'm2'), alert('high', 'a1')]);
    expect(calls).toEqual(['has a1', 'add a1']);
  });

  it('records held-back events as decided, in one add per batch', () => {
    const { calls, store } = spyStore();
    const { n, shown } = setup({ seen: store });
    n.snooze('1h');
    n.offer([alert('high', 'h1'), alert('high', 'h2')]);
    expect(shown).toEqual([]);
    expect(calls).toEqual(['has h1', 'has h2', 'add h1,h2']);
  });

  it('a store that cannot record still lets the notification through, and says so', () => {
    const logs: string[] = [];
    const { store } = spyStore({ add: true });
    const { n, shown } = setup({ seen: store, log: logTo((l) => logs.push(l)) });
    n.offer([alert('high', 'x1')]);
    expect(shown.map((s) => s.eventId)).toEqual(['x1']);
    expect(logs).toEqual(['warn cannot record notified ids: disk gone']);
  });

  it('a store that cannot be read counts every id as new', () => {
    const { store } = spyStore({ has: true });
    const { n, shown } = setup({ seen: store });
    n.offer([alert('high', 'y1')]);
    expect(shown.map((s) => s.eventId)).toEqual(['y1']);
  });

  it('dispose flushes once, and a failed flush is logged, not thrown', () => {
    const logs: string[] = [];
    const { calls, store } = spyStore({ flush: true });
    const { n } = setup({ seen: store, log: logTo((l) => logs.push(l)) });
    expect(() => n.dispose()).not.toThrow();
    n.dispose();
    expect(calls).toEqual(['flush']);
    expect(logs).toEqual(['warn cannot save notified ids: flush broke']);
  });

  it('a store without flush is fine at dispose', () => {
    const logs: string[] = [];
    const { n } = setup({ log: logTo((l) => logs.push(l)) }); // the memory store has no flush
    n.dispose();
    expect(logs).toEqual([]);
  });

  it('ignores an event without a string id', () => {
    const { n, shown } = setup();
    n.offer([{ ...alert('high'), id: 7 as unknown as string }]);
    expect(shown).toEqual([]);
  });
});

describe('Notifier: after dispose', () => {
  it('shows nothing, starts no timer and takes no snooze', () => {
    const { n, shown, clock, snoozeChanges } = setup();
    n.dispose();
    n.offer([alert('critical')]);
    n.connection({ state: 'reconnecting', since: NOON, attempt: 1, delayMs: 500, retryAt: 0 });
    expect(n.snooze('1h')).toBeNull();
    expect(clock.pending()).toBe(0);
    clock.advance(600_000);
    expect(shown).toEqual([]);
    expect(snoozeChanges).toEqual([]);
  });
});

describe('Notifier: snooze in detail', () => {
  it('restoring a snooze does not report it as a change; a past, equal or odd one is none', () => {
    const a = setup({ snoozedUntil: NOON + 60_000 });
    expect(a.snoozeChanges).toEqual([]);
    a.clock.advance(60_000);
    expect(a.snoozeChanges).toEqual([null]); // its end is reported
    for (const until of [NOON, Number.NaN, Number.POSITIVE_INFINITY, null]) {
      const b = setup({ snoozedUntil: until });
      expect(b.n.snoozedUntil(), String(until)).toBeNull();
      expect(b.clock.pending(), String(until)).toBe(0);
    }
  });

  it('runs out by its own timer only at its end', () => {
    const { n, clock, snoozeChanges } = setup();
    const until = n.snooze('1h')!;
    clock.advance(3_599_999);
    expect(snoozeChanges).toEqual([until]);
    expect(n.snoozedUntil()).toBe(until);
    clock.advance(1);
    expect(snoozeChanges).toEqual([until, null]);
  });

  it('ends when the wall clock passes its end, even before its timer fires', () => {
    const { n, shown, clock } = setup();
    const until = n.snooze('1h')!;
    clock.stepWall(3_600_000 - 1);
    expect(n.snoozedUntil()).toBe(until);
    clock.stepWall(1); // the wall clock reads exactly the end
    expect(n.snoozedUntil()).toBeNull();
    n.offer([alert('high', 'now-shown')]);
    expect(shown.map((s) => s.eventId)).toEqual(['now-shown']);
  });

  it('a newer snooze replaces the older, whose end is then not reported', () => {
    const { n, clock, snoozeChanges } = setup();
    const first = n.snooze('1h')!;
    const second = n.snooze('4h')!;
    clock.advance(3_600_000);
    expect(n.snoozedUntil()).toBe(second);
    clock.advance(3 * 3_600_000);
    expect(snoozeChanges).toEqual([first, second, null]);
  });

  it('"off" without a snooze reports nothing; an unknown choice changes nothing', () => {
    const { n, snoozeChanges } = setup();
    expect(n.snooze('off')).toBeNull();
    expect(n.snooze('2h' as '1h')).toBeNull();
    const until = n.snooze('1h');
    expect(n.snooze('2h' as '1h')).toBe(until);
    expect(snoozeChanges).toEqual([until]);
  });
});

describe('Notifier: summaries and the offline notice in detail', () => {
  it('a summary is one quiet-less, non-urgent notice per window, with its own id', () => {
    const { n, shown, clock } = setup();
    n.offer([alert(), alert(), alert(), alert(), alert()]);
    clock.advance(10_000);
    n.offer([alert(), alert(), alert(), alert()]);
    clock.advance(10_000);
    const summaries = shown.filter((s) => s.kind === 'summary');
    expect(summaries).toEqual([
      {
        id: 'summary:security:1',
        kind: 'summary',
        title: '2 more security alerts',
        body: 'including 2 high; open Katya to see them',
        eventId: null,
        severity: 'high',
        urgent: false,
        silent: false,
        channel: 'security',
      },
      expect.objectContaining({ id: 'summary:security:2', title: '1 more security alert' }),
    ]);
  });

  it('a summary of events without a severity has none', () => {
    const { n, shown, clock } = setup({
      rules: rules({ perEvent: { 'room.created': 'notify' } }),
    });
    n.offer(Array.from({ length: 5 }, () => sample('room.created')));
    clock.advance(10_000);
    expect(shown.at(-1)).toMatchObject({
      kind: 'summary',
      severity: null,
      urgent: false,
      body: 'open Katya to see them',
    });
  });

  it('every outage gets its own notice, withdrawn when it ends', () => {
    const { n, shown, withdrawn, clock } = setup();
    for (let i = 0; i < 2; i++) {
      n.connection({
        state: 'reconnecting',
        since: clock.now(),
        attempt: 1,
        delayMs: 1,
        retryAt: 0,
      });
      clock.advance(120_000);
      n.connection({ state: 'open', since: clock.now() });
    }
    expect(shown.map((s) => s.kind)).toEqual(['offline', 'offline']);
    expect(withdrawn).toEqual([OFFLINE_NOTIFICATION_ID, OFFLINE_NOTIFICATION_ID]);
  });

  it('withdraws the notice once: a second "open" withdraws nothing more', () => {
    const { n, withdrawn, clock } = setup();
    n.connection({ state: 'reconnecting', since: NOON, attempt: 1, delayMs: 1, retryAt: 0 });
    clock.advance(120_000);
    n.connection({ state: 'open', since: clock.now() });
    n.connection({ state: 'open', since: clock.now() });
    expect(withdrawn).toEqual([OFFLINE_NOTIFICATION_ID]);
  });

  it('a summary or the end of a snooze that fails to be told is logged with its call', () => {
    const logs: string[] = [];
    let shows = 0;
    const { n, clock } = setup({
      show: () => {
        if (++shows > 3) throw new Error('summary lost');
      },
      onSnoozeChange: (u) => {
        if (u === null) throw new Error('tray gone');
      },
      log: logTo((l) => logs.push(l)),
    });
    n.offer([alert(), alert(), alert(), alert()]);
    clock.advance(10_000);
    n.snooze('1h');
    clock.advance(3_600_000);
    expect(logs).toEqual([
      'error show failed: summary lost',
      'error onSnoozeChange failed: tray gone',
    ]);
  });

  it('speaks Russian when asked to', () => {
    const { n, shown } = setup({ language: () => 'ru' });
    n.offer([alert('high', 'ru1')]);
    expect(shown[0]!.title).toMatch(/[а-яё]/i);
  });

  it('says which call failed, whatever was thrown', () => {
    const logs: string[] = [];
    const { n, clock } = setup({
      show: () => {
        throw 'no daemon'; // not an Error
      },
      withdraw: () => {
        throw null;
      },
      onSnoozeChange: () => {
        throw new Error('tray gone');
      },
      log: logTo((l) => logs.push(l)),
    });
    n.offer([alert()]);
    n.connection({ state: 'reconnecting', since: NOON, attempt: 1, delayMs: 1, retryAt: 0 });
    clock.advance(120_000);
    n.connection({ state: 'open', since: clock.now() });
    n.snooze('1h');
    expect(logs).toEqual([
      'error show failed: no daemon',
      'error show failed: no daemon',
      'error withdraw failed: null',
      'error onSnoozeChange failed: tray gone',
    ]);
  });
});
