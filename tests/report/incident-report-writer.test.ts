import { writeReport } from '../../src/incident/incident-reactions.js';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { replyText } from '../support/reply-text.js';
import { buildTestRuntime, type TestRuntime } from '../support/test-runtime.js';
import { aDeadBackendAgent, runScriptedIncident } from './scripted-incident.js';

const procedure = fileURLToPath(new URL('../../runbooks/source/disaster-recovery-procedure.ko.md', import.meta.url));

/** The `#`/`##` headings of the procedure's report template, with the date filled in. */
async function templateHeadings(date: string): Promise<string[]> {
  const doc = await readFile(procedure, 'utf8');
  const template = doc.split('## 📊 사후 보고서 템플릿')[1]!.split('```markdown')[1]!.split('```')[0]!;
  return template
    .split('\n')
    .filter((l) => /^#{1,2} /.test(l))
    .map((l) => l.replace('[YYYY-MM-DD]', date));
}

const headings = (md: string) => md.split('\n').filter((l) => /^#{1,2} /.test(l));
const section = (md: string, heading: string) => md.split(`${heading}\n`)[1]!.split(/\n#{1,2} /)[0]!;

let core: TestRuntime;
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'drbot-reports-'));
  core = await buildTestRuntime({ lang: 'ko', agents: aDeadBackendAgent(), reportsDir: join(dir, 'docs/incident_reports') });
  // The report reaction alone (IncidentReactions also diagnoses on open, which this test's script does by hand).
  core.events.onIncident((e) => (e.change === 'resolved' || e.change === 'closed' ? writeReport(core, e) : undefined));
});
afterEach(async () => {
  await core.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the post-incident report written on resolve', () => {
  it('follows the procedure template and says what actually happened, field by field', async () => {
    const { id, cause } = await runScriptedIncident(core);
    const md = await readFile(join(core.reportsDir, '2026-11-24.md'), 'utf8');

    expect(headings(md)).toEqual(await templateHeadings('2026-11-24'));
    const overview = section(md, '## 개요');
    expect(overview).toContain('- **발생 시각**: 2026-11-24 10:00\n');
    expect(overview).toContain('- **복구 시각**: 2026-11-24 11:23\n');
    expect(overview).toContain('- **다운타임**: 1시간 23분\n');
    expect(overview).toContain('- **영향 범위**: 전체\n');
    expect(overview).toContain(`- **인시던트**: ${id} — Type 1 Backend API 서버 다운\n`);
    expect(overview).toContain('- **RTO**: 목표 4시간 이내 — 달성 · 허용 8시간 — 달성\n');

    const causeSection = section(md, '## 원인');
    expect(causeSection.startsWith(`${cause}\n`)).toBe(true);
    expect(causeSection.split('\n').filter((l) => l.startsWith('- '))).toEqual([
      '- ❌ **프로세스 확인** (`check-process`, 10:05, Kim DevOps): no uvicorn process',
      '- ⚠️ **로그 확인** (`tail-backend-log`, 10:05, Kim DevOps): 3 ERROR lines',
      '- ❌ **포트 상태 확인** (`check-port-8000`, 10:05, Kim DevOps): nothing listens on 8000',
      '- ✅ **헬스 체크** (`check-health`, 10:05, Kim DevOps): {"status":"ok"}',
    ]);
    expect(causeSection).toContain('ERROR worker killed (OOM)');

    const recovery = section(md, '## 복구 과정');
    const numbered = recovery.split('\n').filter((l) => /^\d+\. /.test(l));
    expect(numbered).toEqual([
      '1. **서비스 재시작 (Docker 환경)** (`restart-predictor`) — 승인 Kim DevOps 10:20 · 실행 Kim DevOps 10:20 · 결과 ✅ ok: predictor restarted',
      '2. **헬스 체크** (`check-health`) — 승인 불필요 · 실행 Kim DevOps 10:20 · 결과 ✅ ok: {"status":"ok"}',
      '3. **서비스 재시작 (로컬 환경)** (`restart-backend-local`) — 승인 Lee Backend 10:40 · 실행 Lee Backend 10:40 · 결과 ✅ ok: uvicorn started (pid 4242)',
      '4. **헬스 체크** (`check-health`) — 승인 불필요 · 실행 Lee Backend 10:40 · 결과 ✅ ok: {"status":"ok"}',
    ]);
    expect(recovery).toContain('| `restart-predictor` | Kim DevOps (10:20) | — | 실행됨 |');
    expect(recovery).toContain('| `restart-backend-local` | Lee Backend (10:40) | — | 실행됨 |');
    expect(recovery).toContain('- [x] 복구 명령 실행 — Kim DevOps, 2026-11-24 10:20');
    expect(recovery).toContain('- [x] 헬스 체크 통과 — Kim DevOps, 2026-11-24 10:20');
    expect(recovery).toContain('- [ ] 사용자 알림 (복구 완료)\n');
    expect(recovery).toContain('- [x] 사후 보고서 작성: `docs/incident_reports/YYYY-MM-DD.md` — drbot, 2026-11-24 11:23');

    expect(section(md, '## 재발 방지 대책')).toContain('- [ ] [대책 1]\n- [ ] [대책 2]');
    expect(section(md, '## 교훈')).toContain('[배운 점]');

    const ticks = (await core.store.incidents.checklist(id)).map((t) => t.itemId);
    expect(ticks).toContain('report-written');
    const entries = (await core.store.incidents.timeline(id)).filter((e) => e.kind === 'report');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor: 'drbot', data: { created: true } });
    expect(entries[0]!.text).toContain('2026-11-24.md');
  });

  it('keeps what people wrote under prevention and lessons when /incident report re-renders it', async () => {
    const { id } = await runScriptedIncident(core);
    const file = join(core.reportsDir, '2026-11-24.md');
    const written = await readFile(file, 'utf8');
    const edited = written
      .replace('- [ ] [대책 1]\n- [ ] [대책 2]', '- [ ] predictor 메모리 한도와 OOM 알림 추가\n- [x] 재시작 절차에 헬스 체크 대기 시간 명시')
      .replace('[배운 점]', 'OOM은 로그보다 컨테이너 이벤트에서 먼저 보인다.\n\n둘째 문단도 남아야 한다.');
    await writeFile(file, edited);

    await core.clock.advance(60 * 60_000);
    const reply = await core.router.dispatch(`/incident report ${id}`, core.as('Park DevOps'));
    expect(reply.refused).toBeFalsy();
    expect(await replyText(reply)).toContain('재발 방지 대책·교훈은 유지');

    const again = await readFile(file, 'utf8');
    expect(section(again, '## 재발 방지 대책')).toContain('- [ ] predictor 메모리 한도와 OOM 알림 추가\n- [x] 재시작 절차에 헬스 체크 대기 시간 명시');
    expect(section(again, '## 재발 방지 대책')).not.toContain('[대책 1]');
    expect(section(again, '## 교훈')).toContain('OOM은 로그보다 컨테이너 이벤트에서 먼저 보인다.\n\n둘째 문단도 남아야 한다.');
    expect(again).toContain('- **다운타임**: 1시간 23분');
    expect((await core.store.incidents.timeline(id)).filter((e) => e.kind === 'report').map((e) => e.data?.created)).toEqual([true, false]);
    expect(await replyText(reply)).toContain('OOM은 로그보다 컨테이너 이벤트에서 먼저 보인다.');
  });

  it('gives a second incident of the same day its own file, and re-renders each into its own', async () => {
    const first = await runScriptedIncident(core);
    await core.clock.set(Date.UTC(2026, 10, 24, 8, 0)); // 17:00 KST, same day
    const second = await runScriptedIncident(core, { note: '두 번째' });
    expect(second.id).not.toBe(first.id);
    const secondMd = await readFile(join(core.reportsDir, '2026-11-24-2.md'), 'utf8');
    expect(secondMd).toContain(`${second.id} — Type 1`);
    expect(secondMd).toContain('- **발생 시각**: 2026-11-24 17:00');

    await core.router.dispatch(`/incident report ${first.id}`, core.as('Kim DevOps'));
    await core.router.dispatch(`/incident report ${second.id}`, core.as('Kim DevOps'));
    expect(await readFile(join(core.reportsDir, '2026-11-24.md'), 'utf8')).toContain(`${first.id} — Type 1`);
    expect(await readFile(join(core.reportsDir, '2026-11-24-2.md'), 'utf8')).toContain(`${second.id} — Type 1`);
  });

  it('dates the report by the occurrence day in the pack time zone, not UTC', async () => {
    await core.clock.set(Date.UTC(2026, 10, 24, 16, 30)); // 01:30 KST on the 25th, still the 24th in UTC
    await runScriptedIncident(core);
    const md = await readFile(join(core.reportsDir, '2026-11-25.md'), 'utf8');
    expect(headings(md)[0]).toBe('# Incident Report: 2026-11-25');
  });

  it('leaves a hand-written report of the same name alone', async () => {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(core.reportsDir, { recursive: true });
    await writeFile(join(core.reportsDir, '2026-11-24.md'), '# 손으로 쓴 보고서\n');
    const { id } = await runScriptedIncident(core);
    expect(await readFile(join(core.reportsDir, '2026-11-24.md'), 'utf8')).toBe('# 손으로 쓴 보고서\n');
    expect(await readFile(join(core.reportsDir, '2026-11-24-2.md'), 'utf8')).toContain(id);
  });
});

describe('reports a stop left unwritten', () => {
  it('are written on the next start, once', async () => {
    const quiet = await buildTestRuntime({ lang: 'ko', agents: aDeadBackendAgent(), store: core.store, reportsDir: core.reportsDir });
    // Resolved by a process that stopped before its report listener ran: no writer subscribed here.
    const { id } = await runScriptedIncident(quiet);
    expect((await quiet.store.incidents.checklist(id)).map((t) => t.itemId)).not.toContain('report-written');

    const writer = core.reports;
    expect((await writer.writeMissing()).map((r) => r.incidentId)).toEqual([id]);
    expect(await readFile(join(core.reportsDir, '2026-11-24.md'), 'utf8')).toContain(id);
    expect(await writer.writeMissing()).toEqual([]);
  });
});
