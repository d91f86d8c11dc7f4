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
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../fakes/clock';
import { Notifier, fileSeenStore } from '../../../main/core/notify/notifier';
import { DEFAULT_SETTINGS } from '../../../main/core/common/settings-schema';
import { sample } from './samples';
import { logTo } from '../../../main/core/log/scoped';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'katya-seen-store-'));
  file = join(dir, 'notified.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const onDisk = (): string[] =>
  existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as string[]) : [];
/** the file's identity: every atomic rewrite (temp file + rename) gives it a new inode */
const fileIdentity = () => (existsSync(file) ? `${statSync(file).ino}` : 'none');

describe('fileSeenStore: coalesced background writes', () => {
  it('a burst of adds over three seconds rewrites the file at most once a second', async () => {
    const clock = new ManualClock();
    const store = fileSeenStore(file, { clock });
    const added: string[] = [];
    let rewrites = 0;
    let seen = fileIdentity();
    // 300 batches, 10 ms apart: a flood as the notifier sees it (each batch decides ids).
    for (let i = 0; i < 300; i++) {
      const batch = [`a${i}`, `b${i}`];
      store.add(batch);
      added.push(...batch);
      clock.advance(10);
      await store.idle();
      const now = fileIdentity();
      if (now !== seen) rewrites++;
      seen = now;
      // Memory is the truth at every moment, whatever the file holds yet.
      expect(store.has(`a${i}`)).toBe(true);
    }
    // Writes at 0, 1000, 2000 and 3000 ms: one per second, the first at once.
    expect(rewrites).toBeGreaterThanOrEqual(3);
    expect(rewrites).toBeLessThanOrEqual(4);
    expect(store.writes).toBe(rewrites);
    expect(onDisk()).toEqual(added);
    expect(existsSync(`${file}.tmp`)).toBe(false);
  });

  it('between two writes the file lags behind memory, and catches up when the second is due', async () => {
    const clock = new ManualClock();
    const store = fileSeenStore(file, { clock });
    store.add(['first']);
    clock.advance(0);
    await store.idle();
    expect(onDisk()).toEqual(['first']);
    store.add(['second']);
    clock.advance(999);
    await store.idle();
    expect(onDisk()).toEqual(['first']);
    clock.advance(1);
    await store.idle();
    expect(onDisk()).toEqual(['first', 'second']);
    expect(clock.pending()).toBe(0);
  });

  it('flush writes at once; a reopened store knows every id', async () => {
    const clock = new ManualClock();
    const store = fileSeenStore(file, { clock });
    store.add(['x', 'y']);
    expect(onDisk()).toEqual([]);
    store.flush();
    expect(onDisk()).toEqual(['x', 'y']);
    expect(clock.pending()).toBe(0);
    const again = fileSeenStore(file, { clock });
    expect(again.has('x') && again.has('y')).toBe(true);
    expect(again.has('z')).toBe(false);
  });

  it('keeps the newest `max` ids, oldest first, through many wraps of its ring', () => {
    const store = fileSeenStore(file, { max: 3, clock: new ManualClock() });
    store.add(['a', 'b', 'c', 'b']);
    store.add(['d', 'e', 'f', 'g', 'h']);
    store.add(['g']); // already known: no reordering
    store.flush();
    expect(onDisk()).toEqual(['f', 'g', 'h']);
    const again = fileSeenStore(file, { max: 3 });
    expect(['e', 'f', 'g', 'h'].map((id) => again.has(id))).toEqual([false, true, true, true]);
  });

  it('a flush while a background write is in flight wins over that older snapshot', async () => {
    const clock = new ManualClock();
    const store = fileSeenStore(file, { clock });
    store.add(['one']);
    clock.advance(0); // the background write of ['one'] starts
    store.add(['two']);
    store.flush();
    expect(onDisk()).toEqual(['one', 'two']);
    await store.idle();
    expect(onDisk()).toEqual(['one', 'two']);
    expect(existsSync(`${file}.tmp`)).toBe(false);
  });

  it('a folder that cannot be written keeps the store working from memory', async () => {
    const clock = new ManualClock();
    const logs: string[] = [];
    // A path below a regular file can never be created.
    const store = fileSeenStore(join(file, 'below', 'notified.json'), {
      clock,
      log: logTo((m) => logs.push(m)),
    });
    writeFileSync(file, '[]');
    store.add(['kept']);
    clock.advance(0);
    await store.idle();
    store.flush();
    expect(store.has('kept')).toBe(true);
    expect(logs.length).toBeGreaterThanOrEqual(1);
  });
});

// Writes are made to fail with real files, in ways that fail for root too (the tests run as
// root here, where a read-only folder stops nothing): a folder where the file or a temp file
// should be.
describe('fileSeenStore: writes that fail, and a flush during a background write', () => {
  /** every line the store logs, as "level message" */
  const recording = () => {
    const lines: string[] = [];
    return {
      lines,
      log: logTo((l) => lines.push(l)),
      at: (level: string) => lines.filter((l) => l.startsWith(`${level} `)),
    };
  };
  /** what is left in the folder besides the file itself: temp files must not pile up */
  const leftovers = () => readdirSync(dir).filter((f) => f !== 'notified.json');

  it('a failed background write is retried at the next interval, with no new id, and warns once', async () => {
    const clock = new ManualClock();
    const rec = recording();
    const store = fileSeenStore(file, { clock, log: rec.log });
    mkdirSync(file); // the rename onto the file fails: a folder is in its place
    store.add(['a']);
    clock.advance(0);
    await store.idle();
    expect(store.has('a')).toBe(true);
    expect(rec.at('warn')).toHaveLength(1);
    expect(rec.at('warn')[0]).toContain('cannot save notified ids');
    expect(leftovers()).toEqual([]);
    expect(clock.pending()).toBe(1); // the retry, though no id has arrived since

    clock.advance(999);
    await store.idle();
    expect(store.writes).toBe(0);
    clock.advance(1); // one interval after the failed write began: it fails again
    await store.idle();
    expect(rec.at('warn')).toHaveLength(1); // a streak of failures warns once
    expect(rec.at('debug')).toHaveLength(1);

    rmSync(file, { recursive: true });
    clock.advance(1000);
    await store.idle();
    expect(onDisk()).toEqual(['a']);
    expect(store.writes).toBe(1);
    expect(rec.at('info')).toEqual([`info notified ids saved to ${file} again`]);
    expect(clock.pending()).toBe(0); // nothing more to write: no timer left
    expect(leftovers()).toEqual([]);
  });

  it('a failed flush warns, leaves the file as it was, keeps memory the truth, and the next flush writes it all', () => {
    const clock = new ManualClock();
    const rec = recording();
    const store = fileSeenStore(file, { clock, log: rec.log });
    store.add(['old']);
    store.flush();
    expect(onDisk()).toEqual(['old']);

    mkdirSync(`${file}.flush.tmp`); // the flush's temp file cannot be opened
    store.add(['new']);
    expect(() => store.flush()).not.toThrow();
    expect(rec.at('warn')).toHaveLength(1);
    expect(onDisk()).toEqual(['old']); // not emptied, not half-written
    expect(store.has('old') && store.has('new')).toBe(true);
    expect(clock.pending()).toBe(0); // a flush leaves no timer behind, even when it fails

    rmSync(`${file}.flush.tmp`, { recursive: true });
    store.flush();
    expect(onDisk()).toEqual(['old', 'new']);
    expect(rec.at('info')).toHaveLength(1);
    expect(leftovers()).toEqual([]);
  });

  it('a flush that fails on the rename removes its temp file', () => {
    const rec = recording();
    const store = fileSeenStore(file, { clock: new ManualClock(), log: rec.log });
    mkdirSync(file);
    store.add(['x']);
    store.flush();
    expect(rec.at('warn')).toHaveLength(1);
    expect(leftovers()).toEqual([]);
    expect(store.has('x')).toBe(true);
  });

  it('a flush during a background write: the write stands down, and no second write follows', async () => {
    const clock = new ManualClock();
    const store = fileSeenStore(file, { clock });
    store.add(['one']);
    clock.advance(0); // the background write of ['one'] starts, and is still in flight
    store.add(['two']);
    store.flush();
    await store.idle();
    expect(onDisk()).toEqual(['one', 'two']);
    expect(store.writes).toBe(1); // the flush only: the older snapshot never replaced the file
    expect(clock.pending()).toBe(0);
    expect(leftovers()).toEqual([]);
    // the next id is written one interval after the background write began
    store.add(['three']);
    clock.advance(999);
    await store.idle();
    expect(onDisk()).toEqual(['one', 'two']);
    clock.advance(1);
    await store.idle();
    expect(onDisk()).toEqual(['one', 'two', 'three']);
  });

  it('a flush with nothing new and no write in flight does not touch the file', async () => {
    const clock = new ManualClock();
    const store = fileSeenStore(file, { clock });
    store.add(['one']);
    clock.advance(0);
    await store.idle();
    const before = fileIdentity();
    store.flush();
    expect(fileIdentity()).toBe(before);
    expect(store.writes).toBe(1);
  });

  it('a background write that fails after a flush saved everything is neither retried nor warned', async () => {
    const clock = new ManualClock();
    const rec = recording();
    const store = fileSeenStore(file, { clock, log: rec.log });
    mkdirSync(`${file}.tmp`); // the background write's temp file cannot be opened
    store.add(['one']);
    clock.advance(0); // the background write starts
    store.flush(); // and the flush, with its own temp file, saves ['one']
    await store.idle();
    expect(onDisk()).toEqual(['one']);
    expect(rec.lines).toEqual([]);
    expect(clock.pending()).toBe(0);
  });

  it('a flush that fails during a background write: the write stands down, and the ids are written at the next interval', async () => {
    const clock = new ManualClock();
    const rec = recording();
    const store = fileSeenStore(file, { clock, log: rec.log });
    mkdirSync(`${file}.flush.tmp`);
    store.add(['one']);
    clock.advance(0); // the background write of ['one'] starts
    store.add(['two']);
    store.flush(); // fails
    await store.idle(); // the background write, begun before the flush, replaced nothing
    expect(onDisk()).toEqual([]);
    expect(rec.at('warn')).toHaveLength(1);
    clock.advance(1000);
    await store.idle();
    expect(onDisk()).toEqual(['one', 'two']);
    expect(clock.pending()).toBe(0);
  });
});

describe('Notifier.dispose flushes the seen store', () => {
  it('ids decided just before an orderly shutdown are never notified again', () => {
    const clock = new ManualClock();
    const shown: string[] = [];
    const make = () =>
      new Notifier({
        clock,
        rules: structuredClone(DEFAULT_SETTINGS.notifications),
        show: (n) => shown.push(n.eventId ?? n.id),
        withdraw: () => {},
        seen: fileSeenStore(file, { clock }),
      });
    const first = make();
    first.offer([sample('security.alert.created', 'high', 'd1')]);
    // No time has passed: the background write has not happened yet.
    expect(onDisk()).toEqual([]);
    first.dispose();
    expect(onDisk()).toEqual(['d1']);
    expect(clock.pending()).toBe(0);
    const second = make();
    second.offer([
      sample('security.alert.created', 'high', 'd1'),
      sample('security.alert.created', 'high', 'd2'),
    ]);
    expect(shown).toEqual(['d1', 'd2']);
    second.dispose();
  });
});

describe('fileSeenStore: what it keeps, and what it writes', () => {
  it('an id it knows already is not a change: no write is due', async () => {
    const clock = new ManualClock();
    const store = fileSeenStore(file, { clock });
    store.add(['a']);
    clock.advance(0);
    await store.idle();
    store.add(['a']);
    expect(clock.pending()).toBe(0);
    clock.advance(5000);
    await store.idle();
    expect(store.writes).toBe(1);
  });

  it('opened and flushed with nothing added, it writes nothing', () => {
    const store = fileSeenStore(file, { clock: new ManualClock() });
    store.flush();
    expect(store.writes).toBe(0);
    expect(existsSync(file)).toBe(false);
  });

  it('forgets the oldest id in memory too once it holds `max`', () => {
    const store = fileSeenStore(file, { max: 2, clock: new ManualClock() });
    store.add(['a', 'b', 'c']);
    expect(['a', 'b', 'c'].map((id) => store.has(id))).toEqual([false, true, true]);
  });

  it('takes only string ids, and only from a list', () => {
    const clock = new ManualClock();
    const store = fileSeenStore(file, { clock });
    store.add('abc' as unknown as string[]);
    store.add([5, null, 'ok'] as unknown as string[]);
    expect(store.has('a')).toBe(false);
    store.flush();
    expect(onDisk()).toEqual(['ok']);
  });

  it('a file that is not a list of ids starts afresh, with a warning that says why', () => {
    for (const text of ['{"a":1}', 'not json']) {
      writeFileSync(file, text);
      const logs: string[] = [];
      const store = fileSeenStore(file, { log: logTo((l) => logs.push(l)) });
      expect(store.has('a')).toBe(false);
      expect(logs).toHaveLength(1);
      expect(logs[0]).toContain(
        `warn notified-ids file ${file} is unreadable and was started afresh: `,
      );
    }
    expect(logs0('{"a":1}')).toContain('it is not a list of ids');
  });

  it('keeps the string ids of a list with junk in it, and writes back only those', () => {
    writeFileSync(file, JSON.stringify(['a', 5, null, { id: 'b' }, 'c']));
    const store = fileSeenStore(file, { clock: new ManualClock() });
    expect(store.has('a') && store.has('c')).toBe(true);
    store.add(['d']);
    store.flush();
    expect(onDisk()).toEqual(['a', 'c', 'd']);
  });

  it('adds within one interval wait for one timer, and none is set while a write is busy', async () => {
    const clock = new ManualClock();
    const store = fileSeenStore(file, { clock });
    store.add(['a']);
    store.add(['b']);
    store.add(['c']);
    expect(clock.pending()).toBe(1);
    clock.advance(0); // the write starts
    store.add(['d']);
    expect(clock.pending()).toBe(0); // the write in flight will schedule the next one
    await store.idle();
    expect(clock.pending()).toBe(1);
    clock.advance(1000);
    await store.idle();
    expect(onDisk()).toEqual(['a', 'b', 'c', 'd']);
    expect(clock.pending()).toBe(0);
  });

  it('closes every file it opens, whether writes succeed or fail', async () => {
    const openFds = () => readdirSync('/proc/self/fd').length;
    const clock = new ManualClock();
    const store = fileSeenStore(file, { clock });
    const before = openFds();
    for (let i = 0; i < 20; i++) {
      store.add([`bg${i}`]);
      clock.advance(1000);
      await store.idle();
      store.add([`sync${i}`]);
      store.flush();
    }
    rmSync(file);
    mkdirSync(file); // every rename now fails, after the temp files were written and closed
    for (let i = 0; i < 10; i++) {
      store.add([`f${i}`]);
      clock.advance(1000);
      await store.idle();
      store.flush();
    }
    expect(openFds() - before).toBeLessThanOrEqual(2);
  });
});

/** the warning a store opened on a file with `text` logs */
function logs0(text: string): string {
  writeFileSync(file, text);
  const logs: string[] = [];
  fileSeenStore(file, { log: logTo((l) => logs.push(l)) });
  return logs[0] ?? '';
}
