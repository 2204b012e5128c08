import type { Core } from '../../src/app/core.js';
import { checklistItemText } from '../../src/incident/drill.js';
import type { Incident } from '../../src/incident/incident.js';
import { loadIncidentSnapshot, type IncidentSnapshot } from '../../src/incident/incident-snapshot.js';
import { allChecklistItems } from '../../src/runbook/checklist-items.js';
import { incidentCard } from '../../src/views/incident-card.js';
import { commandMenu, renderBlockKit, type SlackMessage } from './render-block-kit.js';

/** The live incident card as Block Kit: the compact card, plus a menu to tick checklist items while the incident is open. */
export function slackCard(core: Pick<Core, 'pack' | 'lang'>, snap: IncidentSnapshot): SlackMessage {
  const { incident } = snap;
  const view = incidentCard(snap, core.pack, core.lang, 'compact');
  const ticked = new Set(snap.ticks.map((t) => t.itemId));
  const menu =
    incident.status === 'open'
      ? commandMenu(
          core.lang === 'ko' ? '체크리스트 항목 완료' : 'Tick a checklist item',
          allChecklistItems(core.pack)
            .filter((i) => !ticked.has(i.item.id))
            .map((i) => ({ label: checklistItemText(i.item, incident, core.lang, snap.timeline), command: `/incident check ${incident.id} ${i.item.id}` })),
        )
      : undefined;
  return renderBlockKit([view], menu ? [menu] : []);
}

/** Reads what the card shows, once: the snapshot of `known` (the incident as an event carried it) or of the stored incident. */
export async function cardSnapshot(core: Core, incidentId: string, known?: Incident): Promise<IncidentSnapshot | undefined> {
  const incident = known ?? (await core.store.incidents.get(incidentId));
  return incident ? loadIncidentSnapshot(core, incident) : undefined;
}
