import type { Actor } from '../app/actor.js';
import type { Core } from '../app/core.js';
import { DRILL_TAG } from '../incident/drill.js';
import type { Incident } from '../incident/incident.js';
import type { IncidentService } from '../incident/incident-service.js';
import { translator } from '../i18n/lang.js';

/** What ending a drill did, as one line for whoever ended it. */
export interface DrillEnd {
  text: string;
  resolved: boolean;
  /** False when faults may still be in place (the agent was offline or could not undo one). */
  undone: boolean;
}

/** What undoing a drill's faults did. */
export interface FaultUndo {
  ok: boolean;
  /** One line per fault restored (or found recovered). */
  restored: string[];
  text: string;
}

const UNDO_TIMEOUT_MS = 300_000;

/** Drills: ending one, and undoing on the host every fault it injected. */
export class DrillService {
  constructor(
    private readonly core: Core,
    private readonly incidents: IncidentService,
  ) {}

  /** Ends a drill: undoes its faults, then resolves it when still open. Faults that cannot be undone keep it open. */
  async end(incident: Incident, actor: Actor): Promise<DrillEnd> {
    const t = translator(this.core.lang);
    const undo = await this.undoFaults(incident, actor);
    if (undo && !undo.ok) return { text: undo.text, resolved: false, undone: false };
    let resolved = false;
    if (incident.status === 'open') resolved = (await this.incidents.resolve(incident, actor, t('훈련 종료', 'drill ended'))).ok;
    const head = resolved
      ? t(`${DRILL_TAG} ${incident.id} 훈련을 종료했습니다.`, `${DRILL_TAG} Drill ${incident.id} ended.`)
      : t(`${DRILL_TAG} ${incident.id} 훈련은 이미 끝났습니다 (${incident.status}).`, `${DRILL_TAG} Drill ${incident.id} had already ended (${incident.status}).`);
    return { text: undo ? `${head}\n${undo.text}` : head, resolved, undone: true };
  }

  /**
   * Asks the drill's host to undo every fault the drill injected and still in place, and records what
   * it restored. Undefined when the drill injected no fault; not ok when the agent is offline or a
   * fault could not be undone (the timeline says which).
   */
  async undoFaults(incident: Incident, actor: Actor, options: { quietWhenNothing?: boolean } = {}): Promise<FaultUndo | undefined> {
    if (!incident.drill) return undefined;
    const t = translator(this.core.lang);
    const injected = (await this.core.store.incidents.stepRuns(incident.id)).filter((r) => r.action === 'drill_fault' && r.status !== 'fail');
    if (!injected.length) return undefined;
    if (!this.core.agents.presence(incident.host).online) {
      const text = t(
        `${DRILL_TAG} ${incident.host} 에이전트가 오프라인이라 주입한 장애(${injected.map((r) => r.stepId).join(', ')})를 되돌리지 못했습니다. 에이전트가 연결되면 \`/incident drill end ${incident.id}\`를 다시 입력하세요.`,
        `${DRILL_TAG} The agent on ${incident.host} is offline, so the injected faults (${injected.map((r) => r.stepId).join(', ')}) were not undone. Run \`/incident drill end ${incident.id}\` again once it is back.`,
      );
      await this.incidents.record(incident, actor, 'step', text, { drillUndo: 'offline' });
      return { ok: false, restored: [], text };
    }
    const result = await this.core.agents
      .run({
        requestId: `drill-undo-${this.core.newId()}`,
        host: incident.host,
        action: 'drill_undo',
        params: {},
        incidentId: incident.id,
        // Ending the drill is the decision: by whom is on the timeline.
        approvalId: `drill-end-${incident.id}`,
        drill: true,
        timeoutMs: UNDO_TIMEOUT_MS,
      })
      .catch((err: unknown) => ({ status: 'unknown' as const, summary: (err as Error).message, output: '', data: undefined }));
    const data = (result.data ?? {}) as { restored?: string[] };
    const restored = Array.isArray(data.restored) ? data.restored.map(String) : [];
    const ok = result.status === 'ok';
    if (!ok || restored.length || !options.quietWhenNothing) {
      await this.incidents.record(incident, actor, 'step', `${ok ? '↩' : '❗'} ${result.summary}`, { drillUndo: result.status, restored });
    }
    return { ok, restored, text: result.summary };
  }
}
