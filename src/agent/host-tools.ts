import { createRequire } from 'node:module';
import type Docker from 'dockerode';
import type { CommandResult, HostTools, RunOptions } from './agent-action.js';
import type { AgentConfig } from './agent-config.js';
import { childEnv } from './child-env.js';
import { copyFileNoFollow } from './copy-file-no-follow.js';
import { TailBuffer } from './tail-buffer.js';

/** Bytes of each of a child's output streams kept (the tail); the rest is counted and dropped. */
export const CHILD_OUTPUT_CAP_BYTES = 1024 * 1024;

/** A line streamed to `onLine` is cut at this many characters (a child that never prints a newline still streams). */
const MAX_LINE_CHARS = 64 * 1024;

/**
 * Runs an executable with an argument array through execa (never a shell) in an explicit environment
 * (see childEnv), streaming lines when asked. Each output stream keeps its last 1 MiB (a note says
 * what was cut), however much it prints.
 */
export async function runCommand(command: string, args: readonly string[], options: RunOptions = {}, cap = CHILD_OUTPUT_CAP_BYTES): Promise<CommandResult> {
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
    // execa would buffer up to 100 MB and kill the child past its maxBuffer; the tails below keep the end instead
    buffer: false,
  });
  const stdout = new TailBuffer(cap);
  const stderr = new TailBuffer(cap);
  child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  if (options.onLine) {
    const onLine = options.onLine;
    let partial = '';
    const feed = (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) onLine(l.slice(0, MAX_LINE_CHARS));
      while (partial.length > MAX_LINE_CHARS) {
        onLine(partial.slice(0, MAX_LINE_CHARS));
        partial = partial.slice(MAX_LINE_CHARS);
      }
    };
    child.stdout?.on('data', feed);
    child.stderr?.on('data', feed);
    child.stdout?.on('end', () => partial && onLine(partial));
  }
  const r = await child;
  const exitCode = r.exitCode ?? -1;
  // no exit code: it could not start, or was killed; say why ahead of what it printed
  const noExit = r.failed && r.exitCode === undefined;
  const why = noExit ? `${(r as { code?: string }).code ?? ''} ${r.shortMessage}`.trim() : '';
  const err = stderr.text('stderr');
  return {
    exitCode: noExit ? -1 : exitCode,
    stdout: stdout.text('stdout'),
    stderr: why && err ? `${why}\n${err}` : why || err,
    failed: r.failed,
  };
}

/** A `docker()` that builds one dockerode client on the configured socket at its first call, from the class `load` returns. */
export function lazyDocker(config: AgentConfig, load: () => typeof Docker): () => Docker {
  let docker: Docker | undefined;
  return () => (docker ??= new (load())({ socketPath: config.docker?.socketPath ?? '/var/run/docker.sock' }));
}

/** The real host: execa, dockerode on the configured socket, global fetch, a copy that follows no link, and /proc. */
export function createHostTools(config: AgentConfig, overrides: Partial<HostTools> = {}): HostTools {
  return {
    run: runCommand,
    // dockerode is loaded on first use (it is CommonJS, so synchronously): most probes never need it
    docker: lazyDocker(config, () => createRequire(import.meta.url)('dockerode') as typeof Docker),
    fetch: globalThis.fetch.bind(globalThis),
    copyFile: copyFileNoFollow,
    procRoot: '/proc',
    now: () => Date.now(),
    ...overrides,
  };
}
