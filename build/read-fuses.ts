// `npx tsx build/read-fuses.ts [release-dir]` (after `npm run dist`): read the fuse wire back
// from every packaged binary under release/ and check it against the release fuse config that
// build/after-pack.ts applies (imported from there, never restated here). Prints one table per
// binary; exits 1 when a fuse differs, when the wire has a fuse the config does not name, or
// when there is no packaged binary at all.
//
// The afterPack hook already reads the wire back right after flipping it; this reads the
// finished package again, after electron-builder has signed it, on the OS that built it (CI
// runs it on every runner, see .github/workflows/).
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { packagedBinary, releaseFuses } from './after-pack';
import type { PackedApp } from './after-pack';

/** electron-builder's Arch numbers, as after-pack.ts receives them. */
const ARCH = { ia32: 0, x64: 1, armv7l: 2, arm64: 3, universal: 4 } as const;
const PLATFORM = { linux: 'linux', win: 'win32', mac: 'darwin' } as const;

/** The names electron-builder gives the packaged app (productName, linux.executableName). */
export interface AppNames {
  productFilename: string;
  executableName: string;
}

export function appNames(projectDir: string): AppNames {
  const pkg = JSON.parse(readFileSync(path.join(projectDir, 'package.json'), 'utf8')) as {
    name: string;
    productName?: string;
  };
  const config = path.join(projectDir, 'electron-builder.yml');
  const text = existsSync(config) ? readFileSync(config, 'utf8') : '';
  const executable = /^\s+executableName:\s*['"]?([^'"\s#]+)/m.exec(text)?.[1];
  return { productFilename: pkg.productName ?? pkg.name, executableName: executable ?? pkg.name };
}

/**
 * The unpacked apps electron-builder leaves in `releaseDir`: linux-unpacked/, win-unpacked/,
 * mac/, and their -<arch> variants (x64 has no suffix), as afterPack contexts.
 */
export function packedApps(releaseDir: string, names: AppNames): PackedApp[] {
  if (!existsSync(releaseDir)) return [];
  const found: PackedApp[] = [];
  for (const entry of readdirSync(releaseDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const m = /^(linux|win|mac)(?:-(ia32|armv7l|arm64|universal))?(-unpacked)?$/.exec(entry.name);
    if (!m) continue;
    const [, os, arch, unpacked] = m as unknown as [
      string,
      keyof typeof PLATFORM,
      string?,
      string?,
    ];
    // macOS output folders have no -unpacked suffix; the others always do.
    if ((os === 'mac') === Boolean(unpacked)) continue;
    found.push({
      appOutDir: path.join(releaseDir, entry.name),
      electronPlatformName: PLATFORM[os],
      arch: ARCH[(arch ?? 'x64') as keyof typeof ARCH],
      packager: {
        appInfo: { productFilename: names.productFilename },
        executableName: names.executableName,
      },
    });
  }
  return found.sort((a, b) => a.appOutDir.localeCompare(b.appOutDir));
}

export interface FuseRow {
  fuse: string;
  want: 'on' | 'off';
  got: string;
  ok: boolean;
}

const FUSES = Object.values(FuseV1Options).filter((v): v is number => typeof v === 'number');

/** Describe one wire byte: ASCII '1' on, '0' off, 'r' removed by this Electron. */
function state(byte: number | undefined): string {
  if (byte === 0x31) return 'on';
  if (byte === 0x30) return 'off';
  if (byte === 0x72) return 'removed';
  return byte === undefined ? 'missing' : `0x${byte.toString(16)}`;
}

/**
 * Compare a wire read with @electron/fuses to the release config for a platform and arch.
 * `wire` maps fuse index to its byte, as getCurrentFuseWire returns it.
 */
export function compareFuses(
  wire: Record<number, number>,
  platform: string,
  arch: number,
): { rows: FuseRow[]; problems: string[] } {
  const wanted = releaseFuses(platform, arch) as unknown as Record<number, boolean>;
  const rows = FUSES.map((fuse) => {
    const want = wanted[fuse] ? 'on' : 'off';
    const got = state(wire[fuse]);
    return { fuse: FuseV1Options[fuse]!, want, got, ok: got === want } satisfies FuseRow;
  });
  const problems = rows
    .filter((r) => !r.ok)
    .map((r) => `${r.fuse} is ${r.got}, release builds want it ${r.want}`);
  const extra = Object.keys(wire)
    .map(Number)
    .filter((i) => Number.isInteger(i) && !FUSES.includes(i));
  for (const i of extra) {
    problems.push(
      `the wire has fuse #${i} (${state(wire[i])}) that @electron/fuses and build/after-pack.ts do not name: decide it there first`,
    );
  }
  return { rows, problems };
}

export async function checkPackedApp(
  app: PackedApp,
): Promise<{ binary: string; rows: FuseRow[]; problems: string[] }> {
  const binary = packagedBinary(app);
  if (!existsSync(binary)) {
    return { binary, rows: [], problems: [`${binary} does not exist`] };
  }
  try {
    const wire = (await getCurrentFuseWire(binary)) as unknown as Record<number, number>;
    return { binary, ...compareFuses(wire, app.electronPlatformName, app.arch) };
  } catch (error) {
    return { binary, rows: [], problems: [(error as Error).message] };
  }
}

async function main(): Promise<number> {
  const releaseDir = path.resolve(process.argv[2] ?? 'release');
  const apps = packedApps(releaseDir, appNames(process.cwd()));
  if (apps.length === 0) {
    console.error(`read-fuses: no packaged app under ${releaseDir}; run \`npm run dist\` first`);
    return 1;
  }
  let failed = 0;
  for (const app of apps) {
    const { binary, rows, problems } = await checkPackedApp(app);
    const arch = Object.keys(ARCH).find((k) => ARCH[k as keyof typeof ARCH] === app.arch);
    console.log(`${path.relative(process.cwd(), binary)} (${app.electronPlatformName} ${arch})`);
    for (const r of rows) {
      console.log(
        `  ${r.fuse.padEnd(40)} ${r.got.padEnd(7)} ${r.ok ? 'ok' : `WANT ${r.want.toUpperCase()}`}`,
      );
    }
    for (const p of problems) console.error(`  problem: ${p}`);
    if (problems.length) failed++;
  }
  console.log(
    failed
      ? `read-fuses: ${failed} of ${apps.length} packaged binaries differ from build/after-pack.ts`
      : `read-fuses: ${apps.length} packaged binaries, every fuse as build/after-pack.ts sets it`,
  );
  return failed ? 1 : 0;
}

// Run only as the entry point (the tests import the parts above).
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`read-fuses: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
