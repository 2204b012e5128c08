import { formatDuration } from '../src/i18n/format-duration.js';
import { formatTime } from '../src/i18n/format-time.js';
import type { AgentPresence } from '../src/agentlink/agent-port.js';
import type { Lang } from '../src/i18n/lang.js';
import type { Handler } from '../src/router/handler.js';
import type { Block, ListItem } from '../src/views/view.js';

/** Lists the host agents drbot knows, online or offline, with when each was last heard from. */
export const agents: Handler<'agents'> = async (ctx) => {
  const { runtime: core } = ctx;
  // several replicas: which one holds which agent is read from the database now, so every replica answers the same
  await core.agents.refresh?.();
  const all = core.agents.list();
  const refusals = core.agents.refusals?.() ?? [];
  if (!all.length && !refusals.length) {
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
      text: a.online
        ? ctx.t(`${a.host}: 연결됨${a.replica ? ` (복제본 ${a.replica})` : ''} · 마지막 신호 ${seen}`, `${a.host}: online${a.replica ? ` via replica ${a.replica}` : ''} · last heard ${seen}`)
        : ctx.t(`${a.host}: 오프라인 · 마지막 접속 ${seen}`, `${a.host}: offline · last seen ${seen}`),
      mark: a.online ? 'ok' : 'fail',
      detail: watchdogLine(a, (ko, en) => ctx.t(ko, en), core.timeZone, ctx.lang, now),
    };
  });
  const online = all.filter((a) => a.online).length;
  const title = ctx.t(`에이전트 (${online}/${all.length} 연결됨)`, `Agents (${online}/${all.length} online)`);
  const blocks: Block[] = [{ type: 'list', title, items }];
  if (refusals.length) {
    const refusedTitle = ctx.t('거부된 에이전트 접속', 'Refused agent connections');
    blocks.push({
      type: 'list',
      title: refusedTitle,
      items: refusals.map((r) => {
        const when = `${formatTime(r.at, core.timeZone)}${r.count > 1 ? ctx.t(`, ${r.count}회`, `, ${r.count}×`) : ''}`;
        return {
          mark: 'warn' as const,
          text: ctx.t(`${r.agentId}가 호스트 ${r.host}를 주장해 거부됨 (${when}): ${r.reason}`, `${r.agentId} claimed host ${r.host} and was refused (${when}): ${r.reason}`),
        };
      }),
    });
  }
  const summary = refusals.length ? ctx.t(`${title} · 거부 ${refusals.length}건`, `${title} · ${refusals.length} refused`) : title;
  return { views: [{ summary, blocks }] };
};

/** The agent's watchdog (its fallback pager when drbot is unreachable) as the agent last reported it. */
function watchdogLine(a: AgentPresence, t: (ko: string, en: string) => string, timeZone: string, lang: Lang, now: number): string | undefined {
  const w = a.watchdog;
  // an offline agent may have a watchdog this drbot process never heard of: say nothing rather than guess
  if (!w) return a.online ? t('워치독 없음 (agent.yaml에 watchdog 미설정)', 'no watchdog (agent.yaml has none)') : undefined;
  const at = (ms: number) => formatTime(ms, timeZone);
  const via = w.channels.join(', ');
  const after = minutes(w.afterMinutes, lang);
  const repeat = minutes(w.repeatMinutes, lang);
  const last = w.lastOutage
    ? t(` · 최근 장애 ${at(w.lastOutage.since)}–${at(w.lastOutage.until)}, 호출 ${w.lastOutage.pages}회`, ` · last outage ${at(w.lastOutage.since)}–${at(w.lastOutage.until)}, paged ${w.lastOutage.pages}×`)
    : '';
  if (w.state === 'paging' && w.since !== undefined) return t(`워치독 호출 중: ${at(w.since)}부터 (${w.pages}회, ${via})`, `watchdog paging since ${at(w.since)} (${w.pages} page${w.pages === 1 ? '' : 's'} via ${via})`);
  if (w.state === 'waiting' && w.since !== undefined) return t(`워치독: ${at(w.since)}부터 drbot 연결 안 됨, ${at(w.since + w.afterMinutes * 60_000)}에 호출`, `watchdog: drbot unreachable since ${at(w.since)}, pages at ${at(w.since + w.afterMinutes * 60_000)}`);
  if (!a.online && a.lastSeenAt !== undefined) {
    // drbot cannot hear an offline agent: if the link is down on its side too, its watchdog pages from lastSeen + afterMinutes
    const pagesAt = a.lastSeenAt + w.afterMinutes * 60_000;
    return now >= pagesAt
      ? t(
          `워치독 (${via}): 이 에이전트도 drbot에 닿지 못한다면 약 ${at(pagesAt)}부터 호출 중${last}`,
          `watchdog (${via}): paging since about ${at(pagesAt)} if this agent cannot reach drbot either${last}`,
        )
      : t(`워치독 대기 중 (${via}): 이 에이전트도 drbot에 닿지 못하면 약 ${at(pagesAt)}부터 호출${last}`, `watchdog armed (${via}): if this agent cannot reach drbot either, it pages from about ${at(pagesAt)}${last}`);
  }
  return t(`워치독 대기 중: drbot 연결이 ${after} 끊기면 ${via}로 호출, ${repeat}마다 반복${last}`, `watchdog armed: pages via ${via} after ${after} without drbot, again every ${repeat}${last}`);
}

/** A number of minutes that may be a fraction (`0.05` → `3 s`). */
function minutes(m: number, lang: Lang): string {
  if (m < 1) return lang === 'ko' ? `${Math.round(m * 60)}초` : `${Math.round(m * 60)} s`;
  return lang === 'ko' ? `${Math.round(m * 100) / 100}분` : `${Math.round(m * 100) / 100} min`;
}
