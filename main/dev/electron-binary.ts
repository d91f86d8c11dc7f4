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

export const REQUIRE_ELECTRON_ENV = 'KATYA_REQUIRE_ELECTRON';

/**
 * The binary the Electron end-to-end suite launches, or null to skip the suite. With
 * KATYA_REQUIRE_ELECTRON=1 (CI on GitHub's runners) a missing binary is an error instead of a
 * skip, so a suite that never ran can never pass for one that did.
 */
export function electronForTests(
  env: NodeJS.ProcessEnv = process.env,
  find: () => string | null = () => findElectronBinary({ tryDownload: false }),
): string | null {
  const binary = find();
  if (binary || env[REQUIRE_ELECTRON_ENV] !== '1') return binary;
  throw new Error(
    `${REQUIRE_ELECTRON_ENV}=1 but the Electron binary is not installed, so the Electron end-to-end suite cannot run (it is not skipped under ${REQUIRE_ELECTRON_ENV}=1). Install it with \`node node_modules/electron/install.js\` first.`,
  );
}
