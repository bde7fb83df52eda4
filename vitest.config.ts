import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Server and kill -9 tests spawn processes and bind ports; forks keep native addons and LMDB
    // environments of different test files apart.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // A worker that does not shut down fails the run after this instead of holding it.
    teardownTimeout: 30_000,
    setupFiles: ['test/support/watchdog.ts'],
    // In CI, also name what keeps the process alive if vitest cannot exit (why-is-node-running);
    // with NUDGE_TEST_PROGRESS, log each file's start and end there (.ci/run prints the unfinished).
    reporters: [
      'default',
      ...(process.env.CI ? ['hanging-process'] : []),
      ...(process.env.NUDGE_TEST_PROGRESS ? ['./test/support/progress-reporter.ts'] : []),
    ],
  },
});
