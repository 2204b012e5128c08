import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { packageRoot } from '../../src/config/package-root.js';

/** The built agent CLI; `npm test` builds it first (`npm run build` when running jest alone). */
export const AGENT_BIN = join(packageRoot(), 'dist/src/agent/cli.js');

/** A token for agents started by tests (drbot's config holds its SHA-256). */
export const AGENT_TEST_TOKEN = 'agent-process-token-0123456789abcdef';

/** A temporary directory with `config/agent.yaml` (id routing-ml, state under the directory) merged with `fields`. */
export function anAgentHome(fields: Record<string, unknown>): { home: string; configPath: string; cleanup(): void } {
  const home = mkdtempSync(join(tmpdir(), 'drbot-agent-proc-'));
  mkdirSync(join(home, 'config'));
  const configPath = join(home, 'config/agent.yaml');
  writeFileSync(configPath, stringify({ id: 'routing-ml', stateDir: 'state', ...fields }));
  return { home, configPath, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

/** One pino line of the agent's stderr. */
export type AgentLogLine = { msg: string; level: number } & Record<string, unknown>;

/** A real `node dist/src/agent/cli.js` process; its JSON log lines (stderr) are collected as they come. */
export class AgentProcess {
  readonly child: ChildProcessWithoutNullStreams;
  stdout = '';
  stderr = '';
  exit?: { code: number | null; signal: NodeJS.Signals | null };
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  /**
   * Starts the agent with only PATH, HOME and `env` in its environment. `fileSizeLimitKiB` starts it
   * under `ulimit -f` (RLIMIT_FSIZE): a write past that size fails with EFBIG, as on a full disk.
   */
  constructor(args: string[], env: NodeJS.ProcessEnv, options: { fileSizeLimitKiB?: number } = {}) {
    if (!existsSync(AGENT_BIN)) throw new Error(`${AGENT_BIN} is missing: run npm run build first`);
    const spawnEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...env };
    this.child =
      options.fileSizeLimitKiB === undefined
        ? spawn(process.execPath, [AGENT_BIN, ...args], { env: spawnEnv, stdio: 'pipe' })
        : spawn('/bin/bash', ['-c', `ulimit -f ${options.fileSizeLimitKiB} && exec "$0" "$@"`, process.execPath, AGENT_BIN, ...args], { env: spawnEnv, stdio: 'pipe' });
    this.child.stdout.setEncoding('utf8').on('data', (d: string) => (this.stdout += d));
    this.child.stderr.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve((this.exit = { code, signal }))));
  }

  /** Every complete JSON log line so far. */
  logs(): AgentLogLine[] {
    return this.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as AgentLogLine];
        } catch {
          return [];
        }
      });
  }

  /** How many log lines have this message. */
  count(msg: string): number {
    return this.logs().filter((l) => l.msg === msg).length;
  }

  /** Waits until `count` log lines carry `msg`; rejects if the process exits first or after `limitMs`. */
  async waitForLog(msg: string, count = 1, limitMs = 30_000): Promise<AgentLogLine> {
    const deadline = Date.now() + limitMs;
    for (;;) {
      const lines = this.logs().filter((l) => l.msg === msg);
      if (lines.length >= count) return lines[count - 1]!;
      if (this.exit) throw new Error(`the agent exited (${JSON.stringify(this.exit)}) before logging "${msg}" ${count}×:\n${this.stderr.slice(-3000)}`);
      if (Date.now() > deadline) throw new Error(`the agent did not log "${msg}" ${count}× within ${limitMs} ms:\n${this.stderr.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Sends a signal and waits for the exit (rejects after `limitMs`). */
  async signal(sig: NodeJS.Signals, limitMs = 10_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.child.kill(sig);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`the agent did not exit within ${limitMs} ms of ${sig}:\n${this.stderr.slice(-3000)}`)), limitMs)));
    try {
      return await Promise.race([this.exited, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Kills the process if a test left it running. */
  kill(): void {
    if (!this.exit) this.child.kill('SIGKILL');
  }
}
