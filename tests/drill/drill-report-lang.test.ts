import { afterEach, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lang } from '../../src/i18n/lang.js';
import { drillReportsDir } from '../../src/report/incident-report-writer.js';
import { startDrillHost, type HostRuntime } from '../support/host-runtime.js';

let drill: HostRuntime | undefined;
afterEach(async () => {
  await drill?.close();
  drill = undefined;
});

const MINUTE = 60_000;

/** A Type 2 drill as people run it: fault injected after 5 min, yesterday's backup restored after 20, ended after 30; the report it writes. */
async function drillReport(lang: Lang): Promise<string> {
  drill = await startDrillHost({ faults: { corrupt_file: ['access_db'] }, lang });
  const { core, send } = drill;
  const id = (await send('/incident drill type2 Kim DevOps, Lee Backend')).reply.incidentId!;
  await core.clock.advance(5 * MINUTE);
  await send(`/incident approve ${id} fault-corrupt-file-access-db`);
  await core.clock.advance(15 * MINUTE);
  await send(`/incident approve ${id} restore-db-from-yesterday`);
  await core.clock.advance(10 * MINUTE);
  await send(`/incident drill end ${id}`);
  const dir = drillReportsDir(core.reportsDir);
  const [file] = readdirSync(dir);
  expect(file).toBe('2026-11-24-type2.md');
  return readFileSync(join(dir, file!), 'utf8');
}

describe('the drill report follows the configured language', () => {
  it('is written in Korean when lang is ko: the ko template’s headings, labels and phrases, no English ones', async () => {
    const report = await drillReport('ko');
    expect(report).toContain('# [DRILL] 재해 복구 훈련 보고서: 2026-11-24 Type 2');
    for (const heading of ['## 개요', '## 걸린 시간', '## 단계별 실행', '## 실패한 것', '## 되돌린 장애']) expect(report).toContain(`\n${heading}\n`);
    expect(report).toContain('- **훈련**: ');
    expect(report).toContain('- **참가자**: Kim DevOps, Lee Backend');
    expect(report).toContain('- **소요 시간**: 30분');
    expect(report).toContain('- **RTO**: 목표 4시간 0분 달성 (경과 30분)');
    expect(report).toContain('| 단계 | 시작부터 |');
    expect(report).toMatch(/\| 첫 승인 \| 20분 \|/);
    expect(report).toMatch(/\| 헬스 체크 통과 \| (20분|없음) \|/);
    expect(report).toMatch(/\| fault-corrupt-file-access-db \(주입한 장애\) \| .* \| ✅ ok \| Kim DevOps \|/);
    expect(report).toContain('| 단계 | 시작 | 소요 | 결과 | 요청 | 요약 |');
    for (const english of ['Disaster-recovery drill report', '## Overview', '## Steps', '## What failed', 'Participants', 'goal of', 'injected fault', 'after the start']) expect(report).not.toContain(english);
  });

  it('is written in English when lang is en, with the same numbers', async () => {
    const report = await drillReport('en');
    expect(report).toContain('# [DRILL] Disaster-recovery drill report: 2026-11-24 Type 2');
    for (const heading of ['## Overview', '## Times', '## Steps', '## What failed', '## Faults undone']) expect(report).toContain(`\n${heading}\n`);
    expect(report).toContain('- **Participants**: Kim DevOps, Lee Backend');
    expect(report).toContain('- **Duration**: 30 min');
    expect(report).toContain('- **RTO**: goal of 4 h 0 min met (elapsed 30 min)');
    expect(report).toMatch(/\| first approval \| 20 min \|/);
    expect(report).toMatch(/\| fault-corrupt-file-access-db \(injected fault\) \| .* \| ✅ ok \| Kim DevOps \|/);
    expect(report).not.toMatch(/[\uac00-\ud7a3]/); // no Hangul at all
  });
});
