import { closeSync, constants, existsSync, openSync, renameSync, rmSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { StoreUnavailableError } from '../errors/drbot-error.js';
import { checkSqliteFile, type SqliteFileCheck } from './check-sqlite-file.js';

/** Copies a live SQLite database with SQLite's online backup: one consistent snapshot, taken while drbot keeps writing, into a 0600 file. */
export async function backupSqlite(source: string, dest: string): Promise<SqliteFileCheck & { ok: true }> {
  if (!existsSync(source)) throw new StoreUnavailableError(`there is no database at ${source}`, undefined, 'check DATA_DIR (drbot creates drbot.sqlite on its first start)');
  const partial = `${dest}.partial`;
  rmSync(partial, { force: true });
  // 0600 and ours from the start: SQLite would create it 0644, readable by every user of the machine
  try {
    closeSync(openSync(partial, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600));
  } catch (err) {
    throw new StoreUnavailableError(`cannot create ${partial}: ${(err as Error).message}`, err, 'check that the destination directory exists and is writable');
  }
  const db = new BetterSqlite3(source, { fileMustExist: true, timeout: 5000 });
  try {
    // Copy every page in one step: one read transaction, so the copy is a snapshot of one moment.
    await db.backup(partial, { progress: () => 0x7fffffff });
  } catch (err) {
    rmSync(partial, { force: true });
    throw new StoreUnavailableError(`backup of ${source} failed: ${(err as Error).message}`, err, 'check free space and that the destination directory is writable');
  } finally {
    db.close();
  }
  // A backup is one self-contained file: no -wal beside it.
  const copy = new BetterSqlite3(partial, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
  const check = checkSqliteFile(partial);
  if (!check.ok) {
    rmSync(partial, { force: true });
    throw new StoreUnavailableError(`the backup failed its integrity check: ${check.detail}`, undefined, 'the source may be damaged: run drbot once to check it, and keep older backups');
  }
  renameSync(partial, dest);
  return { ...check, ok: true };
}
