import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Router } from '../../src/router/router.js';
import { replyText } from '../support/reply-text.js';
import { buildTestCore, type TestCore } from '../support/test-core.js';

let core: TestCore;
beforeEach(async () => {
  core = await buildTestCore();
});
afterEach(() => core.close());

describe('Router', () => {
  it('turns an unexpected handler failure into a short reply with an error id, and stays usable', async () => {
    const router = new Router(core, {
      list: async () => {
        throw new Error('disk on fire');
      },
    });
    const reply = await router.dispatch('/incident list', core.as('Kim DevOps'));
    expect(reply.refused).toBe(true);
    expect(replyText(reply)).toMatch(/Something went wrong handling the command \(error id [0-9a-f]{8}\)/);
    expect(replyText(reply)).not.toContain('disk on fire');
    expect((await core.router.dispatch('/incident list', core.as('Kim DevOps'))).refused).toBeFalsy();
  });

  it('only knows verbs that have a handler', async () => {
    const router = new Router(core, {});
    expect(replyText(await router.dispatch('/incident list', core.as('Kim DevOps')))).toContain('Unknown command "list"');
  });

  it('reports each command to the observer with its outcome', async () => {
    const seen: [string, string][] = [];
    core.router.observe((verb, outcome) => seen.push([verb, outcome]));
    await core.router.dispatch('/incident list', core.as('Kim DevOps'));
    await core.router.dispatch('/incident nonsense', core.as('Kim DevOps'));
    await core.router.dispatch('/incident status INC-20991231-001', core.as('Kim DevOps'));
    expect(seen).toEqual([
      ['list', 'ok'],
      ['invalid', 'refused'],
      ['status', 'refused'],
    ]);
  });
});
