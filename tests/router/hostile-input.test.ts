import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { findFaultType } from '../../src/runbook/find-fault-type.js';
import { matchStep } from '../../src/runbook/find-step.js';
import { replyText } from '../support/reply-text.js';
import { storeDigest } from '../support/store-digest.js';
import { ScriptedAgentPort } from '../support/fake-agent-port.js';
import { buildTestRuntime, type TestRuntime } from '../support/test-runtime.js';

let core: TestRuntime;
let agent: ScriptedAgentPort;
let baseline: string;

beforeAll(async () => {
  agent = new ScriptedAgentPort();
  core = await buildTestRuntime({ agents: agent });
  // One real incident, so hostile commands have something to damage.
  await core.router.dispatch('/incident open type2', core.as('Kim DevOps'));
  baseline = await storeDigest(core.store);
});
afterAll(() => core.close());

const META = [';', '|', '&', '$(', '`', '>', '<', '\\', '"', "'", '*', '?', '~', '../', '\n', '\u0000', '%00', '${IFS}'];
const MUTATING_VERBS = ['open', 'approve', 'run', 'check', 'ack', 'escalate', 'assign', 'note', 'resolve', 'close', 'cancel', 'diag'];

/** Words that never name an existing incident, a real fault type or a real step. */
const garbage = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(...META).chain((m) => fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })).map(([a, b]) => `${a}${m}${b}`)),
  fc.integer({ min: 0, max: 99_999_999 }).map((n) => `INC-2099${String(n).padStart(8, '0').slice(0, 4)}-${String(n % 1000).padStart(3, '0')}`),
);

const hostileLine = fc.oneof(
  fc.constant(''),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.nat({ max: 12_000 }).map((n) => 'x'.repeat(10_000 + n)),
  fc.tuple(fc.constantFrom('/incident', 'incident', ''), fc.string({ minLength: 1, maxLength: 20 }).filter((v) => !/^\s*$/.test(v)), fc.array(garbage, { maxLength: 6 })).map(
    ([p, verb, args]) => `${p} ${verb} ${args.join(' ')}`,
  ),
  fc.tuple(fc.constantFrom(...MUTATING_VERBS), fc.array(garbage, { maxLength: 5 })).map(([verb, args]) => `/incident ${verb} ${args.join(' ')}`),
);

/** Lines that would legitimately change state: excluded, since the property is about hostile input only. */
function couldBeValid(line: string): boolean {
  const words = line.trim().split(/\s+/);
  if (words[0]?.match(/^\/?incident$/i)) words.shift();
  const verb = words[0]?.toLowerCase();
  if (verb === 'open') return words[1] !== undefined && findFaultType(core.pack, words[1]) !== undefined;
  // Verbs whose id is optional act on the one open incident when the next word is not an id.
  if (verb === 'resolve' || verb === 'ack' || verb === 'escalate' || verb === 'diag') return !/^INC-2099/i.test(words[1] ?? '') || verb === 'diag';
  if (/^INC-2099/i.test(words[1] ?? '')) return false;
  // A note or a cancel reason is any text; a step or checklist item may be named by number or prefix.
  if (verb === 'note' || verb === 'cancel') return words.length > 1;
  const type = core.pack.types.find((t) => t.id === 2)!;
  if (verb === 'approve' || verb === 'run') return words[1] !== undefined && matchStep(type, words[1].toLowerCase()).kind !== 'none';
  if (verb === 'check') return words[1] !== undefined && /^\d+$/.test(words[1]);
  return false;
}

describe('hostile command lines', () => {
  it('get a clear message and leave the store unchanged (1,000+ cases)', async () => {
    await fc.assert(
      fc.asyncProperty(hostileLine, fc.constantFrom('Kim DevOps', 'Jung CTO', 'Lee Backend'), async (line, who) => {
        fc.pre(!couldBeValid(line));
        const reply = await core.router.dispatch(line, core.as(who));
        const text = await replyText(reply);
        expect(text.length).toBeGreaterThan(0);
        expect(text.length).toBeLessThan(20_000);
        expect(await storeDigest(core.store)).toBe(baseline);
        expect(agent.requests.filter((r) => r.approvalId)).toHaveLength(0);
      }),
      { numRuns: 1200 },
    );
  });

  // Lines as a person might type them: the ids in them are typed input (some of no incident), not incidents of this runtime.
  it.each([
    [''],
    ['   '],
    ['x'.repeat(10_240)],
    ['/incident open type2; rm -rf /'],
    ['/incident approve INC-20261124-001 $(reboot)'],
    ['/incident approve INC-20261124-001 ../../etc/passwd'],
    ['/incident status INC-20991231-999'],
    ['/incident 🔥🔥🔥'],
    ['/incident open 타입9'],
    ['/incident check INC-20261124-001 `id`'],
    ['/incident cancel INC-20991231-999 because'],
  ])('%j is refused with a message', async (line) => {
    const reply = await core.router.dispatch(line, core.as('Kim DevOps'));
    expect(reply.refused).toBe(true);
    expect(await replyText(reply)).not.toBe('');
    expect(await storeDigest(core.store)).toBe(baseline);
  });
});
