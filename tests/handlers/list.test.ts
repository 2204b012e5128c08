import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { buildTestRuntime, type TestRuntime } from '../support/test-runtime.js';
import { replyText } from '../support/reply-text.js';
import { anIncidentId } from '../support/an-incident.js';

let core: TestRuntime;
beforeEach(async () => {
  core = await buildTestRuntime();
});
afterEach(() => core.close());

describe('/incident list', () => {
  it('lists open incidents and, with `all`, the finished ones too', async () => {
    expect(await replyText(await core.router.dispatch('/incident list', core.as('Kim DevOps')))).toBe('No open incidents.');
    await core.router.dispatch('/incident open type1', core.as('Kim DevOps'));
    await core.router.dispatch('/incident open type4', core.as('Kim DevOps'));
    await core.router.dispatch(`/incident cancel ${anIncidentId(1)} duplicate`, core.as('Kim DevOps'));
    const open = await replyText(await core.router.dispatch('/incident list', core.as('Kim DevOps')));
    expect(open).toContain('Open incidents (1)');
    expect(open).toContain(`${anIncidentId(2)} · Type 4`);
    expect(open).not.toContain(anIncidentId(1));
    const all = await replyText(await core.router.dispatch('/incident list all', core.as('Kim DevOps')));
    expect(all).toContain('All incidents (2)');
    expect(all).toContain(`${anIncidentId(1)} · Type 1`);
    expect(all).toContain('cancelled');
  });

  it('is open to anyone (read-only)', async () => {
    const stranger = { platform: 'slack' as const, userId: 'U999', name: 'stranger', roles: [] };
    expect((await core.router.dispatch('/incident list', stranger)).refused).toBeFalsy();
  });
});
