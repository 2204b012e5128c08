import { SYSTEM_ACTOR } from '../app/actor.js';
import type { Core } from '../app/core.js';
import { drillParticipants } from '../incident/drill.js';
import type { TimelineEntry } from '../incident/incident.js';
import type { PageJob } from '../scheduler/timer-work.js';
import type { Store } from '../store/store.js';
import { translator } from '../i18n/lang.js';

/**
 * After a page reached nobody (every channel of that person failed), reserves a page for the next
 * available holder of the same role at the same level, inside the caller's transaction, and says
 * so on the timeline; or says that nobody else holds the role. Each person is still paged at most
 * once per level: people with a deliveries row for the level are skipped.
 */
export async function reserveNextPagee(core: Pick<Core, 'contacts' | 'clock' | 'lang'>, tx: Store, failed: PageJob): Promise<{ next?: PageJob; entry: TimelineEntry }> {
  const t = translator(core.lang);
  const now = core.clock.now();
  const deliveries = tx.deliveries;
  const tried = new Set((await deliveries.forLevel(failed.incident.id, failed.level)).map((d) => d.person));
  const assigned = failed.incident.assignments[failed.role];
  // A drill falls back only to its other participants (any role: someone in the drill must see it).
  const candidates = failed.incident.drill
    ? drillParticipants(failed.incident, core.contacts).filter((c) => !tried.has(c.name))
    : core.contacts
        .withRole(failed.role)
        .sort((a, b) => (a.name === assigned ? -1 : b.name === assigned ? 1 : 0))
        .filter((c) => !tried.has(c.name) && core.contacts.isAvailable(c, now));
  for (const contact of candidates) {
    if (!(await deliveries.reserve(failed.incident.id, failed.level, contact.name, now, failed.timer))) continue;
    const entry = await tx.incidents.appendTimeline({
      incidentId: failed.incident.id,
      at: now,
      actor: SYSTEM_ACTOR.name,
      kind: 'page',
      text: t(`↪ ${failed.contact.name}에게 호출이 닿지 않아 같은 역할(${failed.role})의 ${contact.name}을(를) 호출합니다.`, `↪ the page did not reach ${failed.contact.name}; paging ${contact.name} (${failed.role}) instead.`),
      data: { level: failed.level, role: failed.role, person: contact.name, after: failed.contact.name },
    });
    return { next: { ...failed, contact }, entry };
  }
  const entry = await tx.incidents.appendTimeline({
    incidentId: failed.incident.id,
    at: now,
    actor: SYSTEM_ACTOR.name,
    kind: 'page',
    text: t(`⚠️ ${failed.role} 역할에 더 호출할 수 있는 사람이 없습니다. 에스컬레이션은 계속됩니다.`, `⚠️ nobody else with the ${failed.role} role can be paged now; the ladder continues.`),
    data: { level: failed.level, role: failed.role, nobody: true, after: failed.contact.name },
  });
  return { entry };
}
