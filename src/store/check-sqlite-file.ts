import { existsSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { nativeModuleError } from './native-module-error.js';

/** What a full check of a SQLite file found: whether it is sound and holds drbot's tables, and how many incidents. */
export interface SqliteFileCheck {
  ok: boolean;
  /** `ok`, or what is wrong, in SQLite's words. */
  detail: string;
  incidents?: number;
}

/** Runs SQLite's full `integrity_check` on a file and checks it is a drbot database; never modifies it. */
export function checkSqliteFile(file: string): SqliteFileCheck {
  if (!existsSync(file)) return { ok: false, detail: `${file} does not exist` };
  let db: BetterSqlite3.Database | undefined;
  try {
    db = new BetterSqlite3(file, { fileMustExist: true, readonly: true });
    const rows = db.pragma('integrity_check') as { integrity_check: string }[];
    const problems = rows.map((r) => r.integrity_check).filter((r) => r !== 'ok');
    if (problems.length) return { ok: false, detail: problems.slice(0, 5).join('; ') };
    const table = db.prepare("select name from sqlite_master where type = 'table' and name = 'incidents'").get();
    if (!table) return { ok: false, detail: 'not a drbot database (it has no incidents table)' };
    const { n } = db.prepare('select count(*) as n from incidents').get() as { n: number };
    return { ok: true, detail: 'ok', incidents: n };
  } catch (err) {
    // better-sqlite3 built for another Node says nothing about the file: fail loudly instead
    const native = nativeModuleError(err);
    if (native) throw native;
    return { ok: false, detail: (err as Error).message };
  } finally {
    db?.close();
  }
}
