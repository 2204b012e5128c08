import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { PrivateDirectoryError, privateDirectory } from '../../fs/private-directory.js';
import { ActionRefused, defineAction, hostPort } from '../agent-action.js';
import { listeningSockets, listProcesses, matchProcesses } from '../proc-table.js';
import { diskUsage, tailFile } from './file-actions.js';
import { probeHealth } from './network-actions.js';
import { matchedByNameOnly } from './process-actions.js';

/** `incident_YYYYMMDD_HHMM.log` for a time in a time zone. */
export function snapshotName(at: number, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(at)).map((p) => [p.type, p.value]),
  );
  return `incident_${parts.year}${parts.month}${parts.day}_${parts.hour}${parts.minute}.log`;
}

/**
 * Writes `text` to a new file (0600) named `name` in `dir`, or `name` with `-2`, `-3` … before its
 * extension when a snapshot of that minute exists: never appending to, or writing through, a file or
 * link someone else put there (O_EXCL, O_NOFOLLOW).
 */
async function writeNewFile(dir: string, name: string, text: string): Promise<string> {
  const dot = name.lastIndexOf('.');
  for (let n = 1; ; n++) {
    const file = join(dir, n === 1 ? name : `${name.slice(0, dot)}-${n}${name.slice(dot)}`);
    let handle;
    try {
      handle = await open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && n < 100) continue;
      throw err;
    }
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return file;
  }
}

/** `log_snapshot`: writes the host's diagnostics (processes, ports, health, disks, containers) and every configured log's tail to one file. */
export const logSnapshot = defineAction({
  name: 'log_snapshot',
  params: z.object({}).strict(),
  timeoutMs: 60_000,
  async run(_p, ctx) {
    const { config, tools, request } = ctx;
    const at = tools.now();
    const out: string[] = [`# incident snapshot ${new Date(at).toISOString()} host ${config.host}${request.incidentId ? ` incident ${request.incidentId}` : ''}`];
    const procs = await listProcesses(tools.procRoot);
    out.push('', '## processes');
    for (const [name, p] of Object.entries(config.processes)) {
      const found = matchProcesses(procs, p.match);
      const loose = found.length > 1 && matchedByNameOnly(p.match) ? ` (${found.length} match by name only: include the port in match)` : '';
      out.push(`${name}: ${found.length ? found.map((f) => `${f.pid} ${f.argv.join(' ')}`).join('; ') : 'NOT RUNNING'}${loose}`);
    }
    const listening = await listeningSockets(tools.procRoot);
    out.push('', '## ports');
    for (const port of config.ports) out.push(`${port}: ${listening.some((s) => s.port === hostPort(config, port)) ? 'listening' : 'CLOSED'}`);
    out.push('', '## health');
    for (const [name, t] of Object.entries(config.targets)) out.push(`${name} ${t.url}: ${(await probeHealth(ctx, t.url, Math.min(t.timeoutMs, 3000))).detail}`);
    if (Object.keys(config.disks).length) {
      const d = await diskUsage.run({}, ctx);
      out.push('', '## disks', d.output ?? '');
    }
    if (config.docker) {
      out.push('', '## containers');
      try {
        const list = await tools.docker().listContainers({ all: true, filters: config.docker.project ? { label: [`com.docker.compose.project=${config.docker.project}`] } : {} });
        for (const c of list) out.push(`${c.Names[0] ?? c.Id.slice(0, 12)} ${c.Labels['com.docker.compose.service'] ?? '-'} ${c.State} ${c.Status}`);
      } catch (err) {
        out.push(`docker unavailable: ${(err as Error).message}`);
      }
    }
    for (const [name, path] of Object.entries(config.logs)) {
      out.push('', `## log ${name} (${path}), last 200 lines`);
      out.push(await tailFile(path, 200).catch((err: NodeJS.ErrnoException) => `(unreadable: ${err instanceof ActionRefused ? err.message : (err.code ?? err.message)})`));
    }
    let dir: string;
    try {
      dir = privateDirectory(config.snapshotDir, `drbot-agent-${process.getuid?.() ?? 'user'}`);
    } catch (err) {
      if (!(err instanceof PrivateDirectoryError)) throw err;
      return { status: 'fail', summary: `snapshot not written: ${err.message} (agent.yaml snapshotDir)`, output: '' };
    }
    const text = out.join('\n') + '\n';
    const file = await writeNewFile(dir, snapshotName(at, config.timeZone), text);
    return { status: 'ok', summary: `snapshot written to ${file} (${Buffer.byteLength(text)} bytes)`, output: text, data: { file } };
  },
});
