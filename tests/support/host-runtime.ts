import type { Lang } from '../../src/i18n/lang.js';
import { IncidentReactions } from '../../src/incident/incident-reactions.js';
import type { Reply } from '../../src/views/view.js';
import { anAgentConfig, type AgentConfigBuilder } from './an-agent-config.js';
import { ExecutorAgentPort } from './executor-agent-port.js';
import { replyText } from './reply-text.js';
import { buildTestRuntime, type TestRuntime } from './test-runtime.js';

/** drbot in this process in front of the real agent executor on an agent home (a temporary host tree). */
export interface HostRuntime {
  readonly core: TestRuntime;
  readonly agent: ExecutorAgentPort;
  readonly host: AgentConfigBuilder;
  /** Dispatches a console line as `as` (Kim DevOps), waits for what it set off, and gives the reply and its text. */
  send(line: string, as?: string): Promise<{ reply: Reply; text: string }>;
  /** Waits for what is still running, closes the runtime and the agent's ledger, and removes the host tree. */
  close(): Promise<void>;
}

/**
 * Starts drbot on `host` (its runtime options as buildTestRuntime takes them). `reactions` starts what
 * drbot does after a change (diagnostics on open, undoing a resolved drill's faults, writing its report).
 * If the start fails, the host tree is removed before the error is thrown.
 */
export async function startOnHost(host: AgentConfigBuilder, options: Parameters<typeof buildTestRuntime>[0] & { reactions?: boolean } = {}): Promise<HostRuntime> {
  const { reactions, ...runtimeOptions } = options;
  let agent: ExecutorAgentPort | undefined;
  try {
    agent = new ExecutorAgentPort(host.build());
    const core = await buildTestRuntime({ ...runtimeOptions, agents: agent });
    if (reactions) await new IncidentReactions().start({ runtime: core });
    const started = agent;
    return {
      core,
      agent: started,
      host,
      send: async (line, as = 'Kim DevOps') => {
        const reply = await core.router.dispatch(line, core.as(as));
        await core.events.settled();
        return { reply, text: await replyText(reply) };
      },
      close: async () => {
        await core.events.settled();
        await core.close();
        await started.close();
        host.cleanup();
      },
    };
  } catch (err) {
    await agent?.close();
    host.cleanup();
    throw err;
  }
}

const DAY = 86_400_000;

/** An Access file the drill tests tell apart by its rows: the real ACE signature at offset 4, `rows of <rows>`, a page of data. */
export const accessFileWithRows = (rows: string): Buffer =>
  Buffer.concat([Buffer.from([0, 1, 0, 0]), Buffer.from('Standard ACE DB\0'), Buffer.from(`rows of ${rows}`), Buffer.alloc(1024, 1)]);

/** The backup the drill host keeps: yesterday's rows, two days old. */
export const DRILL_BACKUP = 'backup/routing_db_20261123.accdb';

/**
 * drbot with its reactions on, on a Type 2 host ready for a drill: the live db/routing.accdb holds
 * today's rows, DRILL_BACKUP yesterday's, and agent.yaml allows the drill faults given (none: the
 * agent refuses every fault).
 */
export async function startDrillHost(options: { faults?: Record<string, string[]>; lang?: Lang } = {}): Promise<HostRuntime> {
  const host = anAgentConfig()
    .with(options.faults ? { drill: { faults: options.faults } } : {})
    .file('db/routing.accdb', accessFileWithRows('today'))
    .file(DRILL_BACKUP, accessFileWithRows('yesterday'), Date.now() - 2 * DAY);
  return startOnHost(host, { lang: options.lang, reactions: true });
}
