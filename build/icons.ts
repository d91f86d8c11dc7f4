// The icon generator: every committed image under build/icons/ is rendered here from the SVG
// sources in build/icons/src/, so the images are reproducible and reviewable as text.
// `npx tsx build/make-icons.ts` writes them; test/unit/build/icons.test.ts proves the committed
// files are byte-for-byte what this produces.
//
// Rasteriser: resvg (@resvg/resvg-js), with system fonts off so the output does not depend on
// the machine. .ico files are packed by png-to-ico from our own renders (it would otherwise
// resample one big PNG), except the 256 px entry, which goes in as PNG the way Windows' own
// icons do (an uncompressed 256 px bitmap alone is 256 KB). .icns is packed here because it is
// only a list of PNGs with a header.
import { Resvg } from '@resvg/resvg-js';
import pngToIco from 'png-to-ico';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The tray states the app shows (names used by the Electron shell). */
export const TRAY_STATES = [
  'connected',
  'connecting',
  'offline',
  'signin',
  'unread',
  'snoozed',
] as const;
export type TrayState = (typeof TRAY_STATES)[number];

/**
 * Tray variants. The file suffix is what the shell appends to the state name:
 * - '' : dark glyph for light panels (the default),
 * - '-dark': light glyph for dark panels,
 * - 'Template': black + alpha only; macOS recolours it for the menu bar (Electron treats a
 *   file name ending in "Template" as a template image).
 */
export const TRAY_VARIANTS = {
  '': { ink: '#1f2937', template: false },
  '-dark': { ink: '#f3f4f6', template: false },
  Template: { ink: '#000000', template: true },
} as const;
type TrayVariant = keyof typeof TRAY_VARIANTS;

/** Tray PNG sizes: 16 px at 1x and its @2x. */
export const TRAY_PNG_SIZES = { '': 16, '@2x': 32 } as const;
/** Windows tray .ico sizes: the notification area at 100 %, 125 %, 150 % and 200 % scaling. */
export const TRAY_ICO_SIZES = [16, 20, 24, 32] as const;
/** Linux icon theme sizes (electron-builder reads `NxN.png` from build/icons/app/). */
export const APP_PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512] as const;
/** Windows app .ico sizes (Explorer, taskbar, installer, start menu). */
export const APP_ICO_SIZES = [16, 24, 32, 48, 64, 128, 256] as const;
/** macOS .icns entries: OSType -> pixel size (the set `iconutil` writes). */
export const APP_ICNS_ENTRIES = [
  ['icp4', 16],
  ['icp5', 32],
  ['ic11', 32],
  ['ic12', 64],
  ['ic07', 128],
  ['ic13', 256],
  ['ic08', 256],
  ['ic14', 512],
  ['ic09', 512],
  ['ic10', 1024],
] as const;

export const ICONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'icons');
export const SOURCES_DIR = path.join(ICONS_DIR, 'src');

/** Render an SVG to a square PNG of `size` pixels. */
export function renderPng(svg: string, size: number): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'width', value: size },
    font: { loadSystemFonts: false },
    logLevel: 'off',
  });
  const image = resvg.render();
  if (image.width !== size || image.height !== size) {
    throw new Error(`SVG is not square: rendered ${image.width}x${image.height} for ${size}`);
  }
  return image.asPng();
}

/**
 * Apply a tray variant to a tray SVG source: set the root `color` (the glyph is drawn in
 * currentColor) and, for template images, turn the coloured state mark black too. A CSS rule
 * beats the mark's `fill` presentation attribute, so the source stays a plain, viewable SVG.
 */
export function trayVariantSvg(source: string, variant: TrayVariant): string {
  const { ink, template } = TRAY_VARIANTS[variant];
  const root = /<svg\b[^>]*>/.exec(source);
  if (!root || !/\scolor="[^"]*"/.test(root[0])) {
    throw new Error('tray SVG source needs a root <svg> element with a color="..." attribute');
  }
  const newRoot = root[0].replace(/\scolor="[^"]*"/, ` color="${ink}"`);
  const style = template ? '<style>.state { fill: #000000 }</style>' : '';
  return source.replace(root[0], newRoot + style);
}

/**
 * Add a PNG-compressed entry to an .ico (Windows Vista and later read these; it is how 256 px
 * entries are normally stored). Directory entries are 16 bytes; every existing image offset
 * moves by one entry.
 */
export function appendPngToIco(ico: Buffer, png: Buffer): Buffer {
  const count = icoSizes(ico).length;
  const directoryEnd = 6 + count * 16;
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(count + 1, 4);
  const entries: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const entry = Buffer.from(ico.subarray(6 + i * 16, 6 + (i + 1) * 16));
    entry.writeUInt32LE(entry.readUInt32LE(12) + 16, 12);
    entries.push(entry);
  }
  const images = ico.subarray(directoryEnd);
  const { width, height } = pngSize(png);
  const entry = Buffer.alloc(16);
  entry.writeUInt8(width >= 256 ? 0 : width, 0);
  entry.writeUInt8(height >= 256 ? 0 : height, 1);
  entry.writeUInt16LE(1, 4); // colour planes
  entry.writeUInt16LE(32, 6); // bits per pixel
  entry.writeUInt32LE(png.length, 8);
  entry.writeUInt32LE(directoryEnd + 16 + images.length, 12);
  return Buffer.concat([header, ...entries, entry, images, png]);
}

/** Pack PNGs into an Apple .icns: 'icns' + total length, then (OSType, length, PNG) entries. */
export function packIcns(entries: ReadonlyArray<readonly [string, Buffer]>): Buffer {
  const chunks = entries.map(([type, png]) => {
    if (!/^[\x20-\x7e]{4}$/.test(type)) throw new Error(`bad icns type ${JSON.stringify(type)}`);
    const header = Buffer.alloc(8);
    header.write(type, 0, 'latin1');
    header.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([header, png]);
  });
  const body = Buffer.concat(chunks);
  const header = Buffer.alloc(8);
  header.write('icns', 0, 'latin1');
  header.writeUInt32BE(body.length + 8, 4);
  return Buffer.concat([header, body]);
}

/** Width and height from a PNG's IHDR chunk (for checks; throws on anything else). */
export function pngSize(png: Buffer): { width: number; height: number } {
  const signature = '89504e470d0a1a0a';
  if (png.length < 24 || png.subarray(0, 8).toString('hex') !== signature) {
    throw new Error('not a PNG');
  }
  if (png.subarray(12, 16).toString('latin1') !== 'IHDR') throw new Error('PNG without IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** The pixel sizes listed in an .ico directory (0 in the directory means 256). */
export function icoSizes(ico: Buffer): number[] {
  if (ico.length < 6 || ico.readUInt16LE(0) !== 0 || ico.readUInt16LE(2) !== 1) {
    throw new Error('not an .ico file');
  }
  const count = ico.readUInt16LE(4);
  const sizes: number[] = [];
  for (let i = 0; i < count; i++) {
    const entry = 6 + i * 16;
    if (entry + 16 > ico.length) throw new Error('truncated .ico directory');
    sizes.push(ico.readUInt8(entry) || 256);
  }
  return sizes;
}

/** The (OSType, PNG width) entries of an .icns file. */
export function icnsEntries(icns: Buffer): Array<[string, number]> {
  if (icns.length < 8 || icns.subarray(0, 4).toString('latin1') !== 'icns') {
    throw new Error('not an .icns file');
  }
  if (icns.readUInt32BE(4) !== icns.length) throw new Error('.icns length does not match');
  const entries: Array<[string, number]> = [];
  for (let at = 8; at < icns.length;) {
    const type = icns.subarray(at, at + 4).toString('latin1');
    const length = icns.readUInt32BE(at + 4);
    if (length < 8 || at + length > icns.length) throw new Error('truncated .icns entry');
    entries.push([type, pngSize(icns.subarray(at + 8, at + length)).width]);
    at += length;
  }
  return entries;
}

function readSource(relative: string): string {
  return readFileSync(path.join(SOURCES_DIR, relative), 'utf8');
}

/**
 * Every generated image, keyed by its path relative to build/icons/ (forward slashes).
 * Pure: reads the SVG sources, writes nothing.
 */
export async function generateIcons(): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();

  const appSvg = readSource('app.svg');
  const appPngs = new Map<number, Buffer>();
  const appPng = (size: number) => {
    let png = appPngs.get(size);
    if (!png) {
      png = renderPng(appSvg, size);
      appPngs.set(size, png);
    }
    return png;
  };
  for (const size of APP_PNG_SIZES) out.set(`app/${size}x${size}.png`, appPng(size));
  const bitmapSizes = APP_ICO_SIZES.filter((size) => size < 256);
  const appIco = await pngToIco(bitmapSizes.map(appPng));
  out.set('app.ico', appendPngToIco(appIco, appPng(256)));
  out.set('app.icns', packIcns(APP_ICNS_ENTRIES.map(([type, size]) => [type, appPng(size)])));

  for (const state of TRAY_STATES) {
    const source = readSource(`tray/${state}.svg`);
    for (const variant of Object.keys(TRAY_VARIANTS) as TrayVariant[]) {
      const svg = trayVariantSvg(source, variant);
      for (const [scale, size] of Object.entries(TRAY_PNG_SIZES)) {
        out.set(`tray/${state}${variant}${scale}.png`, renderPng(svg, size));
      }
      // Windows has no template images; it gets an .ico per panel colour.
      if (!TRAY_VARIANTS[variant].template) {
        const pngs = TRAY_ICO_SIZES.map((size) => renderPng(svg, size));
        out.set(`tray/${state}${variant}.ico`, await pngToIco(pngs));
      }
    }
  }
  return out;
}
