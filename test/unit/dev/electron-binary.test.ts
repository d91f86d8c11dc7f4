// KATYA_REQUIRE_ELECTRON: where the Electron binary is missing the end-to-end suite skips with
// one line, unless CI asks for it (=1), where a missing binary must fail the run instead.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { electronForTests } from '../../../main/dev/electron-binary';

const root = path.resolve(__dirname, '../../..');
const empty = mkdtempSync(path.join(tmpdir(), 'katya-no-electron-'));
afterAll(() => rmSync(empty, { recursive: true, force: true }));

describe('electronForTests', () => {
  it('returns the binary when it is installed, whatever the variable says', () => {
    const found = () => '/opt/electron/electron';
    expect(electronForTests({}, found)).toBe('/opt/electron/electron');
    expect(electronForTests({ KATYA_REQUIRE_ELECTRON: '1' }, found)).toBe('/opt/electron/electron');
  });

  it('returns null (skip) when it is missing and not required', () => {
    expect(electronForTests({}, () => null)).toBeNull();
    expect(electronForTests({ KATYA_REQUIRE_ELECTRON: '0' }, () => null)).toBeNull();
  });

  it('throws when it is missing and KATYA_REQUIRE_ELECTRON=1', () => {
    expect(() => electronForTests({ KATYA_REQUIRE_ELECTRON: '1' }, () => null)).toThrow(
      /KATYA_REQUIRE_ELECTRON=1 but the Electron binary is not installed/,
    );
  });

  it('makes `playwright test` of the Electron suite fail instead of skipping', () => {
    // An empty override folder: the binary is missing here whether or not it was downloaded.
    const env = { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: empty, KATYA_REQUIRE_ELECTRON: '1' };
    const r = spawnSync(
      path.join(root, 'node_modules/.bin/playwright'),
      ['test', '-c', 'test/e2e/electron/playwright.config.ts', '--list'],
      { cwd: root, env, encoding: 'utf8', timeout: 120_000 },
    );
    expect(r.status).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toContain('KATYA_REQUIRE_ELECTRON=1 but the Electron binary');
  });
});
