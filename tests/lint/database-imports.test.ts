import { describe, expect, it } from '@jest/globals';
import { ESLint } from 'eslint';
import { packageRoot } from '../../src/config/package-root.js';

const eslint = new ESLint({ cwd: packageRoot() });

async function messagesFor(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('Kysely stays inside src/store/', () => {
  it.each([
    ["import { sql } from 'kysely';", 'src/scheduler/sneaky.ts'],
    ["import type { Kysely } from 'kysely';", 'handlers/sneaky.ts'],
    ["import { sql } from 'kysely';", 'adapters/slack/sneaky.ts'],
    ["import { sql } from 'kysely';", 'tests/support/sneaky.ts'],
    ["import { sql } from 'kysely';", 'bench/suites/sneaky.ts'],
    ["import { SqliteAdapter } from 'kysely/dist/esm/index.js';", 'src/report/sneaky.ts'],
  ])('%s in %s is an error', async (code, file) => {
    const messages = await messagesFor(code, file);
    expect(messages.length).toBeGreaterThanOrEqual(1);
    for (const m of messages) expect(m).toMatch(/src\/store/);
  });

  it('is allowed in src/store/', async () => {
    expect(await messagesFor("import { sql } from 'kysely';", 'src/store/sneaky.ts')).toEqual([]);
  });

  it('keeps the platform fence in src/store/ and the Kysely fence in adapters/', async () => {
    expect(await messagesFor("import { App } from '@slack/bolt';", 'src/store/sneaky.ts')).not.toEqual([]);
    expect(await messagesFor("import { App } from '@slack/bolt';", 'adapters/slack/sneaky.ts')).toEqual([]);
  });
});
