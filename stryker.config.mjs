// Mutation testing of main/core (`npm run test:mutation`, which also runs stryker.app.config.mjs
// for main/app; test/README.md, "Mutation testing"). Not part of `npm test`: it takes hours.
//
// Stryker changes one small thing at a time in the code (a `<` into `<=`, a condition into
// `true`, a string into "") and runs the Vitest tests that cover that spot. A change no test
// notices ("survived") is a behaviour nothing states.

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: {
    // The Node suites that run the core in the test process (see that file for what is left out).
    configFile: 'vitest.mutation.config.ts',
    // Per mutated file, only the test files that import it (directly or not).
    related: true,
  },
  mutate: ['main/core/**/*.ts'],
  // Each mutant runs only the tests that executed its line in the first, unmutated run.
  coverageAnalysis: 'perTest',
  // A mutant in code that runs outside any test (a module-level constant, or code that a
  // beforeAll hook runs) would need every related suite, the slow ones included: hours more.
  // Such mutants that some test also covers run against those tests; the rest are reported as
  // "Ignored" and left out of the score. KATYA_MUTATE_STATIC=1 tests them too.
  ignoreStatic: process.env.KATYA_MUTATE_STATIC !== '1',
  // Two shared cores: one test process. `-- --concurrency 2` on a machine of one's own.
  concurrency: 1,
  // Real sockets and real files: a mutant that only makes a test slower is not a timeout.
  timeoutFactor: 2,
  timeoutMS: 10_000,
  // No TypeScript checker: a `tsc` per mutant costs more than running the few mutants it would
  // weed out (Stryker strips type checks from mutated files, and the tests kill those mutants).
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/core/index.html' },
  jsonReporter: { fileName: 'reports/mutation/core/mutation.json' },
  // `-- --incremental` reuses the results of unchanged code and tests from the last run.
  incrementalFile: 'reports/mutation/core/incremental.json',
  // The sandbox copy of the project: neither build output nor earlier reports.
  tempDirName: '.stryker-tmp/core',
  ignorePatterns: [
    // Stryker skips only its own sandbox folder; this skips the other run's as well
    '.stryker-tmp',
    'dist',
    'release',
    'test-results',
    'playwright-report',
    'bench-results',
  ],
  // The goals of issue #20: 85 % for main/core as a whole, 80 % for every file in it.
  thresholds: { high: 85, low: 80, break: null },
  clearTextReporter: { reportScoreTable: true, allowEmojis: false },
};
