// The release fuses: every fuse @electron/fuses knows is set explicitly (strict mode), so an
// Electron upgrade that adds a fuse fails the build instead of shipping it at its default.
import { getCurrentFuseWire } from '@electron/fuses';
import { FuseV1Options } from '@electron/fuses';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyReleaseFuses, releaseFuses } from '../../../build/after-pack';
import {
  ELECTRON_DEFAULT_WIRE,
  FUSE_SENTINEL,
  writeFakeElectron,
} from '../../fakes/electron-binary';

const temp = mkdtempSync(path.join(tmpdir(), 'katya-after-pack-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const ALL_FUSES = Object.values(FuseV1Options).filter((v): v is number => typeof v === 'number');
const PLATFORMS = ['linux', 'win32', 'darwin', 'mas'];

const wireOf = async (binary: string) => {
  const wire = (await getCurrentFuseWire(binary)) as unknown as Record<number, number>;
  return ALL_FUSES.map((i) => String.fromCharCode(wire[i]!)).join('');
};

describe('release fuses', () => {
  it('names every fuse explicitly and asks @electron/fuses to insist on it', () => {
    for (const platform of PLATFORMS) {
      const config = releaseFuses(platform, 1) as unknown as Record<string, unknown>;
      expect(config.strictlyRequireAllFuses, platform).toBe(true);
      for (const fuse of ALL_FUSES) {
        expect(typeof config[fuse], `${FuseV1Options[fuse]} on ${platform}`).toBe('boolean');
      }
    }
  });

  it('takes away file:// extra privileges: the window loads app://, never file://', () => {
    for (const platform of PLATFORMS) {
      const config = releaseFuses(platform, 1);
      expect(config[FuseV1Options.GrantFileProtocolExtraPrivileges], platform).toBe(false);
    }
  });

  it('sets and verifies the whole wire of a Linux binary', async () => {
    const dir = writeFakeElectron(path.join(temp, 'linux'));
    const binary = path.join(dir, 'electron');
    await applyReleaseFuses(binary, 'linux', 1);
    // RunAsNode off, cookie encryption on, NODE_OPTIONS off, inspect off, asar integrity off
    // (unsupported on Linux), only-from-asar on, V8 snapshot off, file:// privileges off.
    expect(await wireOf(binary)).toBe('01000100');
    expect(ELECTRON_DEFAULT_WIRE).not.toBe('01000100');
  });

  it('fails on an Electron whose wire has a fuse the config does not name', async () => {
    const dir = writeFakeElectron(path.join(temp, 'longer-wire'));
    const binary = path.join(dir, 'electron');
    // A future Electron with a ninth fuse: strict mode must refuse to leave it at its default.
    const longer = ELECTRON_DEFAULT_WIRE + '1';
    const text = readFileSync(binary, 'latin1').replace(
      `${FUSE_SENTINEL}\x01${String.fromCharCode(ELECTRON_DEFAULT_WIRE.length)}${ELECTRON_DEFAULT_WIRE}`,
      `${FUSE_SENTINEL}\x01${String.fromCharCode(longer.length)}${longer}`,
    );
    writeFileSync(binary, Buffer.from(text, 'latin1'));
    await expect(applyReleaseFuses(binary, 'linux', 1)).rejects.toThrow(/strictlyRequireAllFuses/);
  });
});
