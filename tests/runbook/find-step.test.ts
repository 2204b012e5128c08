import { describe, expect, test } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { allSteps, findStep } from '../../src/runbook/find-step.js';
import { loadRunbookPack } from '../../src/runbook/load-runbook-pack.js';

const pack = loadRunbookPack(fileURLToPath(new URL('../../runbooks/routing-ml.yaml', import.meta.url)));
const type = (id: number) => {
  const found = pack.types.find((t) => t.id === id);
  if (!found) throw new Error(`no type ${id}`);
  return found;
};

describe('findStep', () => {
  test('finds a step in every kind of section, with its stage number', () => {
    expect(findStep(type(1), 'check-process')).toMatchObject({ section: 'diagnostics', step: { action: 'process_running' } });
    expect(findStep(type(1), 'restart-predictor')).toMatchObject({ section: 'stage', stage: 1, step: { action: 'compose_service_restart' } });
    expect(findStep(type(5), 'restart-predictor')).toMatchObject({ section: 'stage', stage: 3 });
    expect(findStep(type(1), 'checkout-stable')).toMatchObject({ section: 'rollback' });
    expect(findStep(type(2), 'enable-read-only-mode')).toMatchObject({ section: 'temporary' });
    expect(findStep(type(4), 'kill-port-owner-8000')).toMatchObject({ section: 'portConflict', step: { destructive: true } });
  });

  test('ignores case and surrounding space and returns undefined for an unknown id', () => {
    expect(findStep(type(1), ' Check-Process ')?.step.id).toBe('check-process');
    expect(findStep(type(1), 'restore-db-from-yesterday')).toBeUndefined();
  });
});

describe('allSteps', () => {
  test('lists diagnostics, stages in order, then rollback', () => {
    expect(allSteps(type(1)).map((s) => `${s.section}${s.stage ?? ''}:${s.step.id}`)).toEqual([
      'diagnostics:check-process',
      'diagnostics:tail-backend-log',
      'diagnostics:check-port-8000',
      'diagnostics:check-health',
      'stage1:restart-predictor',
      'stage1:restart-backend-local',
      'stage2:verify-health',
      'stage3:watch-backend-log',
      'rollback:checkout-stable',
      'rollback:rebuild-predictor',
    ]);
  });

  test('includes the port-conflict steps last', () => {
    expect(allSteps(type(4)).slice(-4).map((s) => s.section)).toEqual(['portConflict', 'portConflict', 'portConflict', 'portConflict']);
  });
});
