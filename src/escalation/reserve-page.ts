import type { Contact } from '../contacts/contact-schema.js';
import { drillPagee } from '../incident/drill.js';
import type { Incident } from '../incident/incident.js';
import type { Role } from '../runbook/pack-schema.js';
import type { TimerContext, TimerWork } from '../scheduler/timer-work.js';
import { choosePagee } from './choose-pagee.js';
import { pageSummary } from './page-summary.js';
import { reserveNextPagee } from './reserve-next-pagee.js';

/**
 * Chooses who of `role` to page for `level` and reserves the page (its deliveries row) inside the
 * claim transaction; the timeline says who was passed over and why, or that nobody is available.
 * A page already reserved for the same incident, level and person is never sent again.
 */
export async function reservePage(ctx: TimerContext, incident: Incident, level: number, role: Role, headline: string): Promise<TimerWork> {
  const { core, t, now } = ctx;
  if (incident.drill) return reserveDrillPage(ctx, incident, level, role, headline);
  const choice = choosePagee(core.contacts, role, incident, now, core.lang, core.timeZone);
  for (const p of choice.passedOver) {
    await ctx.entry(incident.id, 'page', t(`${headline}: ${p.contact.name} 호출 안 함 — ${p.reason}`, `${headline}: ${p.contact.name} not paged — ${p.reason}`), {
      level,
      role,
      person: p.contact.name,
      paged: false,
      reason: p.reason,
    });
  }
  if (!choice.contact) {
    await ctx.entry(
      incident.id,
      'page',
      t(`${headline}: 지금 호출할 수 있는 ${role} 담당자가 없습니다. 에스컬레이션은 계속됩니다.`, `${headline}: nobody with the ${role} role is available now; the ladder continues.`),
      { level, role, nobody: true },
    );
    return { pages: [], end: { fire: true } };
  }
  return reserveFor(ctx, incident, level, role, headline, choice.contact);
}

/**
 * A drill pages only its participants, whatever their hours: the participant holding the rung's
 * role, else the first participant standing in for it. Nobody outside the drill is ever paged.
 */
async function reserveDrillPage(ctx: TimerContext, incident: Incident, level: number, role: Role, headline: string): Promise<TimerWork> {
  const { core, t } = ctx;
  const pagee = drillPagee(incident, core.contacts, role);
  if (!pagee.contact) {
    await ctx.entry(incident.id, 'page', t(`${headline}: 훈련 참가자가 연락처에 없어 호출하지 않습니다.`, `${headline}: no drill participant is on the contact list; nobody paged.`), { level, role, nobody: true, drill: true });
    return { pages: [], end: { fire: true } };
  }
  const shown = pagee.standingIn ? t(`${headline} (훈련: ${pagee.contact.name}이(가) ${role} 역할 대행)`, `${headline} (drill: ${pagee.contact.name} stands in for ${role})`) : headline;
  return reserveFor(ctx, incident, level, role, shown, pagee.contact);
}

async function reserveFor(ctx: TimerContext, incident: Incident, level: number, role: Role, headline: string, contact: Contact): Promise<TimerWork> {
  const { core, t, now } = ctx;
  const timer = ctx.row.kind;
  const reserved = await ctx.deliveries.reserve(incident.id, level, contact.name, now, timer);
  if (!reserved) {
    await ctx.entry(incident.id, 'page', t(`${headline}: ${contact.name}은(는) 이미 호출됨 — 다시 호출하지 않음`, `${headline}: ${contact.name} was already paged — not paged again`), {
      level,
      role,
      person: contact.name,
      duplicate: true,
    });
    return { pages: [], end: { fire: true } };
  }
  await ctx.tx.timers.setPayload(ctx.row.id, { ...ctx.row.payload, reservedAt: now });
  const summary = await pageSummary(core, ctx.tx, incident, now, headline);
  return { pages: [{ incident, timer, level, role, contact, summary }], onUnreached: (tx, failed) => reserveNextPagee(core, tx, failed), end: { fire: true } };
}

/**
 * Finishes a timer whose earlier claim reserved pages and then stopped (crash, kill -9) before
 * recording the send. Delivery is at most once: a reserved page whose outcome is unknown is marked
 * `unknown` and said so in the timeline, never resent, because it may already have gone out.
 * Only this timer's own pages are settled (`level`: where rows from before drbot recorded the timer
 * are looked for): another timer paging at the same level, such as the page at open beside the
 * ladder's level 0, may be sending its page right now on another replica.
 */
export async function settleUnsent(ctx: TimerContext, incident: Incident, level: number, headline: string): Promise<TimerWork> {
  const { t } = ctx;
  for (const d of await ctx.deliveries.unsent(incident.id, ctx.row.kind, level)) {
    await ctx.deliveries.finish(incident.id, level, d.person, { status: 'unknown', channel: d.channel, detail: 'drbot stopped between reserving and sending the page' });
    await ctx.entry(
      incident.id,
      'page',
      t(
        `${headline}: ${d.person} 호출 결과 알 수 없음 (발송 중 drbot 중단). 중복 호출을 피하려고 다시 보내지 않습니다.`,
        `${headline}: page to ${d.person} has an unknown outcome (drbot stopped while sending); not resent, to avoid paging twice.`,
      ),
      { level, person: d.person, status: 'unknown' },
    );
  }
  return { pages: [], end: { fire: true } };
}
