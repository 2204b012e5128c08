import type { ActionRequest, ActionResult, AgentPort, AgentPresence } from '../../src/agentlink/agent-port.js';
import { AgentOfflineError } from '../../src/agentlink/agent-port.js';

/** An agent port that answers from a table of scripted results and records every request. */
export class ScriptedAgentPort implements AgentPort {
  online = true;
  /** How the service runs on the host, as the agent's hello would say (agent.yaml `deployment`). */
  deployment?: AgentPresence['deployment'];
  readonly requests: ActionRequest[] = [];
  private readonly results = new Map<string, ActionResult>();

  /** Sets the result for an action (optionally for one param value, e.g. `http_health:backend`). */
  answer(key: string, result: Partial<ActionResult> & { status: ActionResult['status'] }): this {
    this.results.set(key, { summary: result.status, output: '', ...result });
    return this;
  }

  presence(host: string): AgentPresence {
    return { host, online: this.online, lastSeenAt: this.online ? Date.now() : undefined, ...(this.deployment ? { deployment: this.deployment } : {}) };
  }
  list(): AgentPresence[] {
    return [this.presence('routing-ml')];
  }
  async run(request: ActionRequest): Promise<ActionResult> {
    if (!this.online) throw new AgentOfflineError(request.host);
    this.requests.push(request);
    const firstParam = Object.values(request.params)[0];
    // Unscripted plans answer like a real agent would for a target with nothing more to say: the params resolved as themselves.
    if (request.action === 'plan' && !this.results.has('plan')) {
      const { action, ...params } = request.params;
      const facts = Object.entries(params).map(([label, value]) => ({ label, value: String(value) }));
      return { status: 'ok', summary: `plan ${String(action)}`, output: '', data: { target: `${String(action)} ${facts.map((f) => `${f.label}=${f.value}`).join(' ')}`.trim(), facts } };
    }
    return this.results.get(`${request.action}:${String(firstParam)}`) ?? this.results.get(request.action) ?? { status: 'ok', summary: `${request.action} ok`, output: '' };
  }
}

/** A scripted agent whose runs wait until `release()`: a step can be caught while it runs. */
export class GatedAgentPort extends ScriptedAgentPort {
  private opened!: () => void;
  private readonly gate = new Promise<void>((r) => (this.opened = r));
  private markStarted!: () => void;
  /** Resolves when the first run reaches the gate. */
  readonly started = new Promise<void>((r) => (this.markStarted = r));
  release(): void {
    this.opened();
  }
  override async run(request: ActionRequest): Promise<ActionResult> {
    this.markStarted();
    await this.gate;
    return super.run(request);
  }
}
