// core-host.ts as the app runs its main process: one CommonJS bundle run by plain Node,
// through the code cache (main/core/code-cache.ts) and with V8's small-heap setting
// (main/core/heap-tuning.ts), as main/start.ts does. What a cold start or a memory figure
// measures must not include a TypeScript loader: tsx alone adds some 40 MB of RSS and its
// transpiling to a start.
import path from 'node:path';
import { build } from 'esbuild';
import { tempDir } from './lib';

const root = path.resolve(import.meta.dirname, '../..');

/**
 * core-host.ts as one CommonJS file, run by plain Node: no compiler in what is measured. The
 * file returned is its starter, which loads it through the code cache as main/start.ts loads
 * the app's main bundle, the cache kept beside it.
 */
export async function bundleCoreHost(): Promise<string> {
  const dir = tempDir('bundle');
  const out = path.join(dir, 'core-host.cjs');
  const starter = path.join(dir, 'core-host-start.cjs');
  // For investigations: BENCH_NO_CODE_CACHE=1 starts the core as before the code cache.
  const cacheFile = process.env.BENCH_NO_CODE_CACHE ? null : path.join(dir, 'core-host.cache');
  await build({
    stdin: {
      contents: `import { requireWithCodeCache } from './main/core/code-cache';
import { favourSmallHeap } from './main/core/heap-tuning';
if (!process.env.BENCH_NO_SMALL_HEAP) favourSmallHeap();
requireWithCodeCache(${JSON.stringify(out)}, ${JSON.stringify(cacheFile)});`,
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: starter,
    logLevel: 'error',
  });
  await build({
    entryPoints: [path.join(import.meta.dirname, 'core-host.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['electron', 'bufferutil', 'utf-8-validate'],
    outfile: out,
    logLevel: 'error',
    // lib.ts reads import.meta.dirname only to find scripts to fork, which core-host never does
    define: { 'import.meta.dirname': JSON.stringify(import.meta.dirname) },
  });
  return starter;
}
