import { formatDuration } from '../src/i18n/format-duration.js';
import { rtoState } from '../src/incident/rto-clock.js';
import type { Handler } from '../src/router/handler.js';
import type { ListItem } from '../src/views/view.js';

/** Lists open incidents (or all of them) with their type, age and ladder rung. */
export const list: Handler<'list'> = async (ctx) => {
  const { runtime: core } = ctx;
  const incidents = await core.store.incidents.list(ctx.command.all ? undefined : ['open'], 100);
  if (!incidents.length) {
    const text = ctx.command.all ? ctx.t('인시던트가 없습니다.', 'No incidents yet.') : ctx.t('열린 인시던트가 없습니다.', 'No open incidents.');
    return { views: [{ blocks: [{ type: 'text', text }], summary: text }] };
  }
  const now = core.clock.now();
  const items: ListItem[] = incidents.map((i) => {
    const type = core.pack.types.find((t) => t.id === i.type);
    const rto = rtoState(i, core.pack, now);
    return {
      text: `${type?.emoji ?? ''} ${i.id} · Type ${i.type} ${type?.title[ctx.lang] ?? ''} · ${i.status} · ${formatDuration(rto.elapsedMs, ctx.lang)} · L${i.level}`,
      mark: i.status === 'open' ? (rto.phase === 'ok' ? 'info' : 'warn') : 'done',
      action: { label: ctx.t('상태', 'Status'), command: `/incident status ${i.id}` },
    };
  });
  const title = ctx.command.all ? ctx.t('모든 인시던트', 'All incidents') : ctx.t('열린 인시던트', 'Open incidents');
  return { views: [{ summary: `${title}: ${incidents.length}`, blocks: [{ type: 'list', title: `${title} (${incidents.length})`, items }] }] };
};
