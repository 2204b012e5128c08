import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { packageRoot } from '../../src/config/package-root.js';
import { pick } from '../../src/i18n/lang.js';
import { GRAMMAR, isParseError, verbSpec } from '../../src/router/grammar.js';
import { Command } from '../../src/router/command.js';
import { loadRunbookPack } from '../../src/runbook/load-runbook-pack.js';
import type { RunbookPack } from '../../src/runbook/pack-schema.js';

let pack: RunbookPack;
beforeAll(() => {
  pack = loadRunbookPack(join(packageRoot(), 'runbooks/routing-ml.yaml'));
});

function parse(verb: string, ...args: string[]) {
  const spec = verbSpec(verb);
  if (!spec) throw new Error(`no verb ${verb}`);
  return spec.parse(args, pack);
}

/** An incident id as a person types it: the input these parses are about, not an incident of a runtime. */
const TYPED_ID = 'INC-20261126-001';

describe('grammar: valid commands parse into typed commands', () => {
  it.each([
    [['open', 'type2'], { verb: 'open', type: 2, note: '' }],
    [['open', '2', 'partial', 'DB', 'down'], { verb: 'open', type: 2, scope: 'partial', note: 'DB down' }],
    [['open', 'db', '부분'], { verb: 'open', type: 2, scope: 'partial', note: '' }],
    [['open', 'network', 'feature'], { verb: 'open', type: 3, scope: 'feature', note: '' }],
    [['open', 'docker'], { verb: 'open', type: 4, note: '' }],
    [['open', 'model', 'retrain', 'failed'], { verb: 'open', type: 5, note: 'retrain failed' }],
    [['open', 'api', 'full'], { verb: 'open', type: 1, scope: 'full', note: '' }],
    [['list'], { verb: 'list', all: false }],
    [['list', 'ALL'], { verb: 'list', all: true }],
    [['status'], { verb: 'status', id: undefined }],
    [['status', 'inc-20261126-001'], { verb: 'status', id: TYPED_ID }],
    [['diag'], { verb: 'diag', id: undefined, step: undefined }],
    [['diag', TYPED_ID, 'check-db-file'], { verb: 'diag', id: TYPED_ID, step: 'check-db-file' }],
    [['diag', 'check-db-file'], { verb: 'diag', id: undefined, step: 'check-db-file' }],
    [['approve', TYPED_ID, 'restart-predictor'], { verb: 'approve', id: TYPED_ID, step: 'restart-predictor' }],
    [['run', TYPED_ID, 'check-health'], { verb: 'run', id: TYPED_ID, step: 'check-health' }],
    [['check', TYPED_ID, 'user-notice'], { verb: 'check', id: TYPED_ID, item: 'user-notice' }],
    [['check', TYPED_ID, '4'], { verb: 'check', id: TYPED_ID, item: '4' }],
    [['ack'], { verb: 'ack', id: undefined }],
    [['escalate', TYPED_ID], { verb: 'escalate', id: TYPED_ID }],
    [['assign', TYPED_ID, 'backend', 'Lee', 'Backend'], { verb: 'assign', id: TYPED_ID, role: 'backend', person: 'Lee Backend' }],
    [['note', TYPED_ID, 'restarted', 'nginx'], { verb: 'note', id: TYPED_ID, text: 'restarted nginx' }],
    [['resolve'], { verb: 'resolve', id: undefined, cause: '' }],
    [['resolve', TYPED_ID, 'disk', 'full'], { verb: 'resolve', id: TYPED_ID, cause: 'disk full' }],
    [['resolve', 'disk', 'full'], { verb: 'resolve', id: undefined, cause: 'disk full' }],
    [['close'], { verb: 'close', id: undefined }],
    [['cancel', TYPED_ID, 'false', 'alarm'], { verb: 'cancel', id: TYPED_ID, reason: 'false alarm' }],
    // The id may be left out (the one open incident); steps by number or prefix, items by number.
    [['approve', '2'], { verb: 'approve', id: undefined, step: '2' }],
    [['approve', TYPED_ID, 'restore-db-from-yesterday', '20261127'], { verb: 'approve', id: TYPED_ID, step: 'restore-db-from-yesterday', choice: '20261127' }],
    [['approve', '6', 'v20250901', 'plan:0123456789ab', 'again'], { verb: 'approve', id: undefined, step: '6', choice: 'v20250901', shown: '0123456789ab', again: true }],
    [['plan', 'checkout-stable', 'stable'], { verb: 'plan', id: undefined, step: 'checkout-stable', choice: 'stable' }],
    [['approve', 'restart-b'], { verb: 'approve', id: undefined, step: 'restart-b' }],
    [['run', 'check-health'], { verb: 'run', id: undefined, step: 'check-health' }],
    [['check', '4'], { verb: 'check', id: undefined, item: '4' }],
    [['note', 'restarted', 'nginx'], { verb: 'note', id: undefined, text: 'restarted nginx' }],
    [['assign', 'backend', 'Lee', 'Backend'], { verb: 'assign', id: undefined, role: 'backend', person: 'Lee Backend' }],
    [['notify', 'outage'], { verb: 'notify', id: undefined, kind: 'outage', text: '' }],
    [['cancel', 'yesterday', 'oops'], { verb: 'cancel', id: undefined, reason: 'yesterday oops' }],
    [['set', 'type', 'network'], { verb: 'set', id: undefined, change: { field: 'type', type: 3 } }],
    [['set', TYPED_ID, 'impact', '부분'], { verb: 'set', id: TYPED_ID, change: { field: 'impact', scope: 'partial' } }],
    [['set', 'started', '02:40'], { verb: 'set', id: undefined, change: { field: 'started', when: '02:40' } }],
    [['reopen', TYPED_ID], { verb: 'reopen', id: TYPED_ID }],
    [['help', 'OPEN'], { verb: 'help', topic: 'open' }],
  ])('%j', (words, expected) => {
    const [verb, ...args] = words as string[];
    const parsed = parse(verb!, ...args);
    expect(isParseError(parsed)).toBe(false);
    expect(parsed).toEqual(expected);
    expect(Command.safeParse(parsed).success).toBe(true);
  });
});

describe('grammar: malformed commands get a reason', () => {
  it.each([
    [['open']],
    [['open', 'type9']],
    [['open', 'printer']],
    [['list', 'everything']],
    [['status', TYPED_ID, 'extra']],
    [['diag', TYPED_ID, 'Bad_Step!']],
    [['approve']],
    [['approve', TYPED_ID]],
    // A word after the step is a target choice (checked against the agent's list); two are too many.
    [['approve', TYPED_ID, 'restart-predictor', 'now', 'later']],
    [['approve', TYPED_ID, 'restore-db', 'a;b']],
    [['run', TYPED_ID, '$(reboot)']],
    [['check', TYPED_ID]],
    [['check', TYPED_ID, 'a;b']],
    [['assign', TYPED_ID, 'janitor', 'Kim']],
    [['assign', TYPED_ID, 'backend']],
    [['note', TYPED_ID]],
    [['cancel', TYPED_ID]],
    [['set']],
    [['set', 'type', 'printer']],
    [['set', 'impact', 'huge']],
    [['set', 'started']],
    [['set', 'colour', 'red']],
    [['reopen']],
    [['approve', 'Bad_Step!']],
  ])('%j', (words) => {
    const [verb, ...args] = words as string[];
    const parsed = parse(verb!, ...args);
    expect(isParseError(parsed)).toBe(true);
    if (isParseError(parsed)) {
      expect(pick('en', parsed).length).toBeGreaterThan(5);
      expect(pick('ko', parsed).length).toBeGreaterThan(5);
    }
  });

  it('every verb has a usage line starting with /incident and a summary in both languages', () => {
    for (const spec of GRAMMAR) {
      expect(spec.usage.startsWith(`/incident ${spec.verb}`)).toBe(true);
      expect(spec.summary.ko).not.toBe('');
      expect(spec.summary.en).not.toBe('');
    }
  });
});
