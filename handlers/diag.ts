import type { Handler } from '../src/router/handler.js';
import type { ListItem } from '../src/views/view.js';
import { refusal, withIncident } from './with-incident.js';

/** Runs the incident type's read-only diagnostics (or one of them) and shows ok / warn / fail per step. */
export const diag: Handler<'diag'> = (ctx) =>
  withIncident(ctx, ctx.command.id, async (incident) => {
    const r = await ctx.runtime.steps.diagnose(incident, ctx.actor, ctx.command.step);
    if (!r.ok) return refusal(ctx, r.reason);
    if (r.value.every((x) => x.offline)) {
      const text = ctx.t(
        `${incident.host} 호스트의 에이전트가 연결되어 있지 않아 진단을 실행하지 않았습니다. 아무것도 완료로 기록하지 않았습니다. 호스트에서 drbot-agent를 시작하세요 (\`/incident agents\`).`,
        `No agent is connected for host ${incident.host}, so no diagnostics ran and nothing was recorded as done. Start drbot-agent on the host (see \`/incident agents\`).`,
      );
      return { incidentId: incident.id, refused: true, views: [{ summary: text, blocks: [{ type: 'text', text }] }] };
    }
    const items: ListItem[] = r.value.map((x) => ({
      text: `${x.step.id} — ${x.step.title[ctx.lang]}: ${x.run?.summary ?? ''}`,
      mark: x.run?.status === 'ok' ? 'ok' : x.run?.status === 'warn' || x.run?.status === 'unknown' ? 'warn' : 'fail',
      detail: x.run?.output ? x.run.output.split('\n').slice(-10).join('\n') : undefined,
    }));
    const failed = items.filter((i) => i.mark !== 'ok').length;
    const title = ctx.t(`${incident.id} 진단 결과 (${items.length - failed}/${items.length} 정상)`, `${incident.id} diagnostics (${items.length - failed}/${items.length} ok)`);
    return { incidentId: incident.id, views: [{ summary: title, blocks: [{ type: 'list', title, items }] }] };
  });
