import { open, readFile, rename, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { extname, join, relative } from 'node:path';
import { z } from 'zod';
import { ActionRefused, allowed, defineAction, type ActionContext } from '../agent-action.js';
import { filesUnder } from '../safe-restore.js';
import { checkFormat } from './backup-restore-test.js';
import { checksums, newestFirst } from './file-actions.js';
import { backupFiles } from './restore-actions.js';

/** The first bytes of a file, enough for every format signature `checkFormat` knows. */
async function head(path: string): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(64);
    const { bytesRead } = await fh.read(buf, 0, 64, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Below this share of the newest backup's size, a live file is suspiciously small (truncated, emptied). */
const SMALLER_THAN_BACKUP = 0.5;

const errCode = (err: unknown) => (err as NodeJS.ErrnoException).code ?? (err as Error).message;
const kb = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : n >= 1024 ? `${(n / 1024).toFixed(1)} kB` : `${n} B`);

/**
 * `file_integrity`: whether a configured file is what it claims to be — its format signature (an
 * Access `.accdb` has `Standard ACE DB` at offset 4, an `.mdb` `Standard Jet DB`, a pickle the
 * protocol opcode; see `checkFormat`) — and, when it is restored from a backup, its size against the
 * newest backup. A wrong signature fails (a file that exists and is readable can still be garbage);
 * a file under half the newest backup's size warns (truncated?).
 */
export const fileIntegrity = defineAction({
  name: 'file_integrity',
  params: z.object({ file: z.string() }).strict(),
  timeoutMs: 30_000,
  async run({ file }, ctx) {
    const path = allowed(ctx.config.files, file, 'file');
    let size: number;
    let first: Buffer;
    try {
      size = (await stat(path)).size;
      first = await head(path);
    } catch (err) {
      return { status: 'fail', summary: `${file}: ${path} missing or unreadable (${errCode(err)})`, output: '' };
    }
    const format = checkFormat(path, first, size);
    const lines = [`${path}: ${size} bytes, ${format.what}`];
    let sizeWarning: string | undefined;
    const backupName = ctx.config.restoreFiles[file]?.backup;
    if (backupName) {
      const newest = (await backupFiles(ctx, backupName).catch((err: unknown) => {
        lines.push(`backup ${backupName}: cannot list (${errCode(err)})`);
        return [];
      }))[0];
      if (newest) {
        lines.push(`newest backup ${newest.name}: ${newest.size} bytes, modified ${new Date(newest.mtimeMs).toISOString()}`);
        if (size < newest.size * SMALLER_THAN_BACKUP) sizeWarning = `${kb(size)}, under half the newest backup ${newest.name} (${kb(newest.size)}) — truncated?`;
      } else lines.push(`backup ${backupName}: no backup file to compare the size with`);
    }
    if (!format.ok) return { status: 'fail', summary: `${file}: ${format.what}${sizeWarning ? `; ${sizeWarning}` : ''} — the file is damaged or not what it should be`, output: lines.join('\n'), data: { size, format: format.what, ok: false } };
    if (sizeWarning) return { status: 'warn', summary: `${file}: ${format.what}, but ${sizeWarning}`, output: lines.join('\n'), data: { size, format: format.what, ok: true } };
    return { status: 'ok', summary: `${file}: ${format.what}, ${kb(size)}`, output: lines.join('\n'), data: { size, format: format.what, ok: true } };
  },
});

/** What the agent records when it restores a version directory: the version and each file's sha256. */
const Manifest = z.object({ version: z.string(), restoredAt: z.string(), sha256: z.record(z.string(), z.string()) });
type Manifest = z.infer<typeof Manifest>;

function manifestPath(ctx: Pick<ActionContext, 'config'>, dir: string): string {
  return join(ctx.config.stateDir, 'manifests', `${dir}.json`);
}

/** Records which version a restore put into the live directory, with its checksums (written atomically). */
export async function recordRestoreManifest(ctx: Pick<ActionContext, 'config'>, dir: string, manifest: Manifest): Promise<void> {
  const path = manifestPath(ctx, dir);
  await mkdir(join(ctx.config.stateDir, 'manifests'), { recursive: true, mode: 0o700 });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, JSON.stringify(manifest, null, 2) + '\n', { mode: 0o600 });
  await rename(tmp, path);
}

/** The restore manifest of a dir as it is on disk (null when there is none), so a drill can put it back as it found it. */
export async function restoreManifestText(ctx: Pick<ActionContext, 'config'>, dir: string): Promise<string | null> {
  try {
    return await readFile(manifestPath(ctx, dir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Puts a dir's restore manifest back to `text` (written atomically), or removes it when `text` is null. */
export async function putRestoreManifestText(ctx: Pick<ActionContext, 'config'>, dir: string, text: string | null): Promise<void> {
  const path = manifestPath(ctx, dir);
  if (text === null) {
    await rm(path, { force: true });
    return;
  }
  await mkdir(join(ctx.config.stateDir, 'manifests'), { recursive: true, mode: 0o700 });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, text, { mode: 0o600 });
  await rename(tmp, path);
}

async function readManifest(ctx: Pick<ActionContext, 'config'>, dir: string): Promise<Manifest | undefined> {
  try {
    const parsed = Manifest.safeParse(JSON.parse(await readFile(manifestPath(ctx, dir), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** sha256 of every file under `root`, by path relative to it. */
async function sumsUnder(root: string, signal?: AbortSignal): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of await filesUnder(root)) out[relative(root, f)] = (await checksums(f, signal)).sha256;
  return out;
}

/** The files whose checksum differs between `want` and `have`, or that only one of them has. */
function differences(want: Record<string, string>, have: Record<string, string>): string[] {
  const names = [...new Set([...Object.keys(want), ...Object.keys(have)])].sort();
  return names.flatMap((n) => (want[n] === have[n] ? [] : [want[n] === undefined ? `${n} (extra)` : have[n] === undefined ? `${n} (missing)` : `${n} (sha256 ${have[n]!.slice(0, 12)}… ≠ ${want[n]!.slice(0, 12)}…)`]));
}

/**
 * `version_dir_verify`: whether the live directory of a restorable dir (`latest/`) is intact: each
 * pickle has a pickle's signature, and its files' checksums equal those of the version it came from
 * — the manifest recorded when the agent restored it, or else the version directory with the same
 * files. A file that is not a pickle fails; a mismatch with the manifest fails, naming the files
 * that differ; matching no version directory without a manifest warns (the origin is unknown:
 * a retrained or hand-copied model matches none), saying how to make it checkable.
 */
export const versionDirVerify = defineAction({
  name: 'version_dir_verify',
  params: z.object({ dir: z.string() }).strict(),
  timeoutMs: 300_000,
  async run({ dir }, ctx) {
    const root = allowed(ctx.config.dirs, dir, 'dir');
    const spec = allowed(ctx.config.restoreDirs, dir, 'restorable dir');
    const live = join(root, spec.live);
    let have: Record<string, string>;
    try {
      have = await sumsUnder(live, ctx.signal);
    } catch (err) {
      if (err instanceof ActionRefused) return { status: 'fail', summary: `${dir}: ${err.message}`, output: '' };
      return { status: 'fail', summary: `${dir}: cannot read ${live} (${errCode(err)})`, output: '' };
    }
    if (!Object.keys(have).length) return { status: 'fail', summary: `${dir}: ${live} is empty`, output: '' };
    const lines = Object.entries(have).map(([f, s]) => `${s}  ${spec.live}/${f}`);
    const badFormat: string[] = [];
    for (const f of Object.keys(have)) {
      if (!['.pkl', '.pickle', '.joblib'].includes(extname(f).toLowerCase())) continue;
      const p = join(live, f);
      const format = checkFormat(f, await head(p), (await stat(p)).size);
      if (!format.ok) badFormat.push(`${f}: ${format.what}`);
    }
    const manifest = await readManifest(ctx, dir);
    let verdict: { ok: boolean; against: string; diff: string[] };
    if (manifest) {
      verdict = { ok: false, against: `${manifest.version} (restored ${manifest.restoredAt}, the agent's manifest)`, diff: differences(manifest.sha256, have) };
      verdict.ok = verdict.diff.length === 0;
    } else {
      const pattern = new RegExp(spec.versions);
      const versions = (await newestFirst(root)).filter((e) => e.dir && e.name !== spec.live && pattern.test(e.name));
      let closest: { name: string; diff: string[] } | undefined;
      for (const v of versions.slice(0, 20)) {
        const sums = await sumsUnder(join(root, v.name), ctx.signal).catch(() => undefined);
        if (!sums) continue;
        const diff = differences(sums, have);
        if (!closest || diff.length < closest.diff.length) closest = { name: v.name, diff };
        if (!diff.length) break;
      }
      verdict = closest ? { ok: closest.diff.length === 0, against: `${closest.name} (the version directory ${closest.diff.length ? 'closest to it' : 'it matches'})`, diff: closest.diff } : { ok: false, against: 'no version directory', diff: [] };
    }
    const output = [...lines, '', `compared with ${verdict.against}`, ...verdict.diff.map((d) => `differs: ${d}`), ...badFormat.map((b) => `format: ${b}`)].join('\n');
    if (!badFormat.length && !verdict.ok && !manifest) {
      // Without a manifest nobody knows which version latest/ came from (a retrained or hand-copied
      // model matches none): not a proven mismatch, so a warning that says what would make it provable.
      const closest = verdict.diff.length ? `; closest is ${verdict.against.replace(/ \(.*$/, '')} (${verdict.diff.length} file(s) differ: ${verdict.diff.slice(0, 3).join(', ')}${verdict.diff.length > 3 ? ', …' : ''})` : '';
      return {
        status: 'warn',
        summary: `${dir}: ${spec.live}/ matches no version directory and the agent has no restore manifest, so which version it came from is unknown${closest} — if the model fails to load, restore a version (restore-previous-model); the agent then records its checksums and this check can tell`,
        output,
        data: { ok: false, against: verdict.against, differs: verdict.diff, manifest: false },
      };
    }
    if (badFormat.length || !verdict.ok) {
      const why = [
        ...badFormat,
        ...(verdict.diff.length ? [`${verdict.diff.length} file(s) differ from ${verdict.against}: ${verdict.diff.slice(0, 3).join(', ')}${verdict.diff.length > 3 ? ', …' : ''}`] : []),
        ...(!verdict.ok && !verdict.diff.length ? [`nothing to compare ${spec.live}/ with (no version directory matching ${spec.versions})`] : []),
      ];
      return { status: 'fail', summary: `${dir}: ${spec.live}/ does not match — ${why.join('; ')}`, output, data: { ok: false, against: verdict.against, differs: verdict.diff } };
    }
    return { status: 'ok', summary: `${dir}: ${spec.live}/ matches ${verdict.against}, ${Object.keys(have).length} file(s)`, output, data: { ok: true, against: verdict.against } };
  },
});
