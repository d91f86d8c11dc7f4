// Node suites: unit tests and integration tests on real loopback sockets and real files.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Two cores: integration tests open many sockets and child processes; keep the pool small.
    pool: 'forks',
    maxWorkers: 2,
  },
});
