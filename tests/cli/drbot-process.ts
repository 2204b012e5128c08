import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/config/package-root.js';

/** The built CLI; `npm test` builds it first (`npm run build` when running jest alone). */
export const DRBOT_BIN = join(packageRoot(), 'dist/src/cli/drbot.js');

/** A directory with a config that keeps drbot to itself: no embedded agent, the shipped pack and contacts (plus `extra` YAML lines). */
export function aDrbotHome(extra: string[] = []): { home: string; dataDir: string; configPath: string } {
  const root = packageRoot();
  const home = mkdtempSync(join(tmpdir(), 'drbot-proc-'));
  mkdirSync(join(home, 'config'));
  const configPath = join(home, 'config/drbot.yaml');
  writeFileSync(
    configPath,
    [`runbook: ${join(root, 'runbooks/routing-ml.yaml')}`, `contacts: ${join(root, 'config/contacts.yaml')}`, 'lang: en', 'embeddedAgent:', '  enabled: false', ...extra, ''].join('\n'),
  );
  return { home, dataDir: join(home, 'data'), configPath };
}

/** A real `node dist/src/cli/drbot.js` process with stdin as a pipe (console mode). */
export class DrbotProcess {
  readonly child: ChildProcessWithoutNullStreams;
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(args: string[], env: NodeJS.ProcessEnv) {
    if (!existsSync(DRBOT_BIN)) throw new Error(`${DRBOT_BIN} is missing: run npm run build first`);
    this.child = spawn(process.execPath, [DRBOT_BIN, ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: 'pipe' });
    this.child.stdout.setEncoding('utf8').on('data', (d: string) => (this.stdout += d));
    this.child.stderr.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Types one console line. */
  send(line: string): void {
    this.child.stdin.write(line + '\n');
  }

  /** Resolves with the first match of `pattern` in stdout after `from` (a stdout offset); rejects if the process exits first. */
  async waitFor(pattern: RegExp, from = 0, limitMs = 30_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + limitMs;
    let exited = false;
    void this.exited.then(() => (exited = true));
    for (;;) {
      const m = pattern.exec(this.stdout.slice(from));
      if (m) return m;
      if (exited) throw new Error(`drbot exited before printing ${pattern}:\nstdout: ${this.stdout.slice(-2000)}\nstderr: ${this.stderr.slice(-2000)}`);
      if (Date.now() > deadline) throw new Error(`drbot did not print ${pattern}:\nstdout: ${this.stdout.slice(-2000)}\nstderr: ${this.stderr.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Sends a signal and waits for the exit. */
  async signal(sig: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.child.kill(sig);
    return this.exited;
  }
}
