import { afterEach, describe, expect, it } from '@jest/globals';
import { anAgentConfig } from '../support/an-agent-config.js';
import { startOnHost, type HostRuntime } from '../support/host-runtime.js';

let onHost: HostRuntime | undefined;
afterEach(async () => {
  await onHost?.close();
  onHost = undefined;
});

describe('/incident checks run backup-restore', () => {
  it('runs the agent’s backup-restore test on demand and shows the monthly item alone, with the incident a failure suggests', async () => {
    onHost = await startOnHost(anAgentConfig().file('backup/routing_db_20261124.accdb', Buffer.alloc(2048, 0), Date.now() - 3_600_000));
    const { agent, send } = onHost;
    const { text } = await send('/incident checks run backup-restore');
    expect(text).toContain('(backup-restore-test)');
    expect(text).not.toContain('(dr-drill)');
    expect(text).toContain('not an Access database: no "Standard ACE DB" signature at offset 4');
    expect(text).toContain('/incident open type2');
    expect(agent.requests.map((r) => r.action)).toEqual(['backup_restore_test']);
    const bad = await send('/incident checks run backups');
    expect(bad.reply.refused).toBe(true);
    expect(bad.text).toContain('Usage: /incident checks run weekly|monthly|backup-restore');
  });
});
