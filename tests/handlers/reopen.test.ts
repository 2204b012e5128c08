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

describe('/incident reopen', () => {
  it('reopens within 24 h of resolve: the RTO clock runs on from the start and the timers are armed again', async () => {
    await say('/incident open type1');
    await h.advance(20 * MIN);
    await say('/incident resolve');
    await h.advance(2 * HOUR);
    const reply = await say(`/incident reopen ${ID}`);
    expect(reply.refused).toBeFalsy();
    const incident = (await h.core.store.incidents.get(ID))!;
    expect(incident).toMatchObject({ status: 'open', resolvedAt: undefined });
    expect(await replyText(await say('/incident status'))).toContain('elapsed 2 h 20 min');
    const rtoGoal = (await h.core.store.timers.forIncident(ID)).find((t) => t.kind === TIMER.rtoGoal)!;
    expect(rtoGoal).toMatchObject({ dueAt: incident.openedAt + 4 * HOUR, cancelledAt: undefined, firedAt: undefined });
    const timeline = await h.timeline(ID);
    expect(timeline.some((e) => e.kind === 'status' && e.text === 'reopened by Kim DevOps')).toBe(true);
    // The ladder goes by the incident's age: the 2-h rung, cancelled at resolve before it was due, pages now.
    expect((await h.deliveries(ID)).some((d) => d.level === 3)).toBe(true);
  });

  it('refuses after 24 h, and an open or cancelled incident', async () => {
    await say('/incident open type1');
    expect(await replyText(await say(`/incident reopen ${ID}`))).toContain('already open');
    await say('/incident resolve');
    await h.advance(25 * HOUR);
    const before = await storeDigest(h.core.store);
    expect(await replyText(await say(`/incident reopen ${ID}`))).toContain('more than 24 h ago');
    expect(await storeDigest(h.core.store)).toBe(before);
  });
});
