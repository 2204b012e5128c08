import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { TestRuntime } from '../support/test-runtime.js';
import { replyText } from '../support/reply-text.js';
import { aRuntimeWithAnIncident } from '../support/an-incident.js';

let core: TestRuntime;
/** The id of the incident beforeEach opened. */
let ID: string;
beforeEach(async () => {
  ({ core, incident: { id: ID } } = await aRuntimeWithAnIncident('type2'));
});
afterEach(() => core.close());

describe('/incident resolve', () => {
  it('records the cause, stops the RTO clock and cancels every timer', async () => {
    await core.clock.advance(83 * 60_000);
    const text = await replyText(await core.router.dispatch('/incident resolve backup restored from yesterday', core.as('Kim DevOps')));
    expect(text).toContain(`${ID} resolved. Downtime 1 h 23 min; RTO goal met.`);
    const incident = (await core.store.incidents.get(ID))!;
    expect(incident).toMatchObject({ status: 'resolved', resolvedBy: 'Kim DevOps', cause: 'backup restored from yesterday', resolvedAt: core.clock.now() });
    const timers = await core.store.timers.forIncident(ID);
    expect(timers.every((t) => t.cancelledAt !== undefined)).toBe(true);
  });

  it('says the goal was missed after 4 h', async () => {
    await core.clock.advance(5 * 3_600_000);
    expect(await replyText(await core.router.dispatch(`/incident resolve ${ID}`, core.as('Kim DevOps')))).toContain('RTO goal missed');
  });

  it('cannot resolve twice', async () => {
    await core.router.dispatch(`/incident resolve ${ID}`, core.as('Kim DevOps'));
    const again = await core.router.dispatch(`/incident resolve ${ID}`, core.as('Kim DevOps'));
    expect(again.refused).toBe(true);
    expect(await replyText(again)).toContain('is resolved; it cannot become resolved');
  });
});
