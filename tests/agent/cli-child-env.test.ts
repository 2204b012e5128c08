import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AgentOnAHub } from '../support/agent-hub-server.js';
import { aRequest } from './a-request.js';
import { AGENT_TEST_TOKEN } from './agent-process.js';

/** A child that prints its whole environment as JSON (and, as a restarted process, stays up). */
const PRINT_ENV = 'process.stdout.write(JSON.stringify(process.env) + "\\n")';
const MARK = 'drbot-child-env-test';

describe("the agent's children get only PATH, the recipe's env and what the recipe names (real CLI)", () => {
  const link = new AgentOnAHub();
  const { hub } = link;

  beforeAll(async () => {
    await link.start();
    const recipe = { command: process.execPath, env: { FROM_RECIPE: 'recipe-value' }, passEnv: ['PASSED_ON', 'DRBOT_AGENT_TOKEN'] };
    await link.startAgent(
      {
        env: ['DRBOT_AGENT_TOKEN'],
        firewall: { sources: { env: { ...recipe, args: ['-e', PRINT_ENV] } } },
        restarts: { printer: { recipe: { ...recipe, args: ['-e', `${PRINT_ENV}; setTimeout(() => {}, 60000)`, MARK] }, log: 'logs/printer.log', match: MARK } },
      },
      { AWS_SECRET_ACCESS_KEY: 'inherited-secret', PASSED_ON: 'named-by-recipe' },
    );
  }, 30_000);

  afterAll(() => link.stop());

  const expectOnlyTheAllowedVariables = (env: Record<string, string>) => {
    expect(Object.keys(env).sort()).toEqual(['FROM_RECIPE', 'PASSED_ON', 'PATH']);
    expect(env).toMatchObject({ FROM_RECIPE: 'recipe-value', PASSED_ON: 'named-by-recipe', PATH: process.env.PATH });
    expect(JSON.stringify(env)).not.toContain(AGENT_TEST_TOKEN);
  };

  it('a recipe run through execa (firewall_rules) sees no token and no inherited variable', async () => {
    const r = await hub.run(aRequest('firewall_rules', { source: 'env' }));
    expect(r.status).toBe('ok');
    expectOnlyTheAllowedVariables(JSON.parse(r.output) as Record<string, string>);
  });

  it('a restarted process (process_restart) sees no token and no inherited variable', async () => {
    const r = await hub.run(aRequest('process_restart', { process: 'printer' }, { approvalId: 'apr-env', timeoutMs: 30_000 }));
    expect(r.status).toBe('ok');
    const pid = (r.data as { pid: number }).pid;
    try {
      const log = join(link.home.home, 'logs/printer.log');
      for (let i = 0; i < 200 && !readFileSync(log, 'utf8').includes('\n'); i++) await new Promise((res) => setTimeout(res, 10));
      expectOnlyTheAllowedVariables(JSON.parse(readFileSync(log, 'utf8').split('\n')[0]!) as Record<string, string>);
    } finally {
      process.kill(pid, 'SIGKILL');
    }
  });

  it('the token is gone from the agent itself: env_present reports it unset', async () => {
    const r = await hub.run(aRequest('env_present', { name: 'DRBOT_AGENT_TOKEN' }));
    expect(r).toMatchObject({ status: 'fail', summary: 'DRBOT_AGENT_TOKEN is not set' });
  });
});
