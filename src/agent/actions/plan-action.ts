import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ACTION_CATALOG, isKnownAction } from '../action-catalog.js';
import { ActionRefused, allowed, allowedPort, defineAction, hostPort, type ActionContext } from '../agent-action.js';
import { listProcesses, matchProcesses } from '../proc-table.js';
import { allowedService, composeContainers } from './container-actions.js';
import { checksums, newestFirst } from './file-actions.js';
import { portOwners } from './process-actions.js';
import { backupFiles, pickBackup } from './restore-actions.js';
import { rpoVerdict } from './rpo-age.js';

export { rpoVerdict };

/** One resolved fact of a plan; `volatile` facts (an age) are shown but leave the digest alone. */
export interface PlanFact {
  label: string;
  value: string;
  volatile?: boolean;
}

/** A target a person may choose instead of the step's default (newest first). */
export interface PlanChoice {
  value: string;
  label: string;
  at?: number;
}

/** What `plan` answers in `data`: the resolved target, its facts, and the choices the step takes. */
export interface HostPlan {
  target: string;
  facts: PlanFact[];
  /** The step's parameter a choice replaces (`from`, `ref`), when the step takes one. */
  choiceParam?: string;
  choices?: PlanChoice[];
}

const HOUR = 3_600_000;
const MAX_CHOICES = 20;

const hours = (ms: number) => `${Math.floor(ms / HOUR)} h`;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

type Planner = (params: Record<string, unknown>, ctx: ActionContext, choice: string | undefined) => Promise<HostPlan>;

const str = (v: unknown) => String(v ?? '');

const PLANNERS: Partial<Record<keyof typeof ACTION_CATALOG, Planner>> = {
  async restore_file(params, ctx, choice) {
    const file = str(params.file);
    const live = allowed(ctx.config.files, file, 'file');
    const { backup } = allowed(ctx.config.restoreFiles, file, 'restorable file');
    const spec = allowed(ctx.config.backups, backup, 'backup');
    const source = await pickBackup(ctx, backup, choice ?? str(params.from));
    const s = await stat(source);
    const now = ctx.tools.now();
    const current = await stat(live).catch(() => undefined);
    const files = await backupFiles(ctx, backup);
    return {
      target: `${file} ← ${source}`,
      facts: [
        { label: 'backup', value: source },
        { label: 'backup size', value: `${s.size} bytes` },
        { label: 'backup modified', value: iso(s.mtimeMs) },
        { label: 'backup age', value: rpoVerdict(now - s.mtimeMs, spec.goalHours, spec.limitHours), volatile: true },
        { label: 'newest backup', value: files[0] ? `${files[0].name} (${iso(files[0].mtimeMs)})` : 'none' },
        { label: 'live file', value: current ? `${live} (${current.size} bytes, modified ${iso(current.mtimeMs)}); kept aside before the restore` : `${live} (missing)` },
      ],
      choiceParam: 'from',
      choices: files.slice(0, MAX_CHOICES).map((f) => ({ value: f.name, label: `${f.name} (${hours(now - f.mtimeMs)} old)`, at: f.mtimeMs })),
    };
  },

  async restore_dir(params, ctx, choice) {
    const dir = str(params.dir);
    const root = allowed(ctx.config.dirs, dir, 'dir');
    const spec = allowed(ctx.config.restoreDirs, dir, 'restorable dir');
    const versions = (await newestFirst(root)).filter((e) => e.dir && e.name !== spec.live && new RegExp(spec.versions).test(e.name));
    const from = choice ?? str(params.from);
    const version = from === 'previous' ? versions[0] : versions.find((v) => v.name === from);
    if (!version) throw new ActionRefused('not-allowed', `${dir}: no version directory "${from}" (have: ${versions.map((v) => v.name).join(', ') || 'none'})`);
    const path = join(root, version.name);
    const files = (await readdir(path, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name).sort();
    const sums = [];
    for (const f of files.slice(0, 20)) sums.push(`${f} sha256 ${(await checksums(join(path, f), ctx.signal)).sha256.slice(0, 16)}…`);
    const live = join(root, spec.live);
    const liveStat = await stat(live).catch(() => undefined);
    return {
      target: `${dir}: ${version.name} → ${spec.live}/`,
      facts: [
        { label: 'version', value: `${path} (modified ${iso(version.mtimeMs)})` },
        { label: 'files', value: sums.join('; ') || 'none' },
        { label: 'replaces', value: liveStat ? `${live} (modified ${iso(liveStat.mtimeMs)}); kept aside` : `${live} (missing)` },
      ],
      choiceParam: 'from',
      choices: versions.slice(0, MAX_CHOICES).map((v) => ({ value: v.name, label: `${v.name} (${hours(ctx.tools.now() - v.mtimeMs)} old)`, at: v.mtimeMs })),
    };
  },

  async git_checkout(params, ctx, choice) {
    const git = ctx.config.git;
    if (!git) throw new ActionRefused('not-allowed', 'git is not configured on this agent');
    const ref = choice ?? str(params.ref);
    const hash = allowed(git.refs, ref, 'ref');
    const show = async (rev: string) => {
      const r = await ctx.tools.run(git.command, ['log', '-1', '--format=%H %s', rev], { cwd: git.cwd, signal: ctx.signal });
      return r.failed ? `${rev} (not found: ${r.stderr.trim().slice(0, 120)})` : r.stdout.trim();
    };
    return {
      target: `${git.cwd} → ${ref}`,
      facts: [
        { label: 'commit', value: await show(hash) },
        { label: 'replaces', value: await show('HEAD') },
      ],
      choiceParam: 'ref',
      choices: Object.keys(git.refs).map((name) => ({ value: name, label: `${name} ${git.refs[name]!.slice(0, 12)}` })),
    };
  },

  async process_restart(params, ctx) {
    const name = str(params.process);
    const restart = allowed(ctx.config.restarts, name, 'process');
    const running = matchProcesses(await listProcesses(ctx.tools.procRoot), restart.match);
    return {
      target: `${name}: stop, then start ${restart.recipe.command}`,
      facts: [
        { label: 'stops', value: running.map((p) => `pid ${p.pid} ${p.argv.join(' ').slice(0, 200)}`).join('; ') || 'nothing running' },
        { label: 'starts', value: `${restart.recipe.command} ${restart.recipe.args.join(' ')}`.slice(0, 300) },
        { label: 'log', value: restart.log },
      ],
    };
  },

  async kill_port_owner(params, ctx) {
    const port = Number(params.port);
    const real = hostPort(ctx.config, allowedPort(ctx.config.ports, port));
    const owners = await portOwners(ctx, real);
    return { target: `port ${port}`, facts: [{ label: 'stops', value: owners.map((o) => `pid ${o.pid} ${o.argv.slice(0, 200)}`).join('; ') || 'nothing listens' }] };
  },

  async compose_service_restart(params, ctx) {
    const service = allowedService(ctx, str(params.service));
    return containerPlan(ctx, `restart ${service}`, service);
  },
  async compose_up_build(params, ctx) {
    const service = params.service === undefined ? undefined : allowedService(ctx, str(params.service));
    return containerPlan(ctx, `rebuild and start ${service ?? 'the stack'}${params.no_cache ? ' (no cache)' : ''}`, service);
  },
  compose_down: (_p, ctx) => containerPlan(ctx, 'stop and remove the stack'),
  remove_all_containers: (_p, ctx) => containerPlan(ctx, 'remove every container of the stack'),

  async set_read_only_mode(params, ctx) {
    const spec = ctx.config.readOnlyMode;
    if (!spec) throw new ActionRefused('not-allowed', 'readOnlyMode is not configured on this agent');
    const doc = parseDocument(await readFile(spec.file, { encoding: 'utf8', signal: ctx.signal }));
    return {
      target: `${spec.file}: ${spec.key.join('.')}`,
      facts: [
        { label: 'key', value: `${spec.key.join('.')} in ${spec.file}` },
        { label: 'current value', value: String(doc.getIn(spec.key)) },
        { label: 'new value', value: String(params.enabled === true || params.enabled === 'true') },
      ],
    };
  },

  async firewall_allow(params, ctx) {
    const port = allowedPort(ctx.config.firewall.allowPorts, Number(params.port), 'firewall port');
    const recipe = ctx.config.firewall.allow;
    return { target: `allow port ${port}`, facts: [{ label: 'runs', value: recipe ? `${recipe.command} ${recipe.args.join(' ').replace(/\{port\}/g, String(port))}` : 'firewall.allow is not configured' }] };
  },

  async retrain_model(params, ctx) {
    const retrain = ctx.config.retrain;
    if (!retrain) throw new ActionRefused('not-allowed', 'retrain is not configured on this agent');
    const path = allowed(retrain.datasets, str(params.dataset), 'dataset');
    const s = await stat(path).catch(() => undefined);
    return {
      target: `retrain ${str(params.name)}`,
      facts: [
        { label: 'dataset', value: s ? `${path} (${s.size} bytes, modified ${iso(s.mtimeMs)})` : `${path} (missing)` },
        { label: 'runs', value: `${retrain.recipe.command} ${retrain.recipe.args.join(' ')}`.slice(0, 300) },
      ],
    };
  },
};

async function containerPlan(ctx: ActionContext, target: string, service?: string): Promise<HostPlan> {
  const list = await composeContainers(ctx, service);
  const value = list.map((c) => `${(c.Names[0] ?? c.Id.slice(0, 12)).replace(/^\//, '')} ${c.State}`).join('; ') || 'no containers';
  return { target, facts: [{ label: 'containers', value }] };
}

/**
 * `plan`: what a host-changing action would do here and now, without changing anything — the
 * resolved target and its facts (backup file, commit, containers, processes, YAML value) and, for
 * steps that take one, the choices a person may pick from. drbot shows it before the approval and
 * compares it again before the run.
 */
export const planAction = defineAction({
  name: 'plan',
  params: z.object({ action: z.string(), choice: z.string().optional() }).catchall(z.union([z.string(), z.number(), z.boolean()])),
  timeoutMs: 30_000,
  async run({ action, choice, ...params }, ctx) {
    if (!isKnownAction(action) || !ACTION_CATALOG[action].mutates) return { status: 'fail', summary: `plan: "${action.slice(0, 64)}" is not a host-changing action`, output: '' };
    // An action without its own planner (a drill fault, say) is planned as its parameters, as the agent config resolves nothing more for it.
    const planner: Planner = PLANNERS[action] ?? (async (p) => ({ target: `${action} ${Object.entries(p).map(([k, v]) => `${k}=${String(v)}`).join(' ')}`.trim(), facts: [] }));
    try {
      const plan = await planner(params, ctx, choice);
      const summary = `${action}: ${plan.target}`;
      return { status: 'ok', summary, output: plan.facts.map((f) => `${f.label}: ${f.value}`).join('\n'), data: plan };
    } catch (err) {
      if (err instanceof ActionRefused) return { status: 'fail', summary: `plan ${action}: ${err.message}`, output: '', data: { refused: true } };
      return { status: 'fail', summary: `plan ${action}: ${(err as Error).message}`, output: '' };
    }
  },
});
