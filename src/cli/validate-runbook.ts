import type { Lang } from '../i18n/lang.js';
import { allSteps } from '../runbook/find-step.js';
import { loadRunbookPack, RunbookPackError } from '../runbook/load-runbook-pack.js';
import { formatRunbookPackIssue } from '../runbook/runbook-pack-error.js';

/** Checks a runbook pack file for `drbot validate-runbook FILE`: a one-line summary, or every bad field with its path. */
export function validateRunbook(file: string, lang: Lang): { ok: boolean; text: string } {
  try {
    const pack = loadRunbookPack(file);
    const types = pack.types.length;
    const steps = pack.types.reduce((sum, type) => sum + allSteps(type).length, 0);
    const rungs = pack.ladder.length;
    const text =
      lang === 'ko'
        ? `${file}: 런북 팩 ${pack.pack} 정상 — 장애 유형 ${types}개, 단계 ${steps}개, 에스컬레이션 ${rungs}단계`
        : `${file}: runbook pack ${pack.pack} OK — ${types} types, ${steps} steps, ${rungs} ladder rungs`;
    return { ok: true, text };
  } catch (error) {
    if (!(error instanceof RunbookPackError)) throw error;
    const count = error.issues.length;
    const header = lang === 'ko' ? `${file}: 런북 팩에 문제 ${count}건` : `${file}: runbook pack has ${count} ${count === 1 ? 'problem' : 'problems'}`;
    return { ok: false, text: [header, ...error.issues.map((issue) => `  - ${formatRunbookPackIssue(issue)}`)].join('\n') };
  }
}
