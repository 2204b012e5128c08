import type { Handler } from '../src/router/handler.js';
import { renderIncidentReport } from '../src/report/render-incident-report.js';
import type { Reply } from '../src/views/view.js';
import { refusal, withIncident } from './with-incident.js';
import { MAX_KEPT_LINE } from '../src/report/kept-sections.js';

/**
 * Re-renders the post-incident report from what is in the store now (keeping the prevention and
 * lessons people wrote), writes it, and shows it; for an open incident it shows a draft and writes nothing.
 * `report [id] prevention|lessons <text>` adds a line to that section (escaped, at most MAX_KEPT_LINE characters).
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
    const add = ctx.command.add;
    if (add) {
      const text = add.text.trim();
      if (text.length > MAX_KEPT_LINE) {
        return refusal(ctx, { ko: `추가할 내용은 ${MAX_KEPT_LINE}자까지입니다 (${text.length}자). 아무것도 바뀌지 않았습니다.`, en: `A line to add may be at most ${MAX_KEPT_LINE} characters (this one has ${text.length}); nothing changed.` });
      }
      const written = await ctx.runtime.reports.addKept(incident, ctx.actor, { section: add.section, text });
      const heading = add.section === 'prevention' ? ctx.t('재발 방지 대책', 'prevention') : ctx.t('교훈', 'lessons');
      const line = written
        ? ctx.t(`보고서의 ${heading}에 추가하고 다시 작성했습니다: ${written.shownPath}`, `Added to the report's ${heading} and re-wrote it: ${written.shownPath}`)
        : ctx.t(`보고서의 ${heading}에 추가했습니다 (복구 처리 시 작성되는 보고서에 들어갑니다).`, `Added to the report's ${heading} (it goes into the report written when the incident is resolved).`);
      return { incidentId: incident.id, views: [{ summary: line, blocks: [{ type: 'text', text: line }] }] };
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
