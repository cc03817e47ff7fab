import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // One real PostgreSQL for the run (started by the global setup); one database per test file.
    globalSetup: ['./tests/support/global-postgres.ts'],
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'data/**'],
    pool: 'forks',
    // 2 cores: two files at a time keeps PostgreSQL, the broker and the clients from starving.
    maxWorkers: 2,
    minWorkers: 1,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
