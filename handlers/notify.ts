import { NOTICE_CHECKLIST_ITEM, sendUserNotice } from '../src/notify/send-user-notice.js';
import type { Handler } from '../src/router/handler.js';
import type { Reply } from '../src/views/view.js';
import { refusal, withIncident } from './with-incident.js';

/** Posts the outage or recovery notice to the users' channels and ticks the checklist's "사용자 알림" item. */
export const notify: Handler<'notify'> = (ctx) =>
  withIncident(ctx, ctx.command.id, async (incident): Promise<Reply> => {
    const r = await sendUserNotice(ctx.runtime, ctx.runtime.incidents, incident, ctx.actor, ctx.command.kind, ctx.command.text);
    if (!r.ok) return refusal(ctx, r.reason);
    const { notice, deliveries, delivered } = r.value;
    const item = NOTICE_CHECKLIST_ITEM[ctx.command.kind];
    if (r.value.rehearsed) {
      const line = ctx.t(`[DRILL] 훈련이므로 사용자에게 보내지 않았습니다. 실제 장애라면 아래 안내가 게시됩니다. ☑ ${item}`, `[DRILL] A drill: nothing was sent to users. In a real incident the notice below would be posted. ☑ ${item}`);
      return { incidentId: incident.id, views: [{ summary: line, blocks: [{ type: 'text', text: line }] }, notice.view] };
    }
    const line = delivered
      ? ctx.t(`사용자 알림을 게시했습니다. ☑ ${item}`, `User notice posted. ☑ ${item}`)
      : ctx.t(`사용자 알림을 어느 채널에도 게시하지 못했습니다 (체크리스트는 그대로). 아래 내용을 확인하고 다시 시도하세요.`, `The user notice reached no channel (checklist unchanged). See below and try again.`);
    return {
      incidentId: incident.id,
      views: [
        {
          summary: line,
          blocks: [
            { type: 'text', text: line },
            { type: 'list', items: deliveries.map((d) => ({ text: `${d.channel}: ${d.detail}`, mark: d.ok ? ('ok' as const) : ('fail' as const) })) },
          ],
        },
        notice.view,
      ],
    };
  });
