import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../fakes/clock';
import { DAMAGED_COPY, EventHistory, HISTORY_FILE } from '../../../main/core/history/history';
import { decodeRecord, encodeRecord } from '../../../main/core/history/record';
import type { EventMessage, EventType, Severity } from '../../../main/core/protocol';

let dir: string;
let clock: ManualClock;
const open: EventHistory[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'katya-history-'));
  clock = new ManualClock(Date.UTC(2026, 10, 26, 12));
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function history(opts: Partial<Parameters<typeof EventHistory.open>[0]> = {}) {
  const h = await EventHistory.open({ dir, clock, ...opts });
  open.push(h);
  return h;
}

let n = 0;
function ev(
  event: EventType = 'message.created',
  data: Record<string, unknown> = {},
  id?: string,
): EventMessage {
  return { type: 'event', id: id ?? `e${++n}`, event, channel: event.split('.')[0]!, data };
}
const alert = (severity: Severity, title = 'x', id?: string) =>
  ev('security.alert.created', { severity, title, source: '10.0.0.1' }, id);

const file = () => join(dir, HISTORY_FILE);

describe('history: storing and reading', () => {
  it('stores events and gaps and returns them newest first, across a restart', async () => {
    const h = await history();
    const stored = h.append([
      ev('message.created', { content: 'hi' }, 'a'),
      alert('high', 'Login', 'b'),
    ]);
    expect(stored.map((e) => [e.id, e.channel, e.severity, e.read])).toEqual([
      ['a', 'messages', null, false],
      ['b', 'security', 'high', false],
    ]);
    clock.advance(1000);
    h.addGap({ start: clock.now() - 500, end: clock.now() });
    h.append([ev('room.created', {}, 'c')]);
    const ids = (hh: EventHistory) => hh.query({}).entries.map((e) => e.id);
    expect(ids(h)).toEqual(['c', `gap:${clock.now() - 500}-${clock.now()}`, 'b', 'a']);
    await h.close();
    const again = await history();
    expect(ids(again)).toEqual(ids(h));
    expect(again.get('b')).toMatchObject({ id: 'b', severity: 'high', data: { title: 'Login' } });
    expect(again.info()).toMatchObject({ events: 3, damagedRecordsSkipped: 0 });
  });

  it('skips duplicates and unknown event types', async () => {
    const h = await history();
    expect(h.append([ev('message.created', {}, 'a')])).toHaveLength(1);
    expect(
      h.append([ev('message.created', {}, 'a'), { ...ev(), event: 'nope.nope' }]),
    ).toHaveLength(0);
    expect(h.append([null, 'x', { id: 1 }] as unknown as EventMessage[])).toHaveLength(0);
    expect(h.info().events).toBe(1);
  });

  it('filters by channel, severity, event type, unread and text; counts matches', async () => {
    const h = await history();
    h.append([
      alert('critical', 'Ransomware on db-1', 'c1'),
      alert('high', 'Login from Tor', 'h1'),
      alert('low', 'Port scan', 'l1'),
      ev('message.created', { content: 'Lunch?', senderName: 'Ann' }, 'm1'),
      ev('system.status.changed', { status: 'major_outage', component: 'db' }, 's1'),
    ]);
    const gap = h.addGap({ start: clock.now() - 10, end: clock.now() }).id;
    const ids = (q: Parameters<EventHistory['query']>[0]) => h.query(q).entries.map((e) => e.id);
    expect(ids({ channels: ['security'] })).toEqual([gap, 'l1', 'h1', 'c1']);
    expect(ids({ severities: ['critical'] })).toEqual([gap, 's1', 'c1']);
    expect(ids({ events: ['message.created'] })).toEqual([gap, 'm1']);
    expect(ids({ text: 'LUNCH' })).toEqual(['m1']);
    expect(ids({ text: 'ann' })).toEqual(['m1']);
    expect(ids({ text: 'db' })).toEqual(['s1', 'c1']);
    expect(ids({ text: 'nothing like it' })).toEqual([]);
    h.markRead(['c1', 'm1']);
    expect(ids({ unreadOnly: true })).toEqual(['s1', 'l1', 'h1']);
    expect(ids({ unreadOnly: true, channels: ['security'], severities: ['high', 'low'] })).toEqual([
      'l1',
      'h1',
    ]);
    const page = h.query({ channels: ['security'] });
    expect(page.total).toBe(3);
    expect(page.unread).toBe(2);
  });

  it('pages with a cursor, newest first, to the end', async () => {
    const h = await history();
    for (let i = 0; i < 25; i++) h.append([ev('message.created', {}, `p${i}`)]);
    const seen: string[] = [];
    let before: string | null = null;
    let pages = 0;
    do {
      const page = h.query({ limit: 10, before });
      expect(page.total).toBe(25);
      seen.push(...page.entries.map((e) => e.id));
      before = page.nextCursor;
      pages++;
    } while (before !== null && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `p${24 - i}`));
    // new events arriving between pages do not shift the older pages
    const first = h.query({ limit: 10 });
    h.append([ev('message.created', {}, 'newer')]);
    expect(h.query({ limit: 10, before: first.nextCursor }).entries[0]!.id).toBe('p14');
    expect(h.query({ before: 'garbage' }).entries[0]!.id).toBe('newer');
  });

  it('read marks and mark-all-read are kept across restarts', async () => {
    const h = await history();
    h.append([ev(undefined, {}, 'a'), ev(undefined, {}, 'b'), ev(undefined, {}, 'c')]);
    expect(h.markRead(['a', 'zzz'])).toBe(2);
    expect(h.markRead(['a'])).toBe(2);
    await h.close();
    const h2 = await history();
    expect(h2.unreadCount()).toBe(2);
    expect(h2.get('a')!.read).toBe(true);
    expect(h2.markAllRead()).toBe(0);
    h2.append([ev(undefined, {}, 'd')]);
    await h2.close();
    const h3 = await history();
    expect(h3.unreadCount()).toBe(1);
    expect(h3.query({ unreadOnly: true }).entries.map((e) => e.id)).toEqual(['d']);
  });
});

describe('history: retention and compaction', () => {
  it('keeps at most maxEvents, dropping the oldest, and the gaps before them', async () => {
    const h = await history({ maxEvents: 100 });
    h.addGap({ start: clock.now() - 20, end: clock.now() - 10 });
    for (let i = 0; i < 150; i++) h.append([ev(undefined, {}, `r${i}`)]);
    const kept = h.addGap({ start: clock.now() - 5, end: clock.now() }).id;
    expect(h.info().events).toBe(100);
    expect(h.get('r49')).toBeNull();
    expect(h.get('r50')).not.toBeNull();
    expect(h.unreadCount()).toBe(100);
    const entries = h.query({ limit: 1000 }).entries;
    expect(entries.filter((e) => e.kind === 'gap').map((e) => e.id)).toEqual([kept]);
    await h.close();
    expect((await history({ maxEvents: 100 })).info().events).toBe(100);
  });

  it('drops events older than maxAgeDays, also while idle and after a restart', async () => {
    const h = await history({ maxAgeDays: 2 });
    h.append([ev(undefined, {}, 'old')]);
    clock.advance(86_400_000);
    h.append([ev(undefined, {}, 'mid')]);
    clock.advance(86_400_000 + 1);
    expect(h.query({}).entries.map((e) => e.id)).toEqual(['mid']);
    await h.close();
    clock.advance(86_400_000);
    const h2 = await history({ maxAgeDays: 2 });
    expect(h2.info().events).toBe(0);
  });

  it('setLimits applies at once', async () => {
    const h = await history();
    for (let i = 0; i < 300; i++) h.append([ev()]);
    h.setLimits(100, 30);
    expect(h.info().events).toBe(100);
  });

  it('compacts the file so it stays proportional to what is kept', async () => {
    const h = await history({ maxEvents: 100 });
    for (let i = 0; i < 5000; i++) {
      h.append([ev(undefined, { content: 'x'.repeat(100) })]);
      if (i % 500 === 0) await h.flush();
    }
    h.markAllRead();
    await h.flush();
    const lines = readFileSync(file(), 'utf8').trim().split('\n');
    expect(lines.length).toBeLessThanOrEqual(2 * 100 + 1000);
    expect(h.info().fileBytes).toBe(statSync(file()).size);
    await h.close();
    const again = await history({ maxEvents: 100 });
    expect(again.info()).toMatchObject({ events: 100, damagedRecordsSkipped: 0 });
    expect(again.unreadCount()).toBe(0);
    expect(existsSync(`${file()}.tmp`)).toBe(false);
  });
});

describe('history: damaged files', () => {
  async function written(ids: string[]) {
    const h = await history();
    h.append(ids.map((id) => ev('message.created', { content: `c-${id}` }, id)));
    await h.close();
    open.splice(open.indexOf(h), 1);
  }

  it('a torn last record is skipped, reported, and new records still land cleanly', async () => {
    await written(['a', 'b']);
    appendFileSync(file(), encodeRecord({ k: 'r', ids: ['a'] }).slice(0, 15)); // torn write
    const h = await history();
    expect(h.info()).toMatchObject({ events: 2, damagedRecordsSkipped: 1 });
    expect(existsSync(join(dir, DAMAGED_COPY))).toBe(true);
    h.append([ev(undefined, {}, 'c')]);
    await h.close();
    const h2 = await history();
    expect(h2.info()).toMatchObject({ events: 3, damagedRecordsSkipped: 0 });
  });

  it('a damaged record in the middle costs that record only', async () => {
    await written(['a', 'b', 'c']);
    const lines = readFileSync(file(), 'utf8').split('\n');
    lines[1] = lines[1]!.replace('c-b', 'c-X'); // a flipped byte: valid JSON, wrong checksum
    writeFileSync(file(), lines.join('\n'));
    const h = await history();
    expect(h.query({}).entries.map((e) => e.id)).toEqual(['c', 'a']);
    expect(h.info().damagedRecordsSkipped).toBe(1);
  });

  it.each([
    ['binary garbage', Buffer.from([0, 255, 1, 2, 10, 200, 10])],
    ['plain JSON lines without checksums', '{"k":"e"}\n{"k":"e"}\n'],
    ['a checksum over a wrong record shape', encodeRecord({ k: 'x' } as never)],
  ])('%s opens as an empty history, never an error', async (_n, content) => {
    writeFileSync(file(), content);
    const h = await history();
    expect(h.info().events).toBe(0);
    expect(h.info().damagedRecordsSkipped).toBeGreaterThan(0);
    h.append([ev()]);
    await h.flush();
    expect(h.info().lastError).toBeNull();
  });

  it('a folder that cannot be used leaves a working in-memory history', async () => {
    const blocked = join(dir, 'blocked');
    writeFileSync(blocked, 'not a folder');
    const h = await EventHistory.open({ dir: join(blocked, 'history'), clock });
    open.push(h);
    expect(h.info().lastError).toMatch(/memory only/);
    expect(h.append([ev()])).toHaveLength(1);
    await h.flush();
    expect(h.query({}).entries).toHaveLength(1);
  });

  it('a leftover temp file from a crashed compaction is ignored', async () => {
    await written(['a']);
    writeFileSync(`${file()}.tmp`, 'half a compaction');
    const h = await history();
    expect(h.info()).toMatchObject({ events: 1, damagedRecordsSkipped: 0 });
    expect(existsSync(`${file()}.tmp`)).toBe(false);
  });

  it('record encoding round-trips and rejects tampering', () => {
    const line = encodeRecord({ k: 'g', seq: 1, id: 'g', start: 1, end: 2 }).trimEnd();
    expect(decodeRecord(line)).toEqual({ k: 'g', seq: 1, id: 'g', start: 1, end: 2 });
    expect(decodeRecord(line.replace('"end":2', '"end":3'))).toBeNull();
    expect(decodeRecord('')).toBeNull();
  });
});

describe('history: closing', () => {
  it('after close nothing is written, even by a late timer', async () => {
    const h = await history();
    h.append([ev(undefined, {}, 'a')]);
    await h.close();
    const size = statSync(file()).size;
    expect(h.append([ev(undefined, {}, 'b')])).toEqual([]);
    h.markAllRead();
    clock.advance(5_000);
    await h.flush();
    expect(statSync(file()).size).toBe(size);
    expect((await history()).info().events).toBe(1);
  });
});
