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

describe('/incident check', () => {
  it('ticks an item by id, once', async () => {
    expect(await replyText(await core.router.dispatch(`/incident check ${ID} cause-identified`, core.as('Lee Backend')))).toContain('☑ cause-identified ticked');
    expect(await replyText(await core.router.dispatch(`/incident check ${ID} cause-identified`, core.as('Kim DevOps')))).toContain('was already ticked');
    const tick = (await core.store.incidents.checklist(ID)).find((t) => t.itemId === 'cause-identified')!;
    expect(tick.doneBy).toBe('Lee Backend');
  });

  it('ticks an item by its number across the three lists', async () => {
    await core.router.dispatch(`/incident check ${ID} 4`, core.as('Kim DevOps'));
    expect((await core.store.incidents.checklist(ID)).map((t) => t.itemId)).toContain('user-notice');
  });

  it('refuses an unknown item with the list of ids', async () => {
    const reply = await core.router.dispatch(`/incident check ${ID} coffee`, core.as('Kim DevOps'));
    expect(reply.refused).toBe(true);
    expect(await replyText(reply)).toContain('No checklist item "coffee". Items: record-time');
  });
});
