import type { Readable, Writable } from 'node:stream';
import { ConsoleAdapter } from '../../adapters/console/console-adapter.js';
import { createHandlers } from '../../handlers/index.js';
import type { AgentPort } from '../agentlink/agent-port.js';
import type { Clock } from '../clock/clock.js';
import { loadConfig, type DrbotConfig } from '../config/load-config.js';
import { HttpServer } from '../http/http-server.js';
import { createLogger, secretsFromEnv, type Logger } from '../logging/create-logger.js';
import { Router } from '../router/router.js';
import type { Store } from '../store/store.js';
import { buildCore } from './build-core.js';
import type { AppContext, DrbotModule } from './drbot-module.js';
import { hasPlatformCredentials, modulesFor } from './modules.js';

/** How to start drbot; everything has a production default, tests pass fakes. */
export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  /** Console input; when given (or when no platform is configured) drbot runs in console mode. */
  input?: Readable;
  output?: Writable;
  log?: Logger;
  clock?: Clock;
  store?: Store;
  agents?: AgentPort;
  /** Extra modules (tests). */
  modules?: DrbotModule[];
  /** Force console mode on or off. */
  console?: boolean;
}

/** A started drbot. */
export interface RunningDrbot {
  app: AppContext;
  config: DrbotConfig;
  console?: ConsoleAdapter;
  /** The HTTP port actually bound, if any. */
  port?: number;
  /** Stops modules, HTTP and the store, finishing in-flight work up to `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts drbot: config, store, core, router, HTTP server, modules, and the console when no platform is configured. */
export async function startDrbot(options: StartOptions = {}): Promise<RunningDrbot> {
  const env = options.env ?? process.env;
  const config = loadConfig(env);
  const consoleMode = options.console ?? !hasPlatformCredentials(env);
  const log =
    options.log ??
    createLogger({ level: env.LOG_LEVEL ?? (consoleMode ? 'warn' : 'info'), secrets: secretsFromEnv(env) });
  const core = await buildCore(config, log, { clock: options.clock, store: options.store, agents: options.agents });
  const router = new Router(core, createHandlers());
  const http = new HttpServer(log);
  http.addHealthCheck({
    name: 'store',
    check: async () => {
      await core.store.ping();
      return { ok: true };
    },
  });
  const app: AppContext = { core, router, http, config };
  const modules = [...(await modulesFor(config, { console: consoleMode })), ...(options.modules ?? [])];
  const started: DrbotModule[] = [];
  const output = options.output ?? process.stdout;
  const consoleAdapter = consoleMode ? new ConsoleAdapter(app, output, env.DRBOT_USER) : undefined;

  let stopped = false;
  const stop = async (graceMs = 10_000) => {
    if (stopped) return;
    stopped = true;
    const deadline = Date.now() + graceMs;
    for (const m of [...started].reverse()) {
      try {
        await m.stop(deadline);
      } catch (err) {
        log.error({ err, module: m.name }, 'module failed to stop cleanly');
      }
    }
    await http.close();
    await core.events.settled();
    await core.store.close();
  };

  try {
    for (const m of modules) {
      await m.start(app);
      started.push(m);
    }
    http.seal();
    let port: number | undefined;
    try {
      port = await http.listen(config.port);
      log.info({ port }, 'http server listening');
    } catch (err) {
      if (!consoleMode) throw err;
      log.warn({ err: (err as Error).message, port: config.port }, 'HTTP port unavailable; console mode continues without /healthz (set PORT to change it)');
    }
    return { app, config, console: consoleAdapter, port, stop };
  } catch (err) {
    await stop(0);
    throw err;
  }
}
