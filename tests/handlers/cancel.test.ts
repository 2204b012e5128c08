import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { TestRuntime } from '../support/test-runtime.js';
import { replyText } from '../support/reply-text.js';
import { aRuntimeWithAnIncident } from '../support/an-incident.js';

let core: TestRuntime;
/** The id of the incident beforeEach opened. */
let ID: string;
beforeEach(async () => {
  ({ core, incident: { id: ID } } = await aRuntimeWithAnIncident('type3'));
});
afterEach(() => core.close());

describe('/incident cancel', () => {
  it('cancels with a reason and stops the timers', async () => {
    expect(await replyText(await core.router.dispatch(`/incident cancel ${ID} false alarm, ping was blocked`, core.as('Jung CTO')))).toContain('cancelled: false alarm, ping was blocked');
    const incident = (await core.store.incidents.get(ID))!;
    expect(incident).toMatchObject({ status: 'cancelled', cancelReason: 'false alarm, ping was blocked' });
    expect((await core.store.timers.forIncident(ID)).every((t) => t.cancelledAt !== undefined)).toBe(true);
  });

  it('cannot cancel a resolved incident', async () => {
    await core.router.dispatch(`/incident resolve ${ID}`, core.as('Kim DevOps'));
    expect((await core.router.dispatch(`/incident cancel ${ID} oops`, core.as('Kim DevOps'))).refused).toBe(true);
  });
});
