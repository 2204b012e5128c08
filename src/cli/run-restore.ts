import { loadConfig } from '../config/load-config.js';
import { restoreSqlite } from '../store/restore-sqlite.js';
import type { CliResult } from './run-backup.js';
import { translator } from '../i18n/lang.js';

/** `drbot restore FILE`: checks the backup, refuses while drbot runs on DATA_DIR, keeps the current file aside and copies the backup in. */
export function runRestore(args: string[], env: NodeJS.ProcessEnv, now = new Date()): CliResult {
  const config = loadConfig(env);
  const t = translator(config.lang);
  if (args.length !== 1 || !args[0]) return { code: 2, text: t('사용법: drbot restore <백업 파일>', 'usage: drbot restore <backup-file>') };
  const backup = args[0];
  if (config.databaseUrl) {
    return {
      code: 1,
      text: t(
        `DATABASE_URL이 설정되어 있어 PostgreSQL을 씁니다. drbot을 멈춘 뒤 pg_restore로 복원하세요:\n  pg_restore --clean --if-exists --dbname="$DATABASE_URL" ${backup}`,
        `DATABASE_URL is set, so drbot uses PostgreSQL. Stop drbot, then restore with:\n  pg_restore --clean --if-exists --dbname="$DATABASE_URL" ${backup}`,
      ),
    };
  }
  const r = restoreSqlite(backup, config.dataDir, now);
  if (!r.ok) {
    return r.reason === 'in-use'
      ? { code: 1, text: t(`복원하지 않았습니다: ${r.detail}\n  → drbot을 먼저 멈추세요 (SIGTERM). 아무것도 바뀌지 않았습니다.`, `Not restored: ${r.detail}\n  → stop drbot first (SIGTERM). Nothing was changed.`) }
      : {
          code: 1,
          text: t(
            `복원하지 않았습니다: ${backup}이(가) 무결성 검사를 통과하지 못했습니다 (${r.detail}).\n  → 다른(이전) 백업 파일로 다시 시도하세요. 아무것도 바뀌지 않았습니다.`,
            `Not restored: ${backup} failed its integrity check (${r.detail}).\n  → try another (older) backup. Nothing was changed.`,
          ),
        };
  }
  const aside = r.previous ? t(`\n이전 데이터베이스 보관: ${r.previous}`, `\nThe previous database is kept at ${r.previous}`) : '';
  return { code: 0, text: t(`복원 완료: ${r.file} (인시던트 ${r.incidents}건).${aside}`, `Restored ${r.file} (${r.incidents} incidents).${aside}`) };
}
