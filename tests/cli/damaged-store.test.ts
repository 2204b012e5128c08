import { closeSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { aDrbotHome, DrbotProcess } from './drbot-process.js';

describe('a damaged database at start, and the backup that repairs it (real processes)', () => {
  const { home, dataDir, configPath } = aDrbotHome();
  const env = { DATA_DIR: dataDir, DRBOT_CONFIG: configPath, PORT: '0', DRBOT_LANG: 'en' };
  const backupFile = join(home, 'nightly.sqlite');
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  const run = async (args: string[]) => {
    const p = new DrbotProcess(args, env);
    p.child.stdin.end();
    const exit = await p.exited;
    return { code: exit.code, stdout: p.stdout, stderr: p.stderr };
  };

  it('refuses a second drbot on the same DATA_DIR, backs up a running drbot, refuses to restore under it, refuses to start on a damaged file with the restore command, and starts again once restored', async () => {
    const live = new DrbotProcess([], env);
    await live.waitFor(/drbot ready/);
    for (const type of ['type1', 'type2', 'type4']) {
      const mark = live.stdout.length;
      live.send(`/incident open ${type} partial drill`);
      await live.waitFor(/Opened INC-\d{8}-\d{3}/, mark);
    }
    const second = await run([]);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`drbot (pid ${live.child.pid}`);
    expect(second.stderr).toContain(`is using ${dataDir}`);
    expect(second.stderr).toContain('a SQLite DATA_DIR serves one drbot, several replicas share PostgreSQL (DATABASE_URL)');
    const backup = await run(['backup', backupFile]);
    expect(backup).toMatchObject({ code: 0, stdout: expect.stringContaining('(integrity check passed, 3 incidents)') });
    const underLive = await run(['restore', backupFile]);
    expect(underLive.code).toBe(1);
    expect(underLive.stderr).toContain(`drbot (pid ${live.child.pid}`);
    expect(underLive.stderr).toContain('stop drbot first (SIGTERM). Nothing was changed.');
    expect((await live.signal('SIGTERM')).code).toBe(0);

    // Damage the middle of the file; the header stays intact so only the integrity check can tell.
    const file = join(dataDir, 'drbot.sqlite');
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0xee), 0, 4096, Math.floor(statSync(file).size / 2 / 4096) * 4096);
    closeSync(fd);
    const refused = await run([]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`the database file ${file} is damaged`);
    expect(refused.stderr).toContain(`→ stop drbot and restore it from a backup: drbot restore <backup-file> (DATA_DIR=${dataDir})`);

    const restored = await run(['restore', backupFile]);
    expect(restored.code).toBe(0);
    expect(restored.stdout).toContain('(3 incidents)');
    const again = new DrbotProcess([], env);
    await again.waitFor(/drbot ready/);
    const mark = again.stdout.length;
    again.send('/incident list');
    await again.waitFor(/Open incidents \(3\)/, mark);
    expect((await again.signal('SIGTERM')).code).toBe(0);
  }, 90_000);
});
