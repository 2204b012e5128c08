import type { ActionRequest, ActionResult, AgentPort, AgentPresence, AgentRefusal } from './agent-port.js';

/**
 * An AgentPort that passes every call to `inner`: the base of the ports that wrap the agent link
 * (scrubbing, timing), so a wrapper overrides only what it changes and never drops a call it does
 * not know about (a wrapper once dropped refusals() and refresh()).
 */
export class ForwardingAgentPort implements AgentPort {
  constructor(readonly inner: AgentPort) {}

  presence(host: string): AgentPresence {
    return this.inner.presence(host);
  }

  list(): AgentPresence[] {
    return this.inner.list();
  }

  refusals(): AgentRefusal[] {
    return this.inner.refusals?.() ?? [];
  }

  async refresh(): Promise<void> {
    await this.inner.refresh?.();
  }

  run(request: ActionRequest, onProgress?: (line: string) => void): Promise<ActionResult> {
    return this.inner.run(request, onProgress);
  }
}
