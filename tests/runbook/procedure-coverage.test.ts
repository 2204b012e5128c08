/**
 * The procedure document, line by line, against the pack. The document is copied into the repo
 * (runbooks/source/) so CI needs nothing beside it. Three guarantees:
 *  1. every line the document gives (bash commands, manual instructions, symptoms, checklist and
 *     scheduled-check items, ladder rungs, RTO/RPO, headings of types and stages) has a row in COVERAGE,
 *     in the same place (type and section) — extracted from the document, so no line is missed silently;
 *  2. every row names a pack entry that exists and holds that line;
 *  3. every `procedure` line in the pack is a line of the document (nothing invented).
 */
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadRunbookPack } from '../../src/runbook/load-runbook-pack.js';
import { allSteps, findStep } from '../../src/runbook/find-step.js';
import { extractProcedureLines, type DocumentLine } from './extract-procedure-lines.js';
import type { RunbookPack } from '../../src/runbook/pack-schema.js';

const documentPath = fileURLToPath(new URL('../../runbooks/source/disaster-recovery-procedure.ko.md', import.meta.url));
const packPath = fileURLToPath(new URL('../../runbooks/routing-ml.yaml', import.meta.url));

/** [line of the document (bullets and markup stripped), pack entry that covers it, expected value where one is needed]. */
type Row = readonly [line: string, entry: string, expected?: string];

const COVERAGE: readonly Row[] = [
  ['목표: 4시간 이내', 'rto goal'],
  ['허용 가능: 8시간', 'rto limit'],
  ['목표: 24시간 (일일 백업)', 'rpo goal'],
  ['허용 가능: 72시간', 'rpo limit'],

  ['🔴 Type 1: Backend API 서버 다운', 'type 1'],
  ['`/api/health` 엔드포인트 응답 없음', 'type 1 symptoms 1'],
  ['프론트엔드에서 "서버 연결 실패" 에러', 'type 1 symptoms 2'],
  ['Grafana 대시보드에서 API 응답 시간 급증', 'type 1 symptoms 3'],
  ['ps aux | grep uvicorn', 'type 1 diagnostics check-process'],
  ['tail -100 /var/log/routing-ml/backend.log', 'type 1 diagnostics tail-backend-log'],
  ['ss -tlnp | grep 8000', 'type 1 diagnostics check-port-8000'],
  ['단계 1: 서비스 재시작', 'type 1 stage 1'],
  ['cd /workspaces/Routing_ML_4/deploy/docker', 'type 1 stage 1 restart-predictor'],
  ['docker compose restart predictor', 'type 1 stage 1 restart-predictor'],
  ['cd /workspaces/Routing_ML_4', 'type 1 stage 1 restart-backend-local'],
  ['source .venv/bin/activate', 'type 1 stage 1 restart-backend-local'],
  ['pkill -f uvicorn', 'type 1 stage 1 restart-backend-local'],
  ['nohup uvicorn backend.run_api:app --host 0.0.0.0 --port 8000 > /tmp/backend.log 2>&1 &', 'type 1 stage 1 restart-backend-local'],
  ['단계 2: 헬스 체크', 'type 1 stage 2'],
  ['curl http://localhost:8000/api/health', 'type 1 stage 2 verify-health'],
  ['단계 3: 로그 모니터링', 'type 1 stage 3'],
  ['tail -f /tmp/backend.log', 'type 1 stage 3 watch-backend-log'],
  ['cd /workspaces/Routing_ML_4', 'type 1 rollback checkout-stable'],
  ['git checkout <stable-commit-hash>', 'type 1 rollback checkout-stable'],
  ['docker compose up -d --build predictor', 'type 1 rollback rebuild-predictor'],

  ['🟠 Type 2: Access Database 접근 불가', 'type 2'],
  ['API 호출 시 "Database connection failed" 에러', 'type 2 symptoms 1'],
  ['`/api/predict` 엔드포인트 500 에러', 'type 2 symptoms 2'],
  ['로그에 "Access Driver not found" 메시지', 'type 2 symptoms 3'],
  ['ls -lh /mnt/data/routing_data/"ROUTING AUTO TEST.accdb"', 'type 2 diagnostics check-db-file'],
  ['stat /mnt/data/routing_data/"ROUTING AUTO TEST.accdb"', 'type 2 diagnostics check-db-permissions'],
  [String.raw`net use \\\\fileserver\\routing`, 'type 2 diagnostics check-network-share'],
  ['단계 1: 로컬 백업 DB 사용', 'type 2 stage 1'],
  ['ls -lht /mnt/backup/ | head -5', 'type 2 stage 1 list-db-backups'],
  ['cp /mnt/backup/routing_db_$(date -d "yesterday" +%Y%m%d).accdb /mnt/data/routing_data/"ROUTING AUTO TEST.accdb"', 'type 2 stage 1 restore-db-from-yesterday'],
  ['단계 2: 환경 변수 확인', 'type 2 stage 2'],
  ['echo $ACCESS_CONNECTION_STRING', 'type 2 stage 2 check-connection-string'],
  [
    'export ACCESS_CONNECTION_STRING="Driver={Microsoft Access Driver (*.mdb, *.accdb)};Dbq=/mnt/data/routing_data/ROUTING AUTO TEST.accdb"',
    'type 2 stage 2 export-connection-string',
  ],
  ['단계 3: 서비스 재시작', 'type 2 stage 3'],
  ['docker compose restart predictor', 'type 2 stage 3 restart-predictor'],
  ['read_only_mode: true', 'type 2 temporary enable-read-only-mode'],

  ['🟡 Type 3: 네트워크 장애', 'type 3'],
  ['프론트엔드 접속 불가 (`http://10.204.2.28:5173`)', 'type 3 symptoms 1'],
  ['사내망 다른 서비스도 접속 불가', 'type 3 symptoms 2'],
  ['ping 실패', 'type 3 symptoms 3'],
  ['ping 10.204.2.28', 'type 3 diagnostics ping-frontend-host'],
  ['ip route show', 'type 3 diagnostics check-routes'],
  ['sudo iptables -L -n', 'type 3 diagnostics check-iptables'],
  ['단계 1: IT 팀 연락', 'type 3 stage 1'],
  ['담당자: [네트워크 관리자]', 'type 3 stage 1 contact-it-team'],
  ['연락처: [IT 헬프데스크]', 'type 3 stage 1 contact-it-team'],
  ['우선순위: 긴급', 'type 3 stage 1 contact-it-team'],
  ['단계 2: 로컬 접속으로 전환', 'type 3 stage 2'],
  ['http://localhost:5173  # Frontend', 'type 3 stage 2 switch-to-localhost'],
  ['http://localhost:8000  # Backend', 'type 3 stage 2 verify-localhost-backend'],
  ['단계 3: 포트 포워딩 확인', 'type 3 stage 3'],
  ['sudo ufw status', 'type 3 stage 3 check-ufw'],
  ['sudo ufw allow 5173/tcp', 'type 3 stage 3 allow-port-5173'],
  ['sudo ufw allow 8000/tcp', 'type 3 stage 3 allow-port-8000'],

  ['🟢 Type 4: Docker 컨테이너 오류', 'type 4'],
  ['`docker ps` 출력에 컨테이너 없음', 'type 4 symptoms 1'],
  ['`docker compose up` 실패', 'type 4 symptoms 2'],
  ['"Port already in use" 에러', 'type 4 symptoms 3'],
  ['docker ps -a', 'type 4 diagnostics list-containers'],
  ['docker compose logs predictor', 'type 4 diagnostics predictor-logs'],
  ['docker compose logs frontend', 'type 4 diagnostics frontend-logs'],
  ['ss -tlnp | grep -E "5173|8000"', 'type 4 diagnostics check-port-5173'],
  ['단계 1: 컨테이너 정리', 'type 4 stage 1'],
  ['docker compose down', 'type 4 stage 1 compose-down'],
  ['docker rm -f $(docker ps -aq)', 'type 4 stage 1 remove-all-containers'],
  ['단계 2: 이미지 재빌드', 'type 4 stage 2'],
  ['cd /workspaces/Routing_ML_4/deploy/docker', 'type 4 stage 2 rebuild-images'],
  ['docker compose build --no-cache', 'type 4 stage 2 rebuild-images'],
  ['docker compose up -d', 'type 4 stage 2 rebuild-images'],
  ['단계 3: 볼륨 확인', 'type 4 stage 3'],
  ['docker volume ls', 'type 4 stage 3 inspect-models-volume'],
  ['docker volume inspect routing-ml_models', 'type 4 stage 3 inspect-models-volume'],
  ['lsof -i :8000', 'type 4 portConflict find-port-owner-8000'],
  ['lsof -i :5173', 'type 4 portConflict find-port-owner-5173'],
  ['kill -9 <PID>', 'type 4 portConflict kill-port-owner-8000'],

  ['🔵 Type 5: 모델 파일 손상', 'type 5'],
  ['`/api/predict` 호출 시 "Model not found" 에러', 'type 5 symptoms 1'],
  ['로그에 "Failed to load model" 메시지', 'type 5 symptoms 2'],
  ['ls -lh /mnt/models/', 'type 5 diagnostics list-mounted-models'],
  ['ls -lh deliverables/models/', 'type 5 diagnostics list-model-dir'],
  ['md5sum deliverables/models/latest/model.pkl', 'type 5 diagnostics checksum-model'],
  ['단계 1: 백업 모델 사용', 'type 5 stage 1'],
  ['ls -lt deliverables/models/ | head -5', 'type 5 stage 1 list-model-versions'],
  ['cp -r deliverables/models/v20250901/ deliverables/models/latest/', 'type 5 stage 1 restore-previous-model'],
  ['단계 2: 모델 재학습', 'type 5 stage 2'],
  ['cd /workspaces/Routing_ML_4', 'type 5 stage 2 retrain-model'],
  ['source .venv/bin/activate', 'type 5 stage 2 retrain-model'],
  ['python -m backend.cli.train_model data/training_dataset.csv --name emergency-retrain', 'type 5 stage 2 retrain-model'],
  ['단계 3: 서비스 재시작', 'type 5 stage 3'],
  ['docker compose restart predictor', 'type 5 stage 3 restart-predictor'],

  ['0-30분: DevOps 엔지니어 자체 해결 시도', 'ladder 0'],
  ['30분-1시간: Backend 개발자 협의', 'ladder 1'],
  ['1-2시간: IT 팀 지원 요청', 'ladder 2'],
  ['2시간+: CTO 보고 및 외부 지원 검토', 'ladder 3'],

  ['현재 시각 기록', 'checklist immediate record-time'],
  ['장애 유형 확인', 'checklist immediate identify-type'],
  ['영향 범위 확인', 'checklist immediate impact-scope'],
  ['사용자 알림', 'checklist immediate user-notice'],
  ['로그 스냅샷', 'checklist immediate log-snapshot'],
  ['원인 파악 완료', 'checklist during cause-identified'],
  ['복구 방법 선정', 'checklist during method-chosen'],
  ['백업 확인', 'checklist during backup-checked'],
  ['복구 명령 실행', 'checklist during recovery-executed'],
  ['헬스 체크 통과', 'checklist during health-check-passed'],
  ['서비스 정상 작동 확인', 'checklist after service-verified'],
  ['사용자 알림 (복구 완료)', 'checklist after user-notice-recovered'],
  ['사후 보고서 작성', 'checklist after report-written'],
  ['재발 방지 대책 수립', 'checklist after prevention-measures'],
  ['문서 업데이트', 'checklist after docs-updated'],

  ['주간 점검 (매주 월요일 10:00)', 'weekly', '0 10 * * 1'],
  ['Health Check 엔드포인트 확인', 'weekly health-endpoint'],
  ['디스크 사용량 확인 (80% 미만)', 'weekly disk-usage'],
  ['백업 파일 생성 확인', 'weekly backup-fresh'],
  ['로그 파일 용량 확인 (10GB 미만)', 'weekly log-size'],
  ['월간 점검 (매월 1일)', 'monthly', '0 10 1 * *'],
  ['재해 복구 테스트 수행', 'monthly dr-drill'],
  ['백업 복원 테스트', 'monthly backup-restore-test'],
  ['연락망 업데이트', 'monthly contacts-review'],
  ['문서 업데이트', 'monthly procedure-review'],
];

/** The place a COVERAGE entry points at, in the same form as DocumentLine.scope. */
function scopeOf(entry: string): string {
  const words = entry.split(' ');
  if (words[0] === 'type') {
    if (words[2] === 'stage') return words.slice(0, 4).join(' ');
    return words.slice(0, Math.min(words.length, 3)).join(' ');
  }
  if (words[0] === 'rto' || words[0] === 'rpo' || words[0] === 'ladder' || words[0] === 'weekly' || words[0] === 'monthly') return words[0];
  return words.slice(0, 2).join(' ');
}

/** Start of an escalation range such as `30분-1시간` or `2시간+`, in minutes. */
function rangeStartMinutes(range: string): number {
  const match = /^(\d+)(분|시간)?/.exec(range);
  if (!match) throw new Error(`not a time range: ${range}`);
  const unit = match[2] ?? /(분|시간)/.exec(range)?.[1];
  return Number(match[1]) * (unit === '시간' ? 60 : 1);
}

/** Checks that `entry` exists in the pack and holds `line`; returns a complaint or undefined. */
function complaintFor(pack: RunbookPack, [line, entry, expected]: Row): string | undefined {
  const words = entry.split(' ');
  const hours = Number(/(\d+)시간/.exec(line)?.[1]);
  switch (words[0]) {
    case 'rto':
      return (words[1] === 'goal' ? pack.rto.goalMinutes : pack.rto.limitMinutes) === hours * 60 ? undefined : `RTO ${words[1]} is not ${hours * 60} min`;
    case 'rpo':
      return (words[1] === 'goal' ? pack.rpo.goalHours : pack.rpo.limitHours) === hours ? undefined : `RPO ${words[1]} is not ${hours} h`;
    case 'ladder': {
      const rung = pack.ladder.find((r) => r.level === Number(words[1]));
      const [range = '', title = ''] = line.split(': ');
      if (!rung) return 'no such ladder rung';
      return rung.title.ko === title && rung.afterMinutes === rangeStartMinutes(range) ? undefined : `rung is ${rung.afterMinutes} min "${rung.title.ko}"`;
    }
    case 'checklist': {
      const list = words[1] as 'immediate' | 'during' | 'after';
      const item = pack.checklists[list]?.find((i) => i.id === words[2]);
      return item?.text.ko.startsWith(line) ? undefined : `checklist item text is ${JSON.stringify(item?.text.ko)}`;
    }
    case 'weekly':
    case 'monthly': {
      const check = pack.scheduled[words[0]];
      if (words[1] === undefined) return check.title.ko === line && check.cron === expected ? undefined : `title "${check.title.ko}", cron "${check.cron}"`;
      const item = check.items.find((i) => i.id === words[1]);
      return item?.text.ko === line ? undefined : `item text is ${JSON.stringify(item?.text.ko)}`;
    }
    case 'type': {
      const type = pack.types.find((t) => t.id === Number(words[1]));
      if (!type) return 'no such type';
      if (words.length === 2) return `${type.emoji} Type ${type.id}: ${type.title.ko}` === line ? undefined : `type heading would be "${type.emoji} Type ${type.id}: ${type.title.ko}"`;
      if (words[2] === 'symptoms') return type.symptoms[Number(words[3]) - 1]?.ko === line ? undefined : 'symptom text differs';
      if (words[2] === 'stage' && words.length === 4) {
        const stage = type.stages.find((s) => s.stage === Number(words[3]));
        return stage && `단계 ${stage.stage}: ${stage.title.ko}` === line ? undefined : `stage title is ${JSON.stringify(stage?.title.ko)}`;
      }
      const stepId = words[words.length - 1] ?? '';
      const located = findStep(type, stepId);
      if (!located) return `no step ${stepId}`;
      const where = words[2] === 'stage' ? `stage ${located.stage}` : words[2];
      const actual = located.section === 'stage' ? `stage ${located.stage}` : located.section;
      if (actual !== where) return `step ${stepId} is in ${actual}`;
      return located.step.procedure.includes(line) ? undefined : `procedure of ${stepId} is ${JSON.stringify(located.step.procedure)}`;
    }
    default:
      return 'unknown kind of entry';
  }
}

const markdown = readFileSync(documentPath, 'utf8');
const documentLines = extractProcedureLines(markdown);
const pack = loadRunbookPack(packPath);
const rowKey = (scope: string, text: string) => `${scope} | ${text}`;

describe('procedure coverage', () => {
  test('the extraction finds the document lines at all (guards the parser)', () => {
    expect(documentLines.filter((l) => l.scope.includes('diagnostics')).length).toBeGreaterThanOrEqual(15);
    expect(documentLines.filter((l) => l.scope.startsWith('checklist')).length).toBe(15);
    expect(documentLines.filter((l) => l.scope === 'ladder').length).toBe(4);
    expect(documentLines.filter((l) => /^type \d$/.test(l.scope)).length).toBe(5);
  });

  test('every line of the document has a row in the table, in the same place', () => {
    const rows = new Map<string, number>();
    for (const [line, entry] of COVERAGE) rows.set(rowKey(scopeOf(entry), line), (rows.get(rowKey(scopeOf(entry), line)) ?? 0) + 1);
    const needed = new Map<string, DocumentLine[]>();
    for (const l of documentLines) needed.set(rowKey(l.scope, l.text), [...(needed.get(rowKey(l.scope, l.text)) ?? []), l]);
    const missing = [...needed.entries()].filter(([key, lines]) => (rows.get(key) ?? 0) < lines.length).map(([key, lines]) => `line ${lines[0]?.lineNumber}: ${key}`);
    expect(missing).toEqual([]);
  });

  test('every row of the table is a line of the document (no stale rows)', () => {
    const keys = new Set(documentLines.map((l) => rowKey(l.scope, l.text)));
    expect(COVERAGE.filter(([line, entry]) => !keys.has(rowKey(scopeOf(entry), line)))).toEqual([]);
  });

  test.each(COVERAGE.map((row) => [row[1], row[0], row] as const))('%s covers %s', (_entry, _line, row) => {
    expect(complaintFor(pack, row)).toBeUndefined();
  });

  test('every procedure line in the pack is a line of the document', () => {
    const documentText = new Set(markdown.split('\n').map((l) => l.trim().replace(/^- /, '')));
    const invented = pack.types.flatMap((type) =>
      allSteps(type).flatMap(({ step }) => step.procedure.filter((line) => !documentText.has(line)).map((line) => `type ${type.id} ${step.id}: ${line}`)),
    );
    expect(invented).toEqual([]);
  });

  test('every symptom, checklist item, scheduled item, rung, type and stage of the pack is in the table', () => {
    const entries = new Set(COVERAGE.map(([, entry]) => entry));
    const expected = [
      ...pack.types.flatMap((t) => [
        `type ${t.id}`,
        ...t.symptoms.map((_, i) => `type ${t.id} symptoms ${i + 1}`),
        ...t.stages.map((s) => `type ${t.id} stage ${s.stage}`),
      ]),
      ...pack.ladder.map((r) => `ladder ${r.level}`),
      ...(['immediate', 'during', 'after'] as const).flatMap((list) => pack.checklists[list].map((i) => `checklist ${list} ${i.id}`)),
      ...(['weekly', 'monthly'] as const).flatMap((name) => [name, ...pack.scheduled[name].items.map((i) => `${name} ${i.id}`)]),
    ];
    expect(expected.filter((entry) => !entries.has(entry))).toEqual([]);
  });
});
