// What EventHistory takes from its callers and from the file: odd events, odd gaps, read marks
// that change nothing, and records read back twice or for types the app no longer knows.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../fakes/clock';
import { EventHistory, HISTORY_FILE } from '../../../main/core/history/history';
import { encodeRecord } from '../../../main/core/history/record';
import type { HistoryRecord } from '../../../main/core/history/record';
import type { EventMessage } from '../../../main/core/common/protocol';
import { RecordBuffer } from '../../../main/core/history/record-buffer';

let dir: string;
let clock: ManualClock;
const opened: EventHistory[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'katya-history-input-'));
  clock = new ManualClock(Date.UTC(2026, 10, 26, 12));
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((h) => h.close()));
  rmSync(dir, { recursive: true, force: true });
});
async function history() {
  const h = await EventHistory.open({ dir, clock });
  opened.push(h);
  return h;
}
const file = () => join(dir, HISTORY_FILE);
const ev = (id: string, patch: Partial<EventMessage> = {}): EventMessage => ({
  type: 'event',
  id,
  event: 'security.alert.created',
  channel: 'security',
  data: { severity: 'high' },
  ...patch,
});

describe('EventHistory: what it takes from the app', () => {
  it('stamps events with the time given, or now when that is not a finite number', () => {
    return history().then((h) => {
      expect(h.append([ev('a')], 1234)[0]!.receivedAt).toBe(1234);
      for (const at of [Number.NaN, Number.POSITIVE_INFINITY, '5' as unknown as number]) {
        expect(h.append([ev(`t${String(at)}`)], at)[0]!.receivedAt).toBe(clock.now());
      }
    });
  });

  it('takes ids of 1 to 256 characters only, and only as strings', async () => {
    const h = await history();
    const stored = h.append([
      ev(''),
      ev('x'.repeat(257)),
      ev('y'.repeat(256)),
      ev(5 as unknown as string),
    ]);
    expect(stored.map((e) => e.id.length)).toEqual([256]);
  });

  it('a payload that is not an object is stored as an empty one', async () => {
    const h = await history();
    const stored = h.append([
      ev('list', { data: [1, 2] as unknown as Record<string, unknown> }),
      ev('null', { data: null as unknown as Record<string, unknown> }),
      ev('text', { data: 'x' as unknown as Record<string, unknown> }),
    ]);
    expect(stored.map((e) => [e.id, e.data, e.severity])).toEqual([
      ['list', {}, null],
      ['null', {}, null],
      ['text', {}, null],
    ]);
  });

  it('keeps a timestamp string, cut to 64 characters, and no other timestamp', async () => {
    const h = await history();
    const [long, num] = h.append([
      ev('long', { timestamp: 'T'.repeat(100) }),
      ev('num', { timestamp: 5 as unknown as string }),
    ]);
    expect(long!.timestamp).toBe('T'.repeat(64));
    expect(num!.timestamp).toBeNull();
  });

  it('a gap without a usable start begins now; an end before the start is the start', async () => {
    const h = await history();
    const now = clock.now();
    expect(h.addGap(null as unknown as { start: number; end: number })).toMatchObject({
      start: now,
      end: now,
    });
    expect(h.addGap({ start: 100, end: 50 })).toMatchObject({ start: 100, end: 100 });
    expect(h.addGap({ start: 100, end: Number.NaN })).toMatchObject({ start: 100, end: 100 });
  });

  it('the same gap twice is one gap; after close a gap is not kept', async () => {
    const h = await history();
    const now = clock.now();
    const first = h.addGap({ start: now - 200, end: now - 100 });
    expect(h.addGap({ start: now - 200, end: now - 100 })).toEqual(first);
    expect(h.info().gaps).toBe(1);
    expect(h.query({}).entries).toHaveLength(1);
    await h.close();
    h.addGap({ start: now - 50, end: now });
    expect(h.info().gaps).toBe(1);
  });

  it('read marks that change nothing write nothing', async () => {
    const h = await history();
    h.append([ev('a')]);
    await h.flush();
    const before = readFileSync(file(), 'utf8');
    expect(h.markRead(['unknown'])).toBe(1);
    expect(h.markRead('a' as unknown as string[])).toBe(1);
    expect(h.markAllRead()).toBe(0);
    expect(h.markAllRead()).toBe(0); // nothing unread any more: no second record
    await h.flush();
    expect(readFileSync(file(), 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
    expect(before.split('\n').filter(Boolean)).toHaveLength(1);
  });
});

describe('EventHistory: what it takes from its file', () => {
  const write = (records: (HistoryRecord | string)[]) =>
    writeFileSync(
      file(),
      records.map((r) => (typeof r === 'string' ? r : encodeRecord(r))).join(''),
    );
  const eRec = (seq: number, id: string, event = 'message.created'): HistoryRecord => ({
    k: 'e',
    seq,
    id,
    event,
    timestamp: null,
    receivedAt: clock.now(),
    data: {},
  });
  const fRec = (seq: number, m: unknown) => {
    const buf = new RecordBuffer();
    buf.appendFrame(seq, clock.now(), JSON.stringify(m));
    return Buffer.concat(buf.take().parts).toString();
  };

  it('an event, gap or frame read twice is one entry, and no damage', async () => {
    const frame = { type: 'event', id: 'f1', event: 'room.created', channel: 'rooms', data: {} };
    const g = `gap:${clock.now() - 2}-${clock.now() - 1}`;
    const gRec = (seq: number): HistoryRecord => ({
      k: 'g',
      seq,
      id: g,
      start: clock.now() - 2,
      end: clock.now() - 1,
    });
    write([
      eRec(1, 'a'),
      eRec(2, 'a'),
      gRec(3),
      gRec(4),
      fRec(5, frame),
      fRec(6, frame),
      { k: 'r', ids: ['a'] },
    ]);
    const h = await history();
    expect(h.query({}).entries.map((e) => e.id)).toEqual(['f1', g, 'a']);
    expect(h.info().damagedRecordsSkipped).toBe(0);
    expect(h.get('a')!.read).toBe(true);
  });

  it('an event of a type the app no longer knows is skipped, and is no damage', async () => {
    write([eRec(1, 'old', 'no.longer.here'), eRec(2, 'a')]);
    const h = await history();
    expect(h.query({}).entries.map((e) => e.id)).toEqual(['a']);
    expect(h.info().damagedRecordsSkipped).toBe(0);
  });

  it('a frame that holds a message other than an event is damage', async () => {
    write([fRec(1, { type: 'ping', timestamp: '2026-11-26T12:00:00Z' }), eRec(2, 'a')]);
    const h = await history();
    expect(h.info().damagedRecordsSkipped).toBe(1);
    expect(h.query({}).entries.map((e) => e.id)).toEqual(['a']);
  });
});

describe('RecordBuffer: sizes', () => {
  it('counts its records, and keeps small ones in one chunk', () => {
    const buf = new RecordBuffer();
    buf.append('{"k":"a","seq":1}');
    buf.append('{"k":"a","seq":2}');
    expect(buf.records).toBe(2);
    const taken = buf.take();
    expect(taken.parts).toHaveLength(1);
    expect(buf.records).toBe(0);
    expect(buf.take()).toEqual({ parts: [], bytes: 0, records: 0 });
  });

  it('leaves room for the widest UTF-8 (three bytes a unit) at a chunk boundary', () => {
    // Chunks are 256 KiB. A first record leaves exactly 240,015 bytes; the next needs 240,018
    // (80,000 three-byte characters): it must go to a new chunk, not be cut at the end of this one.
    const filler = JSON.stringify({ t: 'a'.repeat(262_144 - 10 - 240_015 - 10) });
    const wide = JSON.stringify({ t: '✓'.repeat(80_000) });
    const buf = new RecordBuffer();
    buf.append(filler);
    buf.append(wide);
    const text = Buffer.concat(buf.take().parts).toString('utf8');
    expect(text).toBe(
      [filler, wide].map((j) => encodeRecord(JSON.parse(j) as HistoryRecord)).join(''),
    );
  });
});

describe('decodeRecord: what a line must be', () => {
  it('a checksum, one space, then JSON: anything else is damage', async () => {
    const { crc32, decodeRecord } = await import('../../../main/core/history/record');
    const line = encodeRecord({ k: 'a', seq: 1 }).trimEnd();
    expect(decodeRecord(line)).toEqual({ k: 'a', seq: 1 });
    expect(decodeRecord(line.slice(0, 8) + '\t' + line.slice(9))).toBeNull();
    const notJson = '{"k":"a",';
    expect(decodeRecord(`${crc32(notJson).toString(16).padStart(8, '0')} ${notJson}`)).toBeNull();
  });
});

describe('decodeRecord: event records by hand, judged as zod judges them', () => {
  const f = { k: 'f', seq: 3, at: 1_700_000_000_000.5, m: { type: 'event', id: 'a' } };
  const e = {
    k: 'e',
    seq: 4,
    id: 'evt_1',
    event: 'security.alert.created',
    timestamp: '2026-12-03T04:00:00Z',
    receivedAt: 1_700_000_000_000,
    data: { severity: 'high', nested: { deep: [1, 2] } },
  };
  const twoUnits = '\u{1F600}'; // one code point, two UTF-16 units
  const cases: [string, unknown][] = [
    ['a frame record', f],
    ['a frame record with keys the schema does not know', { ...f, extra: 1 }],
    ['a frame record whose frame is null', { ...f, m: null }],
    ['a frame record without its frame', { k: 'f', seq: 3, at: 1 }],
    ['a frame record with a negative seq', { ...f, seq: -1 }],
    ['a frame record with a fractional seq', { ...f, seq: 1.5 }],
    ['a frame record with an unsafe seq', { ...f, seq: 2 ** 53 }],
    ['a frame record with a string time', { ...f, at: '1' }],
    ['an event record', e],
    ['an event record that was read', { ...e, read: true }],
    ['an event record read: false', { ...e, read: false }],
    ['an event record with keys the schema does not know', { ...e, extra: true }],
    ['an event record without a timestamp', { ...e, timestamp: null }],
    ['an event record whose timestamp is missing', { ...e, timestamp: undefined }],
    ['an event record with a long timestamp', { ...e, timestamp: 'x'.repeat(65) }],
    ['an event record with an empty id', { ...e, id: '' }],
    ['an event record with a long id', { ...e, id: 'x'.repeat(257) }],
    ['an id of 256 code points in 512 units', { ...e, id: twoUnits.repeat(256) }],
    ['an event name of 129 code points in 258 units', { ...e, event: twoUnits.repeat(129) }],
    ['an event record with an empty event', { ...e, event: '' }],
    ['an event record with a long event', { ...e, event: 'x'.repeat(129) }],
    ['an event record with a number for its id', { ...e, id: 7 }],
    ['an event record with a string receivedAt', { ...e, receivedAt: '1' }],
    ['an event record with a negative seq', { ...e, seq: -2 }],
    ['an event record with an array for data', { ...e, data: [1] }],
    ['an event record with null data', { ...e, data: null }],
    ['an event record with a string for data', { ...e, data: 'x' }],
    [
      'a payload with a __proto__ key of its own',
      JSON.parse(
        `{"k":"e","seq":1,"id":"a","event":"x","timestamp":null,"receivedAt":1,"data":{"__proto__":{"p":1},"q":2}}`,
      ),
    ],
    ['a gap record', { k: 'g', seq: 5, id: 'gap_1', start: 1, end: 2 }],
    ['a read record', { k: 'r', ids: ['a'] }],
    ['no object at all', [e]],
    ['a string', 'e'],
  ];
  // What the quick check takes itself (the rest it leaves to zod): every valid f and e record
  // but those whose strings only zod can measure, and the payload zod rewrites.
  const quickTakes = new Set([
    'a frame record',
    'a frame record with keys the schema does not know',
    'a frame record whose frame is null',
    'an event record',
    'an event record that was read',
    'an event record with keys the schema does not know',
    'an event record without a timestamp',
  ]);
  it.each(cases)('%s', async (what, raw) => {
    const { crc32, decodeRecord, quickEventRecord, recordSchema } =
      await import('../../../main/core/history/record');
    const json = JSON.stringify(raw);
    const decoded = decodeRecord(`${crc32(json).toString(16).padStart(8, '0')} ${json}`);
    const byZod = recordSchema.safeParse(JSON.parse(json));
    expect(decoded).toStrictEqual(byZod.success ? byZod.data : null);
    const quick = quickEventRecord(JSON.parse(json));
    if (quickTakes.has(what)) expect(quick).toStrictEqual(decoded);
    else expect(quick).toBeNull();
  });
  it('takes records at the edges of every limit itself', async () => {
    const { quickEventRecord, recordSchema } = await import('../../../main/core/history/record');
    for (const raw of [
      { ...f, seq: 0 },
      { ...e, seq: 0, id: 'x', event: 'y', timestamp: '' },
      { ...e, id: 'x'.repeat(256), event: 'y'.repeat(128), timestamp: 'z'.repeat(64) },
      { ...e, data: {} },
    ]) {
      const byZod = recordSchema.safeParse(raw);
      expect(byZod.success).toBe(true);
      expect(quickEventRecord(raw)).toStrictEqual(byZod.data);
    }
  });
});
