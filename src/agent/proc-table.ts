import { readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';

/** One running process as `/proc` shows it. */
export interface ProcessInfo {
  pid: number;
  argv: string[];
}

/** One TCP socket in LISTEN state. */
export interface ListeningSocket {
  port: number;
  address: string;
  inode: number;
}

/** Reads every process's argv from `/proc/<pid>/cmdline` (processes that vanish meanwhile are skipped). */
export async function listProcesses(procRoot: string): Promise<ProcessInfo[]> {
  const out: ProcessInfo[] = [];
  for (const entry of await readdir(procRoot)) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const raw = await readFile(join(procRoot, entry, 'cmdline'), 'utf8');
      const argv = raw.split('\0').filter((a) => a.length > 0);
      if (argv.length) out.push({ pid: Number(entry), argv });
    } catch {
      // exited while we looked
    }
  }
  return out;
}

/** Processes whose argv contains every one of `match` (each inside some argument), never this process. */
export function matchProcesses(all: readonly ProcessInfo[], match: string | readonly string[], selfPid = process.pid): ProcessInfo[] {
  const wanted = typeof match === 'string' ? [match] : match;
  return all.filter((p) => p.pid !== selfPid && wanted.every((m) => p.argv.some((a) => a.includes(m))));
}

/** TCP sockets in LISTEN state, from `/proc/net/tcp` and `/proc/net/tcp6`. */
export async function listeningSockets(procRoot: string): Promise<ListeningSocket[]> {
  const out: ListeningSocket[] = [];
  for (const file of ['net/tcp', 'net/tcp6']) {
    let text: string;
    try {
      text = await readFile(join(procRoot, file), 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || cols[3] !== '0A') continue;
      const [addrHex, portHex] = cols[1]!.split(':');
      out.push({ port: parseInt(portHex!, 16), address: decodeAddress(addrHex!), inode: Number(cols[9]) });
    }
  }
  return out;
}

/** Maps socket inodes to the pids holding them, by reading `/proc/<pid>/fd` links. */
export async function socketOwners(procRoot: string, inodes: ReadonlySet<number>): Promise<Map<number, number[]>> {
  const owners = new Map<number, number[]>();
  if (!inodes.size) return owners;
  for (const entry of await readdir(procRoot)) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = await readdir(join(procRoot, entry, 'fd'));
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(await readlink(join(procRoot, entry, 'fd', fd)));
        if (m && inodes.has(Number(m[1]))) {
          const pids = owners.get(Number(m[1])) ?? [];
          if (!pids.includes(Number(entry))) pids.push(Number(entry));
          owners.set(Number(m[1]), pids);
        }
      } catch {
        // fd closed meanwhile
      }
    }
  }
  return owners;
}

function decodeAddress(hex: string): string {
  if (hex.length === 8) {
    const n = parseInt(hex, 16);
    return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255].join('.');
  }
  return /^0+$/.test(hex) ? '::' : hex === '00000000000000000000000001000000' ? '::1' : `[${hex}]`;
}
