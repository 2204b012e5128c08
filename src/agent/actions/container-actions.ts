import type Docker from 'dockerode';
import { z } from 'zod';
import { ActionRefused, allowed, defineAction, type ActionContext, type ActionOutcome } from '../agent-action.js';
import { probeHealth } from './network-actions.js';

const SERVICE_LABEL = 'com.docker.compose.service';
const PROJECT_LABEL = 'com.docker.compose.project';

function dockerConfig(ctx: ActionContext) {
  const d = ctx.config.docker;
  if (!d) throw new ActionRefused('not-allowed', 'docker is not configured on this agent');
  return d;
}

export function allowedService(ctx: ActionContext, service: string): string {
  const d = dockerConfig(ctx);
  return allowed(Object.fromEntries(d.services.map((s) => [s, s])), service, 'compose service');
}

/** Containers of the configured compose project (all projects when none is set), optionally of one service. */
export async function composeContainers(ctx: ActionContext, service?: string): Promise<Docker.ContainerInfo[]> {
  const d = dockerConfig(ctx);
  const label = [...(d.project ? [`${PROJECT_LABEL}=${d.project}`] : []), ...(service ? [`${SERVICE_LABEL}=${service}`] : [])];
  const filters: Record<string, string[]> = label.length ? { label } : {};
  return ctx.tools.docker().listContainers(abortable({ all: true, filters }, ctx.signal));
}

/** Adds the action's signal to dockerode options: docker-modem aborts the Engine API request with it (the types do not list it). */
function abortable<T extends object>(options: T, signal: AbortSignal): T {
  return { ...options, abortSignal: signal };
}

const nameOf = (c: Docker.ContainerInfo) => c.Names[0]?.replace(/^\//, '') ?? c.Id.slice(0, 12);
const describe = (c: Docker.ContainerInfo) => `${nameOf(c)}  ${c.Labels[SERVICE_LABEL] ?? '-'}  ${c.State}  ${c.Status}`;

/**
 * Does `step` to each container in turn, stopping between containers once the signal aborts (a known,
 * partial outcome) and telling the executor which container to check should a step itself be cut short.
 */
async function eachContainer(
  ctx: ActionContext,
  list: Docker.ContainerInfo[],
  what: { verb: string; subject: string },
  step: (c: Docker.ContainerInfo) => Promise<string>,
): Promise<{ lines: string[]; cutShort?: ActionOutcome }> {
  const lines: string[] = [];
  for (const [i, c] of list.entries()) {
    if (ctx.signal.aborted) {
      const left = list.slice(i).map(nameOf).join(', ');
      return { lines, cutShort: { status: 'fail', summary: `${what.subject}: cut short (${(ctx.signal.reason as Error).message}) after ${i} of ${list.length} container(s) ${what.verb}; not ${what.verb}: ${left}`, output: lines.join('\n') } };
    }
    ctx.changing(`${what.subject}: cut short while container ${nameOf(c)} was being ${what.verb} (${i} of ${list.length} done before it): check it with docker ps -a --filter name=${nameOf(c)}`);
    lines.push(await step(c));
  }
  return { lines };
}

/** Splits Docker's multiplexed log framing (8-byte headers) into text; unframed (TTY) logs pass through. */
export function demuxLogs(buf: Buffer, cut = false): string {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buf.length) {
    const stream = buf[offset];
    if ((stream !== 0 && stream !== 1 && stream !== 2) || buf[offset + 1] !== 0 || buf[offset + 2] !== 0 || buf[offset + 3] !== 0) return buf.toString('utf8');
    const len = buf.readUInt32BE(offset + 4);
    parts.push(buf.subarray(offset + 8, offset + 8 + len));
    offset += 8 + len;
  }
  // A read cut at the bound ends inside a frame (or its header): keep what arrived of it.
  return offset === buf.length || (cut && parts.length) ? Buffer.concat(parts).toString('utf8') : buf.toString('utf8');
}

/** Most bytes of log `container_logs` reads from one container; the engine's stream is closed there, never buffered whole. */
export const MAX_CONTAINER_LOG_BYTES = 512 * 1024;

/**
 * Reads a container's last `tail` log lines as a stream and stops at `maxBytes`: lines can be any
 * length, so `tail` alone does not bound what the engine sends. `cut` says the bound was reached.
 */
async function boundedLogs(docker: Docker, id: string, tail: number, maxBytes: number): Promise<{ raw: Buffer; cut: boolean }> {
  const stream = await new Promise<NodeJS.ReadableStream & { destroy(): void }>((resolve, reject) =>
    docker.modem.dial(
      { path: `/containers/${id}/logs?`, method: 'GET', isStream: true, statusCodes: { 200: true, 404: 'no such container', 500: 'server error' }, options: { stdout: true, stderr: true, follow: false, tail } },
      (err: unknown, data: unknown) => (err ? reject(err as Error) : resolve(data as NodeJS.ReadableStream & { destroy(): void })),
    ),
  );
  const chunks: Buffer[] = [];
  let size = 0;
  return new Promise((resolve, reject) => {
    stream.on('data', (chunk: Buffer) => {
      const room = maxBytes - size;
      chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
      size += Math.min(chunk.length, room);
      if (size >= maxBytes) {
        stream.removeAllListeners('data');
        stream.destroy();
        resolve({ raw: Buffer.concat(chunks), cut: true });
      }
    });
    stream.on('end', () => resolve({ raw: Buffer.concat(chunks), cut: false }));
    stream.on('error', (err) => (size >= maxBytes ? undefined : reject(err)));
  });
}

/** `containers`: the compose project's containers and their state (`all: true` includes stopped ones). */
export const containers = defineAction({
  name: 'containers',
  params: z.object({ all: z.boolean().default(true) }).strict(),
  timeoutMs: 20_000,
  async run({ all }, ctx) {
    const list = (await composeContainers(ctx)).filter((c) => all || c.State === 'running');
    const expected = dockerConfig(ctx).services;
    const notRunning = list.filter((c) => c.State !== 'running');
    const missing = expected.filter((s) => !list.some((c) => c.Labels[SERVICE_LABEL] === s));
    const problems = [...notRunning.map((c) => `${c.Labels[SERVICE_LABEL] ?? c.Names[0]} ${c.State}`), ...missing.map((s) => `${s} missing`)];
    return {
      status: problems.length ? 'fail' : list.length ? 'ok' : 'warn',
      summary: problems.length ? `${list.length} container(s); ${problems.join(', ')}` : `${list.length} container(s), all running`,
      output: list.map(describe).join('\n'),
      data: list.map((c) => ({ service: c.Labels[SERVICE_LABEL], state: c.State })),
    };
  },
});

/** `container_logs`: the last lines of a compose service's containers. */
export const containerLogs = defineAction({
  name: 'container_logs',
  params: z.object({ service: z.string(), lines: z.coerce.number().int().min(1).max(5000).default(200) }).strict(),
  timeoutMs: 20_000,
  async run({ service, lines }, ctx) {
    allowedService(ctx, service);
    const list = await composeContainers(ctx, service);
    if (!list.length) return { status: 'fail', summary: `${service}: no container`, output: '' };
    const chunks = [];
    for (const c of list) {
      const { raw, cut } = await boundedLogs(ctx.tools.docker(), c.Id, lines, MAX_CONTAINER_LOG_BYTES);
      // The mark goes last: what reaches drbot is the output's tail.
      chunks.push(`== ${describe(c)}\n${demuxLogs(raw, cut)}${cut ? `\n…truncated: only the first ${MAX_CONTAINER_LOG_BYTES / 1024} KiB of ${describe(c)}'s last ${lines} lines were read` : ''}`);
    }
    const text = chunks.join('\n');
    const errors = text.split('\n').filter((l) => /\b(ERROR|CRITICAL|Traceback|Exception)\b/.test(l)).length;
    const down = list.filter((c) => c.State !== 'running').length;
    return { status: down ? 'fail' : errors ? 'warn' : 'ok', summary: `${service}: ${list.length} container(s)${down ? `, ${down} not running` : ''}${errors ? `, ${errors} error line(s)` : ''}`, output: text };
  },
});

/** `volume_inspect`: a configured volume's driver and mount point. */
export const volumeInspect = defineAction({
  name: 'volume_inspect',
  params: z.object({ volume: z.string() }).strict(),
  timeoutMs: 15_000,
  async run({ volume }, ctx) {
    const real = allowed(dockerConfig(ctx).volumes, volume, 'volume');
    try {
      const v = await ctx.tools.docker().getVolume(real).inspect();
      return { status: 'ok', summary: `${volume} (${real}): driver ${v.Driver}, mounted at ${v.Mountpoint}`, output: JSON.stringify(v, null, 2) };
    } catch (err) {
      return { status: 'fail', summary: `${volume} (${real}): ${(err as { statusCode?: number }).statusCode === 404 ? 'no such volume' : (err as Error).message}`, output: '' };
    }
  },
});

/** `compose_service_restart`: restarts the containers labelled with the compose service and checks they run. */
export const composeServiceRestart = defineAction({
  name: 'compose_service_restart',
  params: z.object({ service: z.string() }).strict(),
  timeoutMs: 180_000,
  async run({ service }, ctx) {
    allowedService(ctx, service);
    const list = await composeContainers(ctx, service);
    if (!list.length) return { status: 'fail', summary: `${service}: no container labelled ${SERVICE_LABEL}=${service}`, output: '' };
    const { lines, cutShort } = await eachContainer(ctx, list, { verb: 'restarted', subject: service }, async (c) => {
      const container = ctx.tools.docker().getContainer(c.Id);
      await container.restart(abortable({ t: 10 }, ctx.signal));
      const state = (await container.inspect(abortable({}, ctx.signal))).State;
      return `${describe(c)} → ${state.Status}`;
    });
    if (cutShort) return cutShort;
    ctx.changing(`${service}: all ${list.length} container(s) were restarted; the check that they run was cut short: run the containers diagnostic`);
    const after = await composeContainers(ctx, service);
    const down = after.filter((c) => c.State !== 'running');
    if (down.length) return { status: 'fail', summary: `${service}: ${down.length} container(s) not running after restart`, output: lines.join('\n') };
    const running = `${service}: ${after.length} container(s) restarted and running`;
    const readyTarget = dockerConfig(ctx).readyTargets?.[service];
    if (!readyTarget) return { status: 'ok', summary: running, output: lines.join('\n') };
    // Running is not serving yet: wait (within the step's timeout) for the service's health target.
    const target = allowed(ctx.config.targets, readyTarget, 'target');
    let last = '';
    while (!ctx.signal.aborted) {
      const health = await probeHealth(ctx, target.url, Math.min(target.timeoutMs, 2000));
      if (health.ok) return { status: 'ok', summary: `${running}; ${target.url} answers ok`, output: lines.join('\n') };
      // A probe cut short by the step's own deadline says only that: the summary keeps what the target last answered.
      if (!ctx.signal.aborted || !last) last = health.detail;
      await new Promise((r) => setTimeout(r, 200));
    }
    return { status: 'fail', summary: `${running}, but ${target.url} did not answer ok before the timeout (${last})`, output: lines.join('\n') };
  },
});

/** `compose_down`: stops and removes the compose project's containers (volumes are kept). */
export const composeDown = defineAction({
  name: 'compose_down',
  params: z.object({}).strict(),
  timeoutMs: 180_000,
  async run(_p, ctx) {
    if (!dockerConfig(ctx).project) return { status: 'fail', summary: 'docker.project is not configured; compose_down would not know which containers are the stack', output: '' };
    const list = await composeContainers(ctx);
    const { lines, cutShort } = await eachContainer(ctx, list, { verb: 'removed', subject: 'compose down' }, async (c) => {
      const container = ctx.tools.docker().getContainer(c.Id);
      if (c.State === 'running') await container.stop(abortable({ t: 10 }, ctx.signal));
      await container.remove(abortable({ v: false }, ctx.signal));
      return `removed ${describe(c)}`;
    });
    if (cutShort) return cutShort;
    return { status: 'ok', summary: `compose down: ${list.length} container(s) removed, volumes kept`, output: lines.join('\n') };
  },
});

/** `remove_all_containers`: force-removes every container on the host (destructive; images and volumes stay). */
export const removeAllContainers = defineAction({
  name: 'remove_all_containers',
  params: z.object({}).strict(),
  timeoutMs: 180_000,
  async run(_p, ctx) {
    dockerConfig(ctx);
    const list = await ctx.tools.docker().listContainers(abortable({ all: true }, ctx.signal));
    const { lines, cutShort } = await eachContainer(ctx, list, { verb: 'removed', subject: 'remove all containers' }, async (c) => {
      await ctx.tools.docker().getContainer(c.Id).remove(abortable({ force: true }, ctx.signal));
      return `removed ${describe(c)}`;
    });
    if (cutShort) return cutShort;
    return { status: 'ok', summary: `${list.length} container(s) removed`, output: lines.join('\n') };
  },
});

/** `compose_up_build`: rebuilds and starts (one service or the stack) with the configured compose recipe. */
export const composeUpBuild = defineAction({
  name: 'compose_up_build',
  params: z.object({ service: z.string().optional(), no_cache: z.boolean().default(false) }).strict(),
  timeoutMs: 1_800_000,
  async run({ service, no_cache }, ctx) {
    if (service) allowedService(ctx, service);
    const recipe = ctx.config.compose;
    if (!recipe) return { status: 'fail', summary: 'compose recipe is not configured on this agent', output: '' };
    const opts = { cwd: recipe.cwd, env: recipe.env, passEnv: recipe.passEnv, signal: ctx.signal, onLine: (l: string) => ctx.progress(l) };
    const build = await ctx.tools.run(recipe.command, [...recipe.args, 'build', ...(no_cache ? ['--no-cache'] : []), ...(service ? [service] : [])], opts);
    // a build cut short replaced nothing that runs: a plain failure
    if (ctx.signal.aborted) return { status: 'fail', summary: `build cut short (${(ctx.signal.reason as Error).message}); nothing was started or replaced`, output: build.stdout + build.stderr };
    if (build.failed) return { status: 'fail', summary: `build failed (exit ${build.exitCode})`, output: build.stdout + build.stderr };
    ctx.changing(`${service ?? 'the stack'} was being recreated when it was cut short: check its containers (the containers diagnostic, or docker compose ps in ${recipe.cwd ?? 'the compose directory'})`);
    const up = await ctx.tools.run(recipe.command, [...recipe.args, 'up', '-d', ...(service ? [service] : [])], opts);
    ctx.signal.throwIfAborted();
    return { status: up.failed ? 'fail' : 'ok', summary: up.failed ? `up failed (exit ${up.exitCode})` : `${service ?? 'stack'} rebuilt${no_cache ? ' without cache' : ''} and started`, output: build.stdout + up.stdout + up.stderr };
  },
});
