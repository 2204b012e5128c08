import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StoreUnavailableError } from '../errors/drbot-error.js';

/** Who holds a DATA_DIR: the process id and what it is doing (`drbot`, `restore`). */
export interface LockHolder {
  pid: number;
  purpose: string;
  since: string;
}

/** The lock file's name inside DATA_DIR. */
export const LOCK_FILE = 'drbot.pid';

/**
 * A pid file in DATA_DIR saying which process uses the SQLite file, so a second drbot and
 * `drbot restore` can tell that it is in use. A file left by a killed process (its pid no longer
 * alive) is taken over, so kill -9 never blocks the next start.
 */
export class DataDirLock {
  private released = false;

  private constructor(
    readonly file: string,
    readonly holder: LockHolder,
  ) {}

  /** Takes the lock for this process, or throws naming the live process that holds it. */
  static acquire(dataDir: string, purpose: string, now = new Date()): DataDirLock {
    mkdirSync(dataDir, { recursive: true });
    const file = join(dataDir, LOCK_FILE);
    const holder: LockHolder = { pid: process.pid, purpose, since: now.toISOString() };
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        writeFileSync(file, JSON.stringify(holder) + '\n', { flag: 'wx' });
        return new DataDirLock(file, holder);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new StoreUnavailableError(`cannot write ${file}: ${(err as Error).message}`, err);
      }
      const current = DataDirLock.holder(dataDir);
      if (current) {
        throw new StoreUnavailableError(
          `${current.purpose === 'drbot' ? 'drbot' : `drbot ${current.purpose}`} (pid ${current.pid}, since ${current.since}) is using ${dataDir}`,
          undefined,
          current.purpose === 'drbot' ? `stop it first (kill -TERM ${current.pid}), or use another DATA_DIR` : `wait for it to finish, or remove ${file} if pid ${current.pid} is not drbot`,
        );
      }
      rmSync(file, { force: true });
    }
    throw new StoreUnavailableError(`could not take ${file}: another process keeps creating it`, undefined, 'make sure only one drbot uses this DATA_DIR');
  }

  /** The live process holding the lock, if any (a stale file from a dead process counts as free). */
  static holder(dataDir: string): LockHolder | undefined {
    let parsed: Partial<LockHolder>;
    try {
      parsed = JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')) as Partial<LockHolder>;
    } catch {
      return undefined;
    }
    const pid = Number(parsed.pid);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || !isAlive(pid)) return undefined;
    return { pid, purpose: String(parsed.purpose ?? 'drbot'), since: String(parsed.since ?? 'unknown') };
  }

  /** Removes the lock file if this process still owns it. */
  release(): void {
    if (this.released) return;
    this.released = true;
    try {
      const onDisk = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<LockHolder>;
      if (onDisk.pid === this.holder.pid && onDisk.since === this.holder.since) rmSync(this.file, { force: true });
    } catch {
      // Already gone: nothing to release.
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
