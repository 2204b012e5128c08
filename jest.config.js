/** Two projects: `unit` needs nothing but npm; `e2e` needs the Debian packages that scripts/install-e2e-deps.sh installs. */
const common = {
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }] },
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testEnvironment: 'node',
  // A guard against hangs, not a speed target: tests that start processes or servers outlive jest's
  // 5 s default on a loaded 2-core machine (timing goals live in `npm run bench`).
  testTimeout: 30_000,
  // DATABASE_URL is for the PostgreSQL tests only (they read DRBOT_TEST_DATABASE_URL); see the file.
  setupFiles: ['<rootDir>/tests/support/isolate-database-url.ts'],
};
export default {
  // Also here: jest reads testTimeout from the top-level config, not from a project's.
  testTimeout: common.testTimeout,
  // Exit once the results are reported. Twice (a clean-clone .ci/run and a full run), after every
  // test had passed and the summary was printed, the in-band jest process (2 cores → 1 worker → in
  // band) spun at 100% CPU for good inside Node's exit cleanup: gdb showed
  // node::Environment::CleanupHandles → uv_run(UV_RUN_ONCE) looping, with only native modules'
  // idle threads left. Without this CI hangs after a green run. Leaked timers and sockets are
  // still caught where they matter: process behaviour is tested by running the real processes.
  forceExit: true,
  reporters: ['default', '<rootDir>/tests/support/plain-summary-reporter.cjs'],
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/tests/**/*.test.ts'], testPathIgnorePatterns: ['/node_modules/', '<rootDir>/tests/e2e/'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/tests/e2e/**/*.test.ts'] },
  ],
};
