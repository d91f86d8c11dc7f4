// `npm run dist` (after `npm run build`): package Katya Desktop with electron-builder.
//
// electron-builder downloads Electron and its packaging tools (AppImage runtime, fpm, NSIS,
// dmg tooling) from GitHub on first use. So:
// - where those downloads are reachable, build the release artifacts of electron-builder.yml
//   for this OS (or the ones asked for with --linux / --win / --mac);
// - where they are not, build the unpacked `dir` target from a local Electron: the one given
//   by --electron-dist <dir> (or KATYA_ELECTRON_DIST), else node_modules/electron/dist if
//   Electron's own install managed to fetch it;
// - where neither works, say what is missing and how to get it, and exit 1.
//
// Options: --dir (unpacked only), --online (skip the reachability probe and just try),
// --electron-dist <dir>, --unfused (no fuses: for debugging, never for release),
// --linux / --win / --mac (target OS; default: this one). Output: release/.
//
// Runs in-process under tsx, which is also what lets electron-builder load the TypeScript
// afterPack hook (build/after-pack.ts).
import { build } from 'electron-builder';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

export interface DistOptions {
  dir: boolean;
  online: boolean;
  unfused: boolean;
  electronDist: string | undefined;
  platforms: Array<'linux' | 'win' | 'mac'>;
}

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): DistOptions {
  const options: DistOptions = {
    dir: false,
    online: false,
    unfused: false,
    electronDist: env.KATYA_ELECTRON_DIST || undefined,
    platforms: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--dir') options.dir = true;
    else if (arg === '--online') options.online = true;
    else if (arg === '--unfused') options.unfused = true;
    else if (arg === '--linux' || arg === '--win' || arg === '--mac') {
      options.platforms.push(arg.slice(2) as 'linux' | 'win' | 'mac');
    } else if (arg === '--electron-dist' || arg.startsWith('--electron-dist=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      if (!value) throw new Error('--electron-dist needs a directory');
      options.electronDist = value;
    } else {
      throw new Error(
        `unknown option ${JSON.stringify(arg)}; known: --dir --online --unfused --electron-dist <dir> --linux --win --mac`,
      );
    }
  }
  return options;
}

/** The Electron version we package: the installed electron package's. */
export function electronVersion(): string {
  const pkg = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** node_modules/electron/dist when Electron's install step managed to download the binary. */
export function installedElectronDist(): string | undefined {
  const pkgDir = path.dirname(require.resolve('electron/package.json'));
  const pathFile = path.join(pkgDir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const dist = path.join(pkgDir, 'dist');
  return existsSync(path.join(dist, readFileSync(pathFile, 'utf8').trim())) ? dist : undefined;
}

/** The download hosts electron-builder needs, honouring the mirrors it honours. */
export function downloadProbes(version: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const withSlash = (url: string) => (url.endsWith('/') ? url : `${url}/`);
  const electronMirror = withSlash(
    env.ELECTRON_MIRROR ?? 'https://github.com/electron/electron/releases/download/',
  );
  const customDir = env.ELECTRON_CUSTOM_DIR ?? `v${version}`;
  const toolsMirror = withSlash(
    env.ELECTRON_BUILDER_BINARIES_MIRROR ??
      'https://github.com/electron-userland/electron-builder-binaries/releases/download/',
  );
  return [`${electronMirror}${customDir}/SHASUMS256.txt`, toolsMirror];
}

/** Whether `url` answers at all (any HTTP status below 500 means the host is reachable). */
export async function reachable(url: string, timeoutMs = 10_000): Promise<string | true> {
  try {
    const response = await fetch(url, {
      method: 'HEAD',
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    return response.status < 500 ? true : `HTTP ${response.status}`;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return cause ?? (error instanceof Error ? error.message : String(error));
  }
}

export type Plan =
  | { kind: 'release'; electronDist: string | undefined }
  | { kind: 'dir'; electronDist: string; why: string }
  | { kind: 'missing'; lines: string[] };

/** Decide what to build from the options, what is installed and what can be downloaded. */
export function plan(
  options: DistOptions,
  localElectron: string | undefined,
  unreachable: string[],
  version: string,
): Plan {
  const electronDist = options.electronDist ?? localElectron;
  if (!options.dir && unreachable.length === 0) {
    return { kind: 'release', electronDist: options.electronDist };
  }
  const why = options.dir ? '--dir was asked for' : 'the packaging downloads are unreachable';
  if (electronDist) return { kind: 'dir', electronDist, why };
  const lines = [
    'npm run dist: cannot package Katya Desktop on this machine.',
    ...unreachable.map((line) => `  missing: ${line}`),
    '  missing: a local Electron: node_modules/electron/dist was not downloaded, and neither',
    '           --electron-dist <dir> nor KATYA_ELECTRON_DIST names an unpacked Electron.',
    'Do one of:',
    '  - run `npm run dist` where github.com is reachable (or set ELECTRON_MIRROR and',
    '    ELECTRON_BUILDER_BINARIES_MIRROR to mirrors you can reach): builds the release artifacts;',
    `  - unpack electron-v${version}-<os>-<arch>.zip (from an Electron release) somewhere and run`,
    '    `npm run dist -- --electron-dist <that dir>`: builds the unpacked app in release/.',
  ];
  return { kind: 'missing', lines };
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const version = electronVersion();
  const unreachable: string[] = [];
  if (!options.online && !options.dir) {
    for (const url of downloadProbes(version)) {
      const result = await reachable(url);
      if (result !== true) unreachable.push(`${url} is unreachable (${result})`);
    }
  }
  const decided = plan(options, installedElectronDist(), unreachable, version);
  if (decided.kind === 'missing') {
    for (const line of decided.lines) console.error(line);
    return 1;
  }
  if (options.unfused) process.env.KATYA_UNFUSED = '1';

  const platforms = Object.fromEntries(options.platforms.map((p) => [p, []]));
  if (decided.kind === 'dir') {
    console.log(`dist: building the unpacked app only (${decided.why}),`);
    console.log(`      from the Electron ${version} in ${decided.electronDist}`);
    for (const line of unreachable) console.log(`      (${line})`);
  } else {
    console.log(`dist: building release artifacts with Electron ${version}`);
  }
  const electronDist = decided.electronDist;
  const artifacts = await build({
    projectDir: process.cwd(),
    publish: 'never',
    dir: decided.kind === 'dir',
    ...platforms,
    ...(electronDist ? { config: { electronDist: path.resolve(electronDist) } } : {}),
  });
  if (decided.kind === 'dir') {
    console.log('dist: unpacked app written under release/ (*-unpacked/, mac/ or mac-arm64/)');
  } else {
    for (const file of artifacts) console.log(`dist: ${path.relative(process.cwd(), file)}`);
  }
  if (options.unfused) console.warn('dist: this package is UNFUSED (--unfused): not for release');
  return 0;
}

// Run only as the entry point (the tests import the pure parts above).
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`dist: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
