import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentTransport } from '../../src/agent/agent-client.js';
import { startAgent, type RunningAgent } from '../../src/agent/start-agent.js';
import { memoryLinkPair } from '../../src/agentlink/memory-link.js';
import { IncidentReactions } from '../../src/incident/incident-reactions.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { anAgentConfig, type AgentConfigBuilder } from '../support/an-agent-config.js';
import { buildTestRuntime, type TestRuntime } from '../support/test-runtime.js';
import { VirtualClock } from '../../src/clock/virtual-clock.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function runtime(options: { store?: SqliteStore; clock?: VirtualClock } = {}): Promise<{ core: TestRuntime; reactions: IncidentReactions }> {
  const core = await buildTestRuntime({ ...options, agents: 'hub' });
  const reactions = new IncidentReactions();
  await reactions.start({ runtime: core });
  cleanups.push(async () => {
    await reactions.stop(Date.now() + 5_000);
    await core.close();
  });
  return { core, reactions };
}

function hostTree(): AgentConfigBuilder {
  const host = anAgentConfig().file('logs/backend.log', 'INFO started\n').file('db/routing.accdb', 'x');
  cleanups.push(() => host.cleanup());
  return host;
}

/** The real agent connecting to this runtime's hub over an in-process link. */
async function connect(core: TestRuntime, host: AgentConfigBuilder): Promise<RunningAgent> {
  const transport: AgentTransport = async () => {
    const [hubEnd, agentEnd] = memoryLinkPair();
    core.hub!.accept('routing-ml', hubEnd);
    return agentEnd;
  };
  const agent = startAgent(host.build(), transport);
  cleanups.push(() => agent.stop());
  await agent.client.ready;
  return agent;
}

async function until(what: string, cond: () => Promise<boolean>, limitMs = 15_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const diagnosticsEntries = async (core: TestRuntime, id: string) => (await core.store.incidents.timeline(id)).filter((e) => e.kind === 'diagnostics');
const backupPlans = async (core: TestRuntime, id: string) => (await core.store.incidents.timeline(id)).filter((e) => e.kind === 'plan' && e.data?.step === 'restore-db-from-yesterday');
const snapshotRuns = async (core: TestRuntime, id: string) => (await core.store.incidents.stepRuns(id)).filter((r) => r.stepId === 'log-snapshot');

describe('diagnostics the agent missed', () => {
  it('an incident opened while the agent is offline gets its diagnostics and snapshot when the agent connects, and only then; a reconnect adds nothing', async () => {
    const { core } = await runtime();
    const host = hostTree().file('backup/routing_20261123.accdb', 'backup');
    const id = (await core.router.dispatch('/incident open type2', core.as('Kim DevOps'))).incidentId!;
    await core.events.settled();
    expect(await diagnosticsEntries(core, id)).toHaveLength(0);
    expect(await core.store.incidents.stepRuns(id)).toHaveLength(0);
    expect(await backupPlans(core, id)).toHaveLength(0);

    const agent = await connect(core, host);
    await until('diagnostics and snapshot', async () => (await diagnosticsEntries(core, id)).length === 1 && (await snapshotRuns(core, id)).some((r) => r.status !== 'running'));
    // Type 2's restore plan (read-only) is asked then too: the card's newest backup and its age come from it.
    await until('the restore plan', async () => (await backupPlans(core, id)).length === 1);
    expect(JSON.stringify((await backupPlans(core, id))[0]!.data?.facts)).toContain('routing_20261123.accdb');
    const runsAfterFirst = (await core.store.incidents.stepRuns(id)).length;
    expect((await core.store.incidents.checklist(id)).map((t) => t.itemId)).toContain('log-snapshot');

    // The link drops and comes back: nothing runs twice.
    await agent.stop();
    await connect(core, host);
    await new Promise((r) => setTimeout(r, 300));
    expect(await diagnosticsEntries(core, id)).toHaveLength(1);
    expect(await core.store.incidents.stepRuns(id)).toHaveLength(runsAfterFirst);
    expect(await backupPlans(core, id)).toHaveLength(1);
  });

  it('two drbot processes on one database that each see the agent connect diagnose the incident once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drbot-reconnect-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const clock = new VirtualClock(Date.UTC(2026, 10, 24, 1, 0));
    const storeA = await SqliteStore.open(join(dir, 'drbot.db'));
    const storeB = await SqliteStore.open(join(dir, 'drbot.db'));
    const a = await runtime({ store: storeA, clock });
    const b = await runtime({ store: storeB, clock });
    const id = (await a.core.router.dispatch('/incident open type5', a.core.as('Kim DevOps'))).incidentId!;
    await a.core.events.settled();
    // Two copies of the agent reach the two processes at the same moment (a link moving between replicas).
    await Promise.all([connect(a.core, hostTree()), connect(b.core, hostTree())]);
    await until('diagnostics', async () => (await diagnosticsEntries(a.core, id)).length >= 1 && (await snapshotRuns(a.core, id)).length >= 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(await diagnosticsEntries(a.core, id)).toHaveLength(1);
    expect(await snapshotRuns(a.core, id)).toHaveLength(1);
    const type5 = a.core.pack.types.find((t) => t.id === 5)!;
    const runs = await a.core.store.incidents.stepRuns(id);
    for (const d of type5.diagnostics) expect(runs.filter((r) => r.stepId === d.id)).toHaveLength(1);
  });
});
