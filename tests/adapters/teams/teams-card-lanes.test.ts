import { afterAll, describe, expect, it } from '@jest/globals';
import type { Activity, ConversationReference } from 'botbuilder';
import { TeamsCardKeeper } from '../../../adapters/teams/teams-card-keeper.js';
import type { TeamsConversations, TeamsTarget } from '../../../adapters/teams/teams-conversations.js';
import type { Store } from '../../../src/store/store.js';
import { anIncident } from '../../support/an-incident.js';
import { buildTestRuntime, type TestRuntime } from '../../support/test-runtime.js';
import { sharedDatabases } from '../../support/shared-database.js';

/**
 * Issue 13: Teams activities may land on any replica. An incident's card is posted once, and its
 * updates and thread lines go out from one replica at a time (a lane per incident in the store,
 * renewed while a slow Teams call runs), so they never interleave or go twice.
 */

const databases = sharedDatabases({
  sqlite: 'SQLite file (two connections)',
  postgres: 'PostgreSQL (two pools)',
  schemaPrefix: 'drbot_teams_lanes',
  failFast: true,
  notRun: '[store suite] Teams card lanes on PostgreSQL NOT RUN in adapters/teams/teams-card-lanes.test.ts',
});

/** The Teams service as one replica's Bot Framework client sees it; every replica writes into one shared log. */
class FakeTeams {
  /** When set, this replica's next call waits for it (Teams is slow to answer). */
  gate?: Promise<void>;
  calls = 0;

  constructor(
    private readonly name: string,
    private readonly log: string[],
  ) {}

  async conversation(id: string): Promise<Partial<ConversationReference>> {
    return { conversation: { id, conversationType: 'channel', isGroup: true, name: 'ops' }, serviceUrl: 'https://smba.trafficmanager.net/kr/' };
  }

  async send(target: TeamsTarget, activities: Partial<Activity>[]): Promise<string[]> {
    return this.call(target.threadOf ? `line ${activities.map((a) => a.text).join('')}` : 'card', () => activities.map(() => `msg-${this.name}-${++this.calls}`));
  }

  async update(): Promise<void> {
    await this.call('update', () => undefined);
  }

  private async call<T>(what: string, answer: () => T): Promise<T> {
    this.log.push(`${this.name} start ${what}`);
    const gate = this.gate;
    this.gate = undefined;
    if (gate) await gate;
    await new Promise((r) => setTimeout(r, 2));
    this.log.push(`${this.name} end ${what}`);
    return answer();
  }
}

describe.each(databases)('an incident\'s Teams card kept by two replicas on one $name database', (db) => {
  const stores: Store[] = [];
  afterAll(async () => {
    for (const s of stores) await s.close();
    await db.dispose();
  });

  async function replicas(log: string[]): Promise<{ a: TestRuntime; b: TestRuntime; teamsA: FakeTeams; teamsB: FakeTeams; keeperA: TeamsCardKeeper; keeperB: TeamsCardKeeper }> {
    const built: TestRuntime[] = [];
    for (let i = 0; i < 2; i++) {
      const store = await db.connect();
      stores.push(store);
      built.push(await buildTestRuntime({ store, ...(i ? { clock: built[0]!.clock } : {}) }));
    }
    const [a, b] = built as [TestRuntime, TestRuntime];
    const teamsA = new FakeTeams('A', log);
    const teamsB = new FakeTeams('B', log);
    return {
      a,
      b,
      teamsA,
      teamsB,
      keeperA: new TeamsCardKeeper(a, teamsA as unknown as TeamsConversations, '19:ops@thread.tacv2'),
      keeperB: new TeamsCardKeeper(b, teamsB as unknown as TeamsConversations, '19:ops@thread.tacv2'),
    };
  }

  it('posts the card once when both replicas post it at the same moment', async () => {
    const log: string[] = [];
    const { a, b, keeperA, keeperB } = await replicas(log);
    const incident = anIncident().seq(11).build();
    await a.store.incidents.insert(incident);
    await Promise.all([keeperA.ensureCard(incident.id, undefined, incident), keeperB.ensureCard(incident.id, undefined, incident)]);
    expect(log.filter((l) => l.endsWith('start card'))).toHaveLength(1);
    const thread = await a.store.threads.get(incident.id, 'teams');
    expect(thread?.messageId).toMatch(/^msg-[AB]-1$/);
    expect(await b.store.threads.get(incident.id, 'teams')).toEqual(thread);
    expect(await a.store.tableRows('leases')).toEqual([]);
  }, 60_000);

  it('delivers updates and thread lines one replica at a time, even when Teams takes longer than the lane\'s lease', async () => {
    const log: string[] = [];
    const { a, keeperA, keeperB, teamsA } = await replicas(log);
    const incident = anIncident().seq(12).build();
    await a.store.incidents.insert(incident);
    await keeperA.ensureCard(incident.id, undefined, incident);
    log.length = 0;
    let open!: () => void;
    teamsA.gate = new Promise<void>((r) => (open = r));
    // replica A redraws the card and Teams hangs; replica B gets a timeline line for the same incident
    const redraw = keeperA.refresh(incident.id, incident);
    while (!log.includes('A start update')) await new Promise((r) => setTimeout(r, 5));
    const line = keeperB.postTimeline({ incidentId: incident.id, at: a.clock.now(), actor: 'Kim DevOps', kind: 'note', text: 'from B' });
    // five minutes pass (the lane's lease is two), in steps so each renewal reaches the store
    for (let gone = 0; gone < 5 * 60_000; gone += 10_000) {
      await a.clock.advance(10_000);
      await new Promise((r) => setTimeout(r, 15));
    }
    expect(log).toEqual(['A start update']);
    open();
    await Promise.all([redraw, line]);
    expect(log.map((l) => l.replace(/line .*/, 'line'))).toEqual(['A start update', 'A end update', 'B start line', 'B end line']);
    expect(await a.store.tableRows('leases')).toEqual([]);
  }, 60_000);

  it('keeps every thread line once and never two calls at a time while both replicas post lines at once', async () => {
    const log: string[] = [];
    const { a, keeperA, keeperB } = await replicas(log);
    const incident = anIncident().seq(13).build();
    await a.store.incidents.insert(incident);
    await keeperA.ensureCard(incident.id, undefined, incident);
    log.length = 0;
    const at = a.clock.now();
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? keeperB : keeperA).postTimeline({ incidentId: incident.id, at, actor: 'Kim DevOps', kind: 'note', text: `n${i}` })),
    );
    const starts = log.filter((l) => l.includes(' start '));
    expect(starts).toHaveLength(10);
    // every call ended before the next began (one replica at a time)
    for (let i = 0; i < log.length; i += 2) expect(log[i + 1]).toBe(log[i]!.replace(' start ', ' end '));
    // each replica's own lines kept their order
    for (const name of ['A', 'B']) {
      const mine = starts.filter((l) => l.startsWith(name)).map((l) => Number(/n(\d+)/.exec(l)![1]));
      expect(mine).toEqual([...mine].sort((x, y) => x - y));
    }
  }, 60_000);
});
