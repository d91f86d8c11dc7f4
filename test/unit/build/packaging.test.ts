// Package a throwaway project with the real electron-builder.yml, build/dist.ts and the
// afterPack hook, against a stand-in Electron (the real one cannot be downloaded everywhere),
// then look inside: app.asar holds only what ships, the icons sit in resources/, and the
// fuses are flipped (or, with --unfused, left alone; or the build fails if they cannot be set).
import { getCurrentFuseWire } from '@electron/fuses';
import { listPackage } from '@electron/asar';
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ELECTRON_DEFAULT_WIRE, writeFakeElectron } from '../../fakes/electron-binary';

const root = path.resolve(__dirname, '../../..');
const temp = mkdtempSync(path.join(tmpdir(), 'katya-packaging-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** What `npm run build` leaves in dist/, plus sources and tests, as a project to package. */
function makeProject(name: string): string {
  const project = path.join(temp, name);
  const files: Record<string, string> = {
    'dist/main/start.cjs': '"use strict";',
    'dist/main/start.cjs.map': '{}',
    'dist/main/index.cjs': '"use strict";',
    'dist/main/index.cjs.map': '{}',
    'dist/main/cli/katya.cjs': '"use strict";',
    'dist/main/cli/katya.cjs.map': '{}',
    'dist/main/preview/index.cjs': '"use strict";',
    'dist/preview/bridge.js': '"use strict";',
    'dist/preload/index.cjs': '"use strict";',
    'dist/preload/index.cjs.map': '{}',
    'dist/renderer/index.html': '<!doctype html>',
    'dist/renderer/assets/index-abc.js': 'console.log(1)',
    'dist/renderer/assets/index-abc.js.map': '{}',
    'dist/renderer/assets/index-abc.css': 'body{}',
    'main/index.ts': 'export {};',
    'preload/index.ts': 'export {};',
    'renderer/main.tsx': 'export {};',
    'test/unit/a.test.ts': 'export {};',
    'docs/packaging.md': '# docs',
  };
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
    writeFileSync(path.join(project, file), text);
  }
  for (const file of [
    'package.json',
    'electron-builder.yml',
    'build/after-pack.ts',
    'build/entitlements.mac.plist',
  ]) {
    cpSync(path.join(root, file), path.join(project, file));
  }
  for (const dir of ['build/icons/app', 'build/icons/tray']) {
    cpSync(path.join(root, dir), path.join(project, dir), { recursive: true });
  }
  symlinkSync(path.join(root, 'node_modules'), path.join(project, 'node_modules'), 'dir');
  return project;
}

function dist(project: string, args: string[]) {
  const env = { ...process.env };
  delete env.KATYA_UNFUSED;
  delete env.KATYA_ELECTRON_DIST;
  return spawnSync(
    path.join(root, 'node_modules/.bin/tsx'),
    [path.join(root, 'build/dist.ts'), ...args],
    {
      cwd: project,
      env,
      encoding: 'utf8',
      timeout: 240_000,
    },
  );
}

const wireOf = async (binary: string) => {
  const wire = (await getCurrentFuseWire(binary)) as unknown as Record<number, number>;
  return Array.from({ length: 8 }, (_, i) => String.fromCharCode(wire[i]!)).join('');
};

describe.runIf(process.platform === 'linux')('npm run dist (unpacked, local Electron)', () => {
  it('ships only the built app, the icons, and a fused binary', { timeout: 300_000 }, async () => {
    const project = makeProject('fused');
    const electron = writeFakeElectron(path.join(temp, 'electron-fused'));
    const r = dist(project, ['--dir', '--electron-dist', electron]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('release fuses set and verified');

    const unpacked = path.join(project, 'release/linux-unpacked');
    const asar = listPackage(path.join(unpacked, 'resources/app.asar'), { isPack: false })
      .map((p) => p.replace(/\\/g, '/'))
      .filter((p) => path.extname(p) !== '');
    expect(asar.sort()).toEqual(
      [
        '/dist/main/start.cjs',
        '/dist/main/index.cjs',
        '/dist/preload/index.cjs',
        '/dist/renderer/assets/index-abc.css',
        '/dist/renderer/assets/index-abc.js',
        '/dist/renderer/index.html',
        '/package.json',
      ].sort(),
    );

    const tray = readdirSync(path.join(unpacked, 'resources/icons/tray'));
    expect(tray).toContain('connected.png');
    expect(tray).toContain('unread-dark@2x.png');
    expect(tray.some((f) => f.includes('Template') || f.endsWith('.ico'))).toBe(false);
    expect(existsSync(path.join(unpacked, 'resources/icons/app/512x512.png'))).toBe(true);

    // Every fuse set explicitly: RunAsNode off, cookie encryption on, NODE_OPTIONS off, inspect
    // off, asar integrity off (not supported on Linux), only-from-asar on, V8 snapshot off,
    // file:// extra privileges off.
    expect(await wireOf(path.join(unpacked, 'katya-desktop'))).toBe('01000100');
  });

  it('leaves the binary unfused with --unfused, and says so', { timeout: 300_000 }, async () => {
    const project = makeProject('unfused');
    const electron = writeFakeElectron(path.join(temp, 'electron-unfused'));
    const r = dist(project, ['--dir', '--unfused', '--electron-dist', electron]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toContain('UNFUSED');
    const binary = path.join(project, 'release/linux-unpacked/katya-desktop');
    expect(await wireOf(binary)).toBe(ELECTRON_DEFAULT_WIRE);
  });

  it('fails, rather than ship unfused, when the fuses cannot be set', { timeout: 300_000 }, () => {
    const project = makeProject('no-wire');
    const electron = writeFakeElectron(path.join(temp, 'electron-no-wire'), { fuseWire: false });
    const r = dist(project, ['--dir', '--electron-dist', electron]);
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/sentinel/i);
  });
});

describe('the Windows notification identity', () => {
  it('is the appId the installer registers, so Windows shows the notifications', () => {
    const appId = /^appId:\s*(\S+)/m.exec(readFileSync('electron-builder.yml', 'utf8'))![1];
    expect(readFileSync('main/index.ts', 'utf8')).toContain(`APP_USER_MODEL_ID = '${appId}'`);
  });
});
