// build/read-fuses.ts, the fuse check CI runs on every packaged binary: it finds the unpacked
// apps electron-builder leaves in release/, reads each wire back and compares it with the
// config of build/after-pack.ts, on a stand-in Electron with a real fuse wire.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyReleaseFuses } from '../../../build/after-pack';
import { appNames, checkPackedApp, compareFuses, packedApps } from '../../../build/read-fuses';
import {
  ELECTRON_DEFAULT_WIRE,
  FUSE_SENTINEL,
  writeFakeElectron,
} from '../../fakes/electron-binary';

const root = path.resolve(__dirname, '../../..');
const temp = mkdtempSync(path.join(tmpdir(), 'katya-read-fuses-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const NAMES = { productFilename: 'Katya Desktop', executableName: 'katya-desktop' };
const wireOf = (bits: string) =>
  Object.fromEntries([...bits].map((b, i) => [i, b.charCodeAt(0)])) as Record<number, number>;

/** A release/ folder with a packaged Linux app whose binary is a stand-in with a fuse wire. */
function release(name: string) {
  const dir = path.join(temp, name);
  const unpacked = path.join(dir, 'linux-unpacked');
  writeFakeElectron(unpacked);
  renameSync(path.join(unpacked, 'electron'), path.join(unpacked, 'katya-desktop'));
  return { dir, binary: path.join(unpacked, 'katya-desktop') };
}

describe('read-fuses', () => {
  it('reads the names the packages get from package.json and electron-builder.yml', () => {
    expect(appNames(root)).toEqual(NAMES);
  });

  it("finds electron-builder's unpacked apps per platform and arch, and nothing else", () => {
    const dir = path.join(temp, 'layout');
    for (const d of ['linux-unpacked', 'win-unpacked', 'mac', 'mac-arm64', 'mac-unpacked', 'x']) {
      mkdirSync(path.join(dir, d), { recursive: true });
    }
    writeFileSync(path.join(dir, 'latest.yml'), '');
    const found = packedApps(dir, NAMES).map((a) => [
      path.basename(a.appOutDir),
      a.electronPlatformName,
      a.arch,
    ]);
    expect(found).toEqual([
      ['linux-unpacked', 'linux', 1],
      ['mac', 'darwin', 1],
      ['mac-arm64', 'darwin', 3],
      ['win-unpacked', 'win32', 1],
    ]);
    expect(packedApps(path.join(temp, 'nowhere'), NAMES)).toEqual([]);
  });

  it('accepts exactly the wire after-pack.ts writes, per platform', () => {
    // RunAsNode off, cookies on, NODE_OPTIONS off, inspect off, asar integrity (not on Linux),
    // only-asar on, V8 snapshot off, file:// privileges off.
    expect(compareFuses(wireOf('01000100'), 'linux', 1).problems).toEqual([]);
    expect(compareFuses(wireOf('01001100'), 'win32', 1).problems).toEqual([]);
    expect(compareFuses(wireOf('01001100'), 'darwin', 3).problems).toEqual([]);
    expect(compareFuses(wireOf('01000100'), 'darwin', 3).problems).toEqual([
      'EnableEmbeddedAsarIntegrityValidation is off, release builds want it on',
    ]);
    expect(compareFuses(wireOf(ELECTRON_DEFAULT_WIRE), 'linux', 1).problems).toHaveLength(6);
  });

  it('reports a fuse the config does not name', () => {
    expect(compareFuses(wireOf('010001001'), 'linux', 1).problems).toEqual([
      expect.stringContaining(
        'fuse #8 (on) that @electron/fuses and build/after-pack.ts do not name',
      ),
    ]);
  });

  it('passes a binary fused by the afterPack hook and fails an unfused one', async () => {
    const fused = release('fused');
    await applyReleaseFuses(fused.binary, 'linux', 1);
    const [app] = packedApps(fused.dir, NAMES);
    expect((await checkPackedApp(app!)).problems).toEqual([]);

    const unfused = release('unfused');
    const [plain] = packedApps(unfused.dir, NAMES);
    const result = await checkPackedApp(plain!);
    expect(result.rows.find((r) => r.fuse === 'RunAsNode')).toEqual({
      fuse: 'RunAsNode',
      want: 'off',
      got: 'on',
      ok: false,
    });
    expect(result.problems).toContain('RunAsNode is on, release builds want it off');
  });

  it('fails a binary without a fuse wire, and a missing binary', async () => {
    const dir = path.join(temp, 'nowire');
    writeFakeElectron(path.join(dir, 'linux-unpacked'), { fuseWire: false });
    renameSync(
      path.join(dir, 'linux-unpacked', 'electron'),
      path.join(dir, 'linux-unpacked', 'katya-desktop'),
    );
    const [app] = packedApps(dir, NAMES);
    expect((await checkPackedApp(app!)).problems).toEqual([
      expect.stringContaining('Could not find sentinel'),
    ]);
    const [missing] = packedApps(dir, { ...NAMES, executableName: 'nope' });
    expect((await checkPackedApp(missing!)).problems).toEqual([
      expect.stringContaining('does not exist'),
    ]);
  });

  it('as a command: prints the table and exits 0 on a fused release, 1 otherwise', async () => {
    const tsx = path.join(root, 'node_modules/.bin/tsx');
    const script = path.join(root, 'build/read-fuses.ts');
    const fused = release('cli-fused');
    await applyReleaseFuses(fused.binary, 'linux', 1);
    const ok = spawnSync(tsx, [script, fused.dir], { cwd: root, encoding: 'utf8' });
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/RunAsNode\s+off\s+ok/);
    expect(ok.stdout).toContain('every fuse as build/after-pack.ts sets it');
    const bad = release('cli-unfused');
    const no = spawnSync(tsx, [script, bad.dir], { cwd: root, encoding: 'utf8' });
    expect(no.status).toBe(1);
    expect(no.stdout).toMatch(/RunAsNode\s+on\s+WANT OFF/);
    // the sentinel is still where @electron/fuses looks for it
    expect(readFileSync(bad.binary, 'latin1')).toContain(FUSE_SENTINEL);
    const none = spawnSync(tsx, [script, path.join(temp, 'empty')], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('no packaged app');
  });
});
