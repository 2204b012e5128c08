import { afterEach, describe, expect, it } from '@jest/globals';
import * as nodeFs from 'node:fs';
import { chmodSync, mkdtempSync, openSync, readFileSync, rmSync, closeSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LedgerWriteError, RequestLedger, type LedgerFs } from '../../src/agent/request-ledger.js';

let dirs: string[] = [];
let fds: number[] = [];
afterEach(() => {
  for (const fd of fds) closeSync(fd);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
  fds = [];
});

function stateDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'drbot-ledger-'));
  dirs.push(d);
  return d;
}

type WriteCb = (err: NodeJS.ErrnoException | null, written: number) => void;

/** node:fs whose ledger writes go to /dev/full (the kernel answers ENOSPC, as on a full disk) while `full.on` is set. */
function diskThatFills(): { fs: LedgerFs; full: { on: boolean } } {
  const devFull = openSync('/dev/full', 'w');
  fds.push(devFull);
  const full = { on: false };
  const write = (fd: number, text: string, position: null, encoding: BufferEncoding, cb: WriteCb) => nodeFs.write(full.on ? devFull : fd, text, position, encoding, cb);
  return { fs: { ...nodeFs, write } as unknown as LedgerFs, full };
}

const ok = (summary: string) => ({ status: 'ok' as const, summary, output: '' });

describe('RequestLedger write errors', () => {
  it('rejects a record the disk refuses with the reason, and keeps working once there is space again', async () => {
    const dir = stateDir();
    const { fs, full } = diskThatFills();
    const ledger = new RequestLedger(dir, { fs });
    await ledger.start('req-1', 1);
    full.on = true;
    const refused = ledger.start('req-2', 2);
    await expect(refused).rejects.toBeInstanceOf(LedgerWriteError);
    await expect(refused).rejects.toThrow(/ENOSPC/);
    full.on = false;
    await ledger.finish('req-1', 3, ok('done after the disk filled up'));
    await ledger.close();

    const reread = new RequestLedger(dir);
    expect(reread.lookup('req-1')).toMatchObject({ state: 'done', result: { summary: 'done after the disk filled up' } });
    expect(reread.has('req-2')).toBe(false);
    await reread.close();
  });

  it('starts a fresh line after a write that left part of a line behind', async () => {
    const dir = stateDir();
    let half = false;
    const write = (fd: number, text: string, position: null, encoding: BufferEncoding, cb: WriteCb) => {
      if (!half) return nodeFs.write(fd, text, position, encoding, cb);
      // the kernel took half of the line, then the device gave up
      nodeFs.writeSync(fd, text.slice(0, Math.floor(text.length / 2)));
      cb(Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' }), 0);
    };
    const ledger = new RequestLedger(dir, { fs: { ...nodeFs, write } as unknown as LedgerFs });
    half = true;
    await expect(ledger.start('req-torn', 1)).rejects.toThrow(/EIO/);
    half = false;
    await ledger.start('req-after', 2);
    await ledger.finish('req-after', 3, ok('fine'));
    await ledger.close();
    const reread = new RequestLedger(dir);
    expect(reread.lookup('req-after')).toMatchObject({ state: 'done', result: { summary: 'fine' } });
    await reread.close();
  });
});

describe('RequestLedger file', () => {
  it('is 0600 in a 0700 stateDir, tightening a ledger made earlier with a looser mode', async () => {
    const dir = join(stateDir(), 'state');
    const first = new RequestLedger(dir);
    await first.start('req-1', 1);
    await first.close();
    const file = join(dir, 'executed-requests.jsonl');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    chmodSync(file, 0o644);
    const again = new RequestLedger(dir);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(again.has('req-1')).toBe(true);
    await again.close();
  });
});

describe('RequestLedger memory bound', () => {
  it('keeps only the most recent results in memory and reads older ones back from the file', async () => {
    const dir = stateDir();
    const ledger = new RequestLedger(dir, { residentResults: 10 });
    for (let i = 0; i < 25; i++) {
      await ledger.start(`req-${i}`, i);
      await ledger.finish(`req-${i}`, i, { status: 'ok', summary: `result ${i}`, output: 'x'.repeat(20_000) + `end ${i}` });
    }
    expect(ledger.residentCount).toBe(10);
    // an evicted result is still known (never run twice) and read back from disk, its output cut to the tail
    expect(ledger.has('req-0')).toBe(true);
    const old = ledger.lookup('req-0');
    expect(old).toMatchObject({ state: 'done', result: { summary: 'result 0' } });
    expect(old.state === 'done' && old.result.output.endsWith('end 0')).toBe(true);
    expect(old.state === 'done' && old.result.output.length).toBe(8 * 1024);
    expect(ledger.lookup('req-24')).toMatchObject({ state: 'done', result: { summary: 'result 24' } });
    await ledger.close();

    const reread = new RequestLedger(dir, { residentResults: 10 });
    expect(reread.residentCount).toBe(10);
    expect(reread.lookup('req-3')).toMatchObject({ state: 'done', result: { summary: 'result 3' } });
    await reread.close();
    expect(readFileSync(join(dir, 'executed-requests.jsonl'), 'utf8').trim().split('\n')).toHaveLength(50);
  });
});

describe('RequestLedger retention and compaction', () => {
  const DAY = 24 * 3_600_000;
  const file = (dir: string) => join(dir, 'executed-requests.jsonl');
  const lines = (dir: string) => readFileSync(file(dir), 'utf8').trim().split('\n').filter(Boolean);

  it('rewrites the file once enough lines no longer count, keeping every id and its result', async () => {
    const dir = stateDir();
    const ledger = new RequestLedger(dir, { residentResults: 5, compactAfterDeadLines: 20 });
    for (let i = 0; i < 100; i++) {
      await ledger.start(`req-${i}`, 1_000 + i);
      await ledger.finish(`req-${i}`, 1_000 + i, ok(`result ${i}`));
    }
    // 100 ids → 200 lines without compaction; with it the file stays near one line per id.
    expect(lines(dir).length).toBeLessThan(100 + 2 * 20 + 2);
    for (let i = 0; i < 100; i++) expect(ledger.lookup(`req-${i}`)).toMatchObject({ state: 'done', result: { summary: `result ${i}` } });
    await ledger.start('req-running', 2_000);
    await ledger.close();
    const reread = new RequestLedger(dir, { residentResults: 5 });
    expect(reread.size).toBe(101);
    expect(reread.lookup('req-7')).toMatchObject({ state: 'done', result: { summary: 'result 7' } });
    expect(reread.lookup('req-running')).toEqual({ state: 'unknown' }); // cut short by the "restart": never run again
    expect(statSync(file(dir)).mode & 0o777).toBe(0o600);
    await reread.close();
  });

  it('forgets ids past the retention at start and rewrites the file without them', async () => {
    const dir = stateDir();
    const now = 100 * DAY;
    const ledger = new RequestLedger(dir);
    for (let i = 0; i < 50; i++) {
      const at = i < 40 ? now - 40 * DAY : now - DAY; // 40 old ids, 10 recent
      await ledger.start(`req-${i}`, at);
      await ledger.finish(`req-${i}`, at, ok(`result ${i}`));
    }
    await ledger.close();
    expect(lines(dir)).toHaveLength(100);
    const later = new RequestLedger(dir, { retentionMs: 30 * DAY, now: () => now });
    expect(later.size).toBe(10);
    expect(later.has('req-0')).toBe(false);
    expect(later.lookup('req-45')).toMatchObject({ state: 'done', result: { summary: 'result 45' } });
    expect(lines(dir)).toHaveLength(10);
    await later.close();
  });

  it('a crash mid-compaction leaves the old file whole: a half-written replacement beside it is ignored and replaced', async () => {
    const dir = stateDir();
    const ledger = new RequestLedger(dir);
    await ledger.start('req-1', 1_000);
    await ledger.finish('req-1', 1_000, ok('one'));
    await ledger.close();
    nodeFs.writeFileSync(`${file(dir)}.compact`, '{"id":"req-1","phase":"end","at":1000,"result":{"status":"fa'); // torn
    const after = new RequestLedger(dir, { compactAfterDeadLines: 1 });
    expect(after.lookup('req-1')).toMatchObject({ state: 'done', result: { summary: 'one' } });
    expect(nodeFs.existsSync(`${file(dir)}.compact`)).toBe(false);
    expect(lines(dir)).toEqual([expect.stringContaining('"phase":"end"')]);
    await after.close();
  });

  it('a compaction the disk refuses keeps the old file and the ledger working', async () => {
    const dir = stateDir();
    const first = new RequestLedger(dir);
    for (let i = 0; i < 5; i++) {
      await first.start(`req-${i}`, 1_000 + i);
      await first.finish(`req-${i}`, 1_000 + i, ok(`result ${i}`));
    }
    await first.close();
    const before = readFileSync(file(dir), 'utf8');
    const writeSync = () => {
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    };
    const ledger = new RequestLedger(dir, { compactAfterDeadLines: 1, fs: { ...nodeFs, writeSync } as unknown as LedgerFs });
    expect(readFileSync(file(dir), 'utf8')).toBe(before);
    expect(nodeFs.existsSync(`${file(dir)}.compact`)).toBe(false);
    expect(ledger.lookup('req-3')).toMatchObject({ state: 'done', result: { summary: 'result 3' } });
    await ledger.start('req-new', 2_000);
    expect(ledger.has('req-new')).toBe(true);
    await ledger.close();
  });
});
