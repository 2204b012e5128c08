import { ActionExecutor } from '../../src/agent/action-executor.js';
import type { AgentConfig } from '../../src/agent/agent-config.js';
import { createHostTools } from '../../src/agent/host-tools.js';
import { RequestLedger } from '../../src/agent/request-ledger.js';
import type { ActionRequest, ActionResult, AgentPort, AgentPresence } from '../../src/agentlink/agent-port.js';

/** The real agent's executor behind an agent port, in this process: drbot's requests run on a temporary host tree. */
export class ExecutorAgentPort implements AgentPort {
  readonly requests: ActionRequest[] = [];
  private readonly ledger: RequestLedger;
  private readonly executor: ActionExecutor;

  constructor(config: AgentConfig) {
    this.ledger = new RequestLedger(config.stateDir);
    this.executor = new ActionExecutor(config, createHostTools(config), this.ledger);
  }

  presence(host: string): AgentPresence {
    return { host, online: true, lastSeenAt: Date.now() };
  }
  list(): AgentPresence[] {
    return [this.presence('routing-ml')];
  }
  async run(request: ActionRequest): Promise<ActionResult> {
    this.requests.push(request);
    const { requestId, host, action, params, incidentId, approvalId, drill, timeoutMs } = request;
    return this.executor.execute({ requestId, host, action, params, incidentId, approvalId, drill, timeoutMs });
  }
  close(): Promise<void> {
    return this.ledger.close();
  }
}
