import type { Logger } from 'pino';
import { ActionExecutor } from './action-executor.js';
import { AgentClient, type AgentTransport } from './agent-client.js';
import type { HostTools } from './agent-action.js';
import type { AgentConfig } from './agent-config.js';
import { AGENT_ACTIONS } from './actions/index.js';
import { createHostTools } from './host-tools.js';
import { RequestLedger } from './request-ledger.js';
import { probeHealth } from './actions/network-actions.js';
import { Watchdog, type TargetHealth, type WatchdogChannels } from './watchdog.js';

/** Agent version reported in its hello. */
export const AGENT_VERSION = '0.1.0';

/** A running agent: its client loop and the executor behind it. */
export interface RunningAgent {
  client: AgentClient;
  executor: ActionExecutor;
  /** The fallback pager, when agent.yaml configures `watchdog`. */
  watchdog?: Watchdog;
  stop(): Promise<void>;
}

/** Assembles an agent (host tools, durable request ledger, executor) and starts connecting through `transport`. */
export function startAgent(
  config: AgentConfig,
  transport: AgentTransport,
  options: { log?: Logger; tools?: Partial<HostTools>; backoffMs?: { min: number; max: number }; watchdogChannels?: WatchdogChannels; drbotUrl?: string } = {},
): RunningAgent {
  const ledger = new RequestLedger(config.stateDir);
  const tools = createHostTools(config, options.tools);
  const executor = new ActionExecutor(config, tools, ledger, options.log);
  const watchdog =
    config.watchdog && options.watchdogChannels
      ? new Watchdog({
          agentId: config.id,
          host: config.host,
          drbotUrl: options.drbotUrl ?? config.drbot?.url ?? '',
          afterMs: config.watchdog.afterMinutes * 60_000,
          repeatMs: config.watchdog.repeatMinutes * 60_000,
          channels: options.watchdogChannels,
          probe: () => probeTargets(config, tools),
          stateDir: config.stateDir,
          timeZone: config.timeZone,
          log: options.log,
        })
      : undefined;
  const client = new AgentClient(executor, transport, {
    host: config.host,
    version: AGENT_VERSION,
    actions: [...AGENT_ACTIONS.keys()],
    log: options.log,
    backoffMs: options.backoffMs,
    onLink: watchdog ? (up, reason) => (up ? watchdog.linkUp() : watchdog.linkDown(reason ?? 'unreachable')) : undefined,
    watchdog: watchdog ? () => watchdog.report() : undefined,
    ...(config.deployment ? { deployment: config.deployment } : {}),
  });
  watchdog?.start();
  client.start();
  return {
    client,
    executor,
    watchdog,
    stop: async () => {
      await client.stop();
      await watchdog?.stop();
      await ledger.close();
    },
  };
}

/** Every health target of agent.yaml, probed at once (a few seconds at most each): what a watchdog page reports. */
async function probeTargets(config: AgentConfig, tools: HostTools): Promise<TargetHealth[]> {
  return Promise.all(
    Object.entries(config.targets).map(async ([name, t]) => {
      const timeoutMs = Math.min(t.timeoutMs, 5000);
      const r = await probeHealth({ tools, signal: AbortSignal.timeout(timeoutMs + 1000) }, t.url, timeoutMs);
      return { name, url: t.url, ok: r.ok, detail: r.detail };
    }),
  );
}
