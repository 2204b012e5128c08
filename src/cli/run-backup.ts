import { join } from 'node:path';
import { loadConfig } from '../config/load-config.js';
import { DrbotError } from '../errors/drbot-error.js';
import { backupSqlite } from '../store/backup-sqlite.js';
import { SQLITE_FILE } from '../store/restore-sqlite.js';
import { translator } from '../i18n/lang.js';

/** What a CLI subcommand prints and its exit code. */
export interface CliResult {
  code: number;
  text: string;
}

/** `drbot backup FILE`: an online copy of the SQLite store, or pg_dump guidance on PostgreSQL. */
export async function runBackup(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  const config = loadConfig(env);
  const t = translator(config.lang);
  if (args.length !== 1 || !args[0]) return { code: 2, text: t('사용법: drbot backup <파일>', 'usage: drbot backup <file>') };
  const dest = args[0];
  if (config.databaseUrl) {
    const schema = config.databaseSchema ? ` --schema=${config.databaseSchema}` : '';
    return {
      code: 1,
      text: t(
        `DATABASE_URL이 설정되어 있어 PostgreSQL을 씁니다. drbot backup은 SQLite용이므로 PostgreSQL 도구로 백업하세요:\n  pg_dump --format=custom${schema} --file=${dest} "$DATABASE_URL"\n복원:\n  pg_restore --clean --if-exists --dbname="$DATABASE_URL" ${dest}`,
        `DATABASE_URL is set, so drbot uses PostgreSQL. drbot backup covers the SQLite store; back PostgreSQL up with its own tools:\n  pg_dump --format=custom${schema} --file=${dest} "$DATABASE_URL"\nRestore with:\n  pg_restore --clean --if-exists --dbname="$DATABASE_URL" ${dest}`,
      ),
    };
  }
  const source = join(config.dataDir, SQLITE_FILE);
  try {
    const result = await backupSqlite(source, dest);
    return {
      code: 0,
      text: t(`백업 완료: ${dest} (무결성 검사 통과, 인시던트 ${result.incidents}건)`, `Backed up to ${dest} (integrity check passed, ${result.incidents} incidents)`),
    };
  } catch (err) {
    if (!(err instanceof DrbotError)) throw err;
    return { code: 1, text: `${err.message}${err.hint ? `\n  → ${err.hint}` : ''}` };
  }
}
