// A stand-in for an unpacked Electron distribution, for packaging tests on machines where the
// real binary cannot be downloaded. The "binary" is a tiny shell script that carries Electron's
// fuse wire the way the real one does: the sentinel, the wire version (1), the wire length,
// then one ASCII '0'/'1' per fuse. @electron/fuses reads and flips exactly those bytes.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Electron 45's shipped defaults, fuse 0..7: RunAsNode on, cookie encryption off, NODE_OPTIONS
 * on, inspect on, asar integrity off, only-asar off, V8 snapshot off, file:// privileges on. */
export const ELECTRON_DEFAULT_WIRE = '10110001';

export function writeFakeElectron(dir: string, options: { fuseWire?: boolean } = {}): string {
  mkdirSync(path.join(dir, 'resources'), { recursive: true });
  const wire =
    options.fuseWire === false
      ? ''
      : `# ${FUSE_SENTINEL}\x01${String.fromCharCode(ELECTRON_DEFAULT_WIRE.length)}${ELECTRON_DEFAULT_WIRE}\n`;
  const binary = path.join(dir, 'electron');
  writeFileSync(binary, Buffer.from(`#!/bin/sh\necho fake electron\n${wire}`, 'latin1'));
  chmodSync(binary, 0o755);
  writeFileSync(path.join(dir, 'version'), '45.5.0');
  writeFileSync(path.join(dir, 'LICENSE'), 'fake');
  return dir;
}
