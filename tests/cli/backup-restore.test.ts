import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, closeSync, writeSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { runBackup } from '../../src/cli/run-backup.js';
import { runRestore } from '../../src/cli/run-restore.js';
import { packageRoot } from '../../src/config/package-root.js';
import { checkSqliteFile } from '../../src/store/check-sqlite-file.js';
import { LOCK_FILE } from '../../src/store/data-dir-lock.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { anIncident } from '../support/an-incident.js';
import { LockContender } from '../support/lock-contender.js';

/**
 * Another process that keeps opening incidents (insert + timeline entry + timers per transaction,
 * like drbot does) and prints each sequence number once it is committed.
 */
const WRITER = `
import Database from 'better-sqlite3';
const db = new Database(process.argv[1], { timeout: 5000 });
db.pragma('journal_mode = WAL');
const insert = db.prepare(\`insert into incidents (id, day, seq, type, scope, status, note, host, opened_by, opened_at, level, last_activity_at, assignments)
  values (?, '20261124', ?, 1, 'full', 'open', 'load', 'routing-ml', 'Kim DevOps', ?, 0, ?, '{}')\`);
const entry = db.prepare(\`insert into timeline (incident_id, at, actor, kind, text, data) values (?, ?, 'Kim DevOps', 'opened', 'opened', '{}')\`);
const timer = db.prepare(\`insert into timers (incident_id, kind, due_at, payload) values (?, 'quiet', ?, '{}')\`);
const open = db.transaction((seq) => {
  // The id drbot gives the seq-th incident of the day (anIncidentId(seq)), spelled out: this script runs in a process of its own.
  const id = 'INC-20261124-' + String(seq).padStart(3, '0');
  const now = Date.now();
  insert.run(id, seq, now, now);
  entry.run(id, now);
  timer.run(id, now + 1800000);
});
let seq = 0;
const tick = () => { seq++; open(seq); process.stdout.write(seq + '\\n'); if (seq < 100000) setImmediate(tick); };
tick();
`;

function startWriter(file: string): { child: ChildProcess; committed: () => number; stop: () => Promise<void> } {
  const child = spawn(process.execPath, ['--input-type=module', '-e', WRITER, file], { cwd: packageRoot(), stdio: ['ignore', 'pipe', 'pipe'] });
  let last = 0;
  let buffered = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    buffered += d;
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    if (lines.length) last = Number(lines[lines.length - 1]);
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    child,
    committed: () => {
      if (err) throw new Error(`writer failed: ${err}`);
      return last;
    },
    stop: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

async function until(cond: () => boolean, what: string): Promise<void> {
  const limit = Date.now() + 30_000;
  while (!cond()) {
    if (Date.now() > limit) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('drbot backup and restore', () => {
  const dirs: string[] = [];
  const tmp = (name: string) => {
    const d = mkdtempSync(join(tmpdir(), `drbot-${name}-`));
    dirs.push(d);
    return d;
  };
  const envFor = (dataDir: string): NodeJS.ProcessEnv => ({ DATA_DIR: dataDir, DRBOT_LANG: 'en' });
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('backs up while another process keeps opening incidents; the restored database passes the integrity check and holds every incident committed before the backup', async () => {
    const live = tmp('live');
    await (await SqliteStore.open(join(live, 'drbot.sqlite'))).close();
    const writer = startWriter(join(live, 'drbot.sqlite'));
    try {
      await until(() => writer.committed() >= 200, 'the writer to commit 200 incidents');
      const committedBefore = writer.committed();
      const backupFile = join(tmp('backups'), 'drbot-backup.sqlite');
      const backup = await runBackup([backupFile], envFor(live));
      expect(backup).toEqual({ code: 0, text: expect.stringMatching(/^Backed up to .*drbot-backup\.sqlite \(integrity check passed, \d+ incidents\)$/) });
      await until(() => writer.committed() > committedBefore + 50, 'the writer to carry on after the backup');
      expect(existsSync(`${backupFile}-wal`)).toBe(false);

      const restoredDir = tmp('restored');
      const restore = runRestore([backupFile], envFor(restoredDir));
      expect(restore.code).toBe(0);
      expect(restore.text).toMatch(/^Restored .*drbot\.sqlite \(\d+ incidents\)\.$/);
      const check = checkSqliteFile(join(restoredDir, 'drbot.sqlite'));
      expect(check.ok).toBe(true);
      expect(check.incidents).toBeGreaterThanOrEqual(committedBefore);

      const store = await SqliteStore.open(join(restoredDir, 'drbot.sqlite'));
      try {
        const seqs = new Set((await store.incidents.list(undefined, 1_000_000)).map((i) => i.seq));
        const missing = Array.from({ length: committedBefore }, (_, i) => i + 1).filter((s) => !seqs.has(s));
        expect(missing).toEqual([]);
        // Whole transactions only: every incident in the copy has its timeline entry and its timer.
        const ids = (await store.tableRows('incidents')).map((r) => ({ id: r.id }));
        const withEntry = new Set((await store.tableRows('timeline')).map((r) => r.incident_id));
        const withTimer = new Set((await store.tableRows('timers')).map((r) => r.incident_id));
        const withoutEntry = ids.filter((r) => !withEntry.has(r.id));
        const withoutTimer = ids.filter((r) => !withTimer.has(r.id));
        expect(withoutEntry).toEqual([]);
        expect(withoutTimer).toEqual([]);
      } finally {
        await store.close();
      }
    } finally {
      await writer.stop();
    }
  }, 60_000);

  it('refuses a damaged backup and changes nothing', async () => {
    const dataDir = tmp('data');
    const store = await SqliteStore.open(join(dataDir, 'drbot.sqlite'));
    await store.incidents.insert(anIncident().seq(1).build());
    await store.close();
    const src = tmp('src');
    const good = await SqliteStore.open(join(src, 'drbot.sqlite'));
    for (let i = 1; i <= 300; i++) await good.incidents.insert(anIncident().seq(i).with({ note: 'n'.repeat(300) }).build());
    await good.close();
    const backupFile = join(tmp('b'), 'backup.sqlite');
    expect((await runBackup([backupFile], envFor(src))).code).toBe(0);
    const fd = openSync(backupFile, 'r+');
    writeSync(fd, Buffer.alloc(8192, 0x5a), 0, 8192, Math.floor(statSync(backupFile).size / 2 / 4096) * 4096);
    closeSync(fd);

    const before = readdirSync(dataDir).sort();
    const r = runRestore([backupFile], envFor(dataDir));
    expect(r.code).toBe(1);
    expect(r.text).toContain(`Not restored: ${backupFile} failed its integrity check`);
    expect(r.text).toContain('try another (older) backup. Nothing was changed.');
    expect(readdirSync(dataDir).sort()).toEqual(before);
    expect(checkSqliteFile(join(dataDir, 'drbot.sqlite'))).toEqual({ ok: true, detail: 'ok', incidents: 1 });
  });

  it('refuses a file that is not a drbot database', () => {
    const dataDir = tmp('data');
    const notDb = join(tmp('x'), 'notes.txt');
    writeFileSync(notDb, 'hello');
    const r = runRestore([notDb], envFor(dataDir));
    expect(r.code).toBe(1);
    expect(r.text).toMatch(/failed its integrity check/);
    expect(existsSync(join(dataDir, 'drbot.sqlite'))).toBe(false);
  });

  it('refuses while a live process holds the DATA_DIR, and keeps the current database aside when it restores', async () => {
    const dataDir = tmp('data');
    const current = await SqliteStore.open(join(dataDir, 'drbot.sqlite'));
    await current.incidents.insert(anIncident().seq(1).build());
    await current.incidents.insert(anIncident().seq(2).build());
    await current.close();
    const src = tmp('src');
    const other = await SqliteStore.open(join(src, 'drbot.sqlite'));
    await other.incidents.insert(anIncident().seq(9).build());
    await other.close();
    const backupFile = join(tmp('b'), 'backup.sqlite');
    expect((await runBackup([backupFile], envFor(src))).code).toBe(0);

    // a real drbot-like process holds the DATA_DIR lock
    const holder = new LockContender(dataDir);
    try {
      await holder.until(/ready/);
      holder.child.stdin.write('go\n');
      await holder.until(/got/);
      const { since } = JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')) as { since: string };
      const refused = runRestore([backupFile], envFor(dataDir));
      expect(refused.code).toBe(1);
      expect(refused.text).toContain(`drbot (pid ${holder.child.pid}, since ${since}) is using ${dataDir}`);
      expect(refused.text).toContain('stop drbot first');
      expect(checkSqliteFile(join(dataDir, 'drbot.sqlite')).incidents).toBe(2);
    } finally {
      await holder.kill();
    }

    // The holder is gone: its pid file is stale and no longer blocks.
    const now = new Date(Date.UTC(2026, 10, 24, 3, 0));
    const done = runRestore([backupFile], envFor(dataDir), now);
    expect(done.code).toBe(0);
    expect(done.text).toContain('(1 incidents)');
    const aside = join(dataDir, 'drbot.sqlite.before-restore-2026-11-24T03-00-00-000Z');
    expect(done.text).toContain(`The previous database is kept at ${aside}`);
    expect(checkSqliteFile(aside).incidents).toBe(2);
    expect(checkSqliteFile(join(dataDir, 'drbot.sqlite')).incidents).toBe(1);
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
    // the restored database and the one kept aside are private to drbot's user, as is the backup
    expect(statSync(join(dataDir, 'drbot.sqlite')).mode & 0o777).toBe(0o600);
    expect(statSync(aside).mode & 0o777).toBe(0o600);
    expect(statSync(backupFile).mode & 0o777).toBe(0o600);
  });

  it('gives pg_dump and pg_restore commands on PostgreSQL without printing the connection string', async () => {
    const env = { DATA_DIR: tmp('data'), DRBOT_LANG: 'en', DATABASE_URL: 'postgres://drbot:hunter2-secret@db.internal:5432/drbot' };
    const b = await runBackup(['/backups/drbot.dump'], env);
    expect(b.code).toBe(1);
    expect(b.text).toContain('pg_dump --format=custom --file=/backups/drbot.dump "$DATABASE_URL"');
    const r = runRestore(['/backups/drbot.dump'], env);
    expect(r.text).toContain('pg_restore --clean --if-exists --dbname="$DATABASE_URL" /backups/drbot.dump');
    expect(b.text + r.text).not.toContain('hunter2-secret');
    expect((await runBackup(['/backups/drbot.dump'], { ...env, DATABASE_SCHEMA: 'drbot_ops' })).text).toContain('pg_dump --format=custom --schema=drbot_ops --file=/backups/drbot.dump "$DATABASE_URL"');
  });

  it('explains its usage and a missing database', async () => {
    const dataDir = tmp('data');
    expect(await runBackup([], envFor(dataDir))).toEqual({ code: 2, text: 'usage: drbot backup <file>' });
    expect(runRestore(['a', 'b'], envFor(dataDir))).toEqual({ code: 2, text: 'usage: drbot restore <backup-file>' });
    const missing = await runBackup([join(dataDir, 'x.sqlite')], envFor(dataDir));
    expect(missing.code).toBe(1);
    expect(missing.text).toContain(`there is no database at ${join(dataDir, 'drbot.sqlite')}`);
  });
});
