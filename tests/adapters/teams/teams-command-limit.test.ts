import { afterEach, describe, expect, it } from '@jest/globals';
import type { ActionRequest, ActionResult } from '../../../src/agentlink/agent-port.js';
import { TeamsModule } from '../../../adapters/teams/teams-module.js';
import { ScriptedAgentPort } from '../../support/fake-agent-port.js';
import { anIncidentId } from '../../support/an-incident.js';
import { buildTestRuntime } from '../../support/test-runtime.js';
import { startTeamsHarness, type TeamsHarness } from './support/teams-harness.js';

/** An agent whose requests wait until the gate opens. */
class GatedAgentPort extends ScriptedAgentPort {
  private open = true;
  private waiters: (() => void)[] = [];
  started = 0;
  close(): void {
    this.open = false;
  }
  release(): void {
    this.open = true;
    for (const w of this.waiters.splice(0)) w();
  }
  override async run(request: ActionRequest): Promise<ActionResult> {
    this.started++;
    if (!this.open) await new Promise<void>((r) => this.waiters.push(r));
    return super.run(request);
  }
}

let h: TeamsHarness | undefined;
let agent: GatedAgentPort | undefined;
afterEach(async () => {
  agent?.release();
  await h?.close({ closeStore: true });
  h = agent = undefined;
});

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 3000 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(cond()).toBe(true);
};

describe('Teams commands are bounded (issue 12, finding 15)', () => {
  it('runs at most the limit at once, queues up to the backlog, and tells the next asker drbot is busy', async () => {
    agent = new GatedAgentPort();
    h = await startTeamsHarness({ core: await buildTestRuntime({ agents: agent }), module: new TeamsModule({ commandConcurrency: 1, commandBacklog: 1 }) });
    const ID = anIncidentId(1);
    expect((await h.post(h.activity().inChannel().mentioning('incident open type2').build())).status).toBe(200);
    await h.module.idle();
    agent.close();
    const startedBefore = agent.started;
    const send = (a: Record<string, unknown>) => fetch(h!.endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(a) });

    const running = h.activity().inChannel().mentioning(`incident diag ${ID}`).build();
    expect((await send(running)).status).toBe(200);
    await until(() => agent!.started > startedBefore); // the first holds the one slot
    const waiting = h.activity().inChannel().mentioning(`incident diag ${ID}`).build();
    expect((await send(waiting)).status).toBe(200); // the second waits in the backlog of one
    const refused = h.activity().inChannel().mentioning(`incident diag ${ID}`).build();
    expect((await send(refused)).status).toBe(200);
    const busy = await h.connector.waitFor((c) => c.activityId === refused.id);
    expect(busy.body.text).toBe('drbot is working through a backlog of commands; try again in a moment.');
    expect(h.connector.calls.some((c) => c.activityId === running.id || c.activityId === waiting.id)).toBe(false);

    agent.release();
    await h.module.idle();
    // both queued commands were answered once the agent answered (the diag list goes as a card)
    for (const a of [running, waiting]) expect(h.connector.calls.filter((c) => c.activityId === a.id)).toHaveLength(1);
  });
});
