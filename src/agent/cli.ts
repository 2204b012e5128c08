#!/usr/bin/env node
import { createLogger } from '../logging/create-logger.js';
import { ConfigError, DrbotError, toDrbotError } from '../errors/drbot-error.js';
import { wsTransport } from './agent-client.js';
import { loadAgentConfig } from './agent-config.js';
import { startAgent } from './start-agent.js';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const USAGE = `usage: drbot-agent --config agent.yaml
  Connects out to drbot (agent.yaml drbot.url), authenticates with the agent id and the token in
  the environment variable named by drbot.tokenEnv (default DRBOT_AGENT_TOKEN), and runs only the
  actions and parameters agent.yaml allows.`;

/** The `drbot-agent` command line. */
async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const at = argv.indexOf('--config');
  const path = at >= 0 ? argv[at + 1] : undefined;
  if (!path) {
    process.stderr.write(USAGE + '\n');
    return 2;
  }
  const config = loadAgentConfig(path);
  if (!config.drbot) throw new ConfigError(`${path} has no drbot.url`, 'add drbot: { url: ws://drbot-host:3000/agent } (wss:// when drbot serves TLS; drbot.ca trusts a private CA)');
  const token = process.env[config.drbot.tokenEnv];
  if (!token) {
    process.stderr.write(`drbot-agent: environment variable ${config.drbot.tokenEnv} (the agent token) is not set\n`);
    return 2;
  }
  const log = createLogger({ level: process.env.LOG_LEVEL ?? 'info', secrets: [token] });
  const ca = config.drbot.ca ? readFileSync(resolve(dirname(path), config.drbot.ca)) : undefined;
  const agent = startAgent(config, wsTransport(config.drbot.url, config.id, token, { ca }), { log });
  log.info({ id: config.id, host: config.host, url: config.drbot.url }, 'drbot-agent started');
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
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
