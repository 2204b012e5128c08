import { closeSync, openSync, readdirSync, readlinkSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
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

// /proc files are generated in memory by the kernel and never wait on a disk. The many tiny ones
// (cmdline, fd links) are read synchronously: on a loaded host that is ~10× faster than a threadpool
// round trip each. /proc/net/tcp{,6} cost the kernel milliseconds per open (it walks every socket),
// so those two are read in the threadpool, in parallel, leaving the event loop to the other probes.
const PROC_BUF = Buffer.allocUnsafe(1 << 18);

/**
 * Reads a `/proc/<pid>/cmdline` whole (empty string when it vanished). The kernel fills each read of
 * it up to the end of the arguments, so a read shorter than the buffer is the last one: no second
 * read only to see the end (one syscall fewer per process; the scan is most of process_running).
 */
function readCmdline(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return '';
  }
  try {
    const parts: string[] = [];
    for (;;) {
      const n = readSync(fd, PROC_BUF, 0, PROC_BUF.length, null);
      parts.push(PROC_BUF.toString('utf8', 0, n));
      if (n < PROC_BUF.length) break;
    }
    return parts.join('');
  } catch {
    return '';
  } finally {
    closeSync(fd);
  }
}

/** Reads a large /proc file off the event loop (empty string when it is missing). */
async function readProcAsync(path: string): Promise<string> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch {
    return '';
  }
  try {
    const buf = Buffer.allocUnsafe(1 << 16);
    const parts: string[] = [];
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      parts.push(buf.toString('utf8', 0, bytesRead));
    }
    return parts.join('');
  } finally {
    await fh.close();
  }
}

/** Reads every process's argv from `/proc/<pid>/cmdline` (processes that vanish meanwhile are skipped). */
export async function listProcesses(procRoot: string): Promise<ProcessInfo[]> {
  const out: ProcessInfo[] = [];
  for (const entry of readdirSync(procRoot)) {
    if (!/^\d+$/.test(entry)) continue;
    // empty when it exited while we looked (or is a kernel thread)
    const argv = readCmdline(join(procRoot, entry, 'cmdline')).split('\0').filter((a) => a.length > 0);
    if (argv.length) out.push({ pid: Number(entry), argv });
  }
  return out;
}

/** Processes whose argv contains every one of `match` (each inside some argument), never this process. */
export function matchProcesses(all: readonly ProcessInfo[], match: string | readonly string[], selfPid = process.pid): ProcessInfo[] {
  const wanted = typeof match === 'string' ? [match] : match;
  return all.filter((p) => p.pid !== selfPid && wanted.every((m) => p.argv.some((a) => a.includes(m))));
}

const inFlight = new Map<string, Promise<ListeningSocket[]>>();

/** TCP sockets in LISTEN state, from `/proc/net/tcp` and `/proc/net/tcp6`; concurrent callers share one read. */
export function listeningSockets(procRoot: string): Promise<ListeningSocket[]> {
  let read = inFlight.get(procRoot);
  if (!read) {
    read = readListeningSockets(procRoot).finally(() => inFlight.delete(procRoot));
    inFlight.set(procRoot, read);
  }
  return read;
}

async function readListeningSockets(procRoot: string): Promise<ListeningSocket[]> {
  const out: ListeningSocket[] = [];
  const texts = await Promise.all(['net/tcp', 'net/tcp6'].map((f) => readProcAsync(join(procRoot, f))));
  for (const text of texts) {
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
  for (const entry of readdirSync(procRoot)) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(join(procRoot, entry, 'fd'));
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(join(procRoot, entry, 'fd', fd)));
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
