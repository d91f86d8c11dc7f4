// Electron security lint for `npm test`: runs electronegativity (@doyensec/electronegativity)
// over the app's sources (what ships: main/, preload/, renderer/, minus the CLI, the dev
// launcher and the browser preview) and fails on any error-level finding not accepted below.
//
// Error level: severity HIGH, or severity MEDIUM when the tool is sure (not a "review
// required" note). Everything else is printed as a note. Scanning sources rather than dist/
// keeps the findings on our code (the bundles inline zod, preact and friends) and lets the step
// run before the build.
//
// The window checks (navigation limits, permission handler) only mean something once the app
// opens a BrowserWindow; while no source does (the Electron shell not written yet), their
// "none found" findings are reported as pending instead of failing.
//
// Usage: npx tsx build/electronegativity.ts [--report <file.json>]
// Writes a JSON report (default test-results/electronegativity.json).
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

// electronegativity ships no types; this is the part of its programmatic entry we use.
type RunElectronegativity = (
  options: Record<string, unknown>,
  forCli: false,
) => Promise<{
  issues: RawIssue[];
  errors: Array<{ file: string; message: string; tolerable: boolean }>;
}>;
const run = createRequire(import.meta.url)('@doyensec/electronegativity') as RunElectronegativity;

/** Source roots that ship, and the parts of them that do not. */
export const SCAN_ROOTS = ['main', 'preload', 'renderer'];
export const SCAN_EXCLUDES = ['main/cli', 'main/dev', 'main/preview', 'preload/preview-bridge.ts'];
const SCANNED_EXTENSIONS = /\.(ts|tsx|js|mjs|cjs|html)$/;
const SKIPPED_FILES = /(\.d\.ts|\.test\.tsx?|\.spec\.tsx?)$/;

/**
 * Checks that never run: each with its reason (also in docs/packaging.md).
 * AvailableSecurityFixesGlobalCheck fetches Electron's release list from the network; `npm test`
 * must not depend on the network, and Electron upgrades are tracked by the dependency updates.
 */
export const EXCLUDED_CHECKS = ['AvailableSecurityFixesGlobalCheck'];

/**
 * An accepted finding: which check, in which file, at which code (`at` must match the source
 * text starting at the finding's line, so the exception cannot cover other code in that
 * file), and why.
 */
export interface AcceptedFinding {
  check: string;
  file: string;
  at: RegExp;
  reason: string;
}

// The window is built as `new BrowserWindow(windowOptions(...))`. electronegativity reads only
// an object literal passed straight to the constructor, so it cannot see the options and
// reports them as missing.
const WINDOW_OPTIONS_CALL = /^[^\n]*new BrowserWindow\(\s*windowOptions\(/;

/**
 * Accepted error-level findings. Every entry is also listed, with its reason, in
 * docs/packaging.md (a test holds the two together). Only proven false positives belong here.
 */
export const ACCEPTED: AcceptedFinding[] = [
  {
    check: 'CONTEXT_ISOLATION_JS_CHECK',
    file: 'main/index.ts',
    at: WINDOW_OPTIONS_CALL,
    reason:
      'windowOptions() in main/adapters/window.ts sets contextIsolation: true; the tool cannot follow the call.',
  },
  {
    check: 'SANDBOX_JS_CHECK',
    file: 'main/index.ts',
    at: WINDOW_OPTIONS_CALL,
    reason:
      'windowOptions() in main/adapters/window.ts sets sandbox: true; the tool cannot follow the call.',
  },
  {
    check: 'AUXCLICK_JS_CHECK',
    file: 'main/index.ts',
    at: WINDOW_OPTIONS_CALL,
    reason:
      "windowOptions() in main/adapters/window.ts sets disableBlinkFeatures: 'Auxclick'; the tool cannot follow the call.",
  },
];

/** Global checks that only apply to an app that opens windows. */
const WINDOW_CHECKS = ['LIMIT_NAVIGATION_GLOBAL_CHECK', 'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK'];

export interface Finding {
  id: string;
  file: string;
  line: number;
  severity: string;
  confidence: string;
  manualReview: boolean;
  description: string;
  sample?: string;
}

export type Verdict = 'error' | 'accepted' | 'pending' | 'note';

export function isErrorLevel(finding: Finding): boolean {
  return finding.severity === 'HIGH' || (finding.severity === 'MEDIUM' && !finding.manualReview);
}

/**
 * Classify one finding. `sourceFromLine` is the finding's file from its line to the end ('' for
 * app-wide findings); accepted entries match on it.
 */
export function judge(
  finding: Finding,
  sourceFromLine: string,
  accepted: AcceptedFinding[],
  opensWindows: boolean,
): Verdict {
  if (!isErrorLevel(finding)) return 'note';
  const file = finding.file.split(path.sep).join('/');
  const isAccepted = accepted.some(
    (a) => a.check === finding.id && a.file === file && a.at.test(sourceFromLine),
  );
  if (isAccepted) return 'accepted';
  if (!opensWindows && WINDOW_CHECKS.includes(finding.id)) return 'pending';
  return 'error';
}

function listSources(root: string, relative: string): string[] {
  const full = path.join(root, relative);
  let entries;
  try {
    entries = readdirSync(full, { withFileTypes: true });
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const entry of entries) {
    const rel = `${relative}/${entry.name}`;
    if (SCAN_EXCLUDES.includes(rel)) continue;
    if (entry.isDirectory()) files.push(...listSources(root, rel));
    else if (SCANNED_EXTENSIONS.test(entry.name) && !SKIPPED_FILES.test(entry.name)) {
      files.push(rel);
    }
  }
  return files;
}

/** The app source files electronegativity scans, relative to `root`. */
export function appSources(root: string): string[] {
  return SCAN_ROOTS.flatMap((dir) => listSources(root, dir)).sort();
}

interface RawIssue {
  id: string;
  file: string;
  location?: { line?: number };
  severity: { name: string };
  confidence: { name: string };
  manualReview?: boolean;
  description?: string;
  sample?: string;
}

export interface ScanResult {
  files: string[];
  findings: Finding[];
  /** Files the tool could not parse: unscanned code, so the step fails on them too. */
  parseErrors: Array<{ file: string; message: string }>;
  opensWindows: boolean;
}

/**
 * Scan `files` (relative to `root`) with electronegativity. The files are staged in a temp
 * directory so the tool sees exactly the app code (not node_modules or tests) and reports
 * paths relative to the project.
 */
export async function scan(
  root: string,
  files: string[],
  electronVersion: string,
): Promise<ScanResult> {
  const stage = mkdtempSync(path.join(tmpdir(), 'katya-electronegativity-'));
  try {
    for (const file of files) {
      mkdirSync(path.dirname(path.join(stage, file)), { recursive: true });
      cpSync(path.join(root, file), path.join(stage, file));
    }
    const opensWindows = files.some((file) =>
      /\bBrowserWindow\s*\(/.test(readFileSync(path.join(root, file), 'utf8')),
    );
    const result = await run(
      {
        input: stage,
        isSarif: false,
        customScan: [],
        excludeFromScan: EXCLUDED_CHECKS.map((c) => c.toLowerCase()),
        isRelative: true,
        isVerbose: false,
        electronVersionOverride: electronVersion,
        parserPlugins: [],
      },
      false,
    );
    const relativeToStage = (file: string) =>
      path.isAbsolute(file) ? path.relative(stage, file) : file;
    return {
      files,
      opensWindows,
      findings: result.issues.map((issue) => ({
        id: issue.id,
        file: relativeToStage(issue.file),
        line: issue.location?.line ?? 0,
        severity: issue.severity.name,
        confidence: issue.confidence.name,
        manualReview: Boolean(issue.manualReview),
        description: issue.description ?? '',
        ...(issue.sample ? { sample: issue.sample } : {}),
      })),
      parseErrors: result.errors
        .filter((e) => !e.tolerable)
        .map((e) => ({ file: relativeToStage(e.file), message: e.message })),
    };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

function installedElectronVersion(root: string): string {
  const pkg = JSON.parse(
    readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8'),
  ) as { version: string };
  return pkg.version;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const reportAt = args.indexOf('--report');
  const report = path.resolve(
    reportAt >= 0 && args[reportAt + 1]
      ? args[reportAt + 1]!
      : 'test-results/electronegativity.json',
  );
  const root = process.cwd();
  const files = appSources(root);
  if (files.length === 0) {
    console.error('electronegativity: no app sources found under main/, preload/, renderer/');
    return 1;
  }
  const result = await scan(root, files, installedElectronVersion(root));
  const sourceFromLine = (f: Finding) => {
    if (f.file === 'N/A' || f.line < 1) return '';
    try {
      const lines = readFileSync(path.join(root, f.file), 'utf8').split('\n');
      return lines.slice(f.line - 1).join('\n');
    } catch {
      return '';
    }
  };
  const judged = result.findings.map((f) => ({
    ...f,
    verdict: judge(f, sourceFromLine(f), ACCEPTED, result.opensWindows),
  }));

  mkdirSync(path.dirname(report), { recursive: true });
  writeFileSync(report, JSON.stringify({ ...result, findings: judged }, null, 2));

  const where = (f: Finding) => (f.file === 'N/A' ? 'app-wide' : `${f.file}:${f.line}`);
  for (const f of judged) {
    const label = { error: 'ERROR', accepted: 'accepted', pending: 'pending', note: 'note' }[
      f.verdict
    ];
    console.log(`  ${label.padEnd(8)} ${f.id} (${f.severity}/${f.confidence}) ${where(f)}`);
    if (f.verdict === 'error') console.log(`           ${f.description}`);
  }
  if (!result.opensWindows && judged.some((f) => f.verdict === 'pending')) {
    console.log(
      '  (no BrowserWindow in the app sources yet: window checks are pending, not failed)',
    );
  }
  for (const e of result.parseErrors)
    console.log(`  ERROR    cannot parse ${e.file}: ${e.message}`);

  const errors = judged.filter((f) => f.verdict === 'error').length + result.parseErrors.length;
  console.log(
    `electronegativity: ${files.length} files, ${errors} error-level, ${judged.length - errors} other findings (report: ${path.relative(root, report)})`,
  );
  return errors ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`electronegativity: ${error instanceof Error ? error.stack : String(error)}`);
      process.exit(1);
    },
  );
}
