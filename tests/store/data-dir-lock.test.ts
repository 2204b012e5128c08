import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import BetterSqlite3 from 'better-sqlite3';
import { StoreUnavailableError } from '../../src/errors/drbot-error.js';
import { DataDirLock, LOCK_DB, LOCK_FILE } from '../../src/store/data-dir-lock.js';
import { LockContender } from '../support/lock-contender.js';

describe('DataDirLock', () => {
  const dirs: string[] = [];
  const contenders: LockContender[] = [];
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), 'drbot-lock-'));
    dirs.push(d);
    return join(d, 'data');
  };
  afterEach(async () => {
    for (const c of contenders.splice(0)) await c.kill();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  /** A data directory a crash left its pid file in, naming a process that is gone. */
  async function afterACrash(): Promise<{ dir: string; gonePid: number | undefined }> {
    const dir = tmp();
    const gone = spawn('true');
    await new Promise((r) => gone.on('exit', r));
    DataDirLock.acquire(dir, 'drbot').release();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: gone.pid, purpose: 'drbot', since: 'x' }));
    return { dir, gonePid: gone.pid };
  }

  /** Exactly one contender got the directory, the pid file names it, and every other one was told who holds it (it, or the gone process it found). */
  function expectOneWinner(all: LockContender[], dir: string, gonePid: number | undefined): void {
    const winners = all.filter((c) => c.out.includes('got'));
    expect(winners).toHaveLength(1);
    const pid = winners[0]!.child.pid;
    for (const loser of all.filter((c) => c !== winners[0])) expect(loser.out).toMatch(new RegExp(`busy: drbot \\(pid (${pid}|${gonePid}), since [^)]+\\) is using ${dir}`));
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(pid);
  }

  /**
   * Starts `n` contenders, waits until each is loaded, then says "go" to all of them at once;
   * `meanwhile` runs once all of them are trying.
   */
  async function race(dataDir: string, n: number, meanwhile?: () => Promise<void>): Promise<LockContender[]> {
    const these = Array.from({ length: n }, () => new LockContender(dataDir));
    contenders.push(...these);
    await Promise.all(these.map((c) => c.until(/ready/)));
    for (const c of these) c.child.stdin.write('go\n');
    if (meanwhile) {
      await Promise.all(these.map((c) => c.until(/trying/)));
      await meanwhile();
    }
    await Promise.all(these.map((c) => c.until(/got|busy/)));
    return these;
  }

  it('writes who holds the directory (0600, in a 0700 directory) and removes it on release', () => {
    const dir = tmp();
    const lock = DataDirLock.acquire(dir, 'drbot', new Date('2026-11-24T01:00:00Z'));
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toEqual({ pid: process.pid, purpose: 'drbot', since: '2026-11-24T01:00:00.000Z' });
    expect(statSync(join(dir, LOCK_FILE)).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    lock.release();
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    DataDirLock.acquire(dir, 'drbot').release();
  });

  it('gives the directory to exactly one of several processes started at the same moment after a crash, and names it to the others', async () => {
    // five rounds of eight: the pid-file lock this replaces let two of them in about one round in three
    for (let round = 0; round < 5; round++) {
      const { dir, gonePid } = await afterACrash();

      const all = await race(dir, 8);
      expectOneWinner(all, dir, gonePid);
      for (const c of contenders.splice(0)) await c.kill();
    }
  }, 120_000);

  it('gives the directory to exactly one of several processes that all read the lock file before any could write it', async () => {
    // On a loaded machine, processes started together can all read drbot.lock (SQLite's SHARED lock)
    // before any of them takes the write lock on its way to EXCLUSIVE. A process holding the write
    // lock (RESERVED) for a moment, as a contender does just before EXCLUSIVE, makes that interleaving
    // certain rather than lucky: every contender reads the file and is refused the write until it lets
    // go. With the lock taken in SQLite's exclusive locking mode from the start, each refused contender
    // kept its SHARED lock while it waited, so none got EXCLUSIVE and all eight said 'busy' (after a
    // crash: a stale pid file is there, as in the test above)
    for (let round = 0; round < 3; round++) {
      const { dir, gonePid } = await afterACrash();
      const writer = new BetterSqlite3(join(dir, LOCK_DB));
      writer.exec('BEGIN IMMEDIATE');
      const all = await race(dir, 8, async () => {
        // long enough for each contender, already trying, to reach the file; well inside their 1 s wait
        await new Promise((r) => setTimeout(r, 150));
        writer.exec('COMMIT');
        writer.close();
      });
      expectOneWinner(all, dir, gonePid);
      for (const c of contenders.splice(0)) await c.kill();
    }
  }, 60_000);

  it('is free again once its holder is killed with kill -9', async () => {
    const dir = tmp();
    const [holder] = await race(dir, 1);
    expect(holder!.out).toContain('got');
    expect(() => DataDirLock.acquire(dir, 'restore')).toThrow(StoreUnavailableError);
    await holder!.kill();
    const lock = DataDirLock.acquire(dir, 'restore');
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, purpose: 'restore' });
    lock.release();
  });

  it('is not blocked by a stale pid file whose pid now belongs to another live process', async () => {
    const dir = tmp();
    const reused = spawn('sleep', ['30']);
    try {
      DataDirLock.acquire(dir, 'drbot').release();
      writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: reused.pid, purpose: 'drbot', since: '2026-11-24T01:00:00.000Z' }));
      const lock = DataDirLock.acquire(dir, 'drbot');
      expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
      lock.release();
    } finally {
      reused.kill('SIGKILL');
      await new Promise((r) => reused.on('exit', r));
    }
  });

  it('refuses while a live process holds it, naming it and how to stop it', async () => {
    const dir = tmp();
    const [holder] = await race(dir, 1);
    let err: unknown;
    try {
      DataDirLock.acquire(dir, 'restore');
    } catch (e) {
      err = e;
    }
    const { since } = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as { since: string };
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect((err as StoreUnavailableError).message).toBe(`drbot (pid ${holder!.child.pid}, since ${since}) is using ${dir}`);
    expect((err as StoreUnavailableError).hint).toBe(`stop it first (kill -TERM ${holder!.child.pid}), or use another DATA_DIR; a SQLite DATA_DIR serves one drbot, several replicas share PostgreSQL (DATABASE_URL)`);
  });

  it('refuses a DATA_DIR other users can write', () => {
    const dir = tmp();
    DataDirLock.acquire(dir, 'drbot').release();
    chmodSync(dir, 0o777);
    expect(() => DataDirLock.acquire(dir, 'drbot')).toThrow(/can be written by other users \(mode 777\)/);
  });
});
