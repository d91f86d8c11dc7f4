// How `npm run dist` decides what it can build here.
import { describe, expect, it } from 'vitest';
import { downloadProbes, parseArgs, plan } from '../../../build/dist';

const options = (argv: string[], env: NodeJS.ProcessEnv = {}) => parseArgs(argv, env);

describe('npm run dist planning', () => {
  it('builds release artifacts when the downloads are reachable', () => {
    expect(plan(options([]), undefined, [], '45.5.0')).toEqual({
      kind: 'release',
      electronDist: undefined,
    });
  });

  it('falls back to an unpacked build from a local Electron when they are not', () => {
    const decided = plan(options([]), '/opt/electron', ['x is unreachable'], '45.5.0');
    expect(decided).toMatchObject({ kind: 'dir', electronDist: '/opt/electron' });
    const given = plan(options(['--electron-dist', '/e']), '/opt/electron', ['x'], '45.5.0');
    expect(given).toMatchObject({ kind: 'dir', electronDist: '/e' });
    const fromEnv = plan(options([], { KATYA_ELECTRON_DIST: '/env' }), undefined, ['x'], '45.5.0');
    expect(fromEnv).toMatchObject({ kind: 'dir', electronDist: '/env' });
  });

  it('says what is missing when there is nothing to package with', () => {
    const decided = plan(
      options([]),
      undefined,
      ['https://mirror/ is unreachable (ENOTFOUND)'],
      '45.5.0',
    );
    expect(decided.kind).toBe('missing');
    const text = decided.kind === 'missing' ? decided.lines.join('\n') : '';
    expect(text).toContain('https://mirror/ is unreachable');
    expect(text).toContain('--electron-dist');
    expect(text).toContain('electron-v45.5.0-');
    expect(plan(options(['--dir']), undefined, [], '45.5.0').kind).toBe('missing');
  });

  it('parses its options and refuses unknown ones', () => {
    expect(options(['--dir', '--unfused', '--electron-dist=/x', '--linux', '--win'])).toEqual({
      dir: true,
      online: false,
      unfused: true,
      electronDist: '/x',
      platforms: ['linux', 'win'],
    });
    expect(() => options(['--sign'])).toThrow(/unknown option/);
    expect(() => options(['--electron-dist'])).toThrow(/needs a directory/);
  });

  it('probes the mirrors electron-builder would use', () => {
    expect(downloadProbes('45.5.0', {})[0]).toBe(
      'https://github.com/electron/electron/releases/download/v45.5.0/SHASUMS256.txt',
    );
    const mirrored = downloadProbes('45.5.0', {
      ELECTRON_MIRROR: 'https://m.example/electron',
      ELECTRON_BUILDER_BINARIES_MIRROR: 'https://m.example/tools/',
    });
    expect(mirrored).toEqual([
      'https://m.example/electron/v45.5.0/SHASUMS256.txt',
      'https://m.example/tools/',
    ]);
  });
});
