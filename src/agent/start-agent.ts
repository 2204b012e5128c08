import type { Logger } from 'pino';
import { ActionExecutor } from './action-executor.js';
import { AgentClient, type AgentTransport } from './agent-client.js';
import type { HostTools } from './agent-action.js';
import type { AgentConfig } from './agent-config.js';
import { AGENT_ACTIONS } from './actions/index.js';
import { createHostTools } from './host-tools.js';
import { RequestLedger } from './request-ledger.js';

/** Agent version reported in its hello. */
export const AGENT_VERSION = '0.1.0';

/** A running agent: its client loop and the executor behind it. */
export interface RunningAgent {
  client: AgentClient;
  executor: ActionExecutor;
  stop(): Promise<void>;
}

/** Assembles an agent (host tools, durable request ledger, executor) and starts connecting through `transport`. */
export function startAgent(config: AgentConfig, transport: AgentTransport, options: { log?: Logger; tools?: Partial<HostTools>; backoffMs?: { min: number; max: number } } = {}): RunningAgent {
  const ledger = new RequestLedger(config.stateDir);
  const executor = new ActionExecutor(config, createHostTools(config, options.tools), ledger, options.log);
  const client = new AgentClient(executor, transport, { host: config.host, version: AGENT_VERSION, actions: [...AGENT_ACTIONS.keys()], log: options.log, backoffMs: options.backoffMs });
  client.start();
  return {
    client,
    executor,
    stop: async () => {
      await client.stop();
      await ledger.close();
    },
  };
}
