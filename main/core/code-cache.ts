// Loads a CommonJS bundle with V8's code cache, so that a start after the first skips most of
// compiling it: for the 2.5 MB main bundle, about 35 ms of a ~200 ms cold start (measured in
// docs/benchmarks.md, "Where start-up time goes"). Node 22 has module.enableCompileCache for
// this; the app's main process runs on Electron's Node and the bench's core host on Node 20,
// so one loader over node:vm serves both.
//
// V8 checks a cache against its own version and flags, but against the source only by its
// length, and the data not at all: a new bundle of the same length would run the old one's
// code, and a damaged file would be deserialised as it is. So the file carries a digest of
// the source it was made from and one of its data, both checked before V8 sees it; a cache
// that fails either is not used, the bundle is compiled as usual and the cache written again.
// It is only an optimisation: a cache that cannot be read or written changes nothing but the
// start-up time.
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import { Script } from 'node:vm';

/** What a load found: whether the cache was used, and a way to write it now. */
export interface CachedLoad {
  /** the bundle's module.exports */
  exports: unknown;
  /** 'used': the cache was accepted; otherwise the bundle was compiled ('off': no cache file) */
  cache: 'used' | 'missing' | 'rejected' | 'off';
  /**
   * Writes the cache, if it was missing or rejected (once; later calls do nothing). It holds
   * every function compiled so far, so the later it runs, the more a next start skips.
   */
  save(): void;
}

export interface CodeCacheOptions {
  /** save this long after loading (an unref'd timer); the cache is also saved at exit */
  saveAfterMs?: number;
}

/** Caches larger than this are not read: the main bundle's is under 2 MiB. */
const MAX_CACHE_BYTES = 64 * 1024 * 1024;
/** The file: MAGIC, the source's digest, the data's digest, then V8's data. */
const MAGIC = Buffer.from('KCC1');
const DIGEST_BYTES = 20;
const HEADER_BYTES = MAGIC.length + 2 * DIGEST_BYTES;

/** Not a defence against someone who can write the file (see docs): a check of identity. */
const digest = (data: Buffer) => createHash('sha1').update(data).digest();

/**
 * Runs `file` as a CommonJS module, with `require` resolving from its folder and `__filename`
 * and `__dirname` its own, compiled with the code cache at `cacheFile` when that is valid
 * (null: without a cache, and none is written).
 *
 * The bundle must not rely on a dynamic `import()`: a script compiled through node:vm is given
 * no module loader for it (Node 20's only option for one is experimental and warns), so every
 * one fails as if its module were missing. The main bundle's only one is https-proxy-agent's
 * optional `import("kerberos")` for Negotiate proxy sign-in, which the app does not ship, so
 * it fails the same way either way; test/integration/boot checks that no other appears.
 */
export function requireWithCodeCache(
  file: string,
  cacheFile: string | null,
  { saveAfterMs = 30_000 }: CodeCacheOptions = {},
): CachedLoad {
  const bytes = readFileSync(file);
  const sourceDigest = digest(bytes);
  const source = bytes.toString('utf8');
  const found = cacheFile === null ? 'off' : readCache(cacheFile, sourceDigest);
  const cachedData = found instanceof Buffer ? found : undefined;
  const script = new Script(Module.wrap(source), { filename: file, cachedData });
  const cache = typeof found === 'string' ? found : script.cachedDataRejected ? 'rejected' : 'used';

  let saved = cache === 'used' || cache === 'off';
  const save = () => {
    if (saved) return;
    saved = true;
    clearTimeout(timer);
    process.off('exit', save);
    try {
      const data = script.createCachedData();
      writeCache(cacheFile!, Buffer.concat([MAGIC, sourceDigest, digest(data), data]));
    } catch {
      // Runs from a timer or at exit: a cache that cannot be made must not become a crash.
    }
  };
  let timer: NodeJS.Timeout | undefined;
  if (!saved) {
    timer = setTimeout(save, saveAfterMs).unref();
    process.once('exit', save);
  }

  const mod = { exports: {} as unknown, filename: file, id: file, loaded: false };
  const wrapper = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: typeof mod,
    filename: string,
    dirname: string,
  ) => void;
  wrapper.call(mod.exports, mod.exports, createRequire(file), mod, file, path.dirname(file));
  mod.loaded = true;
  return { exports: mod.exports, cache, save };
}

/** V8's data from the file, if it was made from this source and is whole. */
function readCache(cacheFile: string, sourceDigest: Buffer): Buffer | 'missing' | 'rejected' {
  let file: Buffer;
  try {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: a larger file fails the digests as well; the bound only keeps it out of memory
    if (statSync(cacheFile).size > MAX_CACHE_BYTES) return 'rejected';
    file = readFileSync(cacheFile);
  } catch {
    return 'missing'; // none yet, or unreadable: compile as usual
  }
  // A file shorter than the header fails the comparisons below.
  const data = file.subarray(HEADER_BYTES);
  const fits =
    file.subarray(0, MAGIC.length).equals(MAGIC) &&
    file.subarray(MAGIC.length, MAGIC.length + DIGEST_BYTES).equals(sourceDigest) &&
    file.subarray(MAGIC.length + DIGEST_BYTES, HEADER_BYTES).equals(digest(data));
  return fits ? data : 'rejected';
}

/**
 * Written whole or not at all: a start that reads it meanwhile sees the old one. Its folder is
 * not created: one that is gone (a profile deleted while the app ran) stays gone.
 */
function writeCache(cacheFile: string, data: Buffer): void {
  const partial = `${cacheFile}.${process.pid}.partial`;
  try {
    writeFileSync(partial, data, { mode: 0o600 });
    renameSync(partial, cacheFile);
  } catch {
    // A read-only or full disk: the next start compiles as this one did.
    rmSync(partial, { force: true });
  }
}

/**
 * Where the app's main process keeps its code cache: in the profile, or nowhere in packaged
 * macOS and Windows builds. There the signed binary checks app.asar against its embedded hash
 * (the EnableEmbeddedAsarIntegrityValidation fuse, docs/packaging.md), and on macOS the
 * Keychain gives the token's key only to code signed as Katya; a cache in the profile is code
 * the app would run outside that check, which anything running as the user could plant to act
 * as the signed app. Linux packages have no such check, and development builds none.
 */
export function appCodeCacheFile(
  profileDir: string,
  packaged: boolean,
  platform: NodeJS.Platform,
): string | null {
  if (packaged && platform !== 'linux') return null;
  return path.join(profileDir, 'main-code-cache.bin');
}
