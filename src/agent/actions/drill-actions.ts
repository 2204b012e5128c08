import { createHash } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { ActionRefused, allowed, defineAction, type ActionContext, type ActionOutcome } from '../agent-action.js';
import { refuseSymlink } from '../confined-path.js';
import { restartFor } from '../agent-config.js';
import { DRILL_FAULT_KINDS, DrillFaultLedger, type DrillFaultKind, type DrillFaultRecord } from '../drill-fault-ledger.js';
import { listProcesses, matchProcesses } from '../proc-table.js';
import { allowedService, composeContainers } from './container-actions.js';
import { putRestoreManifestText, restoreManifestText } from './integrity-actions.js';
import { processRestart, terminate } from './process-actions.js';

/** Refuses unless this request is for a drill incident and this host lists the fault in `drill.faults`. */
function drillOnly(ctx: ActionContext, fault?: DrillFaultKind, target?: string): { incidentId: string } {
  const faults = ctx.config.drill?.faults;
  if (!faults) throw new ActionRefused('not-allowed', 'this agent accepts no drill faults (agent.yaml has no drill.faults)');
  if (!ctx.request.drill || !ctx.request.incidentId) throw new ActionRefused('not-allowed', 'faults are injected only for a drill incident');
  if (fault && target !== undefined) {
    const listed = faults[fault] ?? [];
    if (!listed.includes(target)) throw new ActionRefused('not-allowed', `${fault} "${target}" is not in drill.faults of the agent config (allowed: ${listed.join(', ') || 'none'})`);
  }
  return { incidentId: ctx.request.incidentId };
}

/** The config name a step's target means: the same name, or with `-` for `_` (step ids have no underscores). */
function targetName(ctx: ActionContext, fault: DrillFaultKind, target: string): string {
  const listed = ctx.config.drill?.faults?.[fault] ?? [];
  return listed.find((n) => n === target) ?? listed.find((n) => n.replace(/_/g, '-') === target) ?? target;
}

/**
 * A name part for what a fault moves aside: the time and the end of the fault's request id. The time
 * alone (to the second) made two drills ending in the same second pick the same `.drill-recovered-`
 * name: the directory rename failed and the undo with it (a file's would have been overwritten).
 */
function stamp(ctx: ActionContext, id: string): string {
  return `${new Date(ctx.tools.now()).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${id.replace(/[^A-Za-z0-9]/g, '').slice(-8)}`;
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** A damaged copy of some bytes: the header zeroed and the second half cut off, so format checks and loaders fail. */
function damage(data: Buffer): Buffer {
  const kept = Buffer.from(data.subarray(0, Math.max(1, Math.floor(data.length / 2))));
  kept.fill(0, 0, Math.min(kept.length, 512));
  return kept;
}

/** Files under a directory (relative path → absolute), refusing links. */
async function filesUnder(root: string, dir = root): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isSymbolicLink()) throw new ActionRefused('not-allowed', `${p} is a symbolic link; the agent does not follow links`);
    if (e.isDirectory()) out.push(...(await filesUnder(root, p)));
    else if (e.isFile()) out.push(p);
  }
  return out.sort();
}

/** A digest of a directory's files (names and contents). */
async function dirDigest(root: string): Promise<string> {
  const h = createHash('sha256');
  for (const f of await filesUnder(root)) h.update(relative(root, f)).update('\0').update(sha256(await readFile(f))).update('\n');
  return h.digest('hex');
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/** The live directory `corrupt_dir` damages: the `restoreDirs` live subdirectory when the dir has one, else the dir itself. */
function liveDir(ctx: ActionContext, name: string): string {
  const root = allowed(ctx.config.dirs, name, 'dir');
  const spec = ctx.config.restoreDirs[name];
  return spec ? join(root, spec.live) : root;
}

async function inject(ctx: ActionContext, ledger: DrillFaultLedger, record: DrillFaultRecord): Promise<ActionOutcome> {
  const { fault, target } = record;
  if (fault === 'stop_process') {
    const { match } = allowed(ctx.config.processes, target, 'process');
    const found = matchProcesses(await listProcesses(ctx.tools.procRoot), match);
    if (!found.length) return { status: 'fail', summary: `[DRILL] ${target}: no process running, nothing to stop` };
    ledger.put({ ...record, pids: found.map((p) => p.pid) });
    ctx.changing(`[DRILL] ${target}: cut short while stopping pid ${found.map((p) => p.pid).join(', ')}: check process_running ${target}`);
    const gone = await terminate(found.map((p) => p.pid), ctx.signal);
    ledger.put({ ...record, state: 'in-place', pids: gone });
    return { status: 'ok', summary: `[DRILL] fault injected: ${target} stopped (pid ${gone.join(', ')})`, data: { fault, target, pids: gone } };
  }
  if (fault === 'stop_container') {
    allowedService(ctx, target);
    const running = (await composeContainers(ctx, target)).filter((c) => c.State === 'running');
    if (!running.length) return { status: 'fail', summary: `[DRILL] ${target}: no running container, nothing to stop` };
    const ids = running.map((c) => c.Id);
    ledger.put({ ...record, containers: ids });
    ctx.changing(`[DRILL] ${target}: cut short while stopping its container(s): check docker ps -a`);
    for (const id of ids) await ctx.tools.docker().getContainer(id).stop({ t: 5 });
    ledger.put({ ...record, state: 'in-place', containers: ids });
    return { status: 'ok', summary: `[DRILL] fault injected: container(s) of ${target} stopped (${running.map((c) => c.Names[0]?.replace(/^\//, '') ?? c.Id.slice(0, 12)).join(', ')})`, data: { fault, target, containers: ids } };
  }
  const live = fault === 'corrupt_file' ? allowed(ctx.config.files, target, 'file') : liveDir(ctx, target);
  await refuseSymlink(live, `the ${fault === 'corrupt_file' ? 'file' : 'directory'}`);
  if (!(await exists(live))) return { status: 'fail', summary: `[DRILL] ${target}: ${live} does not exist, nothing to corrupt` };
  const aside = `${live}.drill-${stamp(ctx, record.id)}`;
  if (fault === 'corrupt_dir' && ctx.config.restoreDirs[target]) record = { ...record, manifestBefore: await restoreManifestText(ctx, target) };
  ledger.put({ ...record, live, aside });
  ctx.changing(`[DRILL] ${target}: cut short while moving ${live} aside to ${aside}: check which of the two holds the real data`);
  await rename(live, aside);
  let damagedDigest: string;
  if (fault === 'corrupt_file') {
    const damaged = damage(await readFile(aside));
    await writeFile(live, damaged, { flag: 'wx', mode: 0o640 });
    damagedDigest = sha256(damaged);
  } else {
    await mkdir(live, { mode: 0o750 });
    for (const f of await filesUnder(aside)) {
      const to = join(live, relative(aside, f));
      await mkdir(join(to, '..'), { recursive: true });
      await writeFile(to, damage(await readFile(f)), { flag: 'wx', mode: 0o640 });
    }
    damagedDigest = await dirDigest(live);
  }
  ledger.put({ ...record, state: 'in-place', live, aside, damagedDigest });
  return { status: 'ok', summary: `[DRILL] fault injected: ${live} damaged; the real ${fault === 'corrupt_file' ? 'file' : 'directory'} is kept at ${aside}`, data: { fault, target, live, aside } };
}

/** `drill_fault`: injects one reversible fault for a drill (only a drill incident, only what `drill.faults` lists). */
export const drillFault = defineAction({
  name: 'drill_fault',
  params: z.object({ fault: z.enum(DRILL_FAULT_KINDS), target: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) }).strict(),
  timeoutMs: 60_000,
  async run({ fault, target: given }, ctx) {
    const target = targetName(ctx, fault, given);
    const { incidentId } = drillOnly(ctx, fault, target);
    const ledger = new DrillFaultLedger(ctx.config.stateDir);
    const record: DrillFaultRecord = { id: ctx.request.requestId, incidentId, fault, target, at: ctx.tools.now(), state: 'injecting' };
    return inject(ctx, ledger, record);
  },
});

/** Undoes one fault; says what it restored (or why nothing was needed). */
async function undo(ctx: ActionContext, f: DrillFaultRecord): Promise<string> {
  if (f.fault === 'stop_process') {
    const { match } = allowed(ctx.config.processes, f.target, 'process');
    if (matchProcesses(await listProcesses(ctx.tools.procRoot), match).length) return `${f.target}: running again (recovered during the drill), nothing to restore`;
    const restart = restartFor(ctx.config, f.target);
    if (!restart) throw new Error(`${f.target} is stopped and the agent config has no restarts entry (restarts.${f.target}, or one with the same match) to start it`);
    const r = await processRestart.run({ process: restart }, ctx);
    if (r.status !== 'ok') throw new Error(`${f.target}: restart failed: ${r.summary}`);
    return `${f.target}: started again (${r.summary})`;
  }
  if (f.fault === 'stop_container') {
    const lines: string[] = [];
    for (const id of f.containers ?? []) {
      const c = ctx.tools.docker().getContainer(id);
      const info = await c.inspect();
      if (info.State.Running) lines.push(`${info.Name.replace(/^\//, '')} running again (recovered during the drill)`);
      else {
        await c.start();
        lines.push(`${info.Name.replace(/^\//, '')} started again`);
      }
    }
    return `${f.target}: ${lines.join(', ') || 'no container recorded'}`;
  }
  const { live, aside } = f;
  if (!live || !aside) return `${f.target}: nothing had been changed yet`;
  if (!(await exists(aside))) return `${f.target}: the real copy ${aside} is gone; nothing restored (check ${live})`;
  const isFile = f.fault === 'corrupt_file';
  const current = (await exists(live)) ? (isFile ? sha256(await readFile(live)) : await dirDigest(live)) : undefined;
  if (current === f.damagedDigest || current === undefined) {
    if (current !== undefined) await rm(live, { recursive: true, force: true });
    await rename(aside, live);
    return `${f.target}: the damaged ${isFile ? 'file' : 'directory'} removed, the real one put back at ${live}${await manifestBack(ctx, f)}`;
  }
  // Recovered during the drill (a restore replaced the damaged copy): the pre-drill data goes back, the recovered copy is kept.
  const recovered = `${live}.drill-recovered-${stamp(ctx, f.id)}`;
  await rename(live, recovered);
  await rename(aside, live);
  return `${f.target}: the pre-drill ${isFile ? 'file' : 'directory'} put back at ${live} (the drill's recovered copy is kept at ${recovered})${await manifestBack(ctx, f)}`;
}

/**
 * With the pre-drill directory back, its restore manifest goes back too: a restore during the drill
 * recorded the drill's version, and the next checksum diagnostic would fail against it. Says so when it changed.
 */
async function manifestBack(ctx: ActionContext, f: DrillFaultRecord): Promise<string> {
  if (f.fault !== 'corrupt_dir' || f.manifestBefore === undefined) return '';
  if ((await restoreManifestText(ctx, f.target)) === f.manifestBefore) return '';
  await putRestoreManifestText(ctx, f.target, f.manifestBefore);
  return f.manifestBefore === null ? '; the restore manifest the drill wrote removed' : '; its restore manifest put back as before the drill';
}

/** Data before the services that read it, containers before the processes that call them. */
const UNDO_RANK: Record<DrillFaultKind, number> = { corrupt_file: 0, corrupt_dir: 0, stop_container: 1, stop_process: 2 };

/**
 * The order faults are undone in: the stack from the bottom up (files and directories, then
 * containers, then processes), the latest first within a kind. Plain last-in-first-out restarted a
 * backend before the predictor and the data it needs, and its restart waited for a health check that
 * could not pass until the undo's deadline (found by the e2e drill that ends without recovering).
 */
export function undoOrder(faults: readonly DrillFaultRecord[]): DrillFaultRecord[] {
  return faults
    .map((f, i) => ({ f, i }))
    .sort((a, b) => UNDO_RANK[a.f.fault] - UNDO_RANK[b.f.fault] || b.i - a.i)
    .map(({ f }) => f);
}

/** `drill_undo`: undoes every fault of this drill still recorded as not undone, and says what it restored. */
export const drillUndo = defineAction({
  name: 'drill_undo',
  params: z.object({}).strict(),
  timeoutMs: 300_000,
  async run(_params, ctx) {
    const faults = ctx.config.drill?.faults;
    if (!faults || !ctx.request.drill || !ctx.request.incidentId) return { status: 'ok', summary: '[DRILL] nothing to undo: no fault was injected on this host', data: { restored: [] } };
    const ledger = new DrillFaultLedger(ctx.config.stateDir);
    const open = ledger.openFor(ctx.request.incidentId);
    if (!open.length) return { status: 'ok', summary: '[DRILL] nothing to undo: every fault of this drill is already undone', data: { restored: [] } };
    const restored: string[] = [];
    const failed: string[] = [];
    for (const f of undoOrder(open)) {
      ctx.changing(`[DRILL] cut short while undoing ${f.fault} ${f.target}: check it by hand (drill-faults.json in the agent's stateDir lists it)`);
      try {
        const line = await undo(ctx, f);
        ledger.put({ ...f, state: 'undone', undoneAt: ctx.tools.now(), undoSummary: line });
        restored.push(line);
      } catch (err) {
        failed.push(`${f.fault} ${f.target}: ${(err as Error).message}`);
      }
    }
    const summary = `[DRILL] undone: ${restored.join('; ') || 'nothing'}${failed.length ? `; NOT undone: ${failed.join('; ')}` : ''}`;
    return { status: failed.length ? 'fail' : 'ok', summary, output: [...restored, ...failed.map((l) => `NOT undone: ${l}`)].join('\n'), data: { restored, failed } };
  },
});
