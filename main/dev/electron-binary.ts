// Where the Electron binary is, if it is installed. Electron 45 fetches it on first use from
// outside the npm registry, so on some machines it never arrives: callers say so plainly.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

function installed(pkgDir: string): string | null {
  const pathFile = path.join(pkgDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const rel = readFileSync(pathFile, 'utf8').trim();
  const base = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(pkgDir, 'dist');
  const full = path.join(base, rel);
  return existsSync(full) ? full : null;
}

/** The binary's path, or null. With `tryDownload`, one bounded attempt at Electron's own download. */
export function findElectronBinary(opts: { tryDownload: boolean }): string | null {
  const pkgDir = path.dirname(require.resolve('electron/package.json'));
  const found = installed(pkgDir);
  if (found || !opts.tryDownload) return found;
  const r = spawnSync(process.execPath, [path.join(pkgDir, 'install.js')], {
    stdio: 'ignore',
    timeout: 120_000,
  });
  return r.status === 0 ? installed(pkgDir) : null;
}
