import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileSnoozeStore } from '../../../main/core/notify/snooze-store';
import { logTo } from '../../../main/core/log/scoped';

describe('fileSnoozeStore: a snooze that waits out a restart', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'katya-snooze-'));
    file = join(dir, 'snooze.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads back a saved snooze while it is still ahead, and none once it has ended', () => {
    const store = fileSnoozeStore(file);
    store.write(5000);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ until: 5000 });
    expect(store.read(4999)).toBe(5000);
    expect(store.read(5000)).toBeNull();
    expect(store.read(6000)).toBeNull();
    store.write(null);
    expect(store.read(0)).toBeNull();
  });

  it('reads no snooze from a missing, damaged or odd file', () => {
    const store = fileSnoozeStore(file);
    expect(store.read(0)).toBeNull();
    for (const text of ['not json', 'null', '[]', '{"until":"5000"}', '{"until":1e999}', '{}']) {
      writeFileSync(file, text);
      expect(store.read(0), text).toBeNull();
    }
  });

  it('a write that fails is logged at warn, never thrown', () => {
    const logs: string[] = [];
    mkdirSync(file); // a folder where the file should be
    const store = fileSnoozeStore(
      file,
      logTo((l) => logs.push(l)),
    );
    expect(() => store.write(5000)).not.toThrow();
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/^warn could not save the snooze: EISDIR/);
  });
});
