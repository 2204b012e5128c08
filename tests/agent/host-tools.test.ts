import { describe, expect, it } from '@jest/globals';
import { runCommand } from '../../src/agent/host-tools.js';

// prints `mb` MiB of 'x' on stdout, then "THE END" on both streams
const chatty = (mb: number) => [
  '-e',
  `const b = Buffer.alloc(1024 * 1024, 'x'); for (let i = 0; i < ${mb}; i++) process.stdout.write(b); process.stdout.write('THE END'); process.stderr.write('err end');`,
];

describe('runCommand output bound', () => {
  it('keeps only the tail of a child that prints past the cap, and says how much was cut', async () => {
    const r = await runCommand(process.execPath, chatty(4), {}, 64 * 1024);
    expect(r.failed).toBe(false);
    expect(r.stdout.endsWith('THE END')).toBe(true);
    expect(r.stdout.length).toBeLessThan(65 * 1024);
    const [note, kept] = [r.stdout.slice(0, r.stdout.indexOf('\n')), r.stdout.slice(r.stdout.indexOf('\n') + 1)];
    expect(note).toBe(`[stdout cut: first ${4 * 1024 * 1024 + 7 - 64 * 1024} of ${4 * 1024 * 1024 + 7} bytes dropped, last ${64 * 1024} kept]`);
    expect(Buffer.byteLength(kept)).toBe(64 * 1024);
    expect(r.stderr).toBe('err end');
  });

  it('streams a line that never ends in pieces instead of holding it', async () => {
    const lines: string[] = [];
    const oneLongLine = ['-e', `process.stdout.write(Buffer.alloc(1024 * 1024, 'x')); process.stdout.write('THE END');`];
    const r = await runCommand(process.execPath, oneLongLine, { onLine: (l) => lines.push(l) }, 64 * 1024);
    expect(r.failed).toBe(false);
    // every character arrives, in pieces of at most 64 k characters (lengths compared, not the megabyte itself)
    expect(lines.reduce((n, l) => n + l.length, 0)).toBe(1024 * 1024 + 'THE END'.length);
    expect(lines.at(-1)!.endsWith('THE END')).toBe(true);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(64 * 1024);
  });

  it('says why a command that cannot start failed', async () => {
    const r = await runCommand('/nonexistent/drbot-no-such-binary', []);
    expect(r).toMatchObject({ failed: true, exitCode: -1 });
    expect(r.stderr).toMatch(/ENOENT/);
  });
});
