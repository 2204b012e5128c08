import { readFileSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import type { DestinationStream } from 'pino';
import { ConsoleAdapter } from '../../adapters/console/console-adapter.js';
import { createHandlers } from '../../handlers/index.js';
import type { AgentPort } from '../agentlink/agent-port.js';
import type { Clock } from '../clock/clock.js';
import { loadConfig, type DrbotConfig } from '../config/load-config.js';
import { ConfigError } from '../errors/drbot-error.js';
import { HttpServer } from '../http/http-server.js';
import { operationalHealthChecks } from '../http/operational-health-checks.js';
import { createLogger, secretsFromEnv, type Logger } from '../logging/create-logger.js';
import { ConsoleOpsChannel } from '../notify/console-ops-channel.js';
import { ConsolePageSender } from '../notify/console-page-sender.js';
import { Router } from '../router/router.js';
import { DataDirLock } from '../store/data-dir-lock.js';
import type { Store } from '../store/store.js';
import { buildRuntime, type RuntimeOverrides } from './build-runtime.js';
import type { AppContext, DrbotModule } from './drbot-module.js';
import { startOrder } from './start-order.js';
import { hasPlatformCredentials, modulesFor } from './modules.js';

/** How to start drbot; everything has a production default, tests pass fakes. */
export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  /** Console input; when given (or when no platform is configured) drbot runs in console mode. */
  input?: Readable;
  output?: Writable;
  log?: Logger;
  /** Where the logger drbot creates writes its JSON lines (default stderr); ignored when `log` is given. */
  logDestination?: DestinationStream;
  clock?: Clock;
  store?: Store;
  agents?: AgentPort;
  /** Metrics (default on); `false` leaves them out. */
  metrics?: RuntimeOverrides['metrics'];
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
    createLogger({ level: env.LOG_LEVEL ?? (consoleMode ? 'warn' : 'info'), secrets: secretsFromEnv(env), destination: options.logDestination });
  // The SQLite file belongs to one drbot at a time; the pid file also tells `drbot restore` that it is in use.
  const lock = !options.store && !config.databaseUrl ? DataDirLock.acquire(config.dataDir, 'drbot') : undefined;
  let runtime: Awaited<ReturnType<typeof buildRuntime>>;
  try {
    runtime = await buildRuntime(config, log, { clock: options.clock, store: options.store, agents: options.agents, metrics: options.metrics });
  } catch (err) {
    lock?.release();
    throw err;
  }
  const router = new Router(runtime, createHandlers());
  const http = new HttpServer(log, config.tls ? readTlsFiles(config.tls) : undefined);
  http.addHealthCheck({
    name: 'store',
    check: async () => {
      await runtime.store.ping();
      return { ok: true };
    },
  });
  for (const check of operationalHealthChecks(runtime)) http.addHealthCheck(check);
  const app: AppContext = Object.freeze({ runtime, router, http, config });
  const modules = startOrder([...(await modulesFor(config, { console: consoleMode })), ...(options.modules ?? [])]);
  const started: DrbotModule[] = [];
  const output = options.output ?? process.stdout;
  const consoleAdapter = consoleMode ? new ConsoleAdapter(app, output, env.DRBOT_USER) : undefined;
  if (consoleAdapter) {
    // The console reaches everyone: pages print as `PAGE → …` lines, check results as notices.
    runtime.chat.register(new ConsolePageSender((line) => consoleAdapter.print(line)));
    runtime.ops.register(new ConsoleOpsChannel((text) => consoleAdapter.print(text)));
  }

  let stopped = false;
  const stop = async (graceMs = 10_000) => {
    if (stopped) return;
    stopped = true;
    const deadline = Date.now() + graceMs;
    // Stop taking commands first, then let the ones in flight finish before anything closes.
    router.stopAccepting();
    if (!(await router.drain(deadline))) log.warn({ graceMs }, 'commands still running at the shutdown deadline; their transactions roll back whole');
    // the console prints a reply's card after the router answered: it reads the store too
    await consoleAdapter?.idle(deadline);
    for (const m of [...started].reverse()) {
      try {
        await m.stop(deadline);
      } catch (err) {
        log.error({ err, module: m.name }, 'module failed to stop cleanly');
      }
    }
    await http.close();
    await runtime.events.settled();
    await runtime.store.close();
    lock?.release();
  };

  try {
    for (const m of modules) {
      await m.start(app);
      started.push(m);
    }
    http.seal();
    let port: number | undefined;
    try {
      port = await http.listen(config.port, config.listenHost);
      log.info({ port, host: config.listenHost }, 'http server listening');
    } catch (err) {
      if (!consoleMode) throw err;
      log.warn({ err: (err as Error).message, port: config.port }, 'HTTP port unavailable; console mode continues without /healthz (set PORT to change it)');
    }
    await Promise.all(started.map((m) => m.ready?.()));
    return { app, config, console: consoleAdapter, port, stop };
  } catch (err) {
    await stop(0);
    throw err;
  }
}

/** Reads the TLS certificate and key; a missing or unreadable file stops the start and names it. */
function readTlsFiles(tls: { cert: string; key: string }): { cert: Buffer; key: Buffer } {
  const read = (what: 'cert' | 'key') => {
    try {
      return readFileSync(tls[what]);
    } catch (err) {
      throw new ConfigError(`tls.${what}: cannot read ${tls[what]}: ${(err as Error).message}`, 'point tls.cert/tls.key (or DRBOT_TLS_CERT/DRBOT_TLS_KEY) at readable PEM files');
    }
  };
  return { cert: read('cert'), key: read('key') };
}

