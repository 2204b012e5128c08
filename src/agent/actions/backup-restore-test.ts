import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { z } from 'zod';
import { defineAction, type ActionContext } from '../agent-action.js';
import { confinedPath, refuseSymlink } from '../confined-path.js';
import { newestFirst } from './file-actions.js';
import { ageText, rpoMark } from './rpo-age.js';

type Mark = 'ok' | 'warn' | 'fail';

/** One backup's test result. */
export interface BackupTestResult {
  backup: string;
  mark: Mark;
  line: string;
  file?: string;
  bytes?: number;
  hours?: number;
  sha256?: string;
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const worse = (a: Mark, b: Mark): Mark => (a === 'fail' || b === 'fail' ? 'fail' : a === 'warn' || b === 'warn' ? 'warn' : 'ok');

/**
 * What the restored copy's first bytes say about its format: an Access `.accdb` (or `.mdb`) starts
 * with `Standard ACE DB` (`Standard Jet DB`) at offset 4, a pickle (`.pkl`, `.pickle`, `.joblib`) with
 * the protocol opcode 0x80 and a protocol number 2–5; other kinds only need to be readable and non-empty.
 */
export function checkFormat(name: string, head: Buffer, size: number): { ok: boolean; what: string } {
  if (size === 0) return { ok: false, what: 'empty file' };
  const ext = extname(name).toLowerCase();
  if (ext === '.accdb' || ext === '.mdb') {
    const want = ext === '.accdb' ? 'Standard ACE DB' : 'Standard Jet DB';
    const got = head.subarray(4, 4 + want.length).toString('latin1');
    return got === want ? { ok: true, what: `Access database (${want})` } : { ok: false, what: `not an Access database: no "${want}" signature at offset 4` };
  }
  if (ext === '.pkl' || ext === '.pickle' || ext === '.joblib') {
    return head[0] === 0x80 && head[1]! >= 2 && head[1]! <= 5 ? { ok: true, what: `pickle, protocol ${head[1]}` } : { ok: false, what: 'not a pickle: no protocol byte (0x80 and 2–5) at the start' };
  }
  return { ok: true, what: `readable, ${size} bytes` };
}

async function testOne(ctx: ActionContext, name: string, scratchRoot: string): Promise<BackupTestResult> {
  const b = ctx.config.backups[name]!;
  const pattern = new RegExp(b.match);
  let newest;
  try {
    newest = (await newestFirst(b.dir)).find((e) => !e.dir && pattern.test(e.name));
  } catch (err) {
    return { backup: name, mark: 'fail', line: `${name}: cannot list ${b.dir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` };
  }
  if (!newest) return { backup: name, mark: 'fail', line: `${name}: no backup file in ${b.dir}` };
  const source = join(b.dir, newest.name);
  await refuseSymlink(source, 'the backup file');
  await confinedPath(source, b.dir, 'the backup');
  const scratch = join(scratchRoot, name);
  await mkdir(scratch, { recursive: true, mode: 0o700 });
  const copy = join(scratch, newest.name);
  await ctx.tools.copyFile(source, copy, ctx.signal);
  const [original, restored] = await Promise.all([readFile(source), readFile(copy)]);
  const ageMs = ctx.tools.now() - newest.mtimeMs;
  const hours = Math.round((ageMs / 3600_000) * 10) / 10;
  const sums = { source: sha256(original), copy: sha256(restored) };
  const base = { backup: name, file: newest.name, bytes: restored.length, hours, sha256: sums.copy };
  if (sums.source !== sums.copy) return { ...base, mark: 'fail', line: `${name}: ${newest.name} restored copy does not match the backup (sha256 ${sums.copy.slice(0, 12)}… ≠ ${sums.source.slice(0, 12)}…)` };
  const handle = await open(copy, 'r');
  const head = Buffer.alloc(64);
  try {
    await handle.read(head, 0, 64, 0);
  } finally {
    await handle.close();
  }
  const format = checkFormat(newest.name, head, restored.length);
  // Compared on the exact age, and printed so an age past the goal never reads as the goal (24.04 h is not "24 h").
  const age: Mark = rpoMark(ageMs, b.goalHours, b.limitHours);
  const mark = worse(format.ok ? 'ok' : 'fail', age);
  const ageLine = `${ageText(ageMs, hours, age === 'ok' ? undefined : age === 'warn' ? b.goalHours : b.limitHours)} old (RPO goal ${b.goalHours} h, limit ${b.limitHours} h${age === 'ok' ? '' : age === 'warn' ? ', past the goal' : ', past the limit'})`;
  return { ...base, mark, line: `${name}: ${newest.name}, ${restored.length} bytes, ${ageLine}; restored copy sha256 ${sums.copy.slice(0, 12)}… matches; ${format.what}` };
}

/**
 * `backup_restore_test`: for each configured backup (or the one named), restores the newest file into
 * a scratch directory under `stateDir`, checks its checksum against the backup and its format, and
 * its age against the RPO; the scratch copy is deleted. Nothing live is touched.
 */
export const backupRestoreTest = defineAction({
  name: 'backup_restore_test',
  params: z.object({ backup: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional() }).strict(),
  timeoutMs: 600_000,
  async run({ backup }, ctx) {
    const names = backup ? [backup] : Object.keys(ctx.config.backups);
    if (backup && !Object.hasOwn(ctx.config.backups, backup)) return { status: 'fail', summary: `backup "${backup}" is not in the agent config (allowed: ${Object.keys(ctx.config.backups).join(', ') || 'none'})` };
    if (!names.length) return { status: 'warn', summary: 'no backups are configured on this agent (agent.yaml backups:)' };
    const scratchRoot = join(ctx.config.stateDir, `restore-test-${ctx.request.requestId.replace(/[^A-Za-z0-9-]/g, '').slice(-24)}`);
    const results: BackupTestResult[] = [];
    try {
      for (const name of names) {
        try {
          results.push(await testOne(ctx, name, scratchRoot));
        } catch (err) {
          results.push({ backup: name, mark: 'fail', line: `${name}: restore test failed: ${(err as Error).message}` });
        }
      }
    } finally {
      await rm(scratchRoot, { recursive: true, force: true });
    }
    const status = results.reduce<Mark>((m, r) => worse(m, r.mark), 'ok');
    return { status, summary: results.map((r) => r.line).join('; '), output: results.map((r) => `${r.mark} ${r.line}`).join('\n'), data: { results } };
  },
});
