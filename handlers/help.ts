import type { Handler } from '../src/router/handler.js';
import { GRAMMAR } from '../src/router/grammar.js';
import { textReply } from '../src/views/view.js';

/** Lists the verbs with their usage, or the usage of one verb. */
export function makeHelp(available: () => readonly string[]): Handler<'help'> {
  return async (ctx) => {
    const verbs = GRAMMAR.filter((v) => available().includes(v.verb));
    const topic = ctx.command.topic;
    if (topic) {
      const spec = verbs.find((v) => v.verb === topic);
      if (!spec) return textReply(ctx.t(`"${topic.slice(0, 40)}" 명령은 없습니다.`, `There is no "${topic.slice(0, 40)}" command.`), { private: true, refused: true });
      return textReply(`${spec.usage}\n  ${spec.summary[ctx.lang]}`, { private: true });
    }
    const width = Math.max(...verbs.map((v) => v.usage.length));
    const lines = verbs.map((v) => `${v.usage.padEnd(width)}  ${v.summary[ctx.lang]}`);
    return {
      private: true,
      views: [
        {
          summary: 'drbot help',
          blocks: [
            { type: 'text', text: ctx.t('drbot — Routing ML 재해 복구 절차', 'drbot — the Routing ML disaster-recovery procedure') },
            { type: 'code', text: lines.join('\n') },
            { type: 'text', text: ctx.t('[id]는 열린 인시던트가 하나뿐이면 생략할 수 있습니다.', '[id] may be left out when exactly one incident is open.') },
          ],
        },
      ],
    };
  };
}
