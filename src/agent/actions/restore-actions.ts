import { join } from 'node:path';
import { z } from 'zod';
import { ActionRefused, OutcomeUnknown, allowed, defineAction, type ActionContext } from '../agent-action.js';
import { confinedPath, refuseSymlink } from '../confined-path.js';
import { RestoreFailed, SafeRestore } from '../safe-restore.js';
import { newestFirst } from './file-actions.js';
import { recordRestoreManifest } from './integrity-actions.js';

function restorer(ctx: ActionContext): SafeRestore {
  const stamp = new Date(ctx.tools.now()).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return new SafeRestore(ctx.tools.copyFile, () => `${stamp}-${ctx.request.requestId.replace(/[^A-Za-z0-9-]/g, '').slice(-12)}`, { signal: ctx.signal, changing: ctx.changing });
}

/** The backup files of a configured backup, newest first: what `restore_file … from` may name. */
export async function backupFiles(ctx: Pick<ActionContext, 'config'>, backupName: string): Promise<{ name: string; mtimeMs: number; size: number }[]> {
  const b = allowed(ctx.config.backups, backupName, 'backup');
  const pattern = new RegExp(b.match);
  return (await newestFirst(b.dir)).filter((e) => !e.dir && pattern.test(e.name));
}

/**
 * Picks the backup file: `latest` is the newest; `yesterday` the newest from before today's midnight
 * (agent time zone); any other value must be the name of one of the backup files (a person's choice).
 */
export async function pickBackup(ctx: ActionContext, backupName: string, from: string): Promise<string> {
  const b = allowed(ctx.config.backups, backupName, 'backup');
  const files = await backupFiles(ctx, backupName);
  let pick;
  if (from === 'latest') pick = files[0];
  else if (from === 'yesterday') {
    const midnight = new Date(ctx.tools.now());
    midnight.setHours(0, 0, 0, 0);
    pick = files.find((f) => f.mtimeMs < midnight.getTime()) ?? files[0];
  } else {
    pick = files.find((f) => f.name === from);
    if (!pick) throw new ActionRefused('not-allowed', `from "${from}" is not a backup of ${backupName} (allowed: latest, yesterday, ${files.slice(0, 20).map((f) => f.name).join(', ') || 'no backup files'})`);
  }
  if (!pick) throw new RestoreFailed(`no backup of ${backupName} in ${b.dir}`);
  const source = join(b.dir, pick.name);
  await refuseSymlink(source, 'the backup file');
  await confinedPath(source, b.dir, 'the backup');
  return source;
}

/** `restore_file`: backup → live file; the current file is kept aside and checksums are verified. */
export const restoreFile = defineAction({
  name: 'restore_file',
  params: z.object({ file: z.string(), from: z.string() }).strict(),
  timeoutMs: 600_000,
  async run({ file, from }, ctx) {
    const live = allowed(ctx.config.files, file, 'file');
    const { backup } = allowed(ctx.config.restoreFiles, file, 'restorable file');
    let source: string;
    try {
      source = await pickBackup(ctx, backup, from);
    } catch (err) {
      if (err instanceof RestoreFailed) return { status: 'fail', summary: `${file}: ${err.message}; nothing was changed`, output: '' };
      throw err;
    }
    try {
      const r = await restorer(ctx).file(source, live);
      return { status: 'ok', summary: `${file} restored from ${source}; sha256 ${r.sha256['']!.slice(0, 16)}… verified${r.keptAside ? `; previous file kept at ${r.keptAside}` : ''}`, output: `source ${source}\nlive ${live}\nsha256 ${r.sha256['']}\nkept aside ${r.keptAside ?? '(no previous file)'}`, data: r };
    } catch (err) {
      if (err instanceof ActionRefused || err instanceof OutcomeUnknown) throw err;
      return { status: 'fail', summary: `${file}: restore failed, the live file is unchanged: ${(err as Error).message}`, output: '' };
    }
  },
});

/** `restore_dir`: a version directory → the live one (`from: previous` is the newest version other than live). */
export const restoreDir = defineAction({
  name: 'restore_dir',
  params: z.object({ dir: z.string(), from: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) }).strict(),
  timeoutMs: 1_800_000,
  async run({ dir, from }, ctx) {
    const root = allowed(ctx.config.dirs, dir, 'dir');
    const spec = allowed(ctx.config.restoreDirs, dir, 'restorable dir');
    const versions = (await newestFirst(root)).filter((e) => e.dir && e.name !== spec.live && new RegExp(spec.versions).test(e.name));
    const version = from === 'previous' ? versions[0]?.name : versions.find((v) => v.name === from)?.name;
    if (!version) return { status: 'fail', summary: `${dir}: no version directory "${from}" in ${root} (have: ${versions.map((v) => v.name).join(', ') || 'none'})`, output: '' };
    await refuseSymlink(join(root, version), 'the version directory');
    await confinedPath(join(root, version), root, 'the version directory');
    try {
      const r = await restorer(ctx).dir(join(root, version), join(root, spec.live));
      // What version_dir_verify compares the live directory with from now on.
      await recordRestoreManifest(ctx, dir, { version, restoredAt: new Date(ctx.tools.now()).toISOString(), sha256: r.sha256 }).catch(() => undefined);
      const lines = Object.entries(r.sha256).map(([f, s]) => `${s}  ${f}`);
      return { status: 'ok', summary: `${dir}: ${version} restored into ${spec.live}/ (${lines.length} file(s), checksums verified)${r.keptAside ? `; previous kept at ${r.keptAside}` : ''}`, output: lines.join('\n'), data: r };
    } catch (err) {
      if (err instanceof ActionRefused || err instanceof OutcomeUnknown) throw err;
      return { status: 'fail', summary: `${dir}: restore of ${version} failed, ${spec.live}/ is unchanged: ${(err as Error).message}`, output: '' };
    }
  },
});
