import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { TestRuntime } from '../support/test-runtime.js';
import { replyText } from '../support/reply-text.js';
import { aRuntimeWithAnIncident, anIncidentId } from '../support/an-incident.js';

let core: TestRuntime;
beforeEach(async () => {
  ({ core } = await aRuntimeWithAnIncident('type1'));
});
afterEach(() => core.close());

describe('/incident escalate', () => {
  it('moves the next unfired rung to now', async () => {
    await core.clock.advance(5 * 60_000);
    const text = await replyText(await core.router.dispatch('/incident escalate', core.as('Kim DevOps')));
    expect(text).toContain('paging level 1');
    const timer = (await core.store.timers.forIncident(anIncidentId(1))).find((t) => t.kind === 'ladder-1')!;
    expect(timer.dueAt).toBe(core.clock.now());
    expect(timer.payload).toMatchObject({ level: 1, manual: true, by: 'Kim DevOps' });
  });

  it('refuses on a cancelled incident', async () => {
    await core.router.dispatch(`/incident cancel ${anIncidentId(1)} test`, core.as('Kim DevOps'));
    const reply = await core.router.dispatch(`/incident escalate ${anIncidentId(1)}`, core.as('Kim DevOps'));
    expect(reply.refused).toBe(true);
    expect(await replyText(reply)).toContain('is not open (cancelled)');
  });
});
