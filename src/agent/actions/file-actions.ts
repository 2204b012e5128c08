import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readdir, stat, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ActionRefused, allowed, defineAction } from '../agent-action.js';
import { confinedToItsDirectory } from '../confined-path.js';

const Lines = z.coerce.number().int().min(1).max(5000).default(100);
const Limit = z.coerce.number().int().min(1).max(500).default(20);

/** The last `lines` lines of a configured file, reading only its end (at most 64 kB); a link out of the file's directory is refused. */
export async function tailFile(path: string, lines: number, maxBytes = 64 * 1024): Promise<string> {
  const fh = await open(await confinedToItsDirectory(path, 'the log'), 'r');
  try {
    const { size } = await fh.stat();
    const length = Math.min(size, maxBytes);
    const buf = Buffer.alloc(length);
    await fh.read(buf, 0, length, size - length);
    const all = buf.toString('utf8').split('\n');
    if (all.at(-1) === '') all.pop();
    return all.slice(-lines).join('\n');
  } finally {
    await fh.close();
  }
}

/** md5 and sha256 of a file, streamed (until `signal` aborts). */
export async function checksums(path: string, signal?: AbortSignal): Promise<{ md5: string; sha256: string }> {
  const md5 = createHash('md5');
  const sha = createHash('sha256');
  for await (const chunk of createReadStream(path, { signal })) {
    md5.update(chunk as Buffer);
    sha.update(chunk as Buffer);
  }
  return { md5: md5.digest('hex'), sha256: sha.digest('hex') };
}

/** Directory entries with their modification times, newest first. */
export async function newestFirst(dir: string): Promise<{ name: string; mtimeMs: number; size: number; dir: boolean }[]> {
  const out = [];
  for (const name of await readdir(dir)) {
    try {
      const s = await stat(join(dir, name));
      out.push({ name, mtimeMs: s.mtimeMs, size: s.size, dir: s.isDirectory() });
    } catch {
      // vanished
    }
  }
  return out.sort((a, b) => b.mtimeMs - a.mtimeMs || b.name.localeCompare(a.name));
}

const errCode = (err: unknown) => (err as NodeJS.ErrnoException).code ?? (err as Error).message;

/** `log_tail`: the end of a configured log. */
export const logTail = defineAction({
  name: 'log_tail',
  params: z.object({ log: z.string(), lines: Lines }).strict(),
  timeoutMs: 15_000,
  async run({ log, lines }, ctx) {
    const path = allowed(ctx.config.logs, log, 'log');
    try {
      const text = await tailFile(path, lines);
      const errors = text.split('\n').filter((l) => /\b(ERROR|CRITICAL|Traceback|Exception)\b/.test(l)).length;
      return { status: errors ? 'warn' : 'ok', summary: `${log}: last ${Math.min(lines, text ? text.split('\n').length : 0)} line(s) of ${path}${errors ? `, ${errors} error line(s)` : ''}`, output: text };
    } catch (err) {
      if (err instanceof ActionRefused) throw err;
      return { status: 'fail', summary: `${log}: cannot read ${path} (${errCode(err)})`, output: '' };
    }
  },
});

/** `file_stat`: size, permissions, owner and age of a configured file. */
export const fileStat = defineAction({
  name: 'file_stat',
  params: z.object({ file: z.string() }).strict(),
  timeoutMs: 10_000,
  async run({ file }, ctx) {
    const path = allowed(ctx.config.files, file, 'file');
    try {
      const s = await stat(path);
      const mode = (s.mode & 0o777).toString(8).padStart(3, '0');
      const detail = `${path}: ${s.size} bytes, mode ${mode}, uid ${s.uid}, modified ${new Date(s.mtimeMs).toISOString()}`;
      return { status: s.size > 0 ? 'ok' : 'warn', summary: `${file}: ${s.size > 0 ? 'present' : 'empty'}, mode ${mode}`, output: detail, data: { size: s.size, mode, uid: s.uid, mtimeMs: s.mtimeMs } };
    } catch (err) {
      return { status: 'fail', summary: `${file}: ${path} missing or unreadable (${errCode(err)})`, output: '' };
    }
  },
});

/** `file_checksum`: md5 and sha256 of a configured file. */
export const fileChecksum = defineAction({
  name: 'file_checksum',
  params: z.object({ file: z.string() }).strict(),
  timeoutMs: 120_000,
  async run({ file }, ctx) {
    const path = allowed(ctx.config.files, file, 'file');
    try {
      const sums = await checksums(path);
      return { status: 'ok', summary: `${file}: sha256 ${sums.sha256.slice(0, 16)}…`, output: `md5    ${sums.md5}\nsha256 ${sums.sha256}  ${path}`, data: sums };
    } catch (err) {
      return { status: 'fail', summary: `${file}: cannot read ${path} (${errCode(err)})`, output: '' };
    }
  },
});

/** `list_dir`: a configured directory's entries, newest first. */
export const listDir = defineAction({
  name: 'list_dir',
  params: z.object({ dir: z.string(), limit: Limit }).strict(),
  timeoutMs: 15_000,
  async run({ dir, limit }, ctx) {
    const path = allowed(ctx.config.dirs, dir, 'dir');
    try {
      const entries = await newestFirst(path);
      const shown = entries.slice(0, limit);
      const output = shown.map((e) => `${new Date(e.mtimeMs).toISOString()}  ${e.dir ? '<dir>' : String(e.size).padStart(10)}  ${e.name}`).join('\n');
      return { status: entries.length ? 'ok' : 'warn', summary: `${dir}: ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}${shown[0] ? `, newest ${shown[0].name}` : ''}`, output, data: { entries: shown.map((e) => e.name) } };
    } catch (err) {
      return { status: 'fail', summary: `${dir}: cannot list ${path} (${errCode(err)})`, output: '' };
    }
  },
});

/** `env_present`: whether an allowed environment variable is set; its value is shown masked. */
export const envPresent = defineAction({
  name: 'env_present',
  params: z.object({ name: z.string() }).strict(),
  timeoutMs: 5_000,
  async run({ name }, ctx) {
    allowed(Object.fromEntries(ctx.config.env.map((e) => [e, true])), name, 'environment variable');
    const value = process.env[name];
    if (!value) return { status: 'fail', summary: `${name} is not set`, output: '' };
    const masked = `${value.slice(0, Math.min(4, Math.floor(value.length / 4)))}${'*'.repeat(8)} (${value.length} chars)`;
    return { status: 'ok', summary: `${name} is set: ${masked}`, output: `${name}=${masked}` };
  },
});

/** `disk_usage`: used share of each configured disk (or one), warn at 80 %, fail at 95 %. */
export const diskUsage = defineAction({
  name: 'disk_usage',
  params: z.object({ path: z.string().optional() }).strict(),
  timeoutMs: 10_000,
  async run({ path }, ctx) {
    const disks = path ? { [path]: allowed(ctx.config.disks, path, 'disk') } : ctx.config.disks;
    if (!Object.keys(disks).length) return { status: 'fail', summary: 'no disks configured on this agent', output: '' };
    const rows = [];
    for (const [name, dir] of Object.entries(disks)) {
      const s = await statfs(dir);
      const total = s.blocks * s.bsize;
      const used = total - s.bfree * s.bsize;
      rows.push({ name, dir, pct: total ? Math.round((used / total) * 1000) / 10 : 0, freeGb: Math.round(((s.bavail * s.bsize) / 1024 ** 3) * 10) / 10 });
    }
    const worst = Math.max(...rows.map((r) => r.pct));
    return {
      status: worst >= 95 ? 'fail' : worst >= 80 ? 'warn' : 'ok',
      summary: rows.map((r) => `${r.name} ${r.pct}%`).join(', '),
      output: rows.map((r) => `${r.name} ${r.dir}: ${r.pct}% used, ${r.freeGb} GB free`).join('\n'),
      data: rows,
    };
  },
});

/** `log_sizes`: size of every configured log; warns above the configured total. */
export const logSizes = defineAction({
  name: 'log_sizes',
  params: z.object({}).strict(),
  timeoutMs: 10_000,
  async run(_p, ctx) {
    let total = 0;
    const lines = [];
    for (const [name, path] of Object.entries(ctx.config.logs)) {
      const size = await stat(path).then((s) => s.size, () => undefined);
      if (size !== undefined) total += size;
      lines.push(`${name} ${path}: ${size === undefined ? 'missing' : `${size} bytes`}`);
    }
    const mb = Math.round((total / 1024 ** 2) * 10) / 10;
    return { status: total > ctx.config.logSizeWarnBytes ? 'warn' : 'ok', summary: `logs total ${mb} MB`, output: lines.join('\n'), data: { totalBytes: total } };
  },
});

/** `backup_age`: age of the newest file of a configured backup against its goal and limit (RPO). */
export const backupAge = defineAction({
  name: 'backup_age',
  params: z.object({ backup: z.string() }).strict(),
  timeoutMs: 10_000,
  async run({ backup }, ctx) {
    const b = allowed(ctx.config.backups, backup, 'backup');
    const pattern = new RegExp(b.match);
    let newest;
    try {
      newest = (await newestFirst(b.dir)).find((e) => !e.dir && pattern.test(e.name));
    } catch (err) {
      return { status: 'fail', summary: `${backup}: cannot list ${b.dir} (${errCode(err)})`, output: '' };
    }
    if (!newest) return { status: 'fail', summary: `${backup}: no backup file in ${b.dir}`, output: '' };
    const hours = Math.round(((ctx.tools.now() - newest.mtimeMs) / 3600_000) * 10) / 10;
    const status = hours <= b.goalHours ? 'ok' : hours <= b.limitHours ? 'warn' : 'fail';
    return { status, summary: `${backup}: newest ${newest.name}, ${hours} h old (goal ${b.goalHours} h, limit ${b.limitHours} h)`, output: '', data: { file: newest.name, hours } };
  },
});
