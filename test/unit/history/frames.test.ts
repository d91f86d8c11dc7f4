// Events stored as the frames they arrived in (`f` records) and the off-heap record buffer.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../fakes/clock';
import { EventHistory, HISTORY_FILE } from '../../../main/core/history/history';
import { decodeRecord, encodeRecord } from '../../../main/core/history/record';
import { RecordBuffer } from '../../../main/core/history/record-buffer';
import { parseServerMessage } from '../../../main/core/common/protocol';
import type { EventMessage } from '../../../main/core/common/protocol';

let dir: string;
let clock: ManualClock;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'katya-frames-'));
  clock = new ManualClock(Date.UTC(2026, 10, 26, 12));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const file = () => join(dir, HISTORY_FILE);
const recordKinds = () =>
  readFileSync(file(), 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => decodeRecord(l)?.k ?? 'damaged');

/** What the engine hands over: the checked messages and the text of their frames. */
function received(texts: string[]): { events: EventMessage[]; frames: string[] } {
  const events = texts.map((t) => {
    const r = parseServerMessage(t);
    if (!r.ok || r.message.type !== 'event') throw new Error(`not an event frame: ${t}`);
    return r.message;
  });
  return { events, frames: texts };
}

const frame = (id: string, data: Record<string, unknown>, event = 'security.alert.created') =>
  JSON.stringify({
    type: 'event',
    id,
    timestamp: '2026-11-26T12:00:00Z',
    event,
    channel: 'security',
    data,
  });

describe('history: events stored as their frames', () => {
  it('stores the frame as received and reads back exactly what append returned', async () => {
    const h = await EventHistory.open({ dir, clock });
    const { events, frames } = received([
      frame('a', { severity: 'critical', title: 'Вход с нового устройства 🔐', n: 1.5 }),
      // A server's own key order and extra keys: the event is what the check made of it.
      `{"data":{"severity":"low","title":"t"},"extra":[1,2],"channel":"x","event":"security.alert.created","id":"b","type":"event"}`,
    ]);
    const stored = h.append(events, clock.now(), frames);
    await h.close();
    expect(recordKinds()).toEqual(['f', 'f']);
    // Each frame is in the file unchanged.
    const text = readFileSync(file(), 'utf8');
    for (const f of frames) expect(text).toContain(f);

    const again = await EventHistory.open({ dir, clock });
    expect(again.query({}).entries.reverse()).toEqual(stored);
    expect(again.info()).toMatchObject({ events: 2, damagedRecordsSkipped: 0 });
    await again.close();
  });

  it('a pretty-printed frame (several lines) is encoded instead, and still reads back', async () => {
    const h = await EventHistory.open({ dir, clock });
    const pretty = JSON.stringify(
      JSON.parse(frame('p', { severity: 'high', title: 't' })),
      null,
      2,
    );
    const { events, frames } = received([pretty, frame('q', { severity: 'low', title: 'u' })]);
    const stored = h.append(events, clock.now(), frames);
    await h.close();
    expect(recordKinds()).toEqual(['e', 'f']);
    const again = await EventHistory.open({ dir, clock });
    expect(again.query({}).entries.reverse()).toEqual(stored);
    await again.close();
  });

  it('skipped events do not shift the frames of the events after them', async () => {
    const h = await EventHistory.open({ dir, clock });
    const first = received([frame('a', { title: 'first' })]);
    h.append(first.events, clock.now(), first.frames);
    // `a` again (skipped as stored), an unknown type (skipped), then a new event.
    const batch = received([
      frame('a', { title: 'again' }),
      frame('u', {}, 'security.nope'),
      frame('b', { title: 'second' }),
    ]);
    const stored = h.append(batch.events, clock.now(), batch.frames);
    expect(stored.map((e) => e.id)).toEqual(['b']);
    await h.close();
    expect(recordKinds()).toEqual(['f', 'f']);
    const again = await EventHistory.open({ dir, clock });
    expect(again.get('b')).toEqual(stored[0]);
    expect(again.get('a')?.data).toEqual({ title: 'first' });
    await again.close();
  });

  it('text with a lone surrogate is not stored as a frame: it could not be written as it is', async () => {
    const h = await EventHistory.open({ dir, clock });
    const { events, frames } = received([frame('a', { title: 'x' })]);
    const broken = frames[0]!.replace('"x"', '"x\ud800"');
    const stored = h.append(events, clock.now(), [broken]);
    await h.close();
    expect(recordKinds()).toEqual(['e']);
    const again = await EventHistory.open({ dir, clock });
    expect(again.get('a')).toEqual(stored[0]);
    await again.close();
  });

  it('frames given before the file is read are kept, as frames, and the caller may reuse its array', async () => {
    const h = EventHistory.unloaded({ dir, clock });
    const { events, frames } = received([frame('a', { title: 'held' })]);
    h.append(events, clock.now(), frames);
    frames[0] = frame('a', { title: 'changed after the call' });
    await h.load();
    await h.close();
    expect(recordKinds()).toEqual(['f']);
    expect(readFileSync(file(), 'utf8')).toContain('"title":"held"');
  });

  it('past the rewrite limit, frames are not queued either', async () => {
    const h = await EventHistory.open({ dir, clock, maxEvents: 10, compactionSlack: 0 });
    const texts = Array.from({ length: 40 }, (_, i) => frame(`e${i}`, { i }));
    const { events, frames } = received(texts);
    h.append(events.slice(0, 10), clock.now(), frames.slice(0, 10));
    await h.flush();
    for (let i = 10; i < 40; i++) h.append([events[i]!], clock.now(), [frames[i]!]);
    expect(h.info().queuedRecords).toBe(0);
    await h.close();
    expect(recordKinds()).toEqual(Array.from({ length: 10 }, () => 'e'));
    const again = await EventHistory.open({ dir, clock });
    expect(again.query({}).entries.map((e) => e.id)[0]).toBe('e39');
    await again.close();
  });

  it('frames that do not line up with the events are not used', async () => {
    const h = await EventHistory.open({ dir, clock });
    const { events, frames } = received([frame('a', {}), frame('b', {})]);
    h.append(events, clock.now(), frames.slice(1));
    await h.close();
    expect(recordKinds()).toEqual(['e', 'e']);
  });

  it('a frame record whose frame no longer passes the event check is damage', async () => {
    const h = await EventHistory.open({ dir, clock });
    const { events, frames } = received([frame('a', { title: 'kept' })]);
    h.append(events, clock.now(), frames);
    await h.close();
    // Checksum and record shape are right, but the frame is not an event the engine accepts.
    const bad = {
      k: 'f' as const,
      seq: 7,
      at: clock.now(),
      m: { type: 'event', id: '', data: {} },
    };
    writeFileSync(file(), readFileSync(file(), 'utf8') + encodeRecord(bad));
    const again = await EventHistory.open({ dir, clock });
    expect(again.query({}).entries.map((e) => e.id)).toEqual(['a']);
    expect(again.info().damagedRecordsSkipped).toBe(1);
    await again.close();
  });

  it('compaction keeps frame-stored events, read marks included', async () => {
    const h = await EventHistory.open({ dir, clock, maxEvents: 10, compactionSlack: 0 });
    const texts = Array.from({ length: 50 }, (_, i) => frame(`e${i}`, { i, title: `n${i}` }));
    const { events, frames } = received(texts);
    for (let i = 0; i < 50; i += 5) {
      h.append(events.slice(i, i + 5), clock.now(), frames.slice(i, i + 5));
      await h.flush();
    }
    h.markRead(['e45']);
    const before = h.query({}).entries;
    await h.close();
    expect(recordKinds().length).toBeLessThanOrEqual(2 * 10 + 5 + 1);
    const again = await EventHistory.open({ dir, clock });
    expect(again.query({}).entries).toEqual(before);
    expect(again.get('e45')?.read).toBe(true);
    await again.close();
  });
});

describe('RecordBuffer', () => {
  it('gives the same bytes as encodeRecord, in order, across chunk boundaries', () => {
    const buf = new RecordBuffer();
    const records = Array.from({ length: 3000 }, (_, i) => ({
      k: 'g' as const,
      seq: i,
      id: `gap-${i}-${'ы'.repeat(i % 200)}`,
      start: i,
      end: i + 0.5,
    }));
    for (const r of records) buf.append(JSON.stringify(r));
    const taken = buf.take();
    expect(taken.parts.length).toBeGreaterThan(1); // more than one 256 KiB chunk
    const bytes = Buffer.concat(taken.parts);
    expect(taken.bytes).toBe(bytes.length);
    expect(taken.records).toBe(records.length);
    expect(bytes.toString('utf8')).toBe(records.map((r) => encodeRecord(r)).join(''));
    expect(buf.take()).toEqual({ parts: [], bytes: 0, records: 0 });
  });

  it('a frame record is a line decodeRecord accepts, with the frame as its `m`', () => {
    const buf = new RecordBuffer();
    const text = frame('z', { title: 'ünïcödé ✓' });
    buf.appendFrame(42, 1767225600000.5, text);
    const line = Buffer.concat(buf.take().parts).toString('utf8');
    expect(line.endsWith('}\n')).toBe(true);
    expect(decodeRecord(line.trimEnd())).toEqual({
      k: 'f',
      seq: 42,
      at: 1767225600000.5,
      m: JSON.parse(text),
    });
  });

  it('makes room for a frame whose every character takes three bytes', () => {
    const buf = new RecordBuffer();
    const wide = frame('w', { title: 'ж'.repeat(40_000) + '€'.repeat(60_000) });
    buf.appendFrame(1, 2, wide);
    const line = Buffer.concat(buf.take().parts).toString('utf8').trimEnd();
    expect((decodeRecord(line) as { m: unknown }).m).toEqual(JSON.parse(wide));
  });

  it('makes room for a frame of three-byte characters only, larger than a chunk', () => {
    const buf = new RecordBuffer();
    const wide = '€'.repeat(100_000);
    buf.appendFrame(1, 2, wide);
    const text = Buffer.concat(buf.take().parts).toString('utf8');
    expect(text.endsWith(`${wide}}\n`)).toBe(true);
  });

  it('takes a record larger than a chunk', () => {
    const buf = new RecordBuffer();
    const big = frame('big', { title: 'x'.repeat(600_000) });
    buf.appendFrame(1, 2, big);
    buf.append('{"k":"a","seq":1}');
    const lines = Buffer.concat(buf.take().parts).toString('utf8').trimEnd().split('\n');
    expect(lines.map((l) => decodeRecord(l)?.k)).toEqual(['f', 'a']);
  });
});
