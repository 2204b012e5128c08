import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { AgentHub, sha256Hex } from '../../src/agentlink/agent-hub.js';
import { AGENT_TEST_TOKEN, AgentProcess, anAgentHome } from '../agent/agent-process.js';

/** An agent hub on a real HTTP server (anything but the WebSocket upgrade answers 404). */
export interface AgentHubServer {
  server: Server;
  /** ws://<host>:<port>/agent */
  url: string;
  /** Closes the hub, then the server and every connection still open on it. */
  close(): Promise<void>;
}

/** Puts `hub` on an HTTP server listening on a free port of `host` (loopback unless said). */
export async function serveAgentHub(hub: AgentHub, host = '127.0.0.1'): Promise<AgentHubServer> {
  const server = createServer((_req, res) => res.writeHead(404).end());
  hub.attach(server);
  await new Promise<void>((r) => server.listen(0, host, () => r()));
  return {
    server,
    url: `ws://${host}:${(server.address() as AddressInfo).port}/agent`,
    close: async () => {
      await hub.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** The hub drbot runs, knowing the test agent routing-ml by AGENT_TEST_TOKEN; logs nothing. */
export function aTestAgentHub(): AgentHub {
  return new AgentHub({ agents: [{ id: 'routing-ml', tokenSha256: sha256Hex(AGENT_TEST_TOKEN) }], log: pino({ level: 'silent' }) });
}

/**
 * A real drbot-agent CLI process (dist/) connected to an in-process hub over a real WebSocket, so a
 * test sends it requests with `hub.run`. `start()` listens; `startAgent()` writes its agent.yaml
 * (pointed at the hub) and waits until it is connected; `stop()` kills it and closes the hub.
 */
export class AgentOnAHub {
  readonly hub = aTestAgentHub();
  agent!: AgentProcess;
  home!: ReturnType<typeof anAgentHome>;
  private served?: AgentHubServer;

  get url(): string {
    if (!this.served) throw new Error('start() the hub first');
    return this.served.url;
  }

  async start(): Promise<this> {
    this.served = await serveAgentHub(this.hub);
    return this;
  }

  /** `fields` is agent.yaml beside `drbot.url`; `env` goes to the agent besides its token. */
  async startAgent(fields: Record<string, unknown>, env: NodeJS.ProcessEnv = {}, options: { fileSizeLimitKiB?: number } = {}): Promise<AgentProcess> {
    this.home = anAgentHome({ drbot: { url: this.url }, ...fields });
    this.agent = new AgentProcess(['--config', this.home.configPath], { DRBOT_AGENT_TOKEN: AGENT_TEST_TOKEN, ...env }, options);
    await this.agent.waitForLog('connected to drbot');
    return this.agent;
  }

  /** kill -9 the agent (waiting for its exit), close the hub and its server, remove the agent's home. */
  async stop(): Promise<void> {
    if (this.agent) {
      this.agent.kill();
      await this.agent.exited;
    }
    await this.served?.close();
    this.home?.cleanup();
  }
}

/** What a test undoes after it, the last pushed first. */
export type Cleanups = (() => void | Promise<void>)[];

/** A real drbot-agent process (agent.yaml `fields`, `env` beside PATH and HOME, `args` after --config); its kill -9 (waiting for the exit) and its home's removal are pushed to `cleanups`. */
export function startAgentProcess(fields: Record<string, unknown>, env: NodeJS.ProcessEnv, cleanups: Cleanups, args: string[] = []): AgentProcess {
  const home = anAgentHome(fields);
  const agent = new AgentProcess(['--config', home.configPath, ...args], env);
  cleanups.push(async () => {
    agent.kill();
    await agent.exited;
    home.cleanup();
  });
  return agent;
}
