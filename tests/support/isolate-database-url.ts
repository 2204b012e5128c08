/**
 * Jest setup for every test file: DATABASE_URL (exported by .ci/run) is meant for the tests that
 * use PostgreSQL on purpose, each in its own schema (tests/store/store-backends.ts reads it from
 * DRBOT_TEST_DATABASE_URL). Tests that start drbot with `...process.env` must keep their temporary
 * SQLite file instead of sharing PostgreSQL's public schema, so the variable is moved out of the way.
 */
if (process.env.DATABASE_URL) {
  process.env.DRBOT_TEST_DATABASE_URL ??= process.env.DATABASE_URL;
  delete process.env.DATABASE_URL;
}
