import { formatDuration } from '../src/i18n/format-duration.js';
import { formatTime } from '../src/i18n/format-time.js';
import type { Handler } from '../src/router/handler.js';
import type { ListItem } from '../src/views/view.js';

/** Lists the host agents drbot knows, online or offline, with when each was last heard from. */
export const agents: Handler<'agents'> = async (ctx) => {
  const { runtime: core } = ctx;
  const all = core.agents.list();
  if (!all.length) {
    const text = ctx.t(
      '등록된 에이전트가 없습니다. 호스트에서 drbot-agent --config agent.yaml을 실행하고, drbot.yaml의 agents:에 토큰의 SHA-256을 등록하세요.',
      'No agents yet. Run drbot-agent --config agent.yaml on the host and list the SHA-256 of its token under agents: in drbot.yaml.',
    );
    return { views: [{ summary: text, blocks: [{ type: 'text', text }] }] };
  }
  const now = Date.now();
  const items: ListItem[] = all.map((a) => {
    const seen = a.lastSeenAt === undefined ? ctx.t('접속 기록 없음', 'never connected') : `${formatTime(a.lastSeenAt, core.timeZone)} (${ctx.t(`${formatDuration(Math.max(0, now - a.lastSeenAt), ctx.lang)} 전`, `${formatDuration(Math.max(0, now - a.lastSeenAt), ctx.lang)} ago`)})`;
    return {
      text: a.online ? ctx.t(`${a.host}: 연결됨 · 마지막 신호 ${seen}`, `${a.host}: online · last heard ${seen}`) : ctx.t(`${a.host}: 오프라인 · 마지막 접속 ${seen}`, `${a.host}: offline · last seen ${seen}`),
      mark: a.online ? 'ok' : 'fail',
    };
  });
  const online = all.filter((a) => a.online).length;
  const title = ctx.t(`에이전트 (${online}/${all.length} 연결됨)`, `Agents (${online}/${all.length} online)`);
  return { views: [{ summary: title, blocks: [{ type: 'list', title, items }] }] };
};
