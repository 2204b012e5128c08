import { afterEach, describe, expect, it } from '@jest/globals';
import type { AgentPort } from '../../src/agentlink/agent-port.js';
import { IncidentReactions } from '../../src/incident/incident-reactions.js';
import { ScriptedAgentPort } from '../support/fake-agent-port.js';
import { replyText } from '../support/reply-text.js';
import { buildTestRuntime, type TestRuntime } from '../support/test-runtime.js';

let core: TestRuntime | undefined;
let reactions: IncidentReactions | undefined;
afterEach(async () => {
  await reactions?.stop(Date.now() + 5_000);
  await core?.close();
  core = reactions = undefined;
});

/** A runtime with the reactions to an open (diagnostics, snapshot, the restore plan) as production starts them. */
async function start(agents: AgentPort, now?: number): Promise<TestRuntime> {
  const rt = await buildTestRuntime({ agents, now });
  reactions = new IncidentReactions();
  await reactions.start({ runtime: rt });
  return rt;
}

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

/** An agent whose restore plan names `newest` as the newest backup, `ageHours` old at the test clock's start. */
function agentWithNewestBackup(now: number, newest: string, ageHours: number): ScriptedAgentPort {
  return new ScriptedAgentPort().answer('plan', {
    status: 'ok',
    summary: 'plan restore_file',
    data: {
      target: `access_db ← /mnt/backup/${newest}`,
      facts: [
        { label: 'backup', value: `/mnt/backup/${newest}` },
        { label: 'newest backup', value: `${newest} (${iso(now - ageHours * HOUR)})` },
      ],
    },
  });
}

/** The console's card of the incident: what `/incident status` prints. */
async function consoleCard(rt: TestRuntime, id: string): Promise<string> {
  return replyText(await rt.router.dispatch(`/incident status ${id}`, rt.as('Kim DevOps')));
}

describe('Type 2: the newest backup’s age against the RPO on the card, from open', () => {
  it('shows the newest backup and its age in the restore plan’s words, asked once at open (read-only), and the age grows with the clock', async () => {
    const now = Date.UTC(2026, 10, 24, 1, 0);
    const agent = agentWithNewestBackup(now, 'routing_db_20261123.accdb', 26);
    core = await start(agent, now);
    const id = (await core.router.dispatch('/incident open type2', core.as('Kim DevOps'))).incidentId!;
    await core.events.settled();
    const plans = agent.requests.filter((r) => r.action === 'plan');
    expect(plans).toHaveLength(1);
    expect(plans[0]!.params).toMatchObject({ action: 'restore_file', file: 'access_db' });
    // nothing that changes the host was asked
    expect(agent.requests.filter((r) => r.action === 'restore_file')).toHaveLength(0);

    expect(await consoleCard(core, id)).toMatch(/Newest backup\s*: routing_db_20261123\.accdb — 26 h old — past the RPO goal \(24 h\), within the limit \(72 h\)/);
    await core.clock.advance(47 * HOUR);
    expect(await consoleCard(core, id)).toMatch(/Newest backup\s*: routing_db_20261123\.accdb — 73 h old — past the RPO limit \(72 h\)/);
  });

  it('a fresh backup is within the goal', async () => {
    const now = Date.UTC(2026, 10, 24, 1, 0);
    core = await start(agentWithNewestBackup(now, 'routing_db_20261124.accdb', 3), now);
    const id = (await core.router.dispatch('/incident open type2', core.as('Kim DevOps'))).incidentId!;
    await core.events.settled();
    expect(await consoleCard(core, id)).toMatch(/Newest backup\s*: routing_db_20261124\.accdb — 3 h old — within the RPO goal \(24 h\)/);
  });

  it('says the age is unknown while the agent is offline, and nothing was asked', async () => {
    const agent = new ScriptedAgentPort();
    agent.online = false;
    core = await start(agent);
    const id = (await core.router.dispatch('/incident open type2', core.as('Kim DevOps'))).incidentId!;
    await core.events.settled();
    expect(await consoleCard(core, id)).toMatch(/Newest backup\s*: unknown — the agent is offline/);
    expect(agent.requests).toHaveLength(0);
  });

  it('says it is not known yet, and which plan shows it, when the agent could not make the plan (no backup to plan from)', async () => {
    const agent = new ScriptedAgentPort().answer('plan', { status: 'fail', summary: 'access_db: no backup file in /mnt/backup' });
    core = await start(agent);
    const id = (await core.router.dispatch('/incident open type2', core.as('Kim DevOps'))).incidentId!;
    await core.events.settled();
    expect(await consoleCard(core, id)).toMatch(/Newest backup\s*: not known yet — the plan of restore-db-from-yesterday shows it/);
  });

  it('is not on the card of a type that restores no backup', async () => {
    const agent = new ScriptedAgentPort();
    core = await start(agent);
    const id = (await core.router.dispatch('/incident open type1', core.as('Kim DevOps'))).incidentId!;
    await core.events.settled();
    expect(await consoleCard(core, id)).not.toContain('Newest backup');
    expect(agent.requests.filter((r) => r.action === 'plan')).toHaveLength(0);
  });
});
