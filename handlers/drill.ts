import { matchParticipants } from '../src/incident/drill.js';
import { clip } from '../src/incident/incident-service.js';
import type { CommandOf } from '../src/router/command.js';
import type { Handler, HandlerContext } from '../src/router/handler.js';
import type { Reply } from '../src/views/view.js';
import { lazyCard, refusal, withIncident } from './with-incident.js';

/** Starts a drill of a fault type (pages only its participants, at its own speed) or ends one. */
export const drill: Handler<'drill'> = async (ctx) => {
  const { drill: what } = ctx.command;
  return what.action === 'start' ? start(ctx, what) : end(ctx, what.id);
};

async function start(ctx: HandlerContext<'drill'>, command: Extract<CommandOf<'drill'>['drill'], { action: 'start' }>): Promise<Reply> {
  const { runtime, actor, origin } = ctx;
  const type = runtime.pack.types.find((t) => t.id === command.type)!;
  const matched = matchParticipants(command.participants, runtime.contacts);
  if (matched.unknown !== undefined) {
    return refusal(ctx, {
      ko: `연락처에 "${clip(matched.unknown)}"이(가) 없습니다. 참가자는 연락처의 이름, Slack 멘션 또는 이메일로 적으세요. 훈련을 시작하지 않았습니다.`,
      en: `No contact matches "${clip(matched.unknown)}". Name participants by their contact-list name, Slack mention or email. No drill was started.`,
    });
  }
  const people = matched.people.length ? matched.people : actor.contact ? [actor.contact] : [];
  if (!people.length) return refusal(ctx, { ko: '훈련 참가자가 없습니다 (연락처에 있는 사람만 참가할 수 있습니다).', en: 'A drill needs participants from the contact list.' });
  const dedupeKey = origin.eventId ? `${actor.platform}:${origin.eventId}` : undefined;
  const { incident, created, records } = await runtime.incidents.open({
    type,
    scope: 'full',
    note: '',
    actor,
    dedupeKey,
    drill: { participants: people.map((p) => p.name), speed: command.speed },
  });
  ctx.log.info({ incidentId: incident.id, created, participants: people.length, speed: command.speed }, created ? 'drill started' : 'drill start retried; returning the existing one');
  const speed = command.speed > 1 ? ctx.t(`, 속도 ×${command.speed}`, `, speed ×${command.speed}`) : '';
  const line = created
    ? ctx.t(
        `[DRILL] 훈련 ${incident.id} 시작: ${type.emoji} Type ${type.id} ${type.title.ko}. 호출은 참가자(${people.map((p) => p.name).join(', ')})에게만 가고 사용자 알림은 보내지 않습니다${speed}. 끝내려면 \`/incident drill end ${incident.id}\`.`,
        `[DRILL] Drill ${incident.id} started: ${type.emoji} Type ${type.id} ${type.title.en}. Pages go only to the participants (${people.map((p) => p.name).join(', ')}); no user notices are sent${speed}. End it with \`/incident drill end ${incident.id}\`.`,
      )
    : ctx.t(`이미 시작된 훈련입니다: ${incident.id}`, `Already started as ${incident.id}`);
  return {
    incidentId: incident.id,
    opened: created || (dedupeKey !== undefined && incident.dedupeKey === dedupeKey),
    views: [{ blocks: [{ type: 'text', text: line }], summary: line }],
    card: lazyCard(ctx, incident.id, 'full', created ? { incident, records, created } : undefined),
  };
}

async function end(ctx: HandlerContext<'drill'>, id: string | undefined): Promise<Reply> {
  if (!id) {
    const drills = (await ctx.runtime.store.incidents.list(['open'], 50)).filter((i) => i.drill);
    if (drills.length !== 1) {
      return refusal(
        ctx,
        drills.length
          ? { ko: `진행 중인 훈련이 여러 개입니다. ID를 지정하세요: ${drills.map((i) => i.id).join(', ')}`, en: `Several drills are open; give an id: ${drills.map((i) => i.id).join(', ')}` }
          : { ko: '진행 중인 훈련이 없습니다. ID를 지정하세요.', en: 'No drill is open; give an incident id.' },
      );
    }
    id = drills[0]!.id;
  }
  return withIncident(ctx, id, async (incident) => {
    if (!incident.drill) return refusal(ctx, { ko: `${incident.id}은(는) 훈련이 아닙니다 (실제 인시던트는 \`/incident resolve\`).`, en: `${incident.id} is not a drill (resolve a real incident with \`/incident resolve\`).` });
    const result = await ctx.runtime.drills.end(incident, ctx.actor);
    if (!result.undone) return refusal(ctx, { ko: result.text, en: result.text });
    return { incidentId: incident.id, views: [{ blocks: [{ type: 'text', text: result.text }], summary: result.text }], card: lazyCard(ctx, incident.id, 'compact') };
  });
}
