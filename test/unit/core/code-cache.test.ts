// The code-cache loader on real files: what the module sees (its require, __filename,
// __dirname, module.exports), the cache written once and used by the next load, and a cache
// that does not fit (the bundle changed, the file damaged, another V8) rejected and written
// again. Loads in this process after the first meet V8's in-memory compilation cache, so
// what V8 itself decides is shown in child processes.
import { spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appCodeCacheFile, requireWithCodeCache } from '../../../main/core/code-cache';

let dir: string;
let bundle: string;
let cacheFile: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'katya-code-cache-'));
  bundle = path.join(dir, 'bundle.cjs');
  cacheFile = path.join(dir, 'bundle.cache');
  writeFileSync(path.join(dir, 'helper.cjs'), 'module.exports = (x) => x * 2;');
  writeBundle(1);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A bundle with enough functions that V8's cache of it is not trivial. */
function writeBundle(version: number) {
  const functions = Array.from(
    { length: 200 },
    (_, i) => `function f${i}(a) { return a + ${i} * ${version}; }`,
  ).join('\n');
  writeFileSync(
    bundle,
    `${functions}
const double = require('./helper.cjs');
exports.version = ${version};
exports.where = { file: __filename, dir: __dirname, self: this === module.exports };
exports.module = module;
exports.loadedWhileRunning = module.loaded;
exports.fail = () => { throw new Error('from the bundle'); };
exports.sum = () => double([${Array.from({ length: 200 }, (_, i) => `f${i}(1)`).join(', ')}].reduce((a, b) => a + b, 0));
`,
  );
}

const load = () => requireWithCodeCache(bundle, cacheFile, { saveAfterMs: 60_000 });

describe('requireWithCodeCache', () => {
  it('runs the file as a CommonJS module of its folder', () => {
    const { exports } = load() as { exports: Record<string, unknown> };
    expect(exports.version).toBe(1);
    expect(exports.where).toEqual({ file: bundle, dir, self: true });
    expect((exports.sum as () => number)()).toBe(2 * (200 + (199 * 200) / 2));
    expect(exports.loadedWhileRunning).toBe(false);
    expect((exports.module as { loaded: boolean }).loaded).toBe(true);
    // stack traces name the bundle, as for any required file
    expect(() => (exports.fail as () => void)()).toThrow('from the bundle');
    try {
      (exports.fail as () => void)();
    } catch (err) {
      expect((err as Error).stack).toContain(`${bundle}:`);
    }
  });

  it('saves by itself after the given time, and stops waiting for the exit then', async () => {
    const exitListeners = process.listenerCount('exit');
    const loaded = requireWithCodeCache(bundle, cacheFile, { saveAfterMs: 20 });
    expect(loaded.cache).toBe('missing');
    expect(process.listenerCount('exit')).toBe(exitListeners + 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(statSync(cacheFile).size).toBeGreaterThan(1000);
    expect(process.listenerCount('exit')).toBe(exitListeners);
  });

  it('waits for nothing when the cache was used, or when there is none to keep', () => {
    const exitListeners = process.listenerCount('exit');
    const first = load();
    first.save();
    expect(process.listenerCount('exit')).toBe(exitListeners);
    expect(load().cache).toBe('used');
    expect(requireWithCodeCache(bundle, null).cache).toBe('off');
    expect(process.listenerCount('exit')).toBe(exitListeners);
  });

  it('compiles without a cache, writes it once on save, and the next load uses it', () => {
    const first = load();
    expect(first.cache).toBe('missing');
    expect(readdirSync(dir)).not.toContain('bundle.cache');
    (first.exports as { sum: () => number }).sum();
    first.save();
    const written = statSync(cacheFile);
    expect(written.size).toBeGreaterThan(1000);
    expect(written.mode & 0o777).toBe(0o600);
    first.save(); // once only
    expect(statSync(cacheFile).mtimeMs).toBe(written.mtimeMs);

    const second = load();
    expect(second.cache).toBe('used');
    expect((second.exports as { sum: () => number }).sum()).toBe(40_200);
    second.save(); // an accepted cache is not written again
    expect(statSync(cacheFile).mtimeMs).toBe(written.mtimeMs);
    expect(readdirSync(dir).sort()).toEqual(['bundle.cache', 'bundle.cjs', 'helper.cjs']);
  });

  it('rejects the cache of another version of the bundle, and writes the new one', () => {
    load().save();
    const old = readFileSync(cacheFile);
    writeBundle(2);
    const changed = load();
    expect(changed.cache).toBe('rejected');
    expect((changed.exports as { version: number }).version).toBe(2);
    changed.save();
    expect(readFileSync(cacheFile).equals(old)).toBe(false);
    expect(load().cache).toBe('used');
  });

  it('rejects a damaged or empty cache file and compiles as usual', () => {
    load().save();
    const good = readFileSync(cacheFile);
    writeFileSync(cacheFile, good.subarray(0, good.length >> 1));
    const truncated = load();
    expect(truncated.cache).toBe('rejected');
    expect((truncated.exports as { version: number }).version).toBe(1);
    for (const damaged of [
      Buffer.alloc(0),
      Buffer.alloc(good.length, 0x5a),
      Buffer.concat([good.subarray(0, good.length - 1), Buffer.from([~good.at(-1)! & 0xff])]),
    ]) {
      writeFileSync(cacheFile, damaged);
      expect(load().cache).toBe('rejected');
    }
    writeFileSync(cacheFile, good);
    expect(load().cache).toBe('used');
  });

  it('rejects the cache of a bundle of the very same length (V8 would take it)', () => {
    load().save();
    writeFileSync(bundle, readFileSync(bundle, 'utf8').replace('version = 1', 'version = 7'));
    const changed = load();
    expect(changed.cache).toBe('rejected');
    expect((changed.exports as { version: number }).version).toBe(7);
  });

  it('reads and writes no cache when given none', () => {
    load().save();
    const cached = readFileSync(cacheFile);
    const off = requireWithCodeCache(bundle, null);
    expect(off.cache).toBe('off');
    expect((off.exports as { version: number }).version).toBe(1);
    off.save();
    expect(readFileSync(cacheFile).equals(cached)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['bundle.cache', 'bundle.cjs', 'helper.cjs']);
  });

  it('leaves nothing behind when the cache cannot be written', () => {
    const gone = path.join(dir, 'no-such-folder', 'bundle.cache');
    const loaded = requireWithCodeCache(bundle, gone);
    expect(() => loaded.save()).not.toThrow();
    expect(readdirSync(dir).sort()).toEqual(['bundle.cjs', 'helper.cjs']);
    // written, but the rename fails: a folder stands where the file would go
    mkdirSync(cacheFile);
    writeFileSync(path.join(cacheFile, 'keep'), '');
    const blocked = load();
    expect(() => blocked.save()).not.toThrow();
    expect(readdirSync(dir).sort()).toEqual(['bundle.cache', 'bundle.cjs', 'helper.cjs']);
  });

  it('does not read a cache file larger than 64 MiB', () => {
    load().save();
    truncateSync(cacheFile, 64 * 1024 * 1024 + 1);
    expect(load().cache).toBe('rejected');
  });

  it('saves at exit when the process ends before the timer', () => {
    const loader = path.resolve(__dirname, '../../../main/core/code-cache.ts');
    const script = `
      const { requireWithCodeCache } = require(${JSON.stringify(loader)});
      const first = requireWithCodeCache(${JSON.stringify(bundle)}, ${JSON.stringify(cacheFile)});
      console.log(first.cache);
    `;
    const run = (...flags: string[]) =>
      spawnSync(process.execPath, [...flags, '--import', 'tsx', '-e', script], {
        encoding: 'utf8',
      });
    const before = run();
    expect(before.stderr).toBe('');
    expect(before.stdout.trim()).toBe('missing');
    expect(statSync(cacheFile).size).toBeGreaterThan(1000);
    expect(run().stdout.trim()).toBe('used');
    // V8's own check: a cache made under other flags (as by another V8) is not used
    expect(run('--no-opt').stdout.trim()).toBe('rejected');
    expect(run('--no-opt').stdout.trim()).toBe('used');
  });
});

describe('appCodeCacheFile', () => {
  it('keeps the cache in the profile, except in signed, integrity-checked packages', () => {
    const profile = path.join(os.tmpdir(), 'profile');
    const inProfile = path.join(profile, 'main-code-cache.bin');
    expect(appCodeCacheFile(profile, false, 'darwin')).toBe(inProfile);
    expect(appCodeCacheFile(profile, false, 'win32')).toBe(inProfile);
    expect(appCodeCacheFile(profile, false, 'linux')).toBe(inProfile);
    expect(appCodeCacheFile(profile, true, 'linux')).toBe(inProfile);
    expect(appCodeCacheFile(profile, true, 'darwin')).toBeNull();
    expect(appCodeCacheFile(profile, true, 'win32')).toBeNull();
  });
});
