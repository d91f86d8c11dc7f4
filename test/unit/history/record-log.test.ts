// The history file as a file: when it is appended to and when rewritten, what a failed read or
// write leaves, and that every file handle is closed. Real files throughout; a write is made
// to fail with a folder where a file should be, which stops root too.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../fakes/clock';
import { EventHistory, HISTORY_FILE } from '../../../main/core/history/history';
import { decodeRecord, encodeRecord } from '../../../main/core/history/record';
import { writeAll } from '../../../main/core/history/record-log';
import type { EventMessage } from '../../../main/core/common/protocol';
import { logTo } from '../../../main/core/log/scoped';

let dir: string;
let clock: ManualClock;
let logs: string[];
const opened: EventHistory[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'katya-record-log-'));
  clock = new ManualClock(Date.UTC(2026, 10, 26, 12));
  logs = [];
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((h) => h.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function history(opts: Partial<Parameters<typeof EventHistory.open>[0]> = {}) {
  const h = await EventHistory.open({
    dir,
    clock,
    flushIntervalMs: 100,
    log: logTo((l) => logs.push(l)),
    ...opts,
  });
  opened.push(h);
  return h;
}
let n = 0;
const ev = (id = `e${++n}`, data: Record<string, unknown> = {}): EventMessage => ({
  type: 'event',
  id,
  event: 'message.created',
  channel: 'messages',
  data,
});
const file = () => join(dir, HISTORY_FILE);
const lines = () => readFileSync(file(), 'utf8').split('\n').filter(Boolean);
const inode = () => statSync(file()).ino;
/** let the flush timer fire and the writes it starts finish */
async function flushByTimer(h: EventHistory) {
  clock.advance(100);
  await h.flush();
}

describe('the history file: appending and rewriting', () => {
  it('a new history in an empty folder creates no file until something is stored, and logs nothing', async () => {
    const h = await history();
    await h.flush();
    expect(existsSync(file())).toBe(false);
    expect(h.info()).toMatchObject({ damagedRecordsSkipped: 0, lastError: null });
    expect(logs).toEqual([]);
  });

  it('writes what was appended when its timer fires, with one timer however many appends', async () => {
    const h = await history();
    h.append([ev('a')]);
    h.append([ev('b')]);
    h.append([ev('c')]);
    expect(clock.pending()).toBe(1);
    expect(existsSync(file())).toBe(false);
    clock.advance(99);
    expect(existsSync(file())).toBe(false);
    clock.advance(1); // the timer's own write, with no flush asked for
    await vi.waitFor(() => expect(lines()).toHaveLength(3));
  });

  it('appends to the file it has, and rewrites it once it holds more than twice the entries, plus the slack', async () => {
    const h = await history({ compactionSlack: 0, maxEvents: 2 });
    h.append([ev('a'), ev('b')]);
    await flushByTimer(h);
    const first = inode();
    h.append([ev('c')]); // 3 records for 2 entries
    await flushByTimer(h);
    h.append([ev('d')]); // 4: not more than 2 * 2
    await flushByTimer(h);
    expect(inode()).toBe(first);
    expect(lines()).toHaveLength(4);
    h.append([ev('e')]); // 5: rewritten from memory, with the two entries kept
    await flushByTimer(h);
    expect(inode()).not.toBe(first);
    expect(lines().map((l) => (decodeRecord(l) as { id: string }).id)).toEqual(['d', 'e']);
    // and after the rewrite, appending again
    const second = inode();
    h.markRead(['d']);
    await flushByTimer(h);
    expect(inode()).toBe(second);
    expect(lines()).toHaveLength(3);
  });

  it('an intact file is not rewritten when opened, and a blank line in it is no damage', async () => {
    const h = await history();
    h.append([ev('a'), ev('b')]);
    await h.close();
    writeFileSync(file(), lines().join('\n\n') + '\n');
    const before = inode();
    const again = await history();
    expect(again.info().damagedRecordsSkipped).toBe(0);
    expect(inode()).toBe(before);
    expect(logs).toEqual([]);
  });

  it('queues no record that the next rewrite makes pointless, and loses none', async () => {
    const h = await history({ maxEvents: 10, compactionSlack: 0 });
    h.append(Array.from({ length: 10 }, () => ev()));
    await h.flush();
    for (let i = 0; i < 10; i++) h.append([ev()]);
    // 10 on disk and 10 queued: twice the entries, the limit. One more is past it: the next
    // flush rewrites the file from memory, so what was queued is dropped, and nothing more is
    // queued.
    expect(h.info().queuedRecords).toBe(10);
    h.append([ev()]);
    expect(h.info().queuedRecords).toBe(0);
    const last = Array.from({ length: 30 }, () => ev());
    for (const e of last) h.append([e]);
    expect(h.info().queuedRecords).toBe(0);
    const before = inode();
    clock.advance(100);
    await h.flush();
    expect(inode()).not.toBe(before);
    expect(lines()).toHaveLength(10);
    expect(h.info().queuedRecords).toBe(0);
    const again = await history();
    expect(again.query({}).entries.map((e) => e.id)).toEqual(
      last
        .slice(-10)
        .map((e) => e.id)
        .reverse(),
    );
  });

  it('what arrives while a rewrite encodes its entries lands after it: nothing lost, nothing twice', async () => {
    const h = await history({ maxEvents: 2000, compactionSlack: 0 });
    h.append(Array.from({ length: 2000 }, () => ev()));
    await h.flush();
    // One at a time, as a flood comes: 2,000 queued reach the limit, and the next one passes
    // it: the next flush rewrites the file from memory, which holds the last 2,000.
    const kept = Array.from({ length: 2001 }, () => ev());
    for (const e of kept) h.append([e]);
    expect(h.info().queuedRecords).toBe(0);
    // The rewrite encodes its entries a slice at a time, letting the event loop through in
    // between: it is held at its first pause, past one slice and not done.
    let resume: (() => void) | undefined;
    const pause = vi.spyOn(globalThis, 'setImmediate').mockImplementationOnce(((go: () => void) => {
      resume = go;
    }) as unknown as typeof setImmediate);
    const rewrite = h.flush();
    await vi.waitFor(() => expect(resume).toBeDefined());
    pause.mockRestore();
    const during = [ev(), ev(), ev()];
    h.append(during);
    // one entry of the slice already encoded, one not yet
    h.markRead([kept[5]!.id, kept[2000]!.id]);
    resume!();
    await rewrite;
    await h.flush();
    const ids = lines()
      .map((l) => decodeRecord(l))
      .filter((r) => r?.k === 'e')
      .map((r) => (r as { id: string }).id);
    expect(new Set(ids).size).toBe(ids.length);
    const again = await history({ maxEvents: 2000 });
    const entries = again.query({ limit: 2000 }).entries;
    expect(entries).toHaveLength(2000);
    expect(entries.slice(0, 3).map((e) => e.id)).toEqual(during.map((e) => e.id).reverse());
    const read = entries.filter((e) => e.kind === 'event' && e.read).map((e) => e.id);
    expect(read.sort()).toEqual([kept[5]!.id, kept[2000]!.id].sort());
    // the three pushed the oldest three out of the bound
    expect(entries.at(-1)!.id).toBe(kept[4]!.id);
  });

  it('a flush that takes the file past the limit rewrites it at once', async () => {
    const h = await history({ maxEvents: 10, compactionSlack: 0 });
    h.append(Array.from({ length: 10 }, () => ev()));
    await h.flush();
    // One batch larger than the bound: queued while the entries it adds are still counted,
    // then cut back to 10, so the file would hold 25 records for 10 entries.
    h.append(Array.from({ length: 15 }, () => ev()));
    expect(h.info().queuedRecords).toBe(15);
    await h.flush();
    expect(lines()).toHaveLength(10);
  });

  it('a file with more records than it needs is rewritten when opened', async () => {
    const h = await history();
    h.append([ev('a')]);
    for (let i = 0; i < 5; i++) h.markRead(['a']);
    await h.close();
    writeFileSync(file(), readFileSync(file(), 'utf8') + lines().slice(1).join('\n') + '\n');
    const before = lines().length;
    expect(before).toBeGreaterThan(2);
    await history({ compactionSlack: 0 });
    expect(lines()).toHaveLength(1); // the event, read
  });

  it('a damaged record is reported by count and file, kept in a copy, and the file rewritten', async () => {
    const h = await history();
    h.append([ev('a')]);
    await h.close();
    writeFileSync(file(), readFileSync(file(), 'utf8') + '0badf00d {"torn');
    const again = await history();
    expect(logs).toEqual([`warn skipped 1 damaged record(s) in ${file()}`]);
    expect(again.info().damagedRecordsSkipped).toBe(1);
    expect(lines()).toHaveLength(1);
  });

  it('keeps gaps across a rewrite and a restart', async () => {
    const h = await history();
    h.append([ev('a')]);
    h.addGap({ start: clock.now() - 1000, end: clock.now() });
    h.append([ev('b')]);
    await h.close();
    writeFileSync(file(), readFileSync(file(), 'utf8') + 'torn'); // the next open rewrites
    const rewritten = await history();
    await rewritten.close();
    expect(lines().map((l) => decodeRecord(l)?.k)).toEqual(['e', 'g', 'e']);
    const again = await history();
    expect(again.query({}).entries.map((e) => e.kind)).toEqual(['event', 'gap', 'event']);
  });
});

describe('the history file: failures', () => {
  it('a write that fails is reported, and the next flush rewrites the file from memory', async () => {
    const h = await history();
    h.append([ev('a')]);
    await flushByTimer(h);
    rmSync(file());
    mkdirSync(file()); // the append fails: a folder is where the file was
    // the handle still points at the removed file; a rewrite is what notices the folder
    await h.close();
    const h2 = await history();
    h2.append([ev('b')]);
    await flushByTimer(h2);
    expect(h2.info().lastError).toMatch(/^cannot (write|rewrite) the history file: /);
    expect(logs.some((l) => l.startsWith('warn cannot'))).toBe(true);
    rmSync(file(), { recursive: true });
    h2.append([ev('c')]);
    await flushByTimer(h2);
    expect(h2.info().lastError).toBeNull();
    expect(lines().map((l) => (decodeRecord(l) as { id: string }).id)).toEqual(['b', 'c']);
  });

  it('after a failed write, the flush timer alone writes again once the disk takes it', async () => {
    mkdirSync(file()); // a folder where the file goes: the first write fails
    const h = await history();
    h.append([ev('a')]);
    await flushByTimer(h); // fails: owes a rewrite from memory
    expect(h.info().lastError).not.toBeNull();
    rmSync(file(), { recursive: true });
    // No flush() from here: only what append arms.
    h.append([ev('b')]);
    clock.advance(100);
    const written = () => existsSync(file()) && lines().length === 2;
    for (let i = 0; i < 200 && !written(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(lines().map((l) => (decodeRecord(l) as { id: string }).id)).toEqual(['a', 'b']);
    expect(h.info().lastError).toBeNull();
  });

  it('a history file that cannot be read starts empty, says why, and keeps working in memory', async () => {
    mkdirSync(file()); // reading a folder fails (not as a missing file)
    const h = await history();
    expect(h.info().lastError).toMatch(/^cannot rewrite the history file: /);
    expect(logs[0]).toMatch(/^warn cannot read the history file, starting empty: EISDIR/);
    expect(h.append([ev('a')])).toHaveLength(1);
    expect(h.query({}).entries).toHaveLength(1);
  });

  it('a folder that cannot be used warns once, and appends do not try the disk', async () => {
    writeFileSync(join(dir, 'blocker'), 'x');
    const h = await history({ dir: join(dir, 'blocker', 'history') });
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/^warn history is kept in memory only: cannot use /);
    h.append([ev('a')]);
    expect(clock.pending()).toBe(0);
    await flushByTimer(h);
    expect(logs).toHaveLength(1);
  });

  it('after close, nothing arms a timer and a flush writes nothing', async () => {
    const h = await history();
    h.append([ev('a'), ev('b')]);
    await h.close();
    const before = readFileSync(file(), 'utf8');
    expect(h.append([ev('c')])).toEqual([]);
    h.markRead(['a']);
    h.markAllRead();
    expect(clock.pending()).toBe(0);
    await h.flush();
    expect(readFileSync(file(), 'utf8')).toBe(before);
  });

  it('after close, even a rewrite still owed is not done', async () => {
    mkdirSync(file()); // every write fails while this folder is there: a rewrite is owed
    const h = await history();
    h.append([ev('a')]);
    await h.close();
    rmSync(file(), { recursive: true });
    await h.flush();
    expect(existsSync(file())).toBe(false);
  });

  it('a history in memory only arms no timer for read marks either', async () => {
    writeFileSync(join(dir, 'blocker'), 'x');
    const h = await history({ dir: join(dir, 'blocker', 'history') });
    h.append([ev('a')]);
    h.markRead(['a']);
    h.append([ev('b')]);
    h.markAllRead();
    expect(clock.pending()).toBe(0);
  });

  it('an append that fails is reported, and the next flush writes everything from memory', async () => {
    const h = await history();
    mkdirSync(file()); // the first append cannot open the file
    h.append([ev('a')]);
    await flushByTimer(h);
    expect(logs[0]).toMatch(/^warn cannot write the history file: EISDIR.*, open /);
    rmSync(file(), { recursive: true });
    h.append([ev('b')]);
    await flushByTimer(h);
    expect(h.info().lastError).toBeNull();
    expect(lines().map((l) => (decodeRecord(l) as { id: string }).id)).toEqual(['a', 'b']);
  });

  it('an event whose data cannot be encoded is not stored, and the rest are', async () => {
    const h = await history();
    const big = ev('big', { n: 10n as unknown as number });
    const stored = h.append([ev('a'), big, ev('b')]);
    expect(stored.map((e) => e.id)).toEqual(['a', 'big', 'b']);
    await flushByTimer(h);
    expect(logs.filter((l) => l.includes('could not be encoded'))).toHaveLength(1);
    expect(logs[0]).toMatch(/^warn a record could not be encoded, not stored: /);
    expect(lines().map((l) => (decodeRecord(l) as { id: string }).id)).toEqual(['a', 'b']);
  });

  it('an entry that cannot be encoded is dropped at a rewrite, naming it (cut to 64 characters)', async () => {
    mkdirSync(file()); // no file can be written: every flush tries a rewrite, and fails
    const h = await history();
    const id = 'x'.repeat(100);
    h.append([ev(id, { n: 10n as unknown as number }), ev('a')]);
    await flushByTimer(h);
    rmSync(file(), { recursive: true });
    h.append([ev('b')]);
    await flushByTimer(h); // the rewrite succeeds, without the entry it cannot write
    expect(logs).toContain(`warn event ${'x'.repeat(64)} could not be encoded; dropped`);
    expect(h.get(id)).toBeNull();
    expect(lines().map((l) => (decodeRecord(l) as { id: string }).id)).toEqual(['a', 'b']);
  });

  it('closes every file it opens', async () => {
    const openFds = () => readdirSync('/proc/self/fd').length;
    const before = openFds();
    for (let i = 0; i < 5; i++) {
      const h = await history({ compactionSlack: 0, maxEvents: 1 });
      h.append([ev()]);
      await flushByTimer(h);
      h.append([ev()]);
      await flushByTimer(h);
      h.append([ev()]); // three records for one entry: rewritten, through a temp file
      await flushByTimer(h);
      await h.close();
    }
    opened.splice(0);
    expect(openFds() - before).toBeLessThanOrEqual(1);
  });
});

describe('writeAll: a short write never tears a record', () => {
  /** a file handle that takes at most `step` bytes a call, and records them */
  function stingy(step: number) {
    const got: Buffer[] = [];
    const take = (buf: Buffer) => {
      const part = buf.subarray(0, step);
      got.push(Buffer.from(part));
      return { bytesWritten: part.length };
    };
    const handle = {
      writev: async (parts: Buffer[]) => take(Buffer.concat(parts)),
      write: async (buf: Buffer) => take(buf),
    } as unknown as FileHandle;
    return { handle, text: () => Buffer.concat(got).toString() };
  }

  it('goes on writing the rest until every byte is in', async () => {
    const parts = [Buffer.from(encodeRecord({ k: 'r', ids: ['a'] })), Buffer.from('tail\n')];
    const bytes = parts.reduce((s, p) => s + p.length, 0);
    const s = stingy(7);
    await writeAll(s.handle, parts, bytes);
    expect(s.text()).toBe(Buffer.concat(parts).toString());
  });

  it('gives up with an error when the file takes nothing', async () => {
    const s = stingy(0);
    await expect(writeAll(s.handle, [Buffer.from('abc')], 3)).rejects.toThrow(
      'the file took 0 of 3 bytes',
    );
  });
});
