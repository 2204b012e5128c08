import { HttpServer } from '../../../../src/http/http-server.js';
import { loadConfig, type DrbotConfig } from '../../../../src/config/load-config.js';
import type { Store } from '../../../../src/store/store.js';
import { TeamsModule } from '../../../../adapters/teams/teams-module.js';
import { buildTestRuntime, type TestRuntime } from '../../../support/test-runtime.js';
import { TeamsActivityBuilder } from './a-teams-activity.js';
import { FakeBotConnector } from './fake-bot-connector.js';

/** A drbot with the real TeamsModule on a real HTTP server, and a fake Bot Connector to answer to. */
export interface TeamsHarness {
  core: TestRuntime;
  module: TeamsModule;
  http: HttpServer;
  config: DrbotConfig;
  connector: FakeBotConnector;
  endpoint: string;
  /** A new activity aimed at the fake connector. */
  activity(): TeamsActivityBuilder;
  /** POSTs an activity to /api/messages and waits until drbot has finished reacting to it. */
  post(activity: Record<string, unknown>, headers?: Record<string, string>): Promise<Response>;
  /** Stops the module and the HTTP server (the store stays open unless `closeStore`). */
  close(options?: { closeStore?: boolean }): Promise<void>;
}

/** Starts the harness; `env` defaults to the insecure local mode. */
export async function startTeamsHarness(
  options: { env?: NodeJS.ProcessEnv; store?: Store; opsConversation?: string; noticeConversations?: string[]; connector?: FakeBotConnector; core?: TestRuntime; module?: TeamsModule } = {},
): Promise<TeamsHarness> {
  const connector = options.connector ?? new FakeBotConnector();
  if (!connector.url) await connector.start();
  const core = options.core ?? (await buildTestRuntime({ store: options.store }));
  const base = loadConfig({ DRBOT_LANG: 'en', ...(options.env ?? { DRBOT_TEAMS_INSECURE: '1', DRBOT_LISTEN_HOST: '127.0.0.1' }) });
  const config: DrbotConfig = {
    ...base,
    teams: { opsConversation: options.opsConversation },
    notices: { ...base.notices, teamsConversations: options.noticeConversations ?? [] },
  };
  const http = new HttpServer(core.log);
  const module = options.module ?? new TeamsModule();
  try {
    await module.start({ runtime: core, router: core.router, http, config });
  } catch (err) {
    // a start the test expects to fail leaves nothing running
    if (!options.connector) await connector.close();
    if (!options.core) await core.close();
    throw err;
  }
  http.seal();
  const port = await http.listen(0, '127.0.0.1');
  const endpoint = `http://127.0.0.1:${port}/api/messages`;
  return {
    core,
    module,
    http,
    config,
    connector,
    endpoint,
    activity: () => new TeamsActivityBuilder(connector.url),
    post: async (activity, headers = {}) => {
      const res = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(activity) });
      await module.idle();
      return res;
    },
    close: async ({ closeStore = false } = {}) => {
      await module.stop(Date.now() + 5000);
      http.server.closeAllConnections();
      await http.close();
      if (!options.connector) await connector.close();
      if (closeStore) await core.close();
    },
  };
}
