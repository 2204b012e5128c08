import { copyFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type Docker from 'dockerode';
import type { CommandResult, HostTools, RunOptions } from './agent-action.js';
import type { AgentConfig } from './agent-config.js';
import { childEnv } from './child-env.js';

/** Runs an executable with an argument array through execa (never a shell) in an explicit environment (see childEnv), streaming lines when asked. */
export async function runCommand(command: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
  // loaded on first use: drbot's console start should not pay for it
  const { execa } = await import('execa');
  const child = execa(command, args, {
    cwd: options.cwd,
    env: childEnv(options.env, options.passEnv),
    extendEnv: false,
    cancelSignal: options.signal,
    reject: false,
    shell: false,
    stdin: 'ignore',
    all: false,
  });
  if (options.onLine) {
    const onLine = options.onLine;
    let partial = '';
    const feed = (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) onLine(l);
    };
    child.stdout?.on('data', feed);
    child.stderr?.on('data', feed);
    child.stdout?.on('end', () => partial && onLine(partial));
  }
  const r = await child;
  const exitCode = r.exitCode ?? -1;
  const stderr = typeof r.stderr === 'string' ? r.stderr : '';
  return {
    exitCode: r.failed && r.exitCode === undefined ? -1 : exitCode,
    stdout: typeof r.stdout === 'string' ? r.stdout : '',
    stderr: r.failed && r.exitCode === undefined ? `${(r as { code?: string }).code ?? ''} ${r.shortMessage}`.trim() : stderr,
    failed: r.failed,
  };
}

/** The real host: execa, dockerode on the configured socket, global fetch, fs copy and /proc. */
export function createHostTools(config: AgentConfig, overrides: Partial<HostTools> = {}): HostTools {
  let docker: Docker | undefined;
  return {
    run: runCommand,
    // dockerode is loaded on first use (it is CommonJS, so synchronously): most probes never need it
    docker: () => (docker ??= new (createRequire(import.meta.url)('dockerode') as typeof Docker)({ socketPath: config.docker?.socketPath ?? '/var/run/docker.sock' })),
    fetch: globalThis.fetch.bind(globalThis),
    copyFile: (src, dst) => copyFile(src, dst),
    procRoot: '/proc',
    now: () => Date.now(),
    ...overrides,
  };
}
