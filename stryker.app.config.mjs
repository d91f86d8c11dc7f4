// Mutation testing of main/app, the app model (`npm run test:mutation` runs it after
// stryker.config.mjs). The same settings as the core's, with the suites that build the whole
// app: those take seconds per test, so the core's own mutants are judged without them.
import core from './stryker.config.mjs';

// Read by vitest.mutation.config.ts, in this process and the test processes Stryker starts.
process.env.KATYA_MUTATION_PART = 'app';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...core,
  mutate: ['main/app/**/*.ts'],
  htmlReporter: { fileName: 'reports/mutation/app/index.html' },
  jsonReporter: { fileName: 'reports/mutation/app/mutation.json' },
  incrementalFile: 'reports/mutation/app/incremental.json',
  tempDirName: '.stryker-tmp/app',
};
