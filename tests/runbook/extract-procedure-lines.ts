/** Test helper: reads the procedure document into placed lines for procedure-coverage.test.ts. */
import type { StepSection } from '../../src/runbook/find-step.js';

/** A line the document gives, with the place it is in: `type 1 diagnostics`, `type 2 stage 1`, `checklist during`, `ladder` … */
export interface DocumentLine {
  readonly scope: string;
  readonly text: string;
  readonly lineNumber: number;
}

const SUBSECTIONS: Record<string, StepSection | 'symptoms'> = {
  증상: 'symptoms',
  '원인 분석': 'diagnostics',
  '복구 절차': 'stage',
  '롤백 절차': 'rollback',
  '임시 조치': 'temporary',
  '포트 충돌 해결': 'portConflict',
};
const CHECKLISTS: Record<string, string> = { '장애 발생 시 즉시 체크': 'immediate', '복구 진행 중': 'during', '복구 완료 후': 'after' };

const stripMarkup = (text: string) => text.replace(/\*\*/g, '');

/** Pulls every line the pack must cover out of the procedure document; throws on anything it cannot place. */
export function extractProcedureLines(markdown: string): DocumentLine[] {
  const found: DocumentLine[] = [];
  let h2 = '';
  let h3 = '';
  let typeId: number | undefined;
  let subsection: StepSection | 'symptoms' | undefined;
  let stage: number | undefined;
  let fence: string | undefined;

  markdown.split('\n').forEach((raw, index) => {
    const lineNumber = index + 1;
    const line = raw.trimEnd();
    const add = (scope: string, text: string) => found.push({ scope, text, lineNumber });
    const unplaced = () => new Error(`procedure-coverage: cannot place line ${lineNumber} of the document: ${line}`);
    const typeScope = () => {
      if (typeId === undefined || subsection === undefined) throw unplaced();
      if (subsection === 'stage') {
        if (stage === undefined) throw unplaced();
        return `type ${typeId} stage ${stage}`;
      }
      return `type ${typeId} ${subsection}`;
    };

    if (line.startsWith('```')) {
      fence = fence === undefined ? line.slice(3).trim() : undefined;
      return;
    }
    if (fence !== undefined) {
      if (fence === 'bash' && line.trim() !== '' && !line.trim().startsWith('#')) add(typeScope(), line);
      return;
    }
    if (line.startsWith('## ')) {
      [h2, h3, typeId, subsection, stage] = [line.slice(3), '', undefined, undefined, undefined];
      return;
    }
    if (line.startsWith('### ')) {
      [h3, subsection, stage] = [line.slice(4), undefined, undefined];
      const type = /Type (\d+):/.exec(h3);
      typeId = type ? Number(type[1]) : undefined;
      if (typeId !== undefined) add(`type ${typeId}`, h3);
      if (h2.includes('정기 점검')) add(h3.startsWith('주간') ? 'weekly' : h3.startsWith('월간') ? 'monthly' : 'unplaced', h3);
      return;
    }
    if (line.startsWith('#### ')) {
      subsection = SUBSECTIONS[line.slice(5)];
      if (typeId !== undefined && subsection === undefined) throw unplaced();
      stage = undefined;
      return;
    }
    const stageHeading = /^\*\*단계 (\d+): (.+)\*\*$/.exec(line);
    if (stageHeading && typeId !== undefined) {
      stage = Number(stageHeading[1]);
      add(`type ${typeId} stage ${stage}`, `단계 ${stage}: ${stageHeading[2]}`);
      return;
    }
    const bullet = /^- (?:\[ \] )?(.+)$/.exec(line)?.[1];
    if (typeId !== undefined) {
      if (bullet !== undefined) add(typeScope(), bullet);
      else if (line.trim() !== '' && line !== '---') throw unplaced();
      return;
    }
    if (bullet !== undefined && h2 === '복구 목표' && /^(RTO|RPO)/.test(h3)) add(h3.slice(0, 3).toLowerCase(), stripMarkup(bullet));
    if (bullet !== undefined && h2 === '복구 체크리스트') {
      const list = CHECKLISTS[h3.replace(/^✅\s*/, '')];
      const item = /^\*\*(.+?)\*\*/.exec(bullet)?.[1];
      if (list === undefined || item === undefined) throw unplaced();
      add(`checklist ${list}`, item);
    }
    if (bullet !== undefined && h2.includes('정기 점검')) add(h3.startsWith('주간') ? 'weekly' : 'monthly', bullet);
    const rung = /^\d+\. (.+)$/.exec(line)?.[1];
    if (rung !== undefined && h3 === '에스컬레이션 절차') add('ladder', stripMarkup(rung));
  });
  return found;
}
