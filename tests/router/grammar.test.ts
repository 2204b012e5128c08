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

const ID = 'INC-20261126-001';

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
    [['status', 'inc-20261126-001'], { verb: 'status', id: ID }],
    [['diag'], { verb: 'diag', id: undefined, step: undefined }],
    [['diag', ID, 'check-db-file'], { verb: 'diag', id: ID, step: 'check-db-file' }],
    [['diag', 'check-db-file'], { verb: 'diag', id: undefined, step: 'check-db-file' }],
    [['approve', ID, 'restart-predictor'], { verb: 'approve', id: ID, step: 'restart-predictor' }],
    [['run', ID, 'check-health'], { verb: 'run', id: ID, step: 'check-health' }],
    [['check', ID, 'user-notice'], { verb: 'check', id: ID, item: 'user-notice' }],
    [['check', ID, '4'], { verb: 'check', id: ID, item: '4' }],
    [['ack'], { verb: 'ack', id: undefined }],
    [['escalate', ID], { verb: 'escalate', id: ID }],
    [['assign', ID, 'backend', 'Lee', 'Backend'], { verb: 'assign', id: ID, role: 'backend', person: 'Lee Backend' }],
    [['note', ID, 'restarted', 'nginx'], { verb: 'note', id: ID, text: 'restarted nginx' }],
    [['resolve'], { verb: 'resolve', id: undefined, cause: '' }],
    [['resolve', ID, 'disk', 'full'], { verb: 'resolve', id: ID, cause: 'disk full' }],
    [['resolve', 'disk', 'full'], { verb: 'resolve', id: undefined, cause: 'disk full' }],
    [['close'], { verb: 'close', id: undefined }],
    [['cancel', ID, 'false', 'alarm'], { verb: 'cancel', id: ID, reason: 'false alarm' }],
    // The id may be left out (the one open incident); steps by number or prefix, items by number.
    [['approve', '2'], { verb: 'approve', id: undefined, step: '2' }],
    [['approve', ID, 'restore-db-from-yesterday', '20261127'], { verb: 'approve', id: ID, step: 'restore-db-from-yesterday', choice: '20261127' }],
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
    [['set', ID, 'impact', '부분'], { verb: 'set', id: ID, change: { field: 'impact', scope: 'partial' } }],
    [['set', 'started', '02:40'], { verb: 'set', id: undefined, change: { field: 'started', when: '02:40' } }],
    [['reopen', ID], { verb: 'reopen', id: ID }],
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
    [['status', ID, 'extra']],
    [['diag', ID, 'Bad_Step!']],
    [['approve']],
    [['approve', ID]],
    // A word after the step is a target choice (checked against the agent's list); two are too many.
    [['approve', ID, 'restart-predictor', 'now', 'later']],
    [['approve', ID, 'restore-db', 'a;b']],
    [['run', ID, '$(reboot)']],
    [['check', ID]],
    [['check', ID, 'a;b']],
    [['assign', ID, 'janitor', 'Kim']],
    [['assign', ID, 'backend']],
    [['note', ID]],
    [['cancel', ID]],
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
