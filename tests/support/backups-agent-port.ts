import type { ActionRequest, ActionResult } from '../../src/agentlink/agent-port.js';
import type { HostPlan } from '../../src/incident/step-plan.js';
import { ScriptedAgentPort } from './fake-agent-port.js';

/**
 * An agent whose `plan` for restore_file answers from a list of backup files (newest first) that a
 * test can change, the way the real agent's planner does: the chosen file (or the newest), its facts
 * with the age as a volatile fact, the newest file, and the files as choices. A choice it does not
 * have is refused, as the real agent refuses one.
 */
export class BackupsAgentPort extends ScriptedAgentPort {
  backups = ['routing_20261123.accdb', 'routing_20261122.accdb'];
  /** Extra facts every plan carries (long plans, hostile text). */
  extraFacts: HostPlan['facts'] = [];

  override async run(request: ActionRequest): Promise<ActionResult> {
    if (request.action !== 'plan' || request.params.action !== 'restore_file') return super.run(request);
    this.requests.push(request);
    const choice = request.params.choice === undefined ? undefined : String(request.params.choice);
    if (choice !== undefined && !this.backups.includes(choice)) return { status: 'fail', summary: `refused: from "${choice}" is not a backup`, output: '' };
    const file = choice ?? this.backups[0]!;
    const data: HostPlan = {
      target: `access_db ← /backup/${file}`,
      facts: [
        { label: 'backup', value: `/backup/${file}` },
        { label: 'backup age', value: '26 h old — past the RPO goal (24 h), within the limit (72 h)', volatile: true },
        { label: 'newest backup', value: this.backups[0]! },
        ...this.extraFacts,
      ],
      choiceParam: 'from',
      choices: this.backups.map((b, i) => ({ value: b, label: `${b} (${26 + 24 * i} h old)` })),
    };
    return { status: 'ok', summary: `restore_file: ${data.target}`, output: '', data };
  }
}
