import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { buildTestRuntime, type TestRuntime } from '../support/test-runtime.js';
import { replyText } from '../support/reply-text.js';
import { anIncidentId } from '../support/an-incident.js';
import { NO_SUCH_INCIDENT_ID } from '../support/an-incident.js';

let core: TestRuntime;
beforeEach(async () => {
  core = await buildTestRuntime();
});
afterEach(() => core.close());

describe('/incident status', () => {
  it('shows the RTO clock, the ladder rung and the checklists of the only open incident', async () => {
    await core.router.dispatch('/incident open type2', core.as('Kim DevOps'));
    await core.clock.advance(83 * 60_000);
    const text = await replyText(await core.router.dispatch('/incident status', core.as('Lee Backend')));
    expect(text).toContain('RTO');
    expect(text).toContain('elapsed 1 h 23 min · 2 h 37 min left to the goal');
    // The impact was not given at open, so its item stays unticked.
    expect(text).toMatch(/Checklist\s*: 2\/15/);
    expect(text).toContain('[Checklist: Immediately]');
    expect(text).toContain('[Checklist: During recovery]');
    expect(text).toContain('[Checklist: After recovery]');
    expect(text).toContain(`/incident check ${anIncidentId(1)} user-notice`);
    expect(text).toMatch(/Escalation\s*: 0\. .*Kim DevOps, Park DevOps/);
  });

  it('names the person assigned to the rung\'s role first among its holders, the others in list order', async () => {
    await core.router.dispatch('/incident open type1', core.as('Kim DevOps'));
    expect(await replyText(await core.router.dispatch('/incident status', core.as('Kim DevOps')))).toMatch(/Escalation\s*: 0\. .*Kim DevOps, Park DevOps/);
    await core.router.dispatch('/incident assign devops Park DevOps', core.as('Kim DevOps'));
    expect(await replyText(await core.router.dispatch('/incident status', core.as('Kim DevOps')))).toMatch(/Escalation\s*: 0\. .*Park DevOps, Kim DevOps/);
  });

  it('says the goal is missed after 4 h and the limit is exceeded after 8 h', async () => {
    await core.router.dispatch('/incident open type1', core.as('Kim DevOps'));
    await core.clock.advance(5 * 3_600_000);
    expect(await replyText(await core.router.dispatch('/incident status', core.as('Kim DevOps')))).toContain('goal missed, 3 h 0 min left to the limit');
    await core.clock.advance(4 * 3_600_000);
    expect(await replyText(await core.router.dispatch('/incident status', core.as('Kim DevOps')))).toContain('limit exceeded');
  });

  it('asks for an id when several incidents are open and explains when none is', async () => {
    expect(await replyText(await core.router.dispatch('/incident status', core.as('Kim DevOps')))).toContain('No incident is open');
    await core.router.dispatch('/incident open type1', core.as('Kim DevOps'));
    await core.router.dispatch('/incident open type3', core.as('Kim DevOps'));
    const reply = await core.router.dispatch('/incident status', core.as('Kim DevOps'));
    expect(reply.refused).toBe(true);
    expect(await replyText(reply)).toContain(`Several incidents are open; give an id: ${anIncidentId(2)}, ${anIncidentId(1)}`);
  });

  it('refuses an unknown id', async () => {
    const reply = await core.router.dispatch(`/incident status ${NO_SUCH_INCIDENT_ID}`, core.as('Kim DevOps'));
    expect(reply.refused).toBe(true);
    expect(await replyText(reply)).toContain(`No incident ${NO_SUCH_INCIDENT_ID}`);
  });

  it('warns on the card when the host agent is offline', async () => {
    await core.router.dispatch('/incident open type1', core.as('Kim DevOps'));
    expect(await replyText(await core.router.dispatch('/incident status', core.as('Kim DevOps')))).toContain('routing-ml offline');
  });
});
