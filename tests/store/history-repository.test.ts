import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import type { Incident } from '../../src/incident/incident.js';
import { historyStats, recentStats } from '../../src/history/history-stats.js';
import { loadRunbookPack } from '../../src/runbook/load-runbook-pack.js';
import { packageRoot } from '../../src/config/package-root.js';
import type { Store } from '../../src/store/store.js';
import { join } from 'node:path';
import { TUESDAY_10_KST } from '../support/test-runtime.js';
import { anIncident } from '../support/an-incident.js';
import { aStepRun } from '../support/a-step-run.js';
import { storeBackends } from './store-backends.js';

const MIN = 60_000;
const pack = loadRunbookPack(join(packageRoot(), 'runbooks/routing-ml.yaml'));

describe.each(storeBackends())('HistoryRepository on $name', (backend) => {
  let store: Store;
  afterEach(async () => {
    await store?.close();
  });
  afterAll(() => backend.dispose());

  /** A Type 2 incident opened on day `n`, resolved after `minutes` with the given ok steps (minute of finishing). */
  async function aType2(n: number, minutes: number | undefined, steps: [string, number, ('ok' | 'fail')?][], fields: Partial<Incident> = {}): Promise<Incident> {
    const openedAt = TUESDAY_10_KST + n * 86_400_000;
    const incident = anIncident()
      .seq(1, `202612${String(n).padStart(2, '0')}`)
      .ofType(2)
      .openedAt(openedAt)
      .with(minutes === undefined ? fields : { status: 'resolved', resolvedAt: openedAt + minutes * MIN, ...fields })
      .build();
    await store.incidents.insert(incident);
    for (const [i, [stepId, at, status]] of steps.entries()) {
      await store.incidents.insertStepRun(aStepRun().id(`${incident.id}-${i}`).of(incident.id, stepId).at(openedAt + (at - 1) * MIN).build());
      await store.incidents.finishStepRun(`${incident.id}-${i}`, { status: status ?? 'ok', summary: '', output: '', finishedAt: openedAt + at * MIN });
    }
    return incident;
  }

  it('returns recovered incidents newest first with their successful steps, leaving out drills, open and cancelled ones', async () => {
    store = await backend.open();
    const history = store.history;
    const a = await aType2(1, 42, [['check-db-file', 2], ['restore-db-from-yesterday', 30], ['check-health', 31], ['restart-predictor', 35, 'fail']]);
    const b = await aType2(2, 30, [['restore-db-from-yesterday', 20]], { status: 'closed', closedAt: TUESDAY_10_KST + 3 * 86_400_000 });
    const drill = await aType2(3, 5, [['restart-predictor', 4]], { drill: true });
    expect((await store.incidents.get(drill.id))!.drill).toBe(true);
    expect((await store.incidents.get(a.id))!.drill).toBeUndefined();
    await aType2(4, undefined, [['restart-predictor', 4]]);
    await aType2(5, undefined, [], { status: 'cancelled', cancelledAt: TUESDAY_10_KST + 5 * 86_400_000 + MIN });
    await store.incidents.appendTimeline({ incidentId: b.id, at: b.openedAt + 25 * MIN, actor: 'Kim DevOps', kind: 'step', text: 'manual step done', data: { step: 'export-connection-string', status: 'ok', manual: true } });

    const recovered = await history.recovered();
    expect(recovered.map((r) => r.incidentId)).toEqual([b.id, a.id]);
    expect(recovered[1]).toEqual({
      incidentId: a.id,
      type: 2,
      openedAt: a.openedAt,
      resolvedAt: a.resolvedAt,
      actions: expect.arrayContaining([
        { stepId: 'check-db-file', at: a.openedAt + 2 * MIN },
        { stepId: 'restore-db-from-yesterday', at: a.openedAt + 30 * MIN },
        { stepId: 'check-health', at: a.openedAt + 31 * MIN },
      ]),
    });
    expect(recovered[1]!.actions).toHaveLength(3);
    expect(recovered[0]!.actions).toEqual(expect.arrayContaining([{ stepId: 'export-connection-string', at: b.openedAt + 25 * MIN }]));
    expect(await history.recovered({ limit: 1 })).toHaveLength(1);
    expect(await history.recovered({ type: 1 })).toEqual([]);

    const counts = await history.countsByTypeAndStatus();
    expect(counts.sort((x, y) => x.status.localeCompare(y.status))).toEqual([
      { type: 2, status: 'cancelled', count: 1 },
      { type: 2, status: 'closed', count: 1 },
      { type: 2, status: 'open', count: 1 },
      { type: 2, status: 'resolved', count: 1 },
    ]);
  });

  it('historyStats and recentStats: per type, and the last five of a type for a new card', async () => {
    store = await backend.open();
    const history = store.history;
    // Seven recoveries: the two oldest took long and ended with restart-predictor; the last five mostly with the restore.
    await aType2(1, 300, [['restart-predictor', 290]]);
    await aType2(2, 240, [['restart-predictor', 200]]);
    await aType2(3, 42, [['restore-db-from-yesterday', 30]]);
    await aType2(4, 35, [['restore-db-from-yesterday', 30]]);
    await aType2(5, 60, [['restart-predictor', 50]]);
    await aType2(6, 45, [['restore-db-from-yesterday', 40]]);
    await aType2(7, 40, [['restore-db-from-yesterday', 35]]);
    await aType2(8, 2, [['restart-predictor', 1]], { drill: true });

    const all = await historyStats(history, pack);
    expect(all.map((s) => s.type)).toEqual([1, 2, 3, 4, 5]);
    expect(all[0]).toMatchObject({ incidents: 0, recovered: 0 });
    expect(all[1]).toEqual({ type: 2, incidents: 7, recovered: 7, mttrMedianMs: 45 * MIN, mttrP90Ms: 300 * MIN, topStep: { stepId: 'restore-db-from-yesterday', count: 4 } });
    expect(await historyStats(history, pack, { type: 2 })).toEqual([all[1]]);

    expect(await recentStats(history, pack, 2)).toEqual({ type: 2, incidents: 5, recovered: 5, mttrMedianMs: 42 * MIN, mttrP90Ms: 60 * MIN, topStep: { stepId: 'restore-db-from-yesterday', count: 4 } });
    expect(await recentStats(history, pack, 99)).toBeUndefined();
  });
});
