// The committed icons are exactly what the generator makes from the SVG sources, at the sizes
// the packaging targets and the tray need.
import { Resvg } from '@resvg/resvg-js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  APP_ICNS_ENTRIES,
  APP_ICO_SIZES,
  APP_PNG_SIZES,
  ICONS_DIR,
  TRAY_ICO_SIZES,
  TRAY_STATES,
  generateIcons,
  icnsEntries,
  icoSizes,
  pngSize,
  trayVariantSvg,
} from '../../../build/icons';

const root = path.resolve(__dirname, '../../..');
const temp = mkdtempSync(path.join(tmpdir(), 'katya-icons-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    const rel = prefix ? `${prefix}/${name}` : name;
    return statSync(full).isDirectory() ? listFiles(full, rel) : [rel];
  });
}
const committed = () => listFiles(ICONS_DIR).filter((f) => !f.startsWith('src/'));

describe('icon generator', () => {
  it('regenerates, with one command, exactly the committed images', () => {
    const r = spawnSync(
      path.join(root, 'node_modules/.bin/tsx'),
      [path.join(root, 'build/make-icons.ts'), temp],
      { encoding: 'utf8', timeout: 120_000 },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const fresh = listFiles(temp).sort();
    expect(fresh).toEqual(committed().sort());
    for (const file of fresh) {
      const same = readFileSync(path.join(temp, file)).equals(
        readFileSync(path.join(ICONS_DIR, file)),
      );
      expect(
        same,
        `${file} differs from the generator output: run npx tsx build/make-icons.ts`,
      ).toBe(true);
    }
  });

  it('has an SVG source for every image', () => {
    const sources = new Set(listFiles(path.join(ICONS_DIR, 'src')));
    expect(sources.has('app.svg')).toBe(true);
    for (const state of TRAY_STATES) expect(sources.has(`tray/${state}.svg`)).toBe(true);
    for (const file of committed()) {
      const base = path.basename(file);
      const state = TRAY_STATES.find((s) => base.startsWith(s));
      if (file.startsWith('tray/')) expect(state, file).toBeDefined();
      else expect(file.startsWith('app')).toBe(true);
    }
  });

  it('makes the app icon at every size Linux, Windows and macOS need', async () => {
    const icons = await generateIcons();
    for (const size of APP_PNG_SIZES) {
      expect(pngSize(icons.get(`app/${size}x${size}.png`)!)).toEqual({ width: size, height: size });
    }
    expect(icoSizes(icons.get('app.ico')!)).toEqual([...APP_ICO_SIZES]);
    expect(icnsEntries(icons.get('app.icns')!)).toEqual(APP_ICNS_ENTRIES.map(([t, s]) => [t, s]));
  });

  it('makes every tray state in light, dark and template variants, @2x and .ico', async () => {
    const icons = await generateIcons();
    for (const state of TRAY_STATES) {
      for (const variant of ['', '-dark', 'Template']) {
        expect(pngSize(icons.get(`tray/${state}${variant}.png`)!).width).toBe(16);
        expect(pngSize(icons.get(`tray/${state}${variant}@2x.png`)!).width).toBe(32);
      }
      for (const variant of ['', '-dark']) {
        expect(icoSizes(icons.get(`tray/${state}${variant}.ico`)!)).toEqual([...TRAY_ICO_SIZES]);
      }
      // Light and dark variants must actually differ (the glyph colour).
      expect(icons.get(`tray/${state}.png`)!.equals(icons.get(`tray/${state}-dark.png`)!)).toBe(
        false,
      );
    }
    // The states are told apart by shape, not only colour: all six templates differ.
    const templates = TRAY_STATES.map((s) =>
      icons.get(`tray/${s}Template@2x.png`)!.toString('hex'),
    );
    expect(new Set(templates).size).toBe(TRAY_STATES.length);
  });

  it('draws template images in black and alpha only (macOS recolours them)', () => {
    for (const state of TRAY_STATES) {
      const source = readFileSync(path.join(ICONS_DIR, 'src/tray', `${state}.svg`), 'utf8');
      const pixels = new Resvg(trayVariantSvg(source, 'Template'), {
        fitTo: { mode: 'width', value: 32 },
        font: { loadSystemFonts: false },
      }).render().pixels;
      let opaque = 0;
      for (let i = 0; i < pixels.length; i += 4) {
        if (pixels[i + 3] === 0) continue;
        opaque++;
        expect([pixels[i], pixels[i + 1], pixels[i + 2]], `${state} pixel ${i / 4}`).toEqual([
          0, 0, 0,
        ]);
      }
      expect(opaque).toBeGreaterThan(50);
    }
  });

  it('refuses a tray source without a root color to vary', () => {
    expect(() => trayVariantSvg('<svg viewBox="0 0 16 16"></svg>', '-dark')).toThrow(/color/);
  });

  it('rejects files that are not what they claim', () => {
    expect(() => pngSize(Buffer.from('not a png at all, not at all'))).toThrow();
    expect(() => icoSizes(Buffer.from([1, 2, 3]))).toThrow();
    expect(() => icnsEntries(Buffer.from('icns\x00\x00\x00\x09x', 'latin1'))).toThrow();
  });
});
