#!/usr/bin/env node
import { startDrbot } from '../app/start-drbot.js';
import { DrbotError, toDrbotError } from '../errors/drbot-error.js';
import { runBackup } from './run-backup.js';
import { renderRunbook } from './render-runbook.js';
import { runRestore } from './run-restore.js';
import { validateRunbook } from './validate-runbook.js';

const USAGE = `usage:
  drbot                         start (console mode without platform credentials)
  drbot validate-runbook FILE   check a runbook pack and name each bad field
  drbot runbook render --lang ko|en [--out FILE]
                                the procedure document (Markdown) from the runbook pack and contacts
  drbot backup FILE             online copy of the SQLite store (safe while drbot runs)
  drbot restore FILE            check a backup and put it in place (drbot must be stopped)
  drbot help                    this text`;

/** The `drbot` command line. */
async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  const lang = process.env.DRBOT_LANG === 'en' ? 'en' : 'ko';
  if (cmd === 'help' || cmd === '--help' || cmd === '-h') {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (cmd === 'validate-runbook') {
    if (!rest[0]) {
      process.stderr.write('usage: drbot validate-runbook FILE\n');
      return 2;
    }
    const r = validateRunbook(rest[0], lang);
    (r.ok ? process.stdout : process.stderr).write(r.text + '\n');
    return r.ok ? 0 : 1;
  }
  if (cmd === 'runbook') {
    const r = renderRunbook(rest, process.env);
    if (r.document !== undefined) process.stdout.write(r.document);
    else (r.code === 0 ? process.stdout : process.stderr).write(r.text + '\n');
    return r.code;
  }
  if (cmd === 'backup' || cmd === 'restore') {
    const r = cmd === 'backup' ? await runBackup(rest, process.env) : runRestore(rest, process.env);
    (r.code === 0 ? process.stdout : process.stderr).write(r.text + '\n');
    return r.code;
  }
  if (cmd !== undefined && cmd !== 'start') {
    process.stderr.write(`unknown command "${cmd}"\n${USAGE}\n`);
    return 2;
  }
  return serve();
}

async function serve(): Promise<number> {
  const drbot = await startDrbot();
  let exiting = false;
  const shutdown = async (signal: string) => {
    if (exiting) {
      // A second signal while stopping: the operator wants out now (every change is one transaction, so nothing is half-written).
      drbot.app.runtime.log.warn({ signal }, 'second signal: exiting without waiting for the shutdown to finish');
      process.exit(1);
    }
    exiting = true;
    drbot.app.runtime.log.info({ signal }, 'shutting down');
    try {
      await drbot.stop(10_000);
      process.exit(0);
    } catch (err) {
      drbot.app.runtime.log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  if (drbot.console) {
    const t = drbot.config.lang === 'ko';
    drbot.console.print(
      t
        ? `drbot 준비 완료 (콘솔 모드, 저장소 ${drbot.config.databaseUrl ? 'PostgreSQL' : drbot.config.dataDir}). 명령 목록: /incident help`
        : `drbot ready (console mode, store ${drbot.config.databaseUrl ? 'PostgreSQL' : drbot.config.dataDir}). Commands: /incident help`,
    );
    await drbot.console.run(process.stdin);
    await drbot.stop(10_000);
    return 0;
  }
  drbot.app.runtime.log.info({ port: drbot.port }, 'drbot serving until SIGTERM');
  return new Promise<number>(() => {});
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    const e = toDrbotError(err);
    process.stderr.write(`drbot: ${e.message}${e instanceof DrbotError && e.hint ? `\n  → ${e.hint}` : ''}\n`);
    process.exit(1);
  },
);
