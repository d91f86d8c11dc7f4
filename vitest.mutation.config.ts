// The Vitest suites Stryker runs for each mutant (stryker.config.mjs, stryker.app.config.mjs):
// the Node suites that execute main/core and main/app in the test process.
//
// Left out everywhere are the suites that cannot see a mutant, because the code they test runs
// elsewhere: the boot suites load the built bundle in dist/, the CLI suites and the crash-safety
// suite spawn child processes (which never carry the active mutant), and the build suites test
// build/. The suites that build the whole app (AppService end to end, the browser preview's
// server) take seconds per test: they run only for main/app's mutants
// (KATYA_MUTATION_PART=app), so that a core mutant is judged by the core's own tests, and a
// survivor there points at a core test that is missing.
import { BaseSequencer } from 'vitest/node';
import type { TestSpecification } from 'vitest/node';
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config';

const forApp = process.env.KATYA_MUTATION_PART === 'app';
const wholeApp = ['test/integration/app/**', 'test/integration/preview/**'];

/** Unit suites first, then the integration suites, the slowest (the whole app) last. */
const rank = (file: string): number =>
  file.includes('/test/unit/') ? 0 : /\/test\/integration\/(app|preview)\//.test(file) ? 2 : 1;

/**
 * Stryker stops a mutant's run at the first failing test (bail), so the order of the files is
 * the cost of a killed mutant. Vitest's own order puts the slowest files first, to spread them
 * over workers; with one worker that would run a 20-second suite before the unit test that
 * kills the mutant in a millisecond.
 */
class FastFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return [...files].sort(
      (a, b) => rank(a.moduleId) - rank(b.moduleId) || a.moduleId.localeCompare(b.moduleId),
    );
  }
}

export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: [
        '**/node_modules/**',
        'test/integration/boot/**',
        'test/integration/cli/**',
        'test/integration/history/crash-safety.test.ts',
        'test/unit/build/**',
        'test/unit/lint-boundaries.test.ts',
        ...(forApp ? [] : wholeApp),
      ],
      sequence: { sequencer: FastFirst },
    },
  }),
);
