import { chmodSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync, closeSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { ErrorCode, StoreCorruptError } from '../../src/errors/drbot-error.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { anIncident } from '../support/an-incident.js';

describe('SqliteStore integrity check at start', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), 'drbot-sqlite-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  async function populated(dir: string): Promise<string> {
    const file = join(dir, 'drbot.sqlite');
    const store = await SqliteStore.open(file);
    for (let i = 1; i <= 200; i++) await store.incidents.insert(anIncident().seq(i).with({ note: 'x'.repeat(400) }).build());
    await store.close();
    return file;
  }

  async function refusal(file: string): Promise<StoreCorruptError> {
    try {
      const store = await SqliteStore.open(file);
      await store.close();
    } catch (err) {
      return err as StoreCorruptError;
    }
    throw new Error(`${file} opened although it is damaged`);
  }

  it('keeps the database, its -wal and -shm 0600 in a 0700 directory, and tightens a file made 0644 before', async () => {
    const dir = join(tmp(), 'data');
    const file = join(dir, 'drbot.sqlite');
    const store = await SqliteStore.open(file);
    await store.incidents.insert(anIncident().seq(1).build());
    for (const f of [file, `${file}-wal`, `${file}-shm`]) expect([f, statSync(f).mode & 0o777]).toEqual([f, 0o600]);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    await store.close();
    chmodSync(file, 0o644);
    const again = await SqliteStore.open(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await again.close();
  });

  it('refuses a DATA_DIR other users can write', async () => {
    const dir = tmp();
    chmodSync(dir, 0o777);
    await expect(SqliteStore.open(join(dir, 'drbot.sqlite'))).rejects.toThrow(/can be written by other users \(mode 777\)/);
  });

  it('reopens a healthy file with its data', async () => {
    const file = await populated(tmp());
    const store = await SqliteStore.open(file);
    expect(await store.incidents.count()).toBe(200);
    await store.close();
  });

  it('refuses a file whose pages are damaged and says how to restore', async () => {
    const dir = tmp();
    const file = await populated(dir);
    const size = statSync(file).size;
    const fd = openSync(file, 'r+');
    // Scribble over the middle of the file (table b-tree pages), leaving the header intact.
    writeSync(fd, Buffer.alloc(8192, 0xa5), 0, 8192, Math.floor(size / 2 / 4096) * 4096);
    closeSync(fd);
    const err = await refusal(file);
    expect(err).toBeInstanceOf(StoreCorruptError);
    expect(err.code).toBe(ErrorCode.StoreCorrupt);
    expect(err.message).toContain(file);
    expect(err.hint).toContain('drbot restore <backup-file>');
    expect(err.hint).toContain(`DATA_DIR=${dir}`);
  });

  it('refuses a file that is not a database at all', async () => {
    const dir = tmp();
    const file = join(dir, 'drbot.sqlite');
    writeFileSync(file, 'this is a text file, not SQLite '.repeat(200));
    const err = await refusal(file);
    expect(err).toBeInstanceOf(StoreCorruptError);
    expect(err.hint).toContain('drbot restore');
    expect(readFileSync(file, 'utf8')).toContain('this is a text file');
  });
});
