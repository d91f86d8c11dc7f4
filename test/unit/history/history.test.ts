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
import { logTo } from '../../../main/core/log/scoped';
import { DAMAGED_COPY, EventHistory, HISTORY_FILE } from '../../../main/core/history/history';
import { crc32, decodeRecord, encodeRecord } from '../../../main/core/history/record';
import type { EventMessage, EventType, Severity } from '../../../main/core/common/protocol';

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

describe('history: retention under a flood', () => {
  it('stays at maxEvents through many full batches, with gaps in between', async () => {
    const h = await history({ maxEvents: 100 });
    const gapIds: string[] = [];
    let i = 0;
    for (let batch = 0; batch < 20; batch++) {
      clock.advance(10);
      gapIds.push(h.addGap({ start: clock.now() - 5, end: clock.now() }).id);
      const events = [];
      for (let k = 0; k < 50; k++) events.push(ev(undefined, {}, `f${i++}`));
      expect(h.append(events)).toHaveLength(50);
      expect(h.info().events).toBe(Math.min(100, i));
    }
    h.markRead(['f950', 'f999']);
    expect(h.unreadCount()).toBe(98);
    const entries = h.query({ limit: 1000 }).entries;
    expect(entries.filter((e) => e.kind === 'event').map((e) => e.id)).toEqual(
      Array.from({ length: 100 }, (_, k) => `f${999 - k}`),
    );
    // The two gaps before the last two batches are kept; the older ones went with their events.
    expect(entries.filter((e) => e.kind === 'gap').map((e) => e.id)).toEqual(
      gapIds.slice(-2).reverse(),
    );
    await h.close();
    const again = await history({ maxEvents: 100 });
    expect(again.query({ limit: 1000 }).entries.map((e) => e.id)).toEqual(entries.map((e) => e.id));
    expect(again.unreadCount()).toBe(98);
  });

  it('drops the oldest gaps beyond 1000', async () => {
    const h = await history();
    h.append([ev(undefined, {}, 'kept')]);
    const base = clock.now() - 1_000_000;
    for (let g = 0; g < 1005; g++) h.addGap({ start: base + g * 10, end: base + g * 10 + 5 });
    expect(h.info()).toMatchObject({ events: 1, gaps: 1000 });
    expect(h.get('kept')).not.toBeNull();
    const gaps = h.query({ limit: 2000 }).entries.filter((e) => e.kind === 'gap');
    expect(gaps.at(-1)!.id).toBe(`gap:${base + 50}-${base + 55}`);
  });

  it('an event stamped out of order (a clock change) is dropped by age at the next start', async () => {
    const h = await history({ maxAgeDays: 2 });
    h.append([ev(undefined, {}, 'now')]);
    h.append([ev(undefined, {}, 'stale')], clock.now() - 3 * 86_400_000);
    await h.close();
    const again = await history({ maxAgeDays: 2 });
    expect(again.query({}).entries.map((e) => e.id)).toEqual(['now']);
  });

  it('what append returns is not changed by later read marks', async () => {
    const h = await history();
    const [a] = h.append([ev(undefined, {}, 'a')]);
    h.markRead(['a']);
    h.markAllRead();
    expect(a).toMatchObject({ id: 'a', read: false });
    expect(h.get('a')).toMatchObject({ id: 'a', read: true });
    expect(h.query({}).entries[0]).toMatchObject({ id: 'a', read: true });
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

  it('the checksum is the standard CRC-32 of the UTF-8 bytes', () => {
    expect(crc32('123456789')).toBe(0xcbf43926);
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32('héllo ✓ \u{1F600}')).toBe(crc32(Buffer.from('héllo ✓ \u{1F600}', 'utf8')));
    expect(crc32('')).toBe(0);
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

describe('history: before its file is read', () => {
  function unloaded(sub = '') {
    const h = EventHistory.unloaded({ dir: join(dir, sub), clock });
    open.push(h);
    return h;
  }

  /** An unloaded history in `dir`, and the ids each call of its `loaded` was told. */
  function telling(opts: Partial<Parameters<typeof EventHistory.unloaded>[0]>) {
    const seen: string[][] = [];
    const h = EventHistory.unloaded({
      dir,
      clock,
      ...opts,
      loaded: (held) => seen.push(held.map((e) => e.id)),
    });
    open.push(h);
    return { h, seen };
  }

  it('holds events, gaps and read marks, then applies them after the records on disk, once', async () => {
    const before = await history();
    before.append([ev(undefined, {}, 'a'), ev(undefined, {}, 'b')]);
    await before.close();

    const h = unloaded();
    expect(h.loaded).toBe(false);
    clock.advance(1000);
    const at = clock.now();
    expect(h.append([ev(undefined, {}, 'a'), ev(undefined, {}, 'c')], at)).toEqual([]);
    const gap = h.addGap({ start: at + 10, end: at + 20 });
    expect(gap).toEqual({
      kind: 'gap',
      id: `gap:${at + 10}-${at + 20}`,
      start: at + 10,
      end: at + 20,
    });
    expect(h.markRead(['a'])).toBe(0);
    // Nothing is answered from the held calls: the window waits for load().
    expect(h.query().entries).toEqual([]);
    expect(h.unreadCount()).toBe(0);
    expect(h.info()).toMatchObject({ events: 0, loaded: false, fileBytes: 0 });

    const held = await h.load();
    // `a` was on disk already: only `c` is new, stamped with the time it arrived.
    expect(held.map((e) => [e.id, e.receivedAt])).toEqual([['c', at]]);
    expect(h.loaded).toBe(true);
    expect(await h.load()).toBe(held);
    const order = ['gap:' + (at + 10) + '-' + (at + 20), 'c', 'b', 'a'];
    expect(h.query().entries.map((e) => e.id)).toEqual(order);
    expect(h.get('a')!.read).toBe(true);
    expect(h.unreadCount()).toBe(2);
    expect(h.info()).toMatchObject({ events: 3, gaps: 1, loaded: true });
    await h.close();

    const after = await history();
    expect(after.query().entries.map((e) => e.id)).toEqual(order);
    expect(after.unreadCount()).toBe(2);
  });

  it('gives held events sequence numbers after the ones on disk', async () => {
    const before = await history();
    before.append([ev(undefined, {}, 'a')]);
    await before.close();
    const h = unloaded();
    h.append([ev(undefined, {}, 'b')]);
    h.markAllRead();
    expect((await h.load()).map((e) => e.id)).toEqual(['b']);
    // Mark-all-read was held after `b`: it covers `b` and what was on disk.
    expect(h.unreadCount()).toBe(0);
    h.append([ev(undefined, {}, 'c')]);
    expect(h.query({ unreadOnly: true }).entries.map((e) => e.id)).toEqual(['c']);
    await h.close();
    const after = await history();
    expect(after.query().entries.map((e) => e.id)).toEqual(['c', 'b', 'a']);
    expect(after.unreadCount()).toBe(1);
  });

  it('a close with something held reads the file first and writes it', async () => {
    const h = unloaded('sub');
    h.append([ev(undefined, {}, 'a')]);
    await h.close();
    expect(h.loaded).toBe(true);
    expect(h.append([ev(undefined, {}, 'b')])).toEqual([]);
    const after = await EventHistory.open({ dir: join(dir, 'sub'), clock });
    open.push(after);
    expect(after.query().entries.map((e) => e.id)).toEqual(['a']);
  });

  it('a close with nothing held never touches the folder, and a later load reads nothing', async () => {
    const h = unloaded('never');
    await h.close();
    expect(h.append([ev(undefined, {}, 'a')])).toEqual([]);
    expect(h.addGap({ start: 1, end: 2 }).id).toBe('gap:1-2');
    expect(await h.load()).toEqual([]);
    await h.flush();
    expect(existsSync(join(dir, 'never'))).toBe(false);
    expect(h.info()).toMatchObject({ events: 0, gaps: 0 });
  });

  it('flush reads the file when something is held, and only then', async () => {
    const h = unloaded('flushed');
    await h.flush();
    expect(h.loaded).toBe(false);
    expect(existsSync(join(dir, 'flushed'))).toBe(false);
    h.append([ev(undefined, {}, 'a')]);
    await h.flush();
    expect(h.loaded).toBe(true);
    expect(readFileSync(join(dir, 'flushed', HISTORY_FILE), 'utf8')).toContain('"a"');
  });

  it('the first held call starts the read within a flush interval, and what was held is written at once', async () => {
    const { h, seen } = telling({ flushIntervalMs: 200 });
    h.append([ev(undefined, {}, 'a')]);
    clock.advance(199);
    expect(h.loaded).toBe(false);
    clock.advance(1);
    // Nothing else asks for the read: the timer started it.
    for (let i = 0; i < 200 && !seen.length; i++) await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual([['a']]);
    expect((await h.load()).map((e) => e.id)).toEqual(['a']);
    // Written without another flush interval: no timer was advanced since.
    const written = () => existsSync(file()) && readFileSync(file(), 'utf8').includes('"a"');
    for (let i = 0; i < 200 && !written(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(written()).toBe(true);
  });

  it('tells once, whoever started the read, of every held event it stored, as append would', async () => {
    const { h, seen } = telling({ maxEvents: 3 });
    h.append(['a', 'b', 'c', 'd', 'e', 'a'].map((id) => ev(undefined, {}, id)));
    await Promise.all([h.load(), h.load(), h.flush()]);
    // Stored, then cut back to 3 by retention: append() would have returned all five too.
    expect(seen).toEqual([['a', 'b', 'c', 'd', 'e']]);
    expect(h.query().entries.map((e) => e.id)).toEqual(['e', 'd', 'c']);
  });

  it('a closed history holds nothing more, and flush does not read its file', async () => {
    const h = unloaded('closed');
    await h.close();
    expect(h.markRead(['a'])).toBe(0);
    expect(h.markAllRead()).toBe(0);
    // Holding would arm the timer that starts the read.
    expect(clock.pending()).toBe(0);
    await h.flush();
    expect(existsSync(join(dir, 'closed'))).toBe(false);
  });

  it('arms one timer for the read however many calls it holds', async () => {
    const h = unloaded();
    h.append([ev(undefined, {}, 'a')]);
    h.markRead(['a']);
    h.addGap({ start: 1, end: 2 });
    expect(clock.pending()).toBe(1);
    await h.load();
    // the read's timer cleared, and what was held flushed at once, not by a timer
    expect(clock.pending()).toBe(0);
  });

  it('a flush while the read is under way waits for it', async () => {
    const h = unloaded();
    const reading = h.load();
    await h.flush();
    expect(h.loaded).toBe(true);
    await reading;
  });

  it('a `loaded` that throws is logged, and the history works on', async () => {
    const lines: string[] = [];
    const h = EventHistory.unloaded({
      dir,
      clock,
      log: logTo((l) => lines.push(l)),
      loaded: () => {
        throw new Error('the window is gone');
      },
    });
    open.push(h);
    expect(await h.load()).toEqual([]);
    expect(lines).toEqual(['warn after reading the history: the window is gone']);
    expect(h.append([ev(undefined, {}, 'a')]).map((e) => e.id)).toEqual(['a']);
  });

  it('takes copies of what it holds: the caller may reuse its arrays', async () => {
    const h = unloaded();
    const batch = [ev(undefined, {}, 'a')];
    const ids = ['a'];
    h.append(batch);
    h.markRead(ids);
    batch.length = 0;
    ids.length = 0;
    await h.load();
    expect(h.get('a')!.read).toBe(true);
  });
});
