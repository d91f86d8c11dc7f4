// `npm start`: launch the built app in Electron. Electron 45 fetches its binary on first use,
// from outside the npm registry; where that cannot happen, say so plainly and point to the
// browser preview instead of printing a stack trace.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

function electronBinary(): string | null {
  const pkgDir = path.dirname(require.resolve('electron/package.json'));
  const pathFile = path.join(pkgDir, 'path.txt');
  const resolve = () => {
    if (!existsSync(pathFile)) return null;
    const rel = readFileSync(pathFile, 'utf8').trim();
    const base = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(pkgDir, 'dist');
    const full = path.join(base, rel);
    return existsSync(full) ? full : null;
  };
  const found = resolve();
  if (found) return found;
  // One bounded attempt at Electron's own download; it fails fast (or times out) offline.
  const r = spawnSync(process.execPath, [path.join(pkgDir, 'install.js')], {
    stdio: 'ignore',
    timeout: 120_000,
  });
  return r.status === 0 ? resolve() : null;
}

const binary = electronBinary();
if (!binary) {
  console.error(
    'Katya Desktop cannot start: the Electron binary is not installed and could not be downloaded.',
  );
  console.error('Run the same app in a browser instead: npm run preview');
  console.error('(or install Electron where its download is reachable, then run npm start again)');
  process.exit(1);
}

const child = spawn(binary, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
