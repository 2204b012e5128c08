import { afterEach, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listeningSockets, listProcesses, matchProcesses } from '../../src/agent/proc-table.js';

let child: ChildProcess | undefined;
/** In every argv here, so other processes on the machine never match. */
const MARKER = `proc-table-test-${process.pid}`;

afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }
  child = undefined;
});

async function aProcessWith(args: string[]): Promise<number> {
  child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)', ...args], { stdio: 'ignore' });
  await once(child, 'spawn');
  return child.pid!;
}

describe('listProcesses', () => {
  it('reads a short argv whole', async () => {
    const pid = await aProcessWith([MARKER, 'uvicorn', 'app:main', '--port', '8000']);
    const found = matchProcesses(await listProcesses('/proc'), [MARKER, 'uvicorn', '8000']);
    expect(found).toEqual([{ pid, argv: [process.execPath, '-e', 'setTimeout(() => {}, 60_000)', MARKER, 'uvicorn', 'app:main', '--port', '8000'] }]);
  });

  it('reads an argv longer than its read buffer (256 kB) whole', async () => {
    // one argument may be at most 128 kB: three of 100 kB make 300 kB
    const long = ['a', 'b', 'c'].map((c) => c.repeat(100_000));
    const pid = await aProcessWith([MARKER, ...long, 'last-argument']);
    const [found] = matchProcesses(await listProcesses('/proc'), MARKER);
    expect(found?.pid).toBe(pid);
    expect(found?.argv.slice(3)).toEqual([MARKER, ...long, 'last-argument']);
  });
});

/** A /proc/net/tcp line: local address and port in the kernel's hex, and the state. */
function tcpLine(sl: number, localHex: string, port: number, state: string, inode: number): string {
  return `${String(sl).padStart(4)}: ${localHex}:${port.toString(16).toUpperCase().padStart(4, '0')} 00000000:0000 ${state} 00000000:00000000 00:00000000 00000000  1000        0 ${inode} 1 0000000000000000 100 0 0 10 0`;
}
const HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode';

describe('listeningSockets', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('reads the listening section of /proc/net/tcp and tcp6: LISTEN lines (past SYN_RECV ones) up to the first connection', async () => {
    dir = mkdtempSync(join(tmpdir(), 'proc-net-'));
    mkdirSync(join(dir, 'net'));
    const established = Array.from({ length: 3000 }, (_, i) => tcpLine(i + 4, '0100007F', 40_000 + i, '01', 90_000 + i));
    writeFileSync(
      join(dir, 'net', 'tcp'),
      [HEADER, tcpLine(0, '00000000', 8000, '0A', 101), tcpLine(1, '0100007F', 5432, '0A', 102), tcpLine(2, '0100007F', 8000, '03', 0), tcpLine(3, '00000000', 5173, '0A', 103), ...established, ''].join('\n'),
    );
    writeFileSync(join(dir, 'net', 'tcp6'), [HEADER, tcpLine(0, '00000000000000000000000000000000', 8000, '0A', 201), ''].join('\n'));
    expect(await listeningSockets(dir)).toEqual([
      { port: 8000, address: '0.0.0.0', inode: 101 },
      { port: 5432, address: '127.0.0.1', inode: 102 },
      { port: 5173, address: '0.0.0.0', inode: 103 },
      { port: 8000, address: '::', inode: 201 },
    ]);
  });

  it('does not read on to the end of the file: a listing whose end never comes still answers', async () => {
    dir = mkdtempSync(join(tmpdir(), 'proc-net-'));
    mkdirSync(join(dir, 'net'));
    // A FIFO that stays open after the first connection line: reading to the end would wait for good.
    execFileSync('mkfifo', [join(dir, 'net', 'tcp')]);
    writeFileSync(join(dir, 'net', 'tcp6'), HEADER + '\n');
    const writer = createWriteStream(join(dir, 'net', 'tcp'));
    writer.write([HEADER, tcpLine(0, '00000000', 8000, '0A', 101), tcpLine(1, '0100007F', 40000, '01', 102), ''].join('\n'));
    try {
      expect(await listeningSockets(dir)).toEqual([{ port: 8000, address: '0.0.0.0', inode: 101 }]);
    } finally {
      writer.destroy();
    }
  });

  it('finds real listening sockets, IPv4 and IPv6, with connections open beside them', async () => {
    const servers: Server[] = [];
    const sockets: Socket[] = [];
    const listen = async (host: string) => {
      const server = createServer((s) => sockets.push(s));
      servers.push(server);
      server.listen(0, host);
      await once(server, 'listening');
      return (server.address() as { port: number }).port;
    };
    try {
      const v4 = await listen('127.0.0.1');
      const v6 = await listen('::');
      // Established connections to both, so neither file ends at its listening section.
      for (let i = 0; i < 20; i++) {
        for (const port of [v4, v6]) {
          const s = connect(port, '127.0.0.1');
          sockets.push(s);
          await once(s, 'connect');
        }
      }
      const found = await listeningSockets('/proc');
      expect(found).toEqual(expect.arrayContaining([expect.objectContaining({ port: v4, address: '127.0.0.1' }), expect.objectContaining({ port: v6, address: '::' })]));
    } finally {
      for (const s of sockets) s.destroy();
      for (const server of servers) server.close();
    }
  });
});
