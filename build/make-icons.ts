// One command regenerates every committed image: `npx tsx build/make-icons.ts [outDir]`.
// It renders from build/icons/src/*.svg (see build/icons.ts) into build/icons/ by default, and
// first removes the previous output, so a renamed or dropped icon cannot linger.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ICONS_DIR, generateIcons } from './icons';

/** What the generator owns inside the output directory (never src/). */
const GENERATED = ['app', 'tray', 'app.ico', 'app.icns'];

export async function writeIcons(outDir: string): Promise<string[]> {
  const icons = await generateIcons();
  for (const name of GENERATED) rmSync(path.join(outDir, name), { recursive: true, force: true });
  for (const [relative, bytes] of icons) {
    const file = path.join(outDir, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, bytes);
  }
  return [...icons.keys()];
}

const outDir = path.resolve(process.argv[2] ?? ICONS_DIR);
writeIcons(outDir).then(
  (written) => console.log(`icons: wrote ${written.length} files to ${outDir}`),
  (error: unknown) => {
    console.error(`icons: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
