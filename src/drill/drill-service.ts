import type { Actor } from '../app/actor.js';
import type { Core } from '../app/core.js';
import type { Incident } from '../incident/incident.js';
import type { IncidentService } from '../incident/incident-service.js';
import { translator } from '../i18n/lang.js';

/** What ending a drill did, as one line for whoever ended it. */
export interface DrillEnd {
  text: string;
  resolved: boolean;
}

/** Drills: ending one (the faults it injected are undone, then it is resolved). */
export class DrillService {
  constructor(
    private readonly core: Core,
    private readonly incidents: IncidentService,
  ) {}

  /** Ends a drill: resolves it when still open and says so. */
  async end(incident: Incident, actor: Actor): Promise<DrillEnd> {
    const t = translator(this.core.lang);
    let resolved = false;
    if (incident.status === 'open') {
      const r = await this.incidents.resolve(incident, actor, t('훈련 종료', 'drill ended'));
      resolved = r.ok;
    }
    const text = resolved
      ? t(`[DRILL] ${incident.id} 훈련을 종료했습니다.`, `[DRILL] Drill ${incident.id} ended.`)
      : t(`[DRILL] ${incident.id} 훈련은 이미 끝났습니다 (${incident.status}).`, `[DRILL] Drill ${incident.id} had already ended (${incident.status}).`);
    return { text, resolved };
  }
}
