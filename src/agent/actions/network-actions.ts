import { connect } from 'node:net';
import { readFile, stat, access, readdir } from 'node:fs/promises';
import { constants } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { allowed, allowedPort, defineAction, fillArgs, hostPort, type ActionContext } from '../agent-action.js';
import { readCappedBody } from '../../http/read-capped-body.js';
import { listeningSockets } from '../proc-table.js';

const PortParam = z.coerce.number().int().min(1).max(65535);

/** How much of a health answer is read; the rest is never downloaded. */
export const HEALTH_BODY_CAP_BYTES = 4096;

/** GETs a health URL with a timeout; healthy means HTTP 200 with JSON `{"status":"ok"}` (the body is read up to 4 kB). */
export async function probeHealth(ctx: { tools: Pick<ActionContext['tools'], 'fetch' | 'now'>; signal: AbortSignal }, url: string, timeoutMs: number): Promise<{ ok: boolean; detail: string; body: string }> {
  const started = ctx.tools.now();
  try {
    const res = await ctx.tools.fetch(url, { signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]) });
    const { text: body, cut } = await readCappedBody(res, HEALTH_BODY_CAP_BYTES);
    let status: unknown;
    try {
      status = (JSON.parse(body) as { status?: unknown }).status;
    } catch {
      status = undefined;
    }
    const ms = ctx.tools.now() - started;
    if (res.status === 200 && status === 'ok') return { ok: true, detail: `HTTP 200 status ok in ${ms} ms`, body };
    const why = status === undefined ? (cut ? `, body is over ${HEALTH_BODY_CAP_BYTES} bytes (not read further)` : ', body is not {"status":"ok"}') : `, status "${String(status).slice(0, 64)}"`;
    return { ok: false, detail: `HTTP ${res.status}${why}`, body };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return { ok: false, detail: e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `${e.cause?.code ?? e.message}`, body: '' };
  }
}

/** `http_health`: GET the target's health URL, expecting `{"status":"ok"}`. */
export const httpHealth = defineAction({
  name: 'http_health',
  params: z.object({ target: z.string() }).strict(),
  timeoutMs: 30_000,
  async run({ target }, ctx) {
    const t = allowed(ctx.config.targets, target, 'target');
    const r = await probeHealth(ctx, t.url, t.timeoutMs);
    return { status: r.ok ? 'ok' : 'fail', summary: `${target} ${t.url}: ${r.detail}`, output: r.body };
  },
});

/** `port_listening`: whether something listens on a configured TCP port (from /proc/net/tcp). */
export const portListening = defineAction({
  name: 'port_listening',
  params: z.object({ port: PortParam }).strict(),
  timeoutMs: 10_000,
  async run({ port }, ctx) {
    const real = hostPort(ctx.config, allowedPort(ctx.config.ports, port));
    const found = (await listeningSockets(ctx.tools.procRoot)).filter((s) => s.port === real);
    const shown = real === port ? `port ${port}` : `port ${port} (${real} on this host)`;
    return found.length
      ? { status: 'ok', summary: `${shown}: listening on ${[...new Set(found.map((s) => s.address))].join(', ')}`, output: '' }
      : { status: 'fail', summary: `${shown}: closed (nothing listening)`, output: '' };
  },
});

function tcpProbe(address: string, port: number, timeoutMs: number): Promise<number | string> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect({ host: address, port });
    socket.setTimeout(timeoutMs);
    socket.once('connect', () => {
      socket.destroy();
      resolve(Date.now() - started);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

/** `ping`: ICMP ping of a configured host (a TCP connect to its port when no ping binary is installed). */
export const ping = defineAction({
  name: 'ping',
  params: z.object({ host: z.string() }).strict(),
  timeoutMs: 20_000,
  async run({ host }, ctx) {
    const h = allowed(ctx.config.hosts, host, 'host');
    const r = await ctx.tools.run('ping', ['-c', '3', '-W', '2', h.address], { signal: ctx.signal });
    const missing = r.exitCode === -1 && /ENOENT/.test(r.stderr);
    if (!missing) {
      return { status: r.failed ? 'fail' : 'ok', summary: `${host} (${h.address}): ${r.failed ? 'no reply' : 'replies'}`, output: r.stdout + r.stderr };
    }
    if (h.tcpPort === undefined) return { status: 'fail', summary: `${host}: no ping binary on this host and no tcpPort configured to probe instead`, output: r.stderr };
    const t = await tcpProbe(h.address, h.tcpPort, 3000);
    return typeof t === 'number'
      ? { status: 'ok', summary: `${host} (${h.address}:${h.tcpPort}): TCP connect in ${t} ms (no ping binary; TCP probe)`, output: '' }
      : { status: 'fail', summary: `${host} (${h.address}:${h.tcpPort}): TCP connect failed: ${t} (no ping binary; TCP probe)`, output: '' };
  },
});

/** `ip_routes`: the kernel routing table (from /proc/net/route). */
export const ipRoutes = defineAction({
  name: 'ip_routes',
  params: z.object({}).strict(),
  timeoutMs: 10_000,
  async run(_p, ctx) {
    const text = await readFile(join(ctx.tools.procRoot, 'net/route'), 'utf8');
    const hexIp = (h: string) => {
      const n = parseInt(h, 16);
      return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255].join('.');
    };
    const routes = text
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(/\s+/))
      .filter((c) => c.length >= 8)
      .map((c) => `${c[1] === '00000000' ? 'default' : `${hexIp(c[1]!)}/${hexIp(c[7]!)}`} via ${hexIp(c[2]!)} dev ${c[0]}`);
    const hasDefault = routes.some((r) => r.startsWith('default'));
    return { status: hasDefault ? 'ok' : 'warn', summary: `${routes.length} route(s)${hasDefault ? ', default route present' : ', no default route'}`, output: routes.join('\n') };
  },
});

/** `firewall_rules`: lists rules with a configured source recipe (iptables -S, ufw status). */
export const firewallRules = defineAction({
  name: 'firewall_rules',
  params: z.object({ source: z.string() }).strict(),
  timeoutMs: 15_000,
  async run({ source }, ctx) {
    const recipe = allowed(ctx.config.firewall.sources, source, 'firewall source');
    const r = await ctx.tools.run(recipe.command, recipe.args, { cwd: recipe.cwd, env: recipe.env, passEnv: recipe.passEnv, signal: ctx.signal });
    return r.failed
      ? { status: 'warn', summary: `${source}: could not read the rules (exit ${r.exitCode}): ${r.stderr.split('\n')[0] ?? ''}`, output: r.stdout + r.stderr }
      : { status: 'ok', summary: `${source}: ${r.stdout.split('\n').filter(Boolean).length} line(s)`, output: r.stdout };
  },
});

/** `firewall_allow`: opens a port, only one the agent config lists under firewall.allowPorts. */
export const firewallAllow = defineAction({
  name: 'firewall_allow',
  params: z.object({ port: PortParam }).strict(),
  timeoutMs: 30_000,
  async run({ port }, ctx) {
    allowedPort(ctx.config.firewall.allowPorts, port, 'firewall port');
    const recipe = ctx.config.firewall.allow;
    if (!recipe) return { status: 'fail', summary: 'firewall.allow recipe is not configured on this agent', output: '' };
    ctx.changing(`check the firewall rules for port ${port} (the firewall_rules diagnostic): the allow rule may or may not be in place`);
    const r = await ctx.tools.run(recipe.command, fillArgs(recipe.args, { port: String(port) }), { cwd: recipe.cwd, env: recipe.env, passEnv: recipe.passEnv, signal: ctx.signal });
    ctx.signal.throwIfAborted();
    return { status: r.failed ? 'fail' : 'ok', summary: r.failed ? `allow ${port}: failed (exit ${r.exitCode})` : `allow ${port}: done`, output: r.stdout + r.stderr };
  },
});

/** `network_share`: whether a configured share's mount point is mounted and readable. */
export const networkShare = defineAction({
  name: 'network_share',
  params: z.object({ share: z.string() }).strict(),
  timeoutMs: 15_000,
  async run({ share }, ctx) {
    const { path } = allowed(ctx.config.shares, share, 'share');
    try {
      if (!(await stat(path)).isDirectory()) return { status: 'fail', summary: `${share}: ${path} is not a directory`, output: '' };
      await access(path, constants.R_OK);
    } catch (err) {
      return { status: 'fail', summary: `${share}: ${path} is not reachable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, output: '' };
    }
    const mounts = await readFile(join(ctx.tools.procRoot, 'mounts'), 'utf8').catch(() => '');
    const mount = mounts.split('\n').find((l) => l.split(' ')[1] === path);
    const entries = (await readdir(path)).length;
    return mount
      ? { status: 'ok', summary: `${share}: mounted (${mount.split(' ')[2]}), ${entries} entries`, output: mount }
      : { status: 'warn', summary: `${share}: ${path} is readable (${entries} entries) but not a mount point`, output: '' };
  },
});
