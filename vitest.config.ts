import { defineConfig } from 'vitest/config';

/** Pure tests: no database, no ARC, no browser (the rules, the protocol, config, parsers, docs). */
const UNIT = [
  'api/**/*.test.ts',
  'protocol/**/*.test.ts',
  'broker/**/*.test.ts',
  'device-sim/**/*.test.ts',
  'console/src/**/*.test.ts',
  'tests/docs-reference.test.ts',
  'tests/device-protocol-doc.test.ts',
  'tests/lint-boundaries.test.ts',
  'tests/node-flags.test.ts',
  'tests/postgres-driver-patch.test.ts',
];
const BROWSER = ['tests/**/*.browser.test.ts'];
const EXCLUDE = ['node_modules/**', 'data/**'];

export default defineConfig({
  test: {
    pool: 'forks',
    // 2 cores: two files at a time, across all projects, keeps PostgreSQL, the broker and the
    // clients from starving.
    maxWorkers: 2,
    minWorkers: 1,
    testTimeout: 30_000,
    // Show whole lists in failures (the docs test names every missing route, key and file).
    chaiConfig: { truncateThreshold: 0 },
    hookTimeout: 60_000,
    // `npm test` runs all three; `npm run test:unit` (and :integration, :browser) one of them.
    // Only the projects that need it name the global setup: one real PostgreSQL for the run,
    // one database per test file (tests/support/global-postgres.ts). Unit tests start none.
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT, exclude: EXCLUDE } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/**/*.test.ts'],
          exclude: [...EXCLUDE, ...UNIT, ...BROWSER],
          globalSetup: ['./tests/support/global-postgres.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: BROWSER,
          exclude: EXCLUDE,
          globalSetup: ['./tests/support/global-postgres.ts'],
        },
      },
    ],
  },
});
