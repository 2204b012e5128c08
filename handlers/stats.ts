import { formatDuration } from '../src/i18n/format-duration.js';
import type { Handler } from '../src/router/handler.js';
import type { ListItem } from '../src/views/view.js';

/** History per fault type (or one): incidents, recovered, MTTR median and p90, the step that most often preceded recovery. */
export const stats: Handler<'stats'> = async (ctx) => {
  const { runtime, command } = ctx;
  const all = await runtime.history.allTypes();
  const shown = command.type === undefined ? all : all.filter((s) => s.type === command.type);
  const items: ListItem[] = shown.map((s) => {
    const type = runtime.pack.types.find((t) => t.id === s.type);
    const head = ctx.t(`Type ${s.type} ${type?.title.ko ?? ''}: ${s.incidents}건, 복구 ${s.recovered}건`, `Type ${s.type} ${type?.title.en ?? ''}: ${s.incidents} incidents, ${s.recovered} recovered`);
    const detail =
      s.mttrMedianMs === undefined || s.mttrP90Ms === undefined
        ? ctx.t('복구 이력 없음', 'no recoveries yet')
        : ctx.t(`MTTR 중앙값 ${formatDuration(s.mttrMedianMs, 'ko')}, p90 ${formatDuration(s.mttrP90Ms, 'ko')}`, `MTTR median ${formatDuration(s.mttrMedianMs, 'en')}, p90 ${formatDuration(s.mttrP90Ms, 'en')}`) +
          (s.topStep
            ? ctx.t(` · 복구 직전 단계: ${s.topStep.stepId} (${s.recovered}건 중 ${s.topStep.count}건)`, ` · most often before recovery: ${s.topStep.stepId} (${s.topStep.count} of ${s.recovered})`)
            : '');
    return { text: head, detail, mark: s.recovered ? 'info' : undefined };
  });
  const title = ctx.t('장애 유형별 이력 (훈련·취소 제외)', 'History by fault type (drills and cancelled incidents left out)');
  return { views: [{ summary: title, blocks: [{ type: 'list', title, items }] }] };
};
