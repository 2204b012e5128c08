import { afterEach, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { anAgentConfig } from '../support/an-agent-config.js';
import { ScriptedAgentPort } from '../support/fake-agent-port.js';
import { startOnHost, type HostRuntime } from '../support/host-runtime.js';
import { SNAPSHOT_FILE_MAX_CHARS } from '../../handlers/snapshot.js';
import { replyText } from '../support/reply-text.js';
import { buildTestRuntime, type TestRuntime } from '../support/test-runtime.js';

let core: TestRuntime | undefined;
let onHost: HostRuntime | undefined;
afterEach(async () => {
  await core?.close();
  await onHost?.close();
  core = onHost = undefined;
});

describe('/incident snapshot', () => {
  it('takes a snapshot on the host now and shows its content, with secrets scrubbed, and the file it wrote', async () => {
    onHost = await startOnHost(anAgentConfig().file('logs/backend.log', 'INFO started\nERROR DB connect failed password=hunter2-secret-value\n'));
    const { core, send } = onHost;
    const id = (await send('/incident open type2')).reply.incidentId!;
    const { reply, text } = await send('/incident snapshot');
    expect(reply.refused).toBeFalsy();
    expect(reply.incidentId).toBe(id);
    expect(text).toContain('snapshot written to');
    expect(text).toContain('## log backend');
    expect(text).toContain('ERROR DB connect failed');
    expect(text).not.toContain('hunter2-secret-value');
    const file = /snapshot written to (\S+)/.exec(text)![1]!;
    expect(existsSync(file)).toBe(true);
    expect((await core.store.incidents.stepRuns(id)).filter((r) => r.stepId === 'log-snapshot')).toHaveLength(1);
    // the file the reply brings to the incident (Slack upload, Teams post): the same content, scrubbed
    expect(reply.file!.filename).toMatch(new RegExp(`^${id}-snapshot-\\d{12}\\.log$`));
    expect(reply.file!.content).toContain('ERROR DB connect failed');
    expect(reply.file!.content).not.toContain('hunter2-secret-value');
  });

  it('shows the end of a long snapshot and says how much was left out', async () => {
    const fake = new ScriptedAgentPort().answer('log_snapshot', { status: 'ok', summary: 'snapshot written to /var/lib/drbot-agent/snapshots/incident_x.log', output: 'A'.repeat(20_000) + '\nLAST LINE' });
    core = await buildTestRuntime({ agents: fake });
    await core.router.dispatch('/incident open type2', core.as('Kim DevOps'));
    const text = await replyText(await core.router.dispatch('/incident snapshot', core.as('Kim DevOps')));
    expect(text).toContain('LAST LINE');
    expect(text).toContain('the first 8010 characters are left out here');
  });

  it('carries a very long snapshot to the incident as a file bounded to its end, saying what was left out', async () => {
    const fake = new ScriptedAgentPort().answer('log_snapshot', { status: 'ok', summary: 'snapshot written to /var/lib/drbot-agent/snapshots/incident_x.log', output: 'B'.repeat(300_000) + '\nLAST LINE' });
    core = await buildTestRuntime({ agents: fake });
    await core.router.dispatch('/incident open type2', core.as('Kim DevOps'));
    const reply = await core.router.dispatch('/incident snapshot', core.as('Kim DevOps'));
    const content = reply.file!.content;
    expect(content.endsWith('LAST LINE')).toBe(true);
    expect(content).toContain(`the first ${300_010 - SNAPSHOT_FILE_MAX_CHARS} characters are left out`);
    expect(content.length).toBeLessThanOrEqual(SNAPSHOT_FILE_MAX_CHARS + 200);
  });

  it('says the agent is offline and that the snapshot will run when it is back; nothing is recorded', async () => {
    const fake = new ScriptedAgentPort();
    fake.online = false;
    core = await buildTestRuntime({ agents: fake });
    const id = (await core.router.dispatch('/incident open type2', core.as('Kim DevOps'))).incidentId!;
    const reply = await core.router.dispatch('/incident snapshot', core.as('Kim DevOps'));
    expect(reply.refused).toBe(true);
    expect(await replyText(reply)).toContain('run by themselves');
    expect(await core.store.incidents.stepRuns(id)).toHaveLength(0);
    expect(reply.file).toBeUndefined();
  });
});
