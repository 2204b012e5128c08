import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { buildTestRuntime, type TestRuntime } from '../support/test-runtime.js';
import { replyText } from '../support/reply-text.js';

let core: TestRuntime;
beforeEach(async () => {
  core = await buildTestRuntime();
});
afterEach(() => core.close());

describe('/incident help', () => {
  it('lists the usage of every verb drbot handles', async () => {
    const text = await replyText(await core.router.dispatch('/incident help', core.as('Kim DevOps')));
    for (const spec of core.router.verbs()) expect(text).toContain(spec.usage);
    expect(text).toContain('[id] may be left out when exactly one incident is open');
  });

  it('shows one verb and refuses an unknown one', async () => {
    expect(await replyText(await core.router.dispatch('/incident help approve', core.as('Kim DevOps')))).toContain('/incident approve [id] <step|number>');
    expect((await core.router.dispatch('/incident help fly', core.as('Kim DevOps'))).refused).toBe(true);
  });

  it('answers an unknown verb with a pointer to help', async () => {
    const reply = await core.router.dispatch('/incident reboot-everything now', core.as('Kim DevOps'));
    expect(reply.refused).toBe(true);
    expect(await replyText(reply)).toBe('Unknown command "reboot-everything". Type `/incident help` for the list.');
  });
});
