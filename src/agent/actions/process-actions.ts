import { closeSync, constants, mkdirSync, openSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { z } from 'zod';
import { allowed, allowedPort, defineAction, hostPort, type ActionContext } from '../agent-action.js';
import { childEnv } from '../child-env.js';
import { listeningSockets, listProcesses, matchProcesses, socketOwners } from '../proc-table.js';
import { probeHealth } from './network-actions.js';

const Name = z.string();
const PortParam = z.coerce.number().int().min(1).max(65535);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL after `graceMs` for what is still there; resolves with the pids that are gone. An abort stops the waiting (no SIGKILL). */
export async function terminate(pids: readonly number[], signal: AbortSignal, graceMs = 5000): Promise<number[]> {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && pids.some(alive) && !signal.aborted) await sleep(100);
  if (signal.aborted) return pids.filter((p) => !alive(p));
  for (const pid of pids.filter(alive)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  await sleep(50);
  return pids.filter((p) => !alive(p));
}

/** `process_running`: whether a configured process is running, read from `/proc` argv (no grep). */
export const processRunning = defineAction({
  name: 'process_running',
  params: z.object({ name: Name }).strict(),
  timeoutMs: 10_000,
  async run({ name }, ctx) {
    const { match } = allowed(ctx.config.processes, name, 'process');
    const found = matchProcesses(await listProcesses(ctx.tools.procRoot), match);
    const output = found.map((p) => `${p.pid} ${p.argv.join(' ')}`).join('\n');
    const loose = found.length > 1 && matchedByNameOnly(match);
    if (loose) {
      return {
        status: 'warn',
        summary: `${name}: ${found.length} processes match ${JSON.stringify(match)} (pid ${found.map((p) => p.pid).join(', ')}), matched by name only — cannot tell which one serves; include the port in agent.yaml processes.${name}.match (e.g. ["${[match].flat()[0]}", "--port", "8000"])`,
        output,
        data: { pids: found.map((p) => p.pid), ambiguous: true },
      };
    }
    return found.length
      ? { status: 'ok', summary: `${name}: ${found.length} process(es) running (pid ${found.map((p) => p.pid).join(', ')})`, output, data: { pids: found.map((p) => p.pid) } }
      : { status: 'fail', summary: `${name}: no process running (argv matching ${JSON.stringify(match)})`, output: '', data: { pids: [] } };
  },
});

/** A `match` that names no port (`8000`, `--port 8000`, `--port=8000`, `0.0.0.0:8000`): several instances of the program could all match it. */
export function matchedByNameOnly(match: string | readonly string[]): boolean {
  return ![match].flat().some((m) => /(^|[\s:=])\d{2,5}($|\s)/.test(m));
}

export async function portOwners(ctx: ActionContext, port: number): Promise<{ pid: number; argv: string }[]> {
  const sockets = (await listeningSockets(ctx.tools.procRoot)).filter((s) => s.port === port);
  const owners = await socketOwners(ctx.tools.procRoot, new Set(sockets.map((s) => s.inode)));
  const procs = new Map((await listProcesses(ctx.tools.procRoot)).map((p) => [p.pid, p.argv.join(' ')]));
  const pids = [...new Set([...owners.values()].flat())];
  return pids.map((pid) => ({ pid, argv: procs.get(pid) ?? '?' }));
}

/** `ports_in_use`: which processes listen on a configured port. */
export const portsInUse = defineAction({
  name: 'ports_in_use',
  params: z.object({ port: PortParam }).strict(),
  timeoutMs: 10_000,
  async run({ port }, ctx) {
    const real = hostPort(ctx.config, allowedPort(ctx.config.ports, port));
    const sockets = (await listeningSockets(ctx.tools.procRoot)).filter((s) => s.port === real);
    if (!sockets.length) return { status: 'ok', summary: `port ${port}: free`, output: '', data: { owners: [] } };
    const owners = await portOwners(ctx, real);
    const output = owners.map((o) => `${o.pid} ${o.argv}`).join('\n');
    return { status: 'warn', summary: `port ${port}: in use by ${owners.length ? owners.map((o) => `pid ${o.pid}`).join(', ') : 'a process this agent cannot see'}`, output, data: { owners } };
  },
});

/** `kill_port_owner`: stops the processes listening on a configured port (destructive). */
export const killPortOwner = defineAction({
  name: 'kill_port_owner',
  params: z.object({ port: PortParam }).strict(),
  timeoutMs: 30_000,
  async run({ port }, ctx) {
    const real = hostPort(ctx.config, allowedPort(ctx.config.ports, port));
    const owners = await portOwners(ctx, real);
    if (!owners.length) return { status: 'ok', summary: `port ${port}: nothing to stop`, output: '' };
    ctx.changing(`port ${port}: cut short while stopping pid ${owners.map((o) => o.pid).join(', ')}: check what still listens on it (ports_in_use ${port})`);
    const gone = await terminate(owners.map((o) => o.pid), ctx.signal);
    ctx.signal.throwIfAborted();
    const still = (await listeningSockets(ctx.tools.procRoot)).some((s) => s.port === real);
    const output = owners.map((o) => `${gone.includes(o.pid) ? 'stopped' : 'still running'} ${o.pid} ${o.argv}`).join('\n');
    return still ? { status: 'fail', summary: `port ${port}: still in use after stopping ${gone.length} process(es)`, output } : { status: 'ok', summary: `port ${port}: freed (stopped pid ${gone.join(', ')})`, output };
  },
});

/**
 * `process_restart`: stops the configured process, starts its recipe detached with output appended
 * to its log, and waits until it runs (and its health target answers, when configured).
 */
export const processRestart = defineAction({
  name: 'process_restart',
  params: z.object({ process: Name }).strict(),
  timeoutMs: 180_000,
  async run({ process: name }, ctx) {
    const restart = allowed(ctx.config.restarts, name, 'process');
    mkdirSync(dirname(restart.log), { recursive: true });
    // O_NOFOLLOW: a link put in place of the log must not make the agent append the process's output elsewhere.
    // Opened before anything is stopped, so a log it cannot use leaves the running process alone.
    let fd: number;
    try {
      fd = openSync(restart.log, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o640);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return { status: 'fail', summary: `${name}: cannot open its log ${restart.log} (${code === 'ELOOP' ? 'it is a symbolic link; the agent does not follow links' : (code ?? (err as Error).message)}); nothing was stopped or started`, output: '' };
    }
    let pid: number | undefined;
    let stopped: number[] = [];
    try {
      const before = matchProcesses(await listProcesses(ctx.tools.procRoot), restart.match);
      if (before.length) ctx.changing(`${name}: cut short while stopping pid ${before.map((p) => p.pid).join(', ')}, before anything new was started: check whether it still runs (process_running ${name})`);
      stopped = await terminate(before.map((p) => p.pid), ctx.signal);
      ctx.signal.throwIfAborted();
      ctx.changing(`${name}: cut short while starting ${restart.recipe.command}${stopped.length ? ` after stopping pid ${stopped.join(', ')}` : ''}: check process_running ${name} and its log ${restart.log}`);
      const env = childEnv(restart.recipe.env, restart.recipe.passEnv);
      const child = spawn(restart.recipe.command, restart.recipe.args, { cwd: restart.recipe.cwd, env, detached: true, stdio: ['ignore', fd, fd] });
      const spawned = await new Promise<Error | undefined>((resolve) => {
        child.once('spawn', () => resolve(undefined));
        child.once('error', (err) => resolve(err));
      });
      if (spawned) return { status: 'fail', summary: `${name}: could not start ${restart.recipe.command}: ${spawned.message}${stopped.length ? ` (pid ${stopped.join(', ')} was stopped and nothing runs now)` : ''}`, output: '' };
      child.unref();
      pid = child.pid;
    } finally {
      closeSync(fd);
    }
    const header = `stopped: ${stopped.join(', ') || 'none running'}\nstarted: pid ${pid} ${restart.recipe.command} ${restart.recipe.args.join(' ')} (log ${restart.log})`;
    const target = restart.readyTarget ? allowed(ctx.config.targets, restart.readyTarget, 'target') : undefined;
    while (!ctx.signal.aborted) {
      if (pid === undefined || !alive(pid)) return { status: 'fail', summary: `${name}: exited right after starting; see ${restart.log}`, output: header };
      if (!target) return { status: 'ok', summary: `${name}: restarted (pid ${pid})`, output: header, data: { pid } };
      const health = await probeHealth(ctx, target.url, Math.min(target.timeoutMs, 2000));
      if (health.ok) return { status: 'ok', summary: `${name}: restarted (pid ${pid}), ${target.url} answers ok`, output: header, data: { pid } };
      await sleep(200);
    }
    return { status: 'fail', summary: `${name}: started (pid ${pid}) but not healthy before the timeout`, output: header, data: { pid } };
  },
});
