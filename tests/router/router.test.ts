import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Router } from '../../src/router/router.js';
import { parsePrometheusText, sampleValue } from '../metrics/parse-prometheus-text.js';
import { replyText } from '../support/reply-text.js';
import { buildTestRuntime, type TestRuntime } from '../support/test-runtime.js';
import { NO_SUCH_INCIDENT_ID } from '../support/an-incident.js';

let core: TestRuntime;
beforeEach(async () => {
  core = await buildTestRuntime();
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
    expect(await replyText(reply)).toMatch(/Something went wrong handling the command \(error id [0-9a-f]{8}\)/);
    expect(await replyText(reply)).not.toContain('disk on fire');
    expect((await core.router.dispatch('/incident list', core.as('Kim DevOps'))).refused).toBeFalsy();
  });

  it('says the store does not answer when the database is unreachable, and stays usable', async () => {
    const router = new Router(core, {
      list: async () => {
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      },
    });
    const reply = await router.dispatch('/incident list', core.as('Kim DevOps'));
    expect(reply.refused).toBe(true);
    expect(await replyText(reply)).toMatch(/The store \(database\) does not answer right now \(error id [0-9a-f]{8}\).*run the command again in a moment/);
    expect(await replyText(reply)).not.toContain('5432');
    expect((await core.router.dispatch('/incident list', core.as('Kim DevOps'))).refused).toBeFalsy();
  });

  it('only knows verbs that have a handler', async () => {
    const router = new Router(core, {});
    expect(await replyText(await router.dispatch('/incident list', core.as('Kim DevOps')))).toContain('Unknown command "list"');
  });

  it("reports each command to the runtime's metrics with its outcome", async () => {
    const measured = await buildTestRuntime({ metrics: true });
    try {
      await measured.router.dispatch('/incident list', measured.as('Kim DevOps'));
      await measured.router.dispatch('/incident nonsense', measured.as('Kim DevOps'));
      await measured.router.dispatch(`/incident status ${NO_SUCH_INCIDENT_ID}`, measured.as('Kim DevOps'));
      const families = parsePrometheusText((await measured.metrics!.exposition()).text);
      const count = (verb: string, outcome: string) => sampleValue(families, 'drbot_command_duration_seconds_count', { verb, outcome });
      expect([count('list', 'ok'), count('invalid', 'refused'), count('status', 'refused')]).toEqual([1, 1, 1]);
      expect(count('list', 'refused')).toBeUndefined();
    } finally {
      await measured.close();
    }
  });
});
