import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { StoreUnavailableError } from '../../src/errors/drbot-error.js';
import { DataDirLock, LOCK_FILE } from '../../src/store/data-dir-lock.js';

describe('DataDirLock', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), 'drbot-lock-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('writes who holds the directory and removes it on release', () => {
    const dir = tmp();
    const lock = DataDirLock.acquire(dir, 'drbot', new Date('2026-11-24T01:00:00Z'));
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toEqual({ pid: process.pid, purpose: 'drbot', since: '2026-11-24T01:00:00.000Z' });
    expect(DataDirLock.holder(dir)).toBeUndefined();
    lock.release();
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('refuses while another live process holds it, naming it and how to stop it', async () => {
    const dir = tmp();
    const other = spawn('sleep', ['30']);
    try {
      writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: other.pid, purpose: 'drbot', since: '2026-11-24T01:00:00.000Z' }));
      expect(DataDirLock.holder(dir)).toEqual({ pid: other.pid, purpose: 'drbot', since: '2026-11-24T01:00:00.000Z' });
      let err: unknown;
      try {
        DataDirLock.acquire(dir, 'restore');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(StoreUnavailableError);
      expect((err as StoreUnavailableError).message).toBe(`drbot (pid ${other.pid}, since 2026-11-24T01:00:00.000Z) is using ${dir}`);
      expect((err as StoreUnavailableError).hint).toBe(`stop it first (kill -TERM ${other.pid}), or use another DATA_DIR`);
    } finally {
      other.kill('SIGKILL');
      await new Promise((r) => other.on('exit', r));
    }
  });

  it('takes over a pid file left by a process that no longer runs, or an unreadable one', async () => {
    const dir = tmp();
    const gone = spawn('true');
    await new Promise((r) => gone.on('exit', r));
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: gone.pid, purpose: 'drbot', since: 'x' }));
    DataDirLock.acquire(dir, 'drbot').release();
    writeFileSync(join(dir, LOCK_FILE), 'garbage');
    const lock = DataDirLock.acquire(dir, 'drbot');
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('leaves a lock file alone on release when someone else has taken it since', () => {
    const dir = tmp();
    const lock = DataDirLock.acquire(dir, 'drbot');
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 1, purpose: 'drbot', since: 'later' }));
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
  });
});
