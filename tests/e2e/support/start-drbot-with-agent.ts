import { replyViews } from '../../../src/views/view.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { stringify } from 'yaml';
import { resolveActor, type Actor } from '../../../src/app/actor.js';
import { startDrbot, type RunningDrbot } from '../../../src/app/start-drbot.js';
import { packageRoot } from '../../../src/config/package-root.js';

/** A real drbot (console mode, SQLite, HTTP on a free port) whose embedded agent runs with `agentConfig`. */
export interface DrbotWithAgent {
  drbot: RunningDrbot;
  /** Console output drbot printed (timeline entries by drbot itself). */
  output(): string;
  as(name: string): Actor;
  /** Sends a command line through drbot's router and waits for everything it set off. */
  dispatch(line: string, actor: Actor): Promise<string>;
}

/** Writes drbot.yaml and agent.yaml under `dir` and starts drbot with its embedded agent (a real WebSocket, or in memory when `port` is taken). */
export async function startDrbotWithAgent(dir: string, agentConfig: Record<string, unknown>, options: { port?: number } = {}): Promise<DrbotWithAgent> {
  const root = packageRoot();
  mkdirSync(join(dir, 'config'), { recursive: true });
  const agentPath = join(dir, 'config', 'agent.yaml');
  writeFileSync(agentPath, stringify(agentConfig));
  const drbotPath = join(dir, 'config', 'drbot.yaml');
  writeFileSync(
    drbotPath,
    stringify({ lang: 'en', runbook: join(root, 'runbooks/routing-ml.yaml'), contacts: join(root, 'config/contacts.yaml'), dataDir: join(dir, 'data'), reportsDir: join(dir, 'reports'), port: options.port ?? 0, embeddedAgent: { enabled: true, config: agentPath } }),
  );
  let printed = '';
  const output = new Writable({
    write(chunk: Buffer, _enc, done) {
      printed += chunk.toString();
      done();
    },
  });
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, DRBOT_CONFIG: drbotPath, DRBOT_LANG: 'en' } as NodeJS.ProcessEnv;
  const drbot = await startDrbot({ env, console: true, output, log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) });
  const as = (name: string) => resolveActor(drbot.app.runtime.contacts, 'console', name, name);
  return {
    drbot,
    output: () => printed,
    as,
    dispatch: async (line, actor) => {
      const reply = await drbot.app.router.dispatch(line, actor, { channel: 'console' });
      // Everything the console shows, the card included.
      const shown = { ...reply, views: await replyViews(reply), card: undefined };
      await drbot.app.runtime.events.settled();
      return JSON.stringify(shown);
    },
  };
}
