import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { buildTestRuntime, type TestRuntime } from '../support/test-runtime.js';
import { anIncidentId } from '../support/an-incident.js';

describe('/incident note', () => {
  let core: TestRuntime;
  beforeEach(async () => {
    core = await buildTestRuntime();
    await core.router.dispatch('/incident open type5', core.as('Kim DevOps'));
  });
  afterEach(() => core.close());

  it('appends the text, verbatim, to the timeline with its author', async () => {
    await core.router.dispatch(`/incident note ${anIncidentId(1)} model.pkl is 0 bytes; $(rm -rf /) stays text`, core.as('Lee Backend'));
    const entry = (await core.store.incidents.timeline(anIncidentId(1))).at(-1)!;
    expect(entry).toMatchObject({ kind: 'note', actor: 'Lee Backend', text: 'model.pkl is 0 bytes; $(rm -rf /) stays text' });
  });
});
