import { afterEach, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { listProcesses, matchProcesses } from '../../src/agent/proc-table.js';

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
