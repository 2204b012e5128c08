import { afterEach, describe, expect, it } from '@jest/globals';
import { utimesSync, writeFileSync } from 'node:fs';
import { anAgentConfig, type AgentConfigBuilder } from '../agent/an-agent-config.js';
import { ExecutorAgentPort } from '../support/executor-agent-port.js';
import { replyText } from '../support/reply-text.js';
import { buildTestRuntime, type TestRuntime } from '../support/test-runtime.js';

let core: TestRuntime | undefined;
let agent: ExecutorAgentPort | undefined;
let host: AgentConfigBuilder | undefined;
afterEach(async () => {
  await core?.close();
  await agent?.close();
  host?.cleanup();
});

describe('/incident checks run backup-restore', () => {
  it('runs the agent’s backup-restore test on demand and shows the monthly item alone, with the incident a failure suggests', async () => {
    host = anAgentConfig();
    host.file('backup/routing_db_20261124.accdb', '');
    writeFileSync(host.path('backup/routing_db_20261124.accdb'), Buffer.alloc(2048, 0));
    const at = (Date.now() - 3_600_000) / 1000;
    utimesSync(host.path('backup/routing_db_20261124.accdb'), at, at);
    agent = new ExecutorAgentPort(host.build());
    core = await buildTestRuntime({ agents: agent });
    const reply = await core.router.dispatch('/incident checks run backup-restore', core.as('Kim DevOps'));
    const text = await replyText(reply);
    expect(text).toContain('(backup-restore-test)');
    expect(text).not.toContain('(dr-drill)');
    expect(text).toContain('not an Access database: no "Standard ACE DB" signature at offset 4');
    expect(text).toContain('/incident open type2');
    expect(agent.requests.map((r) => r.action)).toEqual(['backup_restore_test']);
    const bad = await core.router.dispatch('/incident checks run backups', core.as('Kim DevOps'));
    expect(bad.refused).toBe(true);
    expect(await replyText(bad)).toContain('Usage: /incident checks run weekly|monthly|backup-restore');
  });
});
