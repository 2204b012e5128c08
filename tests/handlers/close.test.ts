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

describe('/incident close', () => {
  it('closes the one resolved incident when no id is given', async () => {
    await core.router.dispatch('/incident resolve', core.as('Kim DevOps'));
    expect(await replyText(await core.router.dispatch('/incident close', core.as('Kim DevOps')))).toContain(`${ID} closed.`);
    expect((await core.store.incidents.get(ID))!.status).toBe('closed');
  });

  it('refuses to close an open incident', async () => {
    const reply = await core.router.dispatch(`/incident close ${ID}`, core.as('Kim DevOps'));
    expect(reply.refused).toBe(true);
    expect(await replyText(reply)).toContain('is open; it cannot become closed');
  });

  it('is for devops and the CTO only', async () => {
    await core.router.dispatch('/incident resolve', core.as('Kim DevOps'));
    const reply = await core.router.dispatch(`/incident close ${ID}`, core.as('Lee Backend'));
    expect(await replyText(reply)).toContain('Only devops or cto may use this command (you hold backend)');
    expect((await core.store.incidents.get(ID))!.status).toBe('resolved');
  });
});
