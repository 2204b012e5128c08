import { describe, expect, it } from '@jest/globals';
import { ESLint } from 'eslint';
import { packageRoot } from '../../src/config/package-root.js';

const eslint = new ESLint({ cwd: packageRoot() });

async function messagesFor(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('platform SDKs stay inside adapters/', () => {
  it.each([
    ["import { App } from '@slack/bolt';", 'src/incident/sneaky.ts'],
    ["import { WebClient } from '@slack/web-api';", 'handlers/sneaky.ts'],
    ["import { CloudAdapter } from 'botbuilder';", 'src/notify/sneaky.ts'],
    ["import { ConnectorClient } from 'botframework-connector';", 'src/views/sneaky.ts'],
  ])('%s in %s is an error', async (code, file) => {
    const messages = await messagesFor(code, file);
    expect(messages.length).toBeGreaterThanOrEqual(1);
    for (const m of messages) expect(m).toMatch(/adapters/);
  });

  it.each([
    ["import { App } from '@slack/bolt';", 'adapters/slack/sneaky.ts'],
    ["import { CloudAdapter } from 'botbuilder';", 'adapters/teams/sneaky.ts'],
  ])('%s in %s is allowed', async (code, file) => {
    expect(await messagesFor(code, file)).toEqual([]);
  });
});
