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
// round trip each. Reading /proc/net/tcp{,6} can cost the kernel milliseconds (see
// readListeningSection), so those two are read in the threadpool, in parallel, leaving the event
// loop to the other probes.
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
  const sections = await Promise.all(['net/tcp', 'net/tcp6'].map((f) => readListeningSection(join(procRoot, f))));
  return sections.flat();
}

/** TCP states in /proc/net/tcp: LISTEN, and SYN_RECV (older kernels print a listener's pending connections under it). */
const LISTEN = '0A';
const SYN_RECV = '03';
/** A few lines of /proc/net/tcp{,6} per read (150-180 bytes each): the kernel makes no more lines than a read asks for. */
const SECTION_READ_BYTES = 1024;

/**
 * The sockets in LISTEN state from one of /proc/net/tcp{,6}, read only as far as the listening
 * section. The kernel lists listening sockets first, then walks its whole established-connection
 * hash table (every bucket, empty or not) for the rest: reading to the end cost milliseconds
 * of kernel time per file even with a few hundred connections (4.7 ms for /proc/net/tcp here, vs
 * 0.1 ms to its first connection line), and most of that walk is only to find the end. Small reads
 * stop at the first line past the listeners (a SYN_RECV line does not end it).
 */
async function readListeningSection(path: string): Promise<ListeningSocket[]> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch {
    return [];
  }
  const out: ListeningSocket[] = [];
  try {
    const buf = Buffer.allocUnsafe(SECTION_READ_BYTES);
    let rest = '';
    let header = true;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) return out;
      const lines = (rest + buf.toString('latin1', 0, bytesRead)).split('\n');
      rest = lines.pop()!;
      for (const line of lines) {
        if (header) {
          header = false;
          continue;
        }
        const cols = line.trim().split(/\s+/);
        if (cols.length < 10) continue;
        if (cols[3] === SYN_RECV) continue;
        if (cols[3] !== LISTEN) return out;
        const [addrHex, portHex] = cols[1]!.split(':');
        out.push({ port: parseInt(portHex!, 16), address: decodeAddress(addrHex!), inode: Number(cols[9]) });
      }
    }
  } finally {
    await fh.close();
  }
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
