import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
