import { afterEach, describe, expect, it } from '@jest/globals';
import { childEnv } from '../../src/agent/child-env.js';
import { runCommand } from '../../src/agent/host-tools.js';

afterEach(() => {
  delete process.env.SLACK_BOT_TOKEN;
});

describe('childEnv', () => {
  it('is PATH, the named variables that are set, then the recipe env (which wins)', () => {
    const from = { PATH: '/bin', HOME: '/root', KEEP: 'k', SECRET: 's' };
    expect(childEnv({ A: '1', KEEP: 'recipe' }, ['KEEP', 'MISSING'], from)).toEqual({ PATH: '/bin', A: '1', KEEP: 'recipe' });
    expect(childEnv({}, ['HOME'], from)).toEqual({ PATH: '/bin', HOME: '/root' });
    expect(childEnv({}, [], {})).toEqual({ PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' });
  });

  it("keeps the host process's secrets from commands (the embedded agent runs inside drbot, next to its platform tokens)", async () => {
    process.env.SLACK_BOT_TOKEN = 'xoxb-not-for-children';
    const r = await runCommand(process.execPath, ['-e', 'process.stdout.write(JSON.stringify(process.env))'], { env: { ONLY: 'this' } });
    expect(JSON.parse(r.stdout)).toEqual({ PATH: process.env.PATH, ONLY: 'this' });
  });
});
