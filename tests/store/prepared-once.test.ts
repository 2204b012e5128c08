import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from '@jest/globals';
import { preparedOnce } from '../../src/store/sqlite-store.js';

describe('preparedOnce (the SQLite store prepares each statement once)', () => {
  const database = () => {
    const sqlite = new BetterSqlite3(':memory:');
    sqlite.exec('create table t (id integer primary key, v text)');
    return sqlite;
  };

  it('hands out the same prepared statement for the same SQL, with the parameters of each call', () => {
    const sqlite = database();
    const db = preparedOnce(sqlite);
    const insert = db.prepare('insert into t (v) values (?)');
    expect(db.prepare('insert into t (v) values (?)')).toBe(insert);
    insert.run(['a']);
    db.prepare('insert into t (v) values (?)').run(['b']);
    expect(db.prepare('select v from t order by id').all([])).toEqual([{ v: 'a' }, { v: 'b' }]);
    db.close();
    expect(sqlite.open).toBe(false);
  });

  it('never hands out a statement that is still iterating: a nested use gets its own', () => {
    const sqlite = database();
    const db = preparedOnce(sqlite);
    db.prepare('insert into t (v) values (?)').run(['a']);
    db.prepare('insert into t (v) values (?)').run(['b']);
    const seen: unknown[] = [];
    for (const row of db.prepare('select v from t order by id').iterate([])) {
      seen.push(row, db.prepare('select v from t order by id').all([]));
    }
    expect(seen).toEqual([{ v: 'a' }, [{ v: 'a' }, { v: 'b' }], { v: 'b' }, [{ v: 'a' }, { v: 'b' }]]);
    db.close();
  });

  it('keeps at most `size` statements, forgetting the least recently used', () => {
    const db = preparedOnce(database(), 2);
    const one = db.prepare('select 1');
    const two = db.prepare('select 2');
    expect(db.prepare('select 1')).toBe(one);
    db.prepare('select 3');
    expect(db.prepare('select 1')).toBe(one);
    expect(db.prepare('select 2')).not.toBe(two);
    db.close();
  });

  it('a kept statement sees a column added after it was prepared (SQLite re-prepares it)', () => {
    const sqlite = database();
    const db = preparedOnce(sqlite);
    db.prepare('insert into t (v) values (?)').run(['a']);
    expect(db.prepare('select * from t').all([])).toEqual([{ id: 1, v: 'a' }]);
    sqlite.exec("alter table t add column w text default 'x'");
    expect(db.prepare('select * from t').all([])).toEqual([{ id: 1, v: 'a', w: 'x' }]);
    db.close();
  });
});
