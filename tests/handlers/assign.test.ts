import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { TestRuntime } from '../support/test-runtime.js';
import { replyText } from '../support/reply-text.js';
import { aRuntimeWithAnIncident } from '../support/an-incident.js';

let core: TestRuntime;
/** The id of the incident beforeEach opened. */
let ID: string;
beforeEach(async () => {
  ({ core, incident: { id: ID } } = await aRuntimeWithAnIncident('type1'));
});
afterEach(() => core.close());

describe('/incident assign', () => {
  it('assigns a contact to a role they hold, and a commander', async () => {
    await core.router.dispatch(`/incident assign ${ID} backend lee backend`, core.as('Kim DevOps'));
    await core.router.dispatch(`/incident assign ${ID} commander Park DevOps`, core.as('Kim DevOps'));
    const incident = (await core.store.incidents.get(ID))!;
    expect(incident.assignments).toEqual({ backend: 'Lee Backend' });
    expect(incident.commander).toBe('Park DevOps');
  });

  it('refuses a person who does not hold the role, or is not on the list', async () => {
    const wrongRole = await core.router.dispatch(`/incident assign ${ID} cto Lee Backend`, core.as('Kim DevOps'));
    expect(await replyText(wrongRole)).toContain('Lee Backend does not hold the cto role');
    const nobody = await core.router.dispatch(`/incident assign ${ID} backend Nobody Here`, core.as('Kim DevOps'));
    expect(await replyText(nobody)).toContain('No contact named "Nobody Here"');
    expect((await core.store.incidents.get(ID))!.assignments).toEqual({});
  });
});
