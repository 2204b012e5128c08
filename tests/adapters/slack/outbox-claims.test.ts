import { afterAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { DEFAULT_OUTBOX_POLICY, SlackOutbox } from '../../../adapters/slack/slack-outbox.js';
import type { SlackOp } from '../../../adapters/slack/slack-op.js';
import type { Core } from '../../../src/app/core.js';
import type { Store } from '../../../src/store/store.js';
import { sharedDatabases } from '../../support/shared-database.js';
import { buildTestRuntime, type TestRuntime } from '../../support/test-runtime.js';
import { anIncidentId } from '../../support/an-incident.js';

/**
 * Issue 12 finding 3 / issue 13: outbox rows are claimed before delivery, so two drbot processes
 * draining one database never send the same message, keep the order, and a claim left by a
 * process that died runs out and the row is delivered once by another.
 */

const databases = sharedDatabases({
  sqlite: 'SQLite file (two connections)',
  postgres: 'PostgreSQL (two pools)',
  schemaPrefix: 'drbot_outbox',
  failFast: true,
  notRun: '[store suite] outbox claims on PostgreSQL NOT RUN in adapters/slack/outbox-claims.test.ts',
});

describe.each(databases)('the Slack outbox drained by two processes on one $name database', (db) => {
  const stores: Store[] = [];
  afterAll(async () => {
    for (const s of stores) await s.close();
    await db.dispose();
  });

  /** One "process": its own connection and drainer, on the shared virtual clock; what it sent goes to `sent`. */
  async function drainer(sent: string[], clockFrom?: TestRuntime, gate?: Promise<void>): Promise<{ core: Core; outbox: SlackOutbox }> {
    const store = await db.connect();
    stores.push(store);
    const core: Core = await buildTestRuntime({ store, clock: clockFrom?.clock });
    const perform = async (op: SlackOp) => {
      // a delivery takes a moment, so the other drainer tries while this one holds the head
      await new Promise((r) => setTimeout(r, 1));
      if (gate && op.kind === 'card') await gate;
      sent.push(op.kind === 'post' || op.kind === 'thread' ? op.text : op.kind);
    };
    return { core, outbox: new SlackOutbox(core, store.outbox, perform, pino({ level: 'silent' })) };
  }

  it('delivers every row exactly once, in order, while both drain at the same time', async () => {
    const sentA: string[] = [];
    const sentB: string[] = [];
    const a = await drainer(sentA);
    const b = await drainer(sentB, a.core as TestRuntime);
    const now = a.core.clock.now();
    const texts = Array.from({ length: 40 }, (_, i) => `m${i}`);
    for (const text of texts) await a.core.store.outbox.enqueue({ platform: 'slack', kind: 'post', payload: { kind: 'post', channel: 'C1', text } }, now);
    while ((await a.core.store.outbox.countPending('slack')) > 0) {
      await Promise.all([a.outbox.drain(), b.outbox.drain(), a.outbox.drain(), b.outbox.drain()]);
    }
    const sent = [...sentA, ...sentB];
    expect(sent).toHaveLength(texts.length);
    expect(new Set(sent).size).toBe(texts.length);
    // one at a time, head first: what each sent is in order, and the rows were delivered in order
    for (const mine of [sentA, sentB]) expect(mine).toEqual([...mine].sort((x, y) => Number(x.slice(1)) - Number(y.slice(1))));
    const rows = (await a.core.store.tableRows('outbox')).sort((x, y) => Number(x.id) - Number(y.id));
    expect(rows.every((r, i) => i === 0 || Number(r.delivered_at) >= Number(rows[i - 1]!.delivered_at))).toBe(true);
  }, 60_000);

  it('delivers a row claimed by a process that died once its lease runs out, once', async () => {
    const sent: string[] = [];
    const b = await drainer(sent);
    const now = b.core.clock.now();
    await b.core.store.outbox.enqueue({ platform: 'slack', kind: 'post', payload: { kind: 'post', channel: 'C1', text: 'orphan' } }, now);
    await b.core.store.outbox.enqueue({ platform: 'slack', kind: 'post', payload: { kind: 'post', channel: 'C1', text: 'behind' } }, now);
    // a process claimed the head and died before delivering it
    const dead = await b.core.store.writeTransaction((tx) => tx.outbox.claimHead('slack', now, 'dead-replica', now + DEFAULT_OUTBOX_POLICY.leaseMs!));
    expect(dead).toBeDefined();
    await b.outbox.drain();
    expect(sent).toEqual([]);
    await (b.core as TestRuntime).clock.advance(DEFAULT_OUTBOX_POLICY.leaseMs!);
    await b.outbox.drain();
    await b.outbox.drain();
    expect(sent).toEqual(['orphan', 'behind']);
  }, 60_000);

  /** Moves the shared virtual clock in small steps, letting each renewal's round trip to the store finish. */
  async function pass(rt: TestRuntime, ms: number): Promise<void> {
    for (let gone = 0; gone < ms; gone += 10_000) {
      await rt.clock.advance(10_000);
      await new Promise((r) => setTimeout(r, 15));
    }
  }

  it('a delivery slower than its claim keeps the row: the other replica does not send it a second time', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const sentA: string[] = [];
    const sentB: string[] = [];
    const a = await drainer(sentA, undefined, gate);
    const b = await drainer(sentB, a.core as TestRuntime);
    const rt = a.core as TestRuntime;
    await a.core.store.outbox.enqueue({ platform: 'slack', kind: 'card', payload: { kind: 'card', incidentId: anIncidentId(7) } }, rt.clock.now());
    // A claims the card and Slack takes more than the claim's 5 minutes to answer
    const draining = a.outbox.drain();
    while (!(await a.core.store.tableRows('outbox')).some((r) => r.claimed_by === a.outbox.owner)) await new Promise((r) => setTimeout(r, 5));
    await pass(rt, DEFAULT_OUTBOX_POLICY.leaseMs! + 60_000);
    await Promise.all([b.outbox.drain(), b.outbox.drain()]);
    expect(sentB).toEqual([]);
    open();
    await draining;
    expect(sentA).toEqual(['card']);
    await b.outbox.drain();
    expect(sentB).toEqual([]);
    expect(await a.core.store.outbox.countPending('slack')).toBe(0);
  }, 60_000);

  it('an incident\'s lane stays with the replica delivering to it for as long as the delivery takes', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const sent: string[] = [];
    const a = await drainer(sent, undefined, gate);
    const b = await drainer(sent, a.core as TestRuntime);
    const rt = a.core as TestRuntime;
    const card = a.outbox.submit({ kind: 'card', incidentId: anIncidentId(8) });
    while (!(await a.core.store.tableRows('leases')).length) await new Promise((r) => setTimeout(r, 5));
    // longer than the lane's 2-minute lease
    await pass(rt, 5 * 60_000);
    expect(await b.outbox.submit({ kind: 'thread', incidentId: anIncidentId(8), text: 'line from B' })).toBe('queued');
    await b.outbox.drain();
    expect(sent).toEqual([]);
    open();
    expect(await card).toBe('sent');
    await rt.clock.advance(1_000);
    await b.outbox.drain();
    expect(sent).toEqual(['card', 'line from B']);
    expect(await a.core.store.tableRows('leases')).toEqual([]);
  }, 60_000);

  it('delivers one incident\'s card and thread lines from one replica at a time; the other queues behind it and they go in order', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const sent: string[] = [];
    const a = await drainer(sent, undefined, gate);
    const b = await drainer(sent, a.core as TestRuntime);
    // replica A is updating incident 1's card (slowly); replica B has a thread line for the same incident
    const card = a.outbox.submit({ kind: 'card', incidentId: anIncidentId(1) });
    while (!(await a.core.store.tableRows('leases')).length) await new Promise((r) => setImmediate(r));
    expect(await b.outbox.submit({ kind: 'thread', incidentId: anIncidentId(1), text: 'line from B' })).toBe('queued');
    // what comes after it on the platform waits behind it, as always
    expect(await b.outbox.submit({ kind: 'thread', incidentId: anIncidentId(2), text: 'other incident' })).toBe('queued');
    expect(sent).toEqual([]);
    // B's drainer may not deliver incident 1's line while A holds the lane
    await b.outbox.drain();
    expect(sent).toEqual([]);
    open();
    expect(await card).toBe('sent');
    await (a.core as TestRuntime).clock.advance(1_000);
    await b.outbox.drain();
    expect(sent).toEqual(['card', 'line from B', 'other incident']);
    expect(await a.core.store.tableRows('leases')).toEqual([]);
  }, 60_000);
});
