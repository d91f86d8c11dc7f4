// The electronegativity step catches a real misconfiguration, accepts only the listed false
// positives at the exact code they cover, and every accepted exception is documented.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ACCEPTED,
  EXCLUDED_CHECKS,
  appSources,
  judge,
  scan,
  type Finding,
} from '../../../build/electronegativity';

const root = path.resolve(__dirname, '../../..');
const temp = mkdtempSync(path.join(tmpdir(), 'katya-electronegativity-test-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(temp, 'p-'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

const finding = (over: Partial<Finding>): Finding => ({
  id: 'CONTEXT_ISOLATION_JS_CHECK',
  file: 'main/index.ts',
  line: 1,
  severity: 'HIGH',
  confidence: 'FIRM',
  manualReview: false,
  description: '',
  ...over,
});

describe('electronegativity step', () => {
  it('finds an insecure window in the app sources', { timeout: 120_000 }, async () => {
    const dir = project({
      'main/index.ts': [
        "import { BrowserWindow } from 'electron';",
        'export const win = new BrowserWindow({',
        '  webPreferences: { contextIsolation: false, sandbox: false, nodeIntegration: true },',
        '});',
        "void win.loadURL('http://example.com/');",
      ].join('\n'),
      'main/cli/katya.ts': 'new BrowserWindow({ webPreferences: { contextIsolation: false } });',
      'renderer/index.html': '<!doctype html><title>x</title>',
    });
    const files = appSources(dir);
    expect(files).toEqual(['main/index.ts', 'renderer/index.html']);
    const result = await scan(dir, files, '45.5.0');
    expect(result.opensWindows).toBe(true);
    const errors = result.findings.filter((f) => judge(f, '', ACCEPTED, true) === 'error');
    const ids = errors.map((f) => f.id);
    expect(ids).toContain('CONTEXT_ISOLATION_JS_CHECK');
    expect(ids).toContain('SANDBOX_JS_CHECK');
    expect(ids).toContain('HTTP_RESOURCES_JS_CHECK');
    expect(errors.find((f) => f.id === 'CONTEXT_ISOLATION_JS_CHECK')?.file).toBe('main/index.ts');
  });

  it('accepts a listed false positive only at the code it names', () => {
    const viaOptions = 'const win = new BrowserWindow(\n  windowOptions(preload, icon),\n);';
    const inline =
      'const other = new BrowserWindow({ webPreferences: { contextIsolation: false } });';
    expect(judge(finding({}), viaOptions, ACCEPTED, true)).toBe('accepted');
    expect(judge(finding({}), inline, ACCEPTED, true)).toBe('error');
    expect(judge(finding({ file: 'main/other.ts' }), viaOptions, ACCEPTED, true)).toBe('error');
    expect(judge(finding({ id: 'NODE_INTEGRATION_JS_CHECK' }), viaOptions, ACCEPTED, true)).toBe(
      'error',
    );
  });

  it('grades findings: HIGH, or a sure MEDIUM, is an error; the rest are notes', () => {
    expect(judge(finding({ severity: 'MEDIUM', manualReview: true }), '', [], true)).toBe('note');
    expect(judge(finding({ severity: 'MEDIUM' }), '', [], true)).toBe('error');
    expect(judge(finding({ severity: 'LOW' }), '', [], true)).toBe('note');
    expect(judge(finding({ severity: 'HIGH', manualReview: true }), '', [], true)).toBe('error');
  });

  it('holds window-wide checks as pending until the app opens a window', () => {
    const none = finding({ id: 'LIMIT_NAVIGATION_GLOBAL_CHECK', file: 'N/A', line: 0 });
    expect(judge(none, '', [], false)).toBe('pending');
    expect(judge(none, '', [], true)).toBe('error');
  });

  it('documents every accepted exception and excluded check in docs/packaging.md', () => {
    const docs = readFileSync(path.join(root, 'docs/packaging.md'), 'utf8');
    for (const entry of ACCEPTED) {
      const row = docs.split('\n').find((l) => l.includes(entry.check) && l.includes(entry.file));
      expect(
        row,
        `${entry.check} in ${entry.file} is not listed in docs/packaging.md`,
      ).toBeDefined();
    }
    for (const check of EXCLUDED_CHECKS) expect(docs).toContain(check);
  });
});
