import { closeSync, constants, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { StoreUnavailableError } from '../errors/drbot-error.js';
import { PrivateDirectoryError, privateDirectory } from '../fs/private-directory.js';

/** Who holds a DATA_DIR: the process id and what it is doing (`drbot`, `restore`). */
export interface LockHolder {
  pid: number;
  purpose: string;
  since: string;
}

/** The pid file inside DATA_DIR: who holds the lock, for people and error messages (the lock itself is LOCK_DB). */
export const LOCK_FILE = 'drbot.pid';

/** The file whose OS-level lock is the DATA_DIR lock (a small SQLite database; never deleted). */
export const LOCK_DB = 'drbot.lock';

/** Creates `file` 0600 if it is not there, following no link. */
function createPrivateFile(file: string): void {
  closeSync(openSync(file, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW, 0o600));
}

/**
 * The DATA_DIR lock: an exclusive OS lock (SQLite's, taken with `BEGIN EXCLUSIVE` and kept with
 * `locking_mode = EXCLUSIVE` for as long as the process keeps the connection) on `DATA_DIR/drbot.lock`. Two processes
 * starting at the same moment cannot both get it, and the OS drops it when its holder exits in any way,
 * kill -9 included, so a stale file never blocks a start, whatever pid it names. `drbot.pid` beside it
 * says who holds it, for the refusal message and for people.
 */
export class DataDirLock {
  private released = false;

  private constructor(
    readonly file: string,
    readonly holder: LockHolder,
    private readonly db: BetterSqlite3.Database,
  ) {}

  /** Takes the lock for this process, or throws naming the process that holds it. */
  static acquire(dataDir: string, purpose: string, now = new Date()): DataDirLock {
    try {
      privateDirectory(dataDir);
    } catch (err) {
      if (err instanceof PrivateDirectoryError) throw new StoreUnavailableError(`DATA_DIR ${err.message}`, err, 'drbot keeps its database in a directory only its own user can write');
      throw new StoreUnavailableError(`cannot create DATA_DIR ${dataDir}: ${(err as Error).message}`, err);
    }
    const lockPath = join(dataDir, LOCK_DB);
    let db: BetterSqlite3.Database | undefined;
    try {
      createPrivateFile(lockPath);
      // A busy timeout, not 0: processes starting together meet each other's locks on the way to
      // EXCLUSIVE; waiting lets one of them finish (a lock that is really held still refuses, after 1 s).
      db = new BetterSqlite3(lockPath, { timeout: 1000 });
      db.pragma('journal_mode = MEMORY');
      // The exclusive lock is taken in the normal locking mode and only then kept with
      // locking_mode = EXCLUSIVE. In that mode from the start, a contender that read the file (SHARED)
      // and was refused the write lock kept its SHARED lock for its whole wait, so the one that got the
      // write lock could not get EXCLUSIVE either: when all of them had read the file before any wrote
      // (processes starting together on a loaded machine), each waited for the others until its
      // timeout and none started. In the normal mode a refused contender drops its SHARED lock before
      // it waits, so the one holding the write lock gets EXCLUSIVE as soon as the others step back.
      db.exec('BEGIN EXCLUSIVE');
      // from here on the lock is kept until the connection closes, through the COMMIT below
      db.pragma('locking_mode = EXCLUSIVE');
      db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL, purpose TEXT NOT NULL, since TEXT NOT NULL)');
      db.exec('DELETE FROM holder');
      db.prepare('INSERT INTO holder (pid, purpose, since) VALUES (?, ?, ?)').run(process.pid, purpose, now.toISOString());
      db.exec('COMMIT');
    } catch (err) {
      db?.close();
      if ((err as { code?: string }).code === 'SQLITE_BUSY') throw DataDirLock.inUse(dataDir);
      throw new StoreUnavailableError(`cannot take the lock ${lockPath}: ${(err as Error).message}`, err);
    }
    const holder: LockHolder = { pid: process.pid, purpose, since: now.toISOString() };
    const file = join(dataDir, LOCK_FILE);
    // we hold the lock: whatever pid file is there is stale, left by a process that is gone. It is
    // replaced by a rename, never removed first, so a process refused at this moment always finds a
    // pid file to name (the stale one or ours), never none
    const fresh = `${file}.${process.pid}.${Date.now()}`;
    writeFileSync(fresh, JSON.stringify(holder) + '\n', { flag: 'wx', mode: 0o600 });
    renameSync(fresh, file);
    return new DataDirLock(file, holder, db);
  }

  /** What the pid file says about the holder (it may be stale: only the lock itself is authoritative). */
  static pidFile(dataDir: string): LockHolder | undefined {
    try {
      const parsed = JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')) as Partial<LockHolder>;
      const pid = Number(parsed.pid);
      if (!Number.isInteger(pid) || pid <= 0) return undefined;
      return { pid, purpose: String(parsed.purpose ?? 'drbot'), since: String(parsed.since ?? 'unknown') };
    } catch {
      return undefined;
    }
  }

  /** Removes the pid file if it is still this process's, then lets go of the lock. */
  release(): void {
    if (this.released) return;
    this.released = true;
    const onDisk = DataDirLock.pidFile(join(this.file, '..'));
    if (onDisk?.pid === this.holder.pid && onDisk.since === this.holder.since) rmSync(this.file, { force: true });
    this.db.close();
  }

  private static inUse(dataDir: string): StoreUnavailableError {
    const current = DataDirLock.pidFile(dataDir);
    if (!current) return new StoreUnavailableError(`another drbot process is using ${dataDir} (its ${LOCK_FILE} is missing)`, undefined, 'stop the other drbot first, or use another DATA_DIR');
    return new StoreUnavailableError(
      `${current.purpose === 'drbot' ? 'drbot' : `drbot ${current.purpose}`} (pid ${current.pid}, since ${current.since}) is using ${dataDir}`,
      undefined,
      current.purpose === 'drbot' ? `stop it first (kill -TERM ${current.pid}), or use another DATA_DIR; a SQLite DATA_DIR serves one drbot, several replicas share PostgreSQL (DATABASE_URL)` : `wait for it to finish`,
    );
  }
}
