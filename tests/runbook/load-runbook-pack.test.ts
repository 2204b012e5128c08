import { describe, expect, test } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { loadRunbookPack, parseRunbookPack, RunbookPackError } from '../../src/runbook/load-runbook-pack.js';
import { allSteps } from '../../src/runbook/find-step.js';
import { allChecklistItems } from '../../src/runbook/checklist-items.js';
import { aFaultType, aRunbookPack, aStep, type RunbookPackBuilder } from './a-runbook-pack.js';

const shippedPack = fileURLToPath(new URL('../../runbooks/routing-ml.yaml', import.meta.url));

/** Parses YAML expecting a RunbookPackError and returns it. */
function rejectionOf(yamlText: string): RunbookPackError {
  try {
    parseRunbookPack(yamlText, 'test.yaml');
  } catch (error) {
    if (error instanceof RunbookPackError) return error;
    throw error;
  }
  throw new Error('expected the pack to be rejected');
}

const text = (en: string) => ({ ko: en, en });
/** A complete `document:` part, with `change` applied. */
const documentPart = (change: Record<string, unknown>) => ({
  title: text('Procedure'),
  updated: '2025-10-05',
  owner: text('DevOps'),
  approver: text('CTO'),
  purpose: text('Recover quickly'),
  scope: [text('API')],
  reportTemplate: text('# Report'),
  changelog: [{ version: '1.0', date: '2025-10-05', author: text('DevOps'), change: text('First draft') }],
  ...change,
});

const pathsOf = (builder: RunbookPackBuilder) => rejectionOf(builder.toYaml()).issues.map((i) => i.path);

describe('the shipped routing-ml pack', () => {
  const pack = loadRunbookPack(shippedPack);

  test('carries the targets, ladder and time zone of the procedure', () => {
    expect(pack).toMatchObject({
      pack: 'routing-ml',
      timeZone: 'Asia/Seoul',
      host: 'routing-ml',
      rto: { goalMinutes: 240, limitMinutes: 480 },
      rpo: { goalHours: 24, limitHours: 72 },
      approvalTtlMinutes: 15,
    });
    expect(pack.ladder.map((r) => [r.level, r.afterMinutes, r.role, r.page])).toEqual([
      [0, 0, 'devops', true],
      [1, 30, 'backend', true],
      [2, 60, 'it_support', true],
      [3, 120, 'cto', true],
    ]);
  });

  test('has the five fault types with their emoji and a health check each', () => {
    expect(pack.types.map((t) => [t.id, t.emoji])).toEqual([
      [1, '🔴'],
      [2, '🟠'],
      [3, '🟡'],
      [4, '🟢'],
      [5, '🔵'],
    ]);
    for (const type of pack.types) expect(type.healthCheck).toBeDefined();
  });

  test('marks exactly the host-wide container removal and the port-owner kills destructive', () => {
    const destructive = pack.types.flatMap((t) => allSteps(t).filter((s) => s.step.destructive).map((s) => `${t.id}:${s.step.id}`));
    expect(destructive).toEqual(['4:remove-all-containers', '4:kill-port-owner-8000', '4:kill-port-owner-5173']);
  });

  test('keeps the checklist item ids the engine ticks', () => {
    expect(allChecklistItems(pack).map(({ list, item }) => `${list}.${item.id}`)).toEqual([
      'immediate.record-time',
      'immediate.identify-type',
      'immediate.impact-scope',
      'immediate.user-notice',
      'immediate.log-snapshot',
      'during.cause-identified',
      'during.method-chosen',
      'during.backup-checked',
      'during.recovery-executed',
      'during.health-check-passed',
      'after.service-verified',
      'after.user-notice-recovered',
      'after.report-written',
      'after.prevention-measures',
      'after.docs-updated',
    ]);
    expect(pack.checklists.immediate.find((i) => i.id === 'log-snapshot')?.action).toBe('log_snapshot');
    expect(pack.scheduled.weekly.cron).toBe('0 10 * * 1');
    expect(pack.scheduled.weekly.items.map((i) => i.id)).toEqual(['health-endpoint', 'disk-usage', 'backup-fresh', 'log-size']);
    expect(pack.scheduled.monthly.cron).toBe('0 10 1 * *');
    expect(pack.scheduled.monthly.items.map((i) => i.id)).toEqual(['dr-drill', 'backup-restore-test', 'contacts-review', 'procedure-review']);
  });

  test('gives every host-changing step a rollback point and someone to approve it', () => {
    for (const type of pack.types) {
      for (const { step } of allSteps(type)) {
        if (step.mutates) {
          expect([type.id, step.id, step.rollbackPoint !== undefined, step.approvers.length > 0]).toEqual([type.id, step.id, true, true]);
        }
        if (step.action === 'manual') expect([type.id, step.id, step.mutates, step.approvers]).toEqual([type.id, step.id, false, []]);
      }
    }
  });
});

describe('parseRunbookPack', () => {
  test('accepts the builder default and fills schema defaults', () => {
    const pack = parseRunbookPack(aRunbookPack().toYaml(), 'test.yaml');
    expect(pack.host).toBe('routing-ml');
    expect(pack.types[0]?.diagnostics[0]?.timeoutSeconds).toBe(60);
  });

  test('reports schema problems with their dotted path, line, code and a message listing each', () => {
    const error = rejectionOf(aRunbookPack().withTypes(aFaultType(1).withStageStep(1, aStep('bad').withAction('Not An Action'))).toYaml());
    expect(error.code).toBe('RUNBOOK_INVALID');
    expect(error.issues.map((i) => i.path)).toEqual(['types.0.stages.0.steps.1.action']);
    expect(error.issues[0]?.line).toBeGreaterThan(1);
    expect(error.message).toContain('test.yaml');
    expect(error.message).toContain('types.0.stages.0.steps.1.action: ');
  });

  test('reports a YAML syntax error with its line and column', () => {
    const error = rejectionOf('pack: test\ntitle: { ko: a, en: b\nversion: "1"\n');
    expect(error.issues[0]).toMatchObject({ path: '', line: 3, column: 1 });
    expect(error.issues[0]?.message).toMatch(/^YAML syntax error: /);
    expect(error.message).toContain('(document): YAML syntax error: ');
    expect(error.message).toContain('(line 3, column 1)');
  });

  test('reports a duplicate YAML key as a syntax error on its line', () => {
    const error = rejectionOf('pack: a\npack: b\n');
    expect(error.issues[0]).toMatchObject({ line: 2, column: 1 });
    expect(error.issues[0]?.message).toMatch(/unique/i);
  });

  test('says a required field is missing', () => {
    const error = rejectionOf(aRunbookPack().with('types', [{ id: 1 }]).toYaml());
    expect(error.issues.find((i) => i.path === 'types.0.emoji')?.message).toBe('missing; expected string');
  });

  test('reports an empty document as not a pack', () => {
    expect(rejectionOf('').issues[0]?.path).toBe('');
  });

  const stageStep = (step: ReturnType<typeof aStep>) => aRunbookPack().withTypes(aFaultType(1).withStageStep(1, step));

  test.each<[string, RunbookPackBuilder, string]>([
    ['an action outside the catalog', stageStep(aStep('extra-step').withAction('reboot_host')), 'types.0.stages.0.steps.1.action'],
    ['a param the action does not take', stageStep(aStep('extra-step').withAction('ping', { host: 'frontend', count: 3 })), 'types.0.stages.0.steps.1.params.count'],
    ['a param on a manual step', stageStep(aStep('extra-step').withAction('manual', { who: 'it' })), 'types.0.stages.0.steps.1.params.who'],
    [
      'a host-changing action not marked mutates',
      stageStep(aStep('extra-step').withAction('process_restart', { process: 'backend' }).with('approvers', ['devops'])),
      'types.0.stages.0.steps.1.mutates',
    ],
    ['a destructive action not marked destructive', stageStep(aStep('extra-step').withAction('remove_all_containers').mutating(['devops', 'cto'])), 'types.0.stages.0.steps.1.destructive'],
    ['a duplicate type id', aRunbookPack().withTypes(aFaultType(1), aFaultType(1).withAliases('other')), 'types.1.id'],
    [
      'a step id used twice in one type across sections',
      aRunbookPack().withTypes(aFaultType(1).withRollback(aStep('check-health').withAction('http_health', { target: 'backend' }))),
      'types.0.rollback.0.id',
    ],
    ['a health check that is not a diagnostic', aRunbookPack().withTypes(aFaultType(1).withHealthCheck('restart-predictor')), 'types.0.healthCheck'],
    ['an alias used by two types', aRunbookPack().withTypes(aFaultType(1).withAliases('db'), aFaultType(2).withAliases('DB ')), 'types.1.aliases.0'],
    ['an alias that looks like a type number', aRunbookPack().withTypes(aFaultType(1).withAliases('t2')), 'types.0.aliases.0'],
    ['a ladder out of order', aRunbookPack().withLadder({ level: 0, afterMinutes: 0 }, { level: 1, afterMinutes: 60 }, { level: 2, afterMinutes: 30 }), 'ladder.2.afterMinutes'],
    ['a ladder that does not start at 0 minutes', aRunbookPack().withLadder({ level: 0, afterMinutes: 5 }, { level: 1, afterMinutes: 30 }), 'ladder.0.afterMinutes'],
    ['a ladder with a gap in its levels', aRunbookPack().withLadder({ level: 0, afterMinutes: 0 }, { level: 2, afterMinutes: 30 }), 'ladder.1.level'],
    ['a checklist id used in two lists', aRunbookPack().withChecklistItem('after', { id: 'record-time' }), 'checklists.after.1.id'],
    ['a checklist item with a host-changing action', aRunbookPack().withChecklistItem('during', { id: 'restart', action: 'compose_down' }), 'checklists.during.1.action'],
    ['a scheduled item with an unknown param', aRunbookPack().withScheduledItem('weekly', { id: 'disk', action: 'disk_usage', params: { mount: 'root' } }), 'scheduled.weekly.items.1.params.mount'],
    ['a scheduled item id used twice', aRunbookPack().withScheduledItem('monthly', { id: 'dr-drill' }), 'scheduled.monthly.items.1.id'],
    ['an invalid cron', aRunbookPack().withCron('weekly', '0 25 * * 1'), 'scheduled.weekly.cron'],
    ['an unknown time zone', aRunbookPack().with('timeZone', 'Asia/Nowhere'), 'timeZone'],
    ['an RTO goal past its limit', aRunbookPack().with('rto', { goalMinutes: 600, limitMinutes: 480 }), 'rto.goalMinutes'],
    ['a document date that is not YYYY-MM-DD', aRunbookPack().with('document', documentPart({ updated: 'last week' })), 'document.updated'],
    ['a document role that is not a role', aRunbookPack().with('document', documentPart({ roles: { janitor: { label: text('x'), title: text('x') } } })), 'document.roles'],
    ['a step that reaches a role that does not exist', stageStep(aStep('extra-step').withAction('manual').with('doc', { contact: { role: 'janitor' } })), 'types.0.stages.0.steps.1.doc.contact.role'],
    ['a field the step doc does not know', stageStep(aStep('extra-step').withAction('manual').with('doc', { heading: null, colour: 'red' })), 'types.0.stages.0.steps.1.doc'],
  ])('rejects %s', (_name, builder, path) => {
    expect(pathsOf(builder)).toEqual([path]);
  });

  test('lists every problem at once', () => {
    const builder = aRunbookPack()
      .withTypes(aFaultType(1).withHealthCheck('nope').withDiagnostic(aStep('extra-step').withAction('ping', { port: 1 })))
      .withCron('monthly', '99 99 * * *');
    expect(pathsOf(builder)).toEqual(['types.0.diagnostics.1.params.port', 'types.0.healthCheck', 'scheduled.monthly.cron']);
  });
});

describe('loadRunbookPack', () => {
  test('names the missing file in a RunbookPackError', () => {
    expect(() => loadRunbookPack('/nonexistent/pack.yaml')).toThrow(RunbookPackError);
    expect(() => loadRunbookPack('/nonexistent/pack.yaml')).toThrow(/pack\.yaml.*\n.*cannot read the file/);
  });
});
