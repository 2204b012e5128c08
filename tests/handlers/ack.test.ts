import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { TestRuntime } from '../support/test-runtime.js';
import { replyText } from '../support/reply-text.js';
import { aRuntimeWithAnIncident, anIncidentId } from '../support/an-incident.js';

let core: TestRuntime;
beforeEach(async () => {
  ({ core } = await aRuntimeWithAnIncident('type1'));
});
afterEach(() => core.close());

describe('/incident ack', () => {
  it('records who is on it and keeps the ladder timers', async () => {
    const text = await replyText(await core.router.dispatch('/incident ack', core.as('Park DevOps')));
    expect(text).toContain(`Park DevOps acknowledged ${anIncidentId(1)}. The ladder keeps climbing`);
    const incident = (await core.store.incidents.get(anIncidentId(1)))!;
    expect(incident).toMatchObject({ ackedBy: 'Park DevOps', ackedAt: core.clock.now(), commander: 'Kim DevOps' });
    const ladder = (await core.store.timers.forIncident(incident.id)).filter((t) => t.kind.startsWith('ladder-'));
    expect(ladder.every((t) => t.cancelledAt === undefined)).toBe(true);
  });

  it('keeps the first acknowledger when a second person acks', async () => {
    await core.router.dispatch('/incident ack', core.as('Park DevOps'));
    await core.router.dispatch('/incident ack', core.as('Lee Backend'));
    expect((await core.store.incidents.get(anIncidentId(1)))!.ackedBy).toBe('Park DevOps');
    expect((await core.store.incidents.timeline(anIncidentId(1))).filter((e) => e.kind === 'ack')).toHaveLength(2);
  });
});
