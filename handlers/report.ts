import type { Handler } from '../src/router/handler.js';
import { renderIncidentReport } from '../src/report/render-incident-report.js';
import type { Reply } from '../src/views/view.js';
import { refusal, withIncident } from './with-incident.js';

/**
 * Re-renders the post-incident report from what is in the store now (keeping the prevention and
 * lessons people wrote), writes it, and shows it; for an open incident it shows a draft and writes nothing.
 */
export const report: Handler<'report'> = async (ctx) => {
  let id = ctx.command.id;
  if (!id) {
    // With no id, the one resolved incident is the natural subject of a report.
    const resolved = await ctx.runtime.store.incidents.list(['resolved'], 10);
    if (resolved.length === 1) id = resolved[0]!.id;
  }
  return withIncident(ctx, id, async (incident): Promise<Reply> => {
    if (incident.status === 'cancelled') {
      return refusal(ctx, { ko: `${incident.id}은(는) 취소된 인시던트라 사후 보고서가 없습니다.`, en: `${incident.id} was cancelled; it has no post-incident report.` });
    }
    if (incident.status === 'open') {
      const draft = await renderIncidentReport(ctx.runtime, incident);
      const line = ctx.t(`${incident.id}은(는) 아직 복구 전이라 초안만 보여 드립니다 (파일은 복구 처리 시 작성).`, `${incident.id} is still open: this is a draft (the file is written when it is resolved).`);
      return { incidentId: incident.id, views: [{ summary: line, blocks: [{ type: 'text', text: line }, { type: 'code', text: draft }] }] };
    }
    const written = await ctx.runtime.reports.write(incident, ctx.actor);
    const line = written.created
      ? ctx.t(`사후 보고서를 작성했습니다: ${written.shownPath}`, `Post-incident report written: ${written.shownPath}`)
      : ctx.t(`사후 보고서를 다시 만들었습니다 (재발 방지 대책·교훈은 유지): ${written.shownPath}`, `Post-incident report re-rendered (prevention and lessons kept): ${written.shownPath}`);
    return { incidentId: incident.id, views: [{ summary: line, blocks: [{ type: 'text', text: line }, { type: 'code', text: written.markdown }] }] };
  });
};
