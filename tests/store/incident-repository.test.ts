import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import type { Store } from '../../src/store/store.js';
import { TUESDAY_10_KST } from '../support/test-runtime.js';
import { aStepRun } from '../support/a-step-run.js';
import { anApproval } from '../support/an-approval.js';
import { anIncident, anIncidentId, NO_SUCH_INCIDENT_ID } from '../support/an-incident.js';
import { expectUniqueViolation, storeBackends } from './store-backends.js';

const MIN = 60_000;

describe.each(storeBackends())('IncidentRepository on $name', (backend) => {
  let store: Store;
  const fresh = async () => (store = await backend.open());
  afterEach(async () => {
    await store?.close();
  });
  afterAll(() => backend.dispose());

  it('numbers incidents per day, starting at 1', async () => {
    await fresh();
    expect(await store.incidents.nextSeq('20261124')).toBe(1);
    await store.incidents.insert(anIncident().seq(1).build());
    await store.incidents.insert(anIncident().seq(2).build());
    await store.incidents.insert(anIncident().seq(1, '20261125').build());
    expect(await store.incidents.nextSeq('20261124')).toBe(3);
    expect(await store.incidents.nextSeq('20261125')).toBe(2);
  });

  it('round-trips every field of an incident, including absent optionals and numbers as numbers', async () => {
    await fresh();
    const full = anIncident()
      .seq(7)
      .ofType(4)
      .scope('partial')
      .dedupeKey('slack:trigger-1')
      .with({ commander: 'Kim DevOps', ackedBy: 'Park DevOps', ackedAt: TUESDAY_10_KST + MIN, level: 2, assignments: { backend: 'Lee Backend' }, cause: 'disk full' })
      .build();
    await store.incidents.insert(full);
    expect(await store.incidents.get(full.id)).toEqual(full);
    const bare = anIncident().seq(8).build();
    await store.incidents.insert(bare);
    const got = await store.incidents.get(bare.id);
    expect(got).toEqual(bare);
    expect(got && 'ackedAt' in got && got.ackedAt !== undefined).toBe(false);
    expect(typeof got?.openedAt).toBe('number');
  });

  it('refuses a second incident with the same id or day and sequence with a unique-violation error', async () => {
    await fresh();
    await store.incidents.insert(anIncident().seq(1).build());
    await expectUniqueViolation(store.incidents.insert(anIncident().seq(1).build()));
    await expectUniqueViolation(store.incidents.insert(anIncident().seq(1).with({ id: anIncidentId(901) }).build()));
    expect(await store.incidents.count()).toBe(1);
  });

  it('saves changes to an incident and leaves the others alone', async () => {
    await fresh();
    const a = anIncident().seq(1).build();
    const b = anIncident().seq(2).build();
    await store.incidents.insert(a);
    await store.incidents.insert(b);
    const resolved = { ...a, status: 'resolved' as const, resolvedAt: TUESDAY_10_KST + 90 * MIN, resolvedBy: 'Kim DevOps', cause: 'OOM' };
    await store.incidents.save(resolved);
    expect(await store.incidents.get(a.id)).toEqual(resolved);
    expect(await store.incidents.get(b.id)).toEqual(b);
    expect(await store.incidents.get(NO_SUCH_INCIDENT_ID)).toBeUndefined();
  });

  it('finds an incident by its dedupe key', async () => {
    await fresh();
    const a = anIncident().seq(1).dedupeKey('slack:t-1').build();
    await store.incidents.insert(a);
    expect((await store.incidents.findByDedupeKey('slack:t-1'))?.id).toBe(a.id);
    expect(await store.incidents.findByDedupeKey('slack:t-2')).toBeUndefined();
    await expectUniqueViolation(store.incidents.insert(anIncident().seq(2).dedupeKey('slack:t-1').build()));
  });

  it('lists incidents newest first, filtered by status and limited', async () => {
    await fresh();
    await store.incidents.insert(anIncident().seq(1).openedAt(TUESDAY_10_KST).build());
    await store.incidents.insert(anIncident().seq(2).openedAt(TUESDAY_10_KST + MIN).status('resolved').build());
    await store.incidents.insert(anIncident().seq(3).openedAt(TUESDAY_10_KST + 2 * MIN).build());
    await store.incidents.insert(anIncident().seq(4).openedAt(TUESDAY_10_KST + 2 * MIN).status('cancelled').build());
    expect((await store.incidents.list()).map((i) => i.seq)).toEqual([4, 3, 2, 1]);
    expect((await store.incidents.list(['open'])).map((i) => i.seq)).toEqual([3, 1]);
    expect((await store.incidents.list(['resolved', 'cancelled'])).map((i) => i.seq)).toEqual([4, 2]);
    expect((await store.incidents.list([], 2)).map((i) => i.seq)).toEqual([4, 3]);
    expect((await store.incidents.list(['open'], 1)).map((i) => i.seq)).toEqual([3]);
    expect((await store.incidents.list(['open', 'resolved'], 2)).map((i) => i.seq)).toEqual([3, 2]);
    expect(await store.incidents.count()).toBe(4);
  });

  it('appends timeline entries in order with ids, and moves last activity forward only', async () => {
    await fresh();
    const a = anIncident().seq(1).build();
    await store.incidents.insert(a);
    const e1 = await store.incidents.appendTimeline({ incidentId: a.id, at: TUESDAY_10_KST + 5 * MIN, actor: 'Kim DevOps', kind: 'note', text: '첫 메모', data: { n: 1 } });
    const e2 = await store.incidents.appendTimeline({ incidentId: a.id, at: TUESDAY_10_KST + 2 * MIN, actor: 'drbot', kind: 'page', text: 'paged', data: { level: 1, channel: 'chat' } });
    const e3 = await store.incidents.appendTimeline({ incidentId: a.id, at: TUESDAY_10_KST + 6 * MIN, actor: 'drbot', kind: 'reminder', text: 'quiet' });
    expect(e1.id).toEqual(expect.any(Number));
    expect(e2.id!).toBeGreaterThan(e1.id!);
    const timeline = await store.incidents.timeline(a.id);
    expect(timeline).toEqual([
      { id: e1.id, incidentId: a.id, at: TUESDAY_10_KST + 5 * MIN, actor: 'Kim DevOps', kind: 'note', text: '첫 메모', data: { n: 1 } },
      { id: e2.id, incidentId: a.id, at: TUESDAY_10_KST + 2 * MIN, actor: 'drbot', kind: 'page', text: 'paged', data: { level: 1, channel: 'chat' } },
      { id: e3.id, incidentId: a.id, at: TUESDAY_10_KST + 6 * MIN, actor: 'drbot', kind: 'reminder', text: 'quiet', data: {} },
    ]);
    expect((await store.incidents.get(a.id))?.lastActivityAt).toBe(TUESDAY_10_KST + 6 * MIN);
    expect(await store.incidents.timeline(NO_SUCH_INCIDENT_ID)).toEqual([]);
  });

  it('moves last activity forward for a later entry even when the transaction that inserted the row says its time', async () => {
    await fresh();
    const a = anIncident().seq(1).with({ lastActivityAt: TUESDAY_10_KST }).build();
    await store.writeTransaction(async (tx) => {
      await tx.incidents.insert(a);
      await tx.incidents.appendTimeline({ incidentId: a.id, at: TUESDAY_10_KST, actor: 'Kim DevOps', kind: 'opened', text: 'opened' }, a.lastActivityAt);
    });
    expect((await store.incidents.get(a.id))?.lastActivityAt).toBe(TUESDAY_10_KST);
    const b = anIncident().seq(2).with({ lastActivityAt: TUESDAY_10_KST }).build();
    await store.writeTransaction(async (tx) => {
      await tx.incidents.insert(b);
      await tx.incidents.appendTimeline({ incidentId: b.id, at: TUESDAY_10_KST + 1, actor: 'Kim DevOps', kind: 'opened', text: 'opened' }, b.lastActivityAt);
    });
    expect((await store.incidents.get(b.id))?.lastActivityAt).toBe(TUESDAY_10_KST + 1);
    expect((await store.incidents.timeline(b.id)).map((e) => e.at)).toEqual([TUESDAY_10_KST + 1]);
  });

  it('ticks a checklist item once and lists the ticks by time', async () => {
    await fresh();
    const a = anIncident().seq(1).build();
    await store.incidents.insert(a);
    expect(await store.incidents.tick(a.id, 'record-time', 'Kim DevOps', TUESDAY_10_KST + MIN)).toBe(true);
    expect(await store.incidents.tick(a.id, 'record-time', 'Park DevOps', TUESDAY_10_KST + 2 * MIN)).toBe(false);
    expect(await store.incidents.tick(a.id, 'impact-scope', 'Park DevOps', TUESDAY_10_KST)).toBe(true);
    expect(await store.incidents.checklist(a.id)).toEqual([
      { itemId: 'impact-scope', doneBy: 'Park DevOps', doneAt: TUESDAY_10_KST },
      { itemId: 'record-time', doneBy: 'Kim DevOps', doneAt: TUESDAY_10_KST + MIN },
    ]);
  });

  it('ticks several items at once, keeping the earlier tick of an item already done', async () => {
    await fresh();
    const a = anIncident().seq(1).build();
    await store.incidents.insert(a);
    await store.incidents.tick(a.id, 'record-time', 'Park DevOps', TUESDAY_10_KST);
    await store.incidents.tickMany(a.id, ['record-time', 'identify-type'], 'Kim DevOps', TUESDAY_10_KST + MIN);
    await store.incidents.tickMany(a.id, [], 'Kim DevOps', TUESDAY_10_KST + MIN);
    expect(await store.incidents.checklist(a.id)).toEqual([
      { itemId: 'record-time', doneBy: 'Park DevOps', doneAt: TUESDAY_10_KST },
      { itemId: 'identify-type', doneBy: 'Kim DevOps', doneAt: TUESDAY_10_KST + MIN },
    ]);
  });

  it('reads an incident\'s ticks, approvals, step runs and timeline in one query, as their own methods list them', async () => {
    await fresh();
    const a = anIncident().seq(1).build();
    const other = anIncident().seq(2).build();
    await store.incidents.insert(a);
    await store.incidents.insert(other);
    expect(await store.incidents.records(a.id)).toEqual({ ticks: [], approvals: [], runs: [], timeline: [] });
    // Same-moment ticks, approvals and runs: their order is the tie-breaker's.
    await store.incidents.tickMany(a.id, ['record-time', 'identify-type', 'impact-scope'], 'Kim DevOps', TUESDAY_10_KST);
    await store.incidents.tick(a.id, 'notify-team', 'Park DevOps', TUESDAY_10_KST - MIN);
    await store.incidents.tick(other.id, 'record-time', 'Kim DevOps', TUESDAY_10_KST);
    const plan = { digest: 'abc', facts: [{ label: 'newest backup', value: 'routing.accdb (2026-11-24T01:00:00Z)' }] };
    await store.incidents.insertApproval(anApproval().id('apr-2').of(a.id, 'restore-db').at(TUESDAY_10_KST).destructive().build());
    await store.incidents.insertApproval({ ...anApproval().id('apr-1').of(a.id, 'restart-predictor').at(TUESDAY_10_KST).build(), plan: plan as never });
    await store.incidents.insertStepRun(aStepRun().id('req-2').of(a.id, 'check-logs').at(TUESDAY_10_KST).build());
    await store.incidents.insertStepRun(aStepRun().id('req-1').of(a.id, 'restart-predictor').at(TUESDAY_10_KST).approvedBy('apr-1').build());
    await store.incidents.finishStepRun('req-1', { status: 'ok', summary: 'restarted "predictor" ✓', output: 'line 1\nline 2\t{"json": true}', finishedAt: TUESDAY_10_KST + MIN });
    await store.incidents.appendTimeline({ incidentId: a.id, at: TUESDAY_10_KST + 2 * MIN, actor: 'Kim DevOps', kind: 'note', text: '메모 "quoted"', data: { n: 1, nested: { list: [1, 'two', null] } } });
    await store.incidents.appendTimeline({ incidentId: a.id, at: TUESDAY_10_KST + MIN, actor: 'drbot', kind: 'page', text: 'paged' });
    await store.incidents.appendTimeline({ incidentId: other.id, at: TUESDAY_10_KST, actor: 'drbot', kind: 'page', text: 'other' });
    const records = await store.incidents.records(a.id);
    expect(records).toEqual({
      ticks: await store.incidents.checklist(a.id),
      approvals: await store.incidents.approvals(a.id),
      runs: await store.incidents.stepRuns(a.id),
      timeline: await store.incidents.timeline(a.id),
    });
    expect(records.ticks.map((t) => t.itemId)).toEqual(['notify-team', 'identify-type', 'impact-scope', 'record-time']);
    expect(records.approvals.map((x) => x.id)).toEqual(['apr-1', 'apr-2']);
    expect(records.approvals[0]!.plan).toEqual(plan);
    expect(records.runs.map((r) => [r.requestId, r.status, r.finishedAt])).toEqual([['req-1', 'ok', TUESDAY_10_KST + MIN], ['req-2', 'running', undefined]]);
    expect(records.runs[0]!.output).toBe('line 1\nline 2\t{"json": true}');
    expect(records.timeline.map((e) => [e.text, e.data])).toEqual([['메모 "quoted"', { n: 1, nested: { list: [1, 'two', null] } }], ['paged', {}]]);
    expect(records.timeline[0]!.id).toEqual(expect.any(Number));
    // The incident with its records in one statement: by id, and the newest open ones.
    expect(await store.incidents.getWithRecords(a.id)).toEqual({ incident: await store.incidents.get(a.id), records });
    expect(await store.incidents.getWithRecords(other.id)).toEqual({ incident: await store.incidents.get(other.id), records: await store.incidents.records(other.id) });
    expect(await store.incidents.getWithRecords('INC-20991231-001')).toBeUndefined();
    expect(await store.incidents.listWithRecords('open', 1)).toEqual([{ incident: await store.incidents.get(other.id), records: await store.incidents.records(other.id) }]);
    expect((await store.incidents.listWithRecords('open', 2)).map((x) => x.incident.id)).toEqual((await store.incidents.list(['open'], 2)).map((i) => i.id));
    expect(await store.incidents.listWithRecords('resolved', 2)).toEqual([]);
  });

  it('lists records with the same time in their tie-breaker\'s order, also for text past U+FFFF (as the database orders them)', async () => {
    await fresh();
    const a = anIncident().seq(1).build();
    await store.incidents.insert(a);
    // U+FF01 comes before U+1F600 in code point order (SQLite's), after it in UTF-16 units (JS's <)
    await store.incidents.tickMany(a.id, ['item-\u{1F600}', 'item-\uFF01', 'item-Z', 'item-a', 'item-é'], 'Kim DevOps', TUESDAY_10_KST);
    await store.incidents.insertStepRun(aStepRun().id('req-\u{1F600}').of(a.id, 'check-logs').at(TUESDAY_10_KST).build());
    await store.incidents.insertStepRun(aStepRun().id('req-\uFF01').of(a.id, 'check-logs').at(TUESDAY_10_KST).build());
    await store.incidents.insertApproval(anApproval().id('apr-\u{1F600}').of(a.id, 'restore-db').at(TUESDAY_10_KST).build());
    await store.incidents.insertApproval(anApproval().id('apr-\uFF01').of(a.id, 'restart-predictor').at(TUESDAY_10_KST).build());
    const records = await store.incidents.records(a.id);
    expect(records.ticks).toEqual(await store.incidents.checklist(a.id));
    expect(records.runs).toEqual(await store.incidents.stepRuns(a.id));
    expect(records.approvals).toEqual(await store.incidents.approvals(a.id));
    expect((await store.incidents.getWithRecords(a.id))?.records).toEqual(records);
    if (backend.name === 'sqlite') expect(records.ticks.map((t) => t.itemId)).toEqual(['item-Z', 'item-a', 'item-é', 'item-\uFF01', 'item-\u{1F600}']);
  });

  it('stores approvals, updates them, and lets only one run use an approval', async () => {
    await fresh();
    const a = anIncident().seq(1).build();
    await store.incidents.insert(a);
    const single = anApproval().id('apr-1').of(a.id, 'restart-predictor').at(TUESDAY_10_KST).build();
    const double = anApproval().id('apr-2').of(a.id, 'restore-db').at(TUESDAY_10_KST + MIN).destructive().build();
    await store.incidents.insertApproval(double);
    await store.incidents.insertApproval(single);
    expect(await store.incidents.approvals(a.id)).toEqual([single, double]);
    const seconded = { ...double, secondBy: 'Park DevOps', secondAt: TUESDAY_10_KST + 3 * MIN, status: 'approved' as const };
    await store.incidents.saveApproval(seconded);
    expect((await store.incidents.approvals(a.id))[1]).toEqual(seconded);
    const uses = await Promise.all([store.incidents.useApproval('apr-1'), store.incidents.useApproval('apr-1')]);
    expect(uses.filter(Boolean)).toHaveLength(1);
    expect(await store.incidents.useApproval('apr-1')).toBe(false);
    expect(await store.incidents.useApproval('apr-missing')).toBe(false);
    expect((await store.incidents.approvals(a.id))[0]?.status).toBe('used');
  });

  it('holds at most one live (pending or approved) approval per incident and step; used and expired ones do not count', async () => {
    await fresh();
    const a = anIncident().seq(1).build();
    await store.incidents.insert(a);
    await store.incidents.insertApproval(anApproval().id('apr-1').of(a.id, 'restart-predictor').build());
    await expectUniqueViolation(store.incidents.insertApproval(anApproval().id('apr-2').of(a.id, 'restart-predictor').destructive().build()));
    // another step, or another incident's same step, is free
    await store.incidents.insertApproval(anApproval().id('apr-3').of(a.id, 'restore-db').build());
    expect(await store.incidents.useApproval('apr-1')).toBe(true);
    await store.incidents.insertApproval(anApproval().id('apr-4').of(a.id, 'restart-predictor').build());
    await store.incidents.saveApproval({ ...anApproval().id('apr-4').of(a.id, 'restart-predictor').build(), status: 'expired' });
    await store.incidents.insertApproval(anApproval().id('apr-5').of(a.id, 'restart-predictor').build());
    expect((await store.incidents.approvals(a.id)).map((x) => `${x.id}:${x.status}`)).toEqual(['apr-1:used', 'apr-3:approved', 'apr-4:expired', 'apr-5:approved']);
  });

  it('records step runs from start to finish and lists the ones still running', async () => {
    await fresh();
    const a = anIncident().seq(1).build();
    await store.incidents.insert(a);
    const r1 = aStepRun().id('req-1').of(a.id, 'restart-predictor').at(TUESDAY_10_KST).approvedBy('apr-1').build();
    const r2 = aStepRun().id('req-2').of(a.id, 'check-logs').at(TUESDAY_10_KST + MIN).build();
    await store.incidents.insertStepRun(r2);
    await store.incidents.insertStepRun(r1);
    expect(await store.incidents.stepRuns(a.id)).toEqual([r1, r2]);
    await store.incidents.finishStepRun('req-1', { status: 'ok', summary: 'restarted', output: 'predictor up', finishedAt: TUESDAY_10_KST + 2 * MIN });
    expect((await store.incidents.stepRuns(a.id))[0]).toEqual({ ...r1, status: 'ok', summary: 'restarted', output: 'predictor up', finishedAt: TUESDAY_10_KST + 2 * MIN });
    expect((await store.incidents.runningStepRuns()).map((r) => r.requestId)).toEqual(['req-2']);
    await expectUniqueViolation(store.incidents.insertStepRun(aStepRun().id('req-3').of(a.id, 'restart-predictor').approvedBy('apr-1').build()));
  });

  it('commits a transaction as a whole, rolls it back as a whole, and joins nested calls', async () => {
    await fresh();
    await store.writeTransaction(async (tx) => {
      await tx.incidents.insert(anIncident().seq(1).build());
      await tx.writeTransaction(async (inner) => inner.incidents.insert(anIncident().seq(2).build()));
    });
    expect(await store.incidents.count()).toBe(2);
    await expect(
      store.writeTransaction(async (tx) => {
        await tx.incidents.insert(anIncident().seq(3).build());
        await tx.timers.schedule(anIncidentId(3), 'quiet', TUESDAY_10_KST);
        throw new Error('half-way failure');
      }),
    ).rejects.toThrow('half-way failure');
    expect(await store.incidents.count()).toBe(2);
    expect(await store.timers.forIncident(anIncidentId(3))).toEqual([]);
  });

  it('answers ping while open and fails it once closed', async () => {
    await fresh();
    await expect(store.ping()).resolves.toBeUndefined();
    await store.close();
    await expect(store.ping()).rejects.toThrow();
    await store.close();
  });
});
