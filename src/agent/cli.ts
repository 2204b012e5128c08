#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '../logging/create-logger.js';
import { ConfigError, DrbotError, toDrbotError } from '../errors/drbot-error.js';
import { failoverTransport, wsTransport } from './agent-client.js';
import { loadAgentConfig } from './agent-config.js';
import { checkAgentTransport } from './check-agent-transport.js';
import { startAgent } from './start-agent.js';
import { WATCHDOG_ENV, watchdogChannelsFromEnv } from './watchdog-channels.js';
import { lazyDocker } from './host-tools.js';
import Docker from 'dockerode';

const USAGE = `usage: drbot-agent --config agent.yaml [--insecure-transport]
  Connects out to drbot (agent.yaml drbot.url, or drbot.urls for several replicas), authenticates with the agent id and the token in
  the environment variable named by drbot.tokenEnv (default DRBOT_AGENT_TOKEN), and runs only the
  actions and parameters agent.yaml allows. Runs until SIGTERM or SIGINT, reconnecting for as long
  as drbot is away.
  --insecure-transport  allow plain ws:// to drbot on another machine (the token travels in clear)`;

/** Resolves with the first SIGTERM or SIGINT; listening from the start means a signal during startup still ends the agent cleanly. */
function firstStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
}

/** The `drbot-agent` command line. */
async function main(argv: string[]): Promise<number> {
  const stopSignal = firstStopSignal();
  let args: { config?: string; 'insecure-transport'?: boolean; help?: boolean };
  try {
    args = parseArgs({ args: argv, options: { config: { type: 'string' }, 'insecure-transport': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true }).values;
  } catch (err) {
    process.stderr.write(`drbot-agent: ${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const path = args.config;
  if (!path) {
    process.stderr.write(USAGE + '\n');
    return 2;
  }
  const config = loadAgentConfig(path);
  if (!config.drbot) throw new ConfigError(`${path} has no drbot.url`, 'add drbot: { url: wss://drbot-host:3000/agent } (drbot serves TLS with tls.cert/tls.key; drbot.ca trusts a private CA)');
  const insecure = args['insecure-transport'] === true;
  for (const url of config.drbot.urls) checkAgentTransport(url, insecure);
  const token = process.env[config.drbot.tokenEnv];
  if (!token) {
    process.stderr.write(`drbot-agent: environment variable ${config.drbot.tokenEnv} (the agent token) is not set\n`);
    return 2;
  }
  // Read once, then gone: nothing the agent starts (or reports through env_present) can see it.
  delete process.env[config.drbot.tokenEnv];
  const watchdog = config.watchdog ? watchdogChannelsFromEnv(config.watchdog, process.env) : undefined;
  if (watchdog) for (const name of WATCHDOG_ENV) delete process.env[name];
  const log = createLogger({ level: process.env.LOG_LEVEL ?? 'info', secrets: [token, ...(watchdog?.secrets ?? [])] });
  const clear = config.drbot.urls.filter((u) => new URL(u).protocol === 'ws:');
  if (insecure && clear.length) log.warn({ urls: clear }, '--insecure-transport: the agent token travels in clear to drbot; use wss:// on any network you do not control');
  const ca = config.drbot.ca ? readFileSync(resolve(dirname(path), config.drbot.ca)) : undefined;
  const { minSeconds, maxSeconds } = config.drbot.reconnect;
  // dockerode is imported statically here (the embedded agent loads it on first use) so that
  // scripts/bundle-agent.mjs puts it into the single-file agent
  const urls = config.drbot.urls;
  const transport = failoverTransport(
    urls.map((url) => wsTransport(url, config.id, token, { ca })),
    (index) => log.info({ url: urls[index] }, 'linked to drbot replica'),
  );
  const agent = startAgent(config, transport, {
    log,
    backoffMs: { min: minSeconds * 1000, max: maxSeconds * 1000 },
    tools: { docker: lazyDocker(config, () => Docker) },
    watchdogChannels: watchdog?.channels,
  });
  log.info(
    {
      id: config.id,
      host: config.host,
      urls: config.drbot.urls,
      watchdog: agent.watchdog ? { afterMinutes: config.watchdog!.afterMinutes, repeatMinutes: config.watchdog!.repeatMinutes, channels: agent.watchdog.report().channels } : undefined,
    },
    'drbot-agent started',
  );
  const signal = await stopSignal;
  log.info({ signal }, 'drbot-agent stopping');
  // a second signal while requests finish: the operator wants out now
  const now = () => {
    log.warn('second signal: exiting without waiting for running requests');
    process.exit(1);
  };
  process.once('SIGTERM', now);
  process.once('SIGINT', now);
  await agent.stop();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    const e = toDrbotError(err);
    process.stderr.write(`drbot-agent: ${e.message}${e instanceof DrbotError && e.hint ? `\n  → ${e.hint}` : ''}\n`);
    process.exit(1);
  },
);
