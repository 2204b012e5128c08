import { chmodSync, constants, copyFileSync, existsSync, fsyncSync, openSync, closeSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { checkSqliteFile } from './check-sqlite-file.js';
import { DataDirLock } from './data-dir-lock.js';

/** The SQLite file's name inside DATA_DIR. */
export const SQLITE_FILE = 'drbot.sqlite';

/** How a restore went: refused (nothing changed) or done, with where the previous file was put. */
export type RestoreOutcome =
  | { ok: false; reason: 'backup-damaged' | 'in-use'; detail: string }
  | { ok: true; incidents: number; previous?: string; file: string };

/**
 * Replaces DATA_DIR's database with a backup: checks the backup first, refuses while drbot runs on
 * this DATA_DIR, keeps the current file (and its -wal/-shm) aside, then copies the backup in.
 */
export function restoreSqlite(backup: string, dataDir: string, now = new Date()): RestoreOutcome {
  const check = checkSqliteFile(backup);
  if (!check.ok) return { ok: false, reason: 'backup-damaged', detail: check.detail };
  let lock: DataDirLock;
  try {
    lock = DataDirLock.acquire(dataDir, 'restore', now);
  } catch (err) {
    return { ok: false, reason: 'in-use', detail: (err as Error).message };
  }
  try {
    const file = join(dataDir, SQLITE_FILE);
    let previous: string | undefined;
    if (existsSync(file)) {
      previous = `${file}.before-restore-${now.toISOString().replace(/[:.]/g, '-')}`;
      for (const suffix of ['-wal', '-shm', '']) {
        if (!existsSync(file + suffix)) continue;
        renameSync(file + suffix, previous + suffix);
        chmodSync(previous + suffix, 0o600);
      }
    }
    const partial = `${file}.restoring`;
    rmSync(partial, { force: true });
    copyFileSync(backup, partial, constants.COPYFILE_EXCL);
    // the copy takes the backup's mode; the live database is 0600 whatever the backup was
    chmodSync(partial, 0o600);
    const fd = openSync(partial, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(partial, file);
    const restored = checkSqliteFile(file);
    if (!restored.ok) {
      // The copy went wrong (disk full?): put the previous database back.
      rmSync(file, { force: true });
      if (previous) for (const suffix of ['', '-wal', '-shm']) if (existsSync(previous + suffix)) renameSync(previous + suffix, file + suffix);
      return { ok: false, reason: 'backup-damaged', detail: `the restored copy failed its check (${restored.detail}); the previous database is back in place` };
    }
    return { ok: true, incidents: restored.incidents ?? 0, previous, file };
  } finally {
    lock.release();
  }
}
