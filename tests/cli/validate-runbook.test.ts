import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateRunbook } from '../../src/cli/validate-runbook.js';
import { aFaultType, aRunbookPack, aStep } from '../runbook/a-runbook-pack.js';

const shippedPack = fileURLToPath(new URL('../../runbooks/routing-ml.yaml', import.meta.url));

describe('validateRunbook', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'drbot-validate-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('summarises the shipped pack in one line, in either language', () => {
    const en = validateRunbook(shippedPack, 'en');
    expect(en.ok).toBe(true);
    expect(en.text).toMatch(/runbook pack routing-ml OK — 5 types, \d+ steps, 4 ladder rungs$/);
    expect(en.text.split('\n')).toHaveLength(1);
    expect(validateRunbook(shippedPack, 'ko').text).toMatch(/장애 유형 5개, 단계 \d+개, 에스컬레이션 4단계$/);
  });

  test('lists each bad field with its path', () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, aRunbookPack().withTypes(aFaultType(1).withHealthCheck('nope').withDiagnostic(aStep('extra-step').withAction('reboot'))).toYaml());
    const result = validateRunbook(file, 'en');
    expect(result.ok).toBe(false);
    expect(result.text).toContain('runbook pack has 2 problems');
    expect(result.text).toMatch(/\n {2}- types\.0\.diagnostics\.1\.action: unknown action "reboot".*\(line \d+\)/);
    expect(result.text).toMatch(/\n {2}- types\.0\.healthCheck: /);
  });

  test('reports a file that cannot be read', () => {
    const result = validateRunbook(join(dir, 'missing.yaml'), 'ko');
    expect(result.ok).toBe(false);
    expect(result.text).toContain('문제 1건');
    expect(result.text).toContain('cannot read the file');
  });
});
