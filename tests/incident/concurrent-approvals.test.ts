import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import type { ActionRequest, ActionResult } from '../../src/agentlink/agent-port.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { ScriptedAgentPort } from '../support/fake-agent-port.js';
import { buildTestRuntime, type TestRuntime } from '../support/test-runtime.js';
import { replyText } from '../support/reply-text.js';
import { DATABASE_URL, dropSchemas, uniqueSchema } from '../store/store-backends.js';

/**
 * Issue 12 finding 3: two people approving the same host-changing step at the same moment run it
 * once. On PostgreSQL the two approvals come through two runtimes, each with its own connection
 * pool on one schema (two drbot replicas); on SQLite through one runtime (drbot on SQLite is one
 * process; a second is refused by the DATA_DIR lock), whose commands run concurrently.
 */

/** One agent behind every runtime; each host change takes a moment, so the approvals overlap it. */
class SlowAgent extends ScriptedAgentPort {
  override async run(request: ActionRequest): Promise<ActionResult> {
    const result = await super.run(request);
    await new Promise((r) => setTimeout(r, 20));
    return result;
  }
}

interface Deployment {
  name: string;
  /** The runtimes approvers reach (one per replica). */
  runtimes(agent: SlowAgent): Promise<TestRuntime[]>;
  dispose(): Promise<void>;
}

function sqliteDeployment(): Deployment {
  const dir = mkdtempSync(join(tmpdir(), 'drbot-approvals-'));
  const stores: Store[] = [];
  return {
    name: 'SQLite (one process)',
    async runtimes(agent) {
      const store = await SqliteStore.open(join(dir, 'drbot.sqlite'));
      stores.push(store);
      const core = await buildTestRuntime({ store, agents: agent });
      return [core, core];
    },
    async dispose() {
      for (const s of stores) await s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresDeployment(url: string): Deployment {
  const schema = uniqueSchema('drbot_approve');
  const stores: Store[] = [];
  return {
    name: 'PostgreSQL (two replicas)',
    async runtimes(agent) {
      const cores: TestRuntime[] = [];
      for (let i = 0; i < 2; i++) {
        const store = await PostgresStore.open(url, { schema, max: 4 });
        stores.push(store);
        cores.push(await buildTestRuntime({ store, agents: agent }));
      }
      return cores;
    },
    async dispose() {
      for (const s of stores) await s.close();
      await dropSchemas(url, [schema]);
    },
  };
}

function deployments(): Deployment[] {
  if (DATABASE_URL) return [sqliteDeployment(), postgresDeployment(DATABASE_URL)];
  process.stderr.write('\n[store suite] concurrent approvals on PostgreSQL NOT RUN in incident/concurrent-approvals.test.ts: DATABASE_URL is unset\n');
  return [sqliteDeployment()];
}

const TRIALS = 8;

describe.each(deployments())('two approvals at the same moment on $name', (deployment) => {
  afterAll(() => deployment.dispose());

  it('run a host-changing step exactly once, trial after trial', async () => {
    const agent = new SlowAgent();
    const [a, b] = await deployment.runtimes(agent);
    for (let trial = 0; trial < TRIALS; trial++) {
      const opened = await a!.router.dispatch('/incident open type2', a!.as('Kim DevOps'));
      const id = opened.incidentId!;
      const replies = await Promise.all([
        a!.router.dispatch(`/incident approve ${id} restart-predictor`, a!.as('Kim DevOps')),
        b!.router.dispatch(`/incident approve ${id} restart-predictor`, b!.as('Lee Backend')),
      ]);
      const runs = agent.requests.filter((r) => r.incidentId === id && r.action === 'compose_service_restart');
      expect({ trial, runs: runs.length }).toEqual({ trial, runs: 1 });
      // The other approver is told it already happened (or is happening), never silently ignored.
      const texts = await Promise.all(replies.map((r) => replyText(r)));
      expect(texts.filter((t) => /restart-predictor approved/.test(t))).toHaveLength(1);
      expect((await a!.store.incidents.stepRuns(id)).filter((r) => r.stepId === 'restart-predictor')).toHaveLength(1);
      await a!.router.dispatch(`/incident cancel ${id} trial over`, a!.as('Kim DevOps'));
    }
  }, 120_000);

  it('run a destructive step once when two second approvers click at the same moment', async () => {
    const agent = new SlowAgent();
    const [a, b] = await deployment.runtimes(agent);
    for (let trial = 0; trial < TRIALS; trial++) {
      const id = (await a!.router.dispatch('/incident open docker', a!.as('Kim DevOps'))).incidentId!;
      await a!.router.dispatch(`/incident approve ${id} remove-all-containers`, a!.as('Kim DevOps'));
      await Promise.all([
        a!.router.dispatch(`/incident approve ${id} remove-all-containers`, a!.as('Jung CTO')),
        b!.router.dispatch(`/incident approve ${id} remove-all-containers`, b!.as('Lee Backend')),
      ]);
      const runs = agent.requests.filter((r) => r.incidentId === id && r.action === 'remove_all_containers');
      expect({ trial, runs: runs.length }).toEqual({ trial, runs: 1 });
      await a!.router.dispatch(`/incident cancel ${id} trial over`, a!.as('Kim DevOps'));
    }
  }, 120_000);
});
