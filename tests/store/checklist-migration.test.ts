import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { anIncidentId } from '../support/an-incident.js';

/** A SQLite database from before migration 0011: the checklist as 0001 made it (a rowid table and its key's index). */
const BEFORE_0011 = [
  'create table checklist_0001 (incident_id text not null, item_id text not null, done_by text not null, done_at bigint not null, constraint checklist_pk primary key (incident_id, item_id))',
  'insert into checklist_0001 select incident_id, item_id, done_by, done_at from checklist',
  'drop table checklist',
  'alter table checklist_0001 rename to checklist',
  "delete from kysely_migration where name = '0011-checklist-without-rowid'",
];

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const definition = (store: SqliteStore) => String((store.sqlite.prepare("select sql from sqlite_master where name = 'checklist'").get() as { sql: string }).sql).toLowerCase();

describe('migration 0011 (the checklist WITHOUT ROWID) on a SQLite database with ticks in it', () => {
  it('keeps every tick and its key, and a tick twice is still one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drbot-migration-'));
    dirs.push(dir);
    const file = join(dir, 'drbot.sqlite');
    const [a, b] = [anIncidentId(1), anIncidentId(2)];
    const first = await SqliteStore.open(file);
    await first.writeTransaction((tx) => tx.incidents.tickMany(a, ['record-time', 'identify-type'], 'Kim DevOps', 1_000));
    await first.writeTransaction((tx) => tx.incidents.tickMany(b, ['record-time'], 'Lee Backend', 2_000));
    for (const statement of BEFORE_0011) first.sqlite.exec(statement);
    expect(definition(first)).not.toContain('without rowid');
    await first.close();

    const store = await SqliteStore.open(file);
    try {
      expect(definition(store)).toContain('without rowid');
      expect(await store.incidents.checklist(a)).toEqual([
        { itemId: 'identify-type', doneBy: 'Kim DevOps', doneAt: 1_000 },
        { itemId: 'record-time', doneBy: 'Kim DevOps', doneAt: 1_000 },
      ]);
      await store.writeTransaction((tx) => tx.incidents.tickMany(b, ['record-time', 'impact-scope'], 'Kim DevOps', 3_000));
      expect(await store.incidents.checklist(b)).toEqual([
        { itemId: 'record-time', doneBy: 'Lee Backend', doneAt: 2_000 },
        { itemId: 'impact-scope', doneBy: 'Kim DevOps', doneAt: 3_000 },
      ]);
      expect(store.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      await store.close();
    }
  });
});
