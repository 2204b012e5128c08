import { afterEach, beforeEach, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { AgentHub, sha256Hex } from '../../src/agentlink/agent-hub.js';
import { AgentOfflineError, type ActionRequest, type ActionResult } from '../../src/agentlink/agent-port.js';
import type { HubMessage, LinkSocket, WireResult } from '../../src/agentlink/agent-protocol.js';
import { memoryLinkPair } from '../../src/agentlink/memory-link.js';
import { ReplicaAgentPort } from '../../src/agentlink/replica-agent-port.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { describeOnPostgres, dropSchemas, uniqueSchema } from '../store/store-backends.js';
import { anIncident } from '../support/an-incident.js';
import { aStepRun } from '../support/a-step-run.js';

const log = pino({ level: 'silent' });
const TOKEN = 'replica-routing-token-0123456789';

/** An agent speaking the protocol by hand, so a test decides when each answer comes. */
class ScriptedAgent {
  socket?: LinkSocket;
  readonly received: HubMessage[] = [];
  /** Results the agent has (what a `query` is answered from); absent: still running. */
  readonly done = new Map<string, WireResult>();
  readonly running = new Set<string>();
  /** Answer each run at once with this result (otherwise the test finishes it). */
  autoAnswer?: (request: ActionRequest) => WireResult;
  /** agent.yaml `deployment`, said in hello. */
  deployment?: 'docker' | 'local' | 'both';

  connect(hub: AgentHub): void {
    const [hubEnd, agentEnd] = memoryLinkPair();
    hub.accept('routing-ml', hubEnd);
    this.socket = agentEnd;
    agentEnd.onMessage((text) => {
      const msg = JSON.parse(text) as HubMessage;
      this.received.push(msg);
      if (msg.type === 'run') {
        if (this.autoAnswer) this.finish(msg.request.requestId, this.autoAnswer(msg.request as ActionRequest));
        else this.running.add(msg.request.requestId);
      } else if (msg.type === 'query') {
        const result = this.done.get(msg.requestId);
        agentEnd.send(JSON.stringify({ type: 'status', requestId: msg.requestId, state: result ? 'done' : this.running.has(msg.requestId) ? 'running' : 'unknown', ...(result ? { result } : {}) }));
      }
    });
    agentEnd.send(JSON.stringify({ type: 'hello', host: 'routing-ml', version: 'test', actions: ['log_tail'], ...(this.deployment ? { deployment: this.deployment } : {}) }));
  }

  /** The run ends on the host; the result goes out on whichever link is up now. */
  finish(requestId: string, result: WireResult): void {
    this.running.delete(requestId);
    this.done.set(requestId, result);
    if (this.socket?.open) this.socket.send(JSON.stringify({ type: 'result', requestId, result }));
  }

  runs(): string[] {
    return this.received.flatMap((m) => (m.type === 'run' ? [m.request.requestId] : []));
  }

  queries(): string[] {
    return this.received.flatMap((m) => (m.type === 'query' ? [m.requestId] : []));
  }
}

interface Replica {
  id: string;
  store: PostgresStore;
  hub: AgentHub;
  port: ReplicaAgentPort;
  orphans: { request: ActionRequest; result: ActionResult }[];
}

async function until(what: string, cond: () => boolean | Promise<boolean>, limitMs = 20_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const request = (id: string, timeoutMs = 10_000): ActionRequest => ({ requestId: id, host: 'routing-ml', action: 'log_tail', params: { log: 'backend' }, timeoutMs });

describeOnPostgres('agent requests routed between replicas on one PostgreSQL database', (url) => {
  let schema: string;
  const replicas: Replica[] = [];
  const crashed: Replica[] = [];

  async function replica(id: string, options: { leaseMs?: number } = {}): Promise<Replica> {
    const store = await PostgresStore.open(url, { schema, max: 4 });
    const hub = new AgentHub({ agents: [{ id: 'routing-ml', tokenSha256: sha256Hex(TOKEN) }], log, graceMs: 500 });
    const port = new ReplicaAgentPort(hub, store.cluster, { replicaId: id, log, leaseMs: options.leaseMs ?? 1_500, pollMs: 100, graceMs: 500 });
    const r: Replica = { id, store, hub, port, orphans: [] };
    port.onOrphanResult(async (req, result) => {
      r.orphans.push({ request: req, result });
    });
    await port.start();
    replicas.push(r);
    return r;
  }

  /** Like kill -9 for the coordination: the replica stops renewing its lease and drops its links without telling anyone. */
  async function crash(r: Replica, agent: ScriptedAgent): Promise<void> {
    r.port.beginShutdown();
    agent.socket?.close();
    replicas.splice(replicas.indexOf(r), 1);
    crashed.push(r);
    await r.store.close();
  }

  beforeEach(() => {
    schema = uniqueSchema('drbot_replicas');
  });

  afterEach(async () => {
    for (const r of replicas.splice(0)) {
      await r.port.stop();
      await r.hub.close();
      await r.store.close();
    }
    // a crashed replica's LISTEN connection and hub timers end with the test (its store is already closed)
    for (const r of crashed.splice(0)) {
      await r.port.stop();
      await r.hub.close();
    }
    await dropSchemas(url, [schema]);
  });

  it('every replica sees which replica holds the agent, and a request on a replica without the link goes through the one with it', async () => {
    const [a, b, c] = [await replica('r-a'), await replica('r-b'), await replica('r-c')];
    const agent = new ScriptedAgent();
    agent.autoAnswer = (req) => ({ status: 'ok', summary: `tail of ${String(req.params.log)}`, output: 'line' });
    agent.connect(a.hub);
    for (const r of [a, b, c]) {
      await until(`${r.id} to see the agent online`, async () => (await r.port.refresh(), r.port.presence('routing-ml').online));
      expect(r.port.presence('routing-ml')).toMatchObject({ online: true, replica: 'r-a' });
      expect(r.port.list()).toEqual([expect.objectContaining({ host: 'routing-ml', online: true, replica: 'r-a' })]);
    }

    // two replicas without the link ask at the same moment; the holder sends each once
    const [fromB, fromC] = await Promise.all([b.port.run(request('req-b')), c.port.run(request('req-c'))]);
    expect(fromB).toEqual({ status: 'ok', summary: 'tail of backend', output: 'line' });
    expect(fromC.status).toBe('ok');
    expect(agent.runs().sort()).toEqual(['req-b', 'req-c']);
    // the holder's own request goes over its link directly, with a row as its ledger
    expect((await a.port.run(request('req-a'))).status).toBe('ok');
    // an answer rides in its notification; the asking replica marks the row read just after
    await until('every row read', async () => (await a.store.cluster.requests(['req-a', 'req-b', 'req-c'])).every((r) => r.state === 'delivered'));
    const rows = await a.store.cluster.requests(['req-a', 'req-b', 'req-c']);
    expect(rows.map((r) => `${r.requestId}:${r.origin}->${r.holder}:${r.state}`).sort()).toEqual(['req-a:r-a->r-a:delivered', 'req-b:r-b->r-a:delivered', 'req-c:r-c->r-a:delivered']);
  });

  it('a small answer rides in its notification and a large one is read from the row; each reaches the asking replica whole, once', async () => {
    const [a, b] = [await replica('r-a'), await replica('r-b')];
    const agent = new ScriptedAgent();
    const big = 'x'.repeat(20_000);
    agent.autoAnswer = (req) => ({ status: 'ok', summary: req.requestId, output: req.requestId === 'req-big' ? big : 'small "quoted" \\ output' });
    agent.connect(a.hub);
    await until('b to see the agent', async () => (await b.port.refresh(), b.port.presence('routing-ml').online));
    const [small, large] = await Promise.all([b.port.run(request('req-small')), b.port.run(request('req-big'))]);
    expect(small).toEqual({ status: 'ok', summary: 'req-small', output: 'small "quoted" \\ output' });
    expect(large).toEqual({ status: 'ok', summary: 'req-big', output: big });
    await until('both rows read', async () => (await b.store.cluster.requests(['req-small', 'req-big'])).every((r) => r.state === 'delivered'));
    expect(agent.runs().sort()).toEqual(['req-big', 'req-small']);
  });

  it('a replica without the link knows how the service runs on the host (the agent\'s deployment, kept with its holding)', async () => {
    const [a, b] = [await replica('r-a'), await replica('r-b')];
    const agent = new ScriptedAgent();
    agent.deployment = 'docker';
    agent.connect(a.hub);
    await until('b to see the agent', async () => (await b.port.refresh(), b.port.presence('routing-ml').online));
    expect(a.port.presence('routing-ml')).toMatchObject({ online: true, deployment: 'docker' });
    expect(b.port.presence('routing-ml')).toMatchObject({ online: true, replica: 'r-a', deployment: 'docker' });
  });

  it('answers "offline" without sending anything when no replica holds the agent', async () => {
    const b = await replica('r-b');
    await expect(b.port.run(request('req-x'))).rejects.toBeInstanceOf(AgentOfflineError);
    expect(await b.store.cluster.requests(['req-x'])).toEqual([]);
  });

  it('works by polling alone when notifications are not heard', async () => {
    const [a, b] = [await replica('r-a'), await replica('r-b')];
    const agent = new ScriptedAgent();
    agent.autoAnswer = () => ({ status: 'ok', summary: 'polled', output: '' });
    agent.connect(a.hub);
    await until('b to see the agent', async () => (await b.port.refresh(), b.port.presence('routing-ml').online));
    // drop every notification on the floor: only the poll loop moves rows now
    const cluster = b.store.cluster as unknown as { notify: () => Promise<void> };
    cluster.notify = async () => undefined;
    (a.store.cluster as unknown as { notify: () => Promise<void> }).notify = async () => undefined;
    expect((await b.port.run(request('req-poll'))).summary).toBe('polled');
  });

  it('the replica holding the link dies mid-run: the agent reconnects to another, which asks it what became of the request (never re-sends), and the asking replica gets the result once', async () => {
    const [a, b, c] = [await replica('r-a'), await replica('r-b'), await replica('r-c')];
    const agent = new ScriptedAgent();
    agent.connect(a.hub);
    await until('c to see the agent on a', async () => (await c.port.refresh(), c.port.presence('routing-ml').replica === 'r-a'));
    const answer = c.port.run(request('req-step', 30_000));
    await until('the agent to receive the run', () => agent.runs().includes('req-step'));

    await crash(a, agent);
    agent.connect(b.hub);
    await until('b to ask the agent about the request', () => agent.queries().includes('req-step'));
    agent.finish('req-step', { status: 'ok', summary: 'restarted', output: '' });

    expect(await answer).toEqual({ status: 'ok', summary: 'restarted', output: '' });
    expect(agent.runs()).toEqual(['req-step']);
    await until('c to mark the row read', async () => (await b.store.cluster.requests(['req-step']))[0]?.state === 'delivered');
    const [row] = await b.store.cluster.requests(['req-step']);
    expect(row).toMatchObject({ origin: 'r-c', holder: 'r-b', state: 'delivered' });
    await until('c to see the agent on b', async () => (await c.port.refresh(), c.port.presence('routing-ml').replica === 'r-b'));
    expect(b.orphans).toEqual([]);
    expect(c.orphans).toEqual([]);
  });

  it('the replica that asked and held the link dies: the replica the agent moves to settles the request by asking the agent and records it once', async () => {
    const [a, b] = [await replica('r-a'), await replica('r-b')];
    const agent = new ScriptedAgent();
    agent.connect(a.hub);
    await until('a to hold the agent', () => a.port.heldHosts().includes('routing-ml'));
    void a.port.run(request('req-own', 30_000)).catch(() => undefined);
    await until('the agent to receive the run', () => agent.runs().includes('req-own'));
    agent.finish('req-own', { status: 'ok', summary: 'done while a died', output: '' });
    // a dies before it could write the answer (its hub never hears it)
    await crash(a, agent);
    agent.connect(b.hub);
    await until('b to record the orphaned result', () => b.orphans.length > 0);
    // another sweep or two must not record it again
    await new Promise((r) => setTimeout(r, 1_500));
    expect(b.orphans).toEqual([{ request: expect.objectContaining({ requestId: 'req-own' }), result: { status: 'ok', summary: 'done while a died', output: '' } }]);
    expect(agent.runs()).toEqual(['req-own']);
  });

  it('a step run recorded by a replica that died before writing its request row is settled once by the replica holding the agent, by asking the agent; its replica can no longer send it', async () => {
    const [a, b] = [await replica('r-a'), await replica('r-b')];
    const agent = new ScriptedAgent();
    agent.connect(a.hub);
    await until('a to hold the agent', () => a.port.heldHosts().includes('routing-ml'));
    const incident = anIncident().seq(21).build();
    await a.store.incidents.insert({ ...incident, host: 'routing-ml' });
    // replica B recorded two runs (one the agent somehow knows of) and died before writing their request rows
    const started = Date.now() - 60_000;
    await b.store.incidents.insertStepRun(aStepRun().id('run-unsent').of(incident.id, 'restart-predictor').at(started).build());
    await b.store.incidents.insertStepRun(aStepRun().id('run-known').of(incident.id, 'restart-predictor').at(started).build());
    agent.done.set('run-known', { status: 'ok', summary: 'restarted before anyone asked', output: '' });
    // a run recorded just now is its replica's own business (it is writing the row)
    await b.store.incidents.insertStepRun(aStepRun().id('run-fresh').of(incident.id, 'restart-predictor').at(Date.now() + 60_000).build());
    await until('a to settle both', () => a.orphans.length >= 2);
    // more sweeps record nothing again
    await new Promise((r) => setTimeout(r, 1_500));
    const byId = Object.fromEntries(a.orphans.map((o) => [o.request.requestId, o.result]));
    expect(Object.keys(byId).sort()).toEqual(['run-known', 'run-unsent']);
    expect(byId['run-known']).toEqual({ status: 'ok', summary: 'restarted before anyone asked', output: '' });
    expect(byId['run-unsent']).toMatchObject({ status: 'unknown', summary: expect.stringContaining('stopped before sending it') });
    expect(agent.queries().sort()).toEqual(['run-known', 'run-unsent']);
    expect(agent.runs()).toEqual([]);
    // the replica that recorded it comes back to send it: the row is taken, nothing is sent
    await until('b to see the agent', async () => (await b.port.refresh(), b.port.presence('routing-ml').online));
    await expect(b.port.run({ ...request('run-unsent'), incidentId: incident.id })).rejects.toThrow();
    expect(agent.runs()).toEqual([]);
    expect((await a.store.cluster.requests(['run-fresh']))).toEqual([]);
  });
});
