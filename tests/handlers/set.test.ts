import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { anIncidentId } from '../support/an-incident.js';
import { replyText } from '../support/reply-text.js';
import { storeDigest } from '../support/store-digest.js';
import { TIMER } from '../../src/incident/timer-kinds.js';
import { HOUR, MIN, schedulerHarness, type SchedulerHarness } from '../scheduler/scheduler-harness.js';

const ID = anIncidentId(1);
let h: SchedulerHarness;
beforeEach(async () => {
  h = await schedulerHarness();
});
afterEach(() => h.close());

const say = async (line: string, who = 'Kim DevOps') => {
  const reply = await h.core.router.dispatch(line, h.core.as(who));
  await h.core.events.settled();
  await h.scheduler.whenIdle();
  return reply;
};
const ticks = async () => (await h.core.store.incidents.checklist(ID)).map((t) => t.itemId);

describe('/incident set type', () => {
  it('changes the runbook shown; the timeline and approvals stay, and the change is on the timeline', async () => {
    await say('/incident open type1');
    await say('/incident approve restart-predictor');
    const approvals = await h.core.store.incidents.approvals(ID);
    const reply = await say('/incident set type network', 'Lee Backend');
    expect(reply.refused).toBeFalsy();
    expect(await replyText(reply)).toContain('is now Type 3');
    expect((await h.core.store.incidents.get(ID))!.type).toBe(3);
    expect(await h.core.store.incidents.approvals(ID)).toEqual(approvals);
    const timeline = await h.timeline(ID);
    expect(timeline.map((e) => e.kind)).toEqual(expect.arrayContaining(['opened', 'approval', 'correction']));
    expect(timeline.find((e) => e.kind === 'correction')!.text).toContain('Type 1 Backend API server down → Type 3 Network outage');
    const card = await replyText(await say('/incident status'));
    expect(card).toContain('allow-port-8000');
    expect(card).not.toContain('restart-predictor —');
  });

  it('refuses the same type and an unknown one without changing anything', async () => {
    await say('/incident open type1');
    const before = await storeDigest(h.core.store);
    expect((await say('/incident set type api')).refused).toBe(true);
    expect((await say('/incident set type printer')).refused).toBe(true);
    expect(await storeDigest(h.core.store)).toBe(before);
  });
});

describe('/incident set impact', () => {
  it('is ticked only when someone gave the impact: at open, or here', async () => {
    await say('/incident open type2');
    expect(await ticks()).not.toContain('impact-scope');
    await say('/incident set impact partial');
    expect(await ticks()).toContain('impact-scope');
    expect((await h.core.store.incidents.get(ID))!.scope).toBe('partial');
    expect((await h.timeline(ID)).at(-1)).toMatchObject({ kind: 'correction', text: 'impact: full → partial (by Kim DevOps)' });
  });

  it('an impact given at open ticks the item at once', async () => {
    await say('/incident open type2 feature');
    expect(await ticks()).toContain('impact-scope');
  });
});

describe('/incident set started', () => {
  it('moves the occurrence back: the RTO clock, the ladder and the alarms follow, and a rung already past fires once, now', async () => {
    await say('/incident open type1');
    await h.advance(10 * MIN);
    const paged = async () => (await h.deliveries(ID)).filter((d) => d.level === 1).length;
    expect(await paged()).toBe(0);
    // It really started 45 min before it was opened: the 30-min rung is past and fires now, once.
    const reply = await say('/incident set started 09:15');
    expect(await replyText(reply)).toContain('started at 2026-11-24 09:15');
    const incident = (await h.core.store.incidents.get(ID))!;
    expect(incident.openedAt).toBe(h.core.clock.now() - 55 * MIN);
    expect(await paged()).toBeGreaterThan(0);
    const level1 = await paged();
    const timers = Object.fromEntries((await h.core.store.timers.forIncident(ID)).map((t) => [t.kind, t]));
    expect(timers[TIMER.ladder(1)]!.firedAt).toBeDefined();
    expect(timers[TIMER.ladder(2)]!.dueAt).toBe(incident.openedAt + HOUR);
    expect(timers[TIMER.rtoGoal]!.dueAt).toBe(incident.openedAt + 4 * HOUR);
    expect(await replyText(await say('/incident status'))).toContain('elapsed 55 min');
    // Five more minutes reach the (moved) 60-min rung; the 30-min rung does not fire again.
    await h.advance(5 * MIN);
    expect(await paged()).toBe(level1);
    expect((await h.deliveries(ID)).some((d) => d.level === 2)).toBe(true);
  });

  it('takes an ISO time, refuses a future or unreadable one, and changes nothing then', async () => {
    await say('/incident open type1');
    const before = await storeDigest(h.core.store);
    expect(await replyText(await say('/incident set started 2026-11-24T12:00+09:00'))).toContain('is in the future');
    expect(await replyText(await say('/incident set started yesterday'))).toContain('Cannot read');
    expect(await storeDigest(h.core.store)).toBe(before);
    expect((await say('/incident set started 2026-11-24T00:30:00Z')).refused).toBeFalsy();
    expect((await h.core.store.incidents.get(ID))!.openedAt).toBe(Date.UTC(2026, 10, 24, 0, 30));
  });
});
