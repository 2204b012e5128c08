import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { Dialect } from './migrations.js';
import type { Database } from './schema.js';

/** Marks where a value goes while the query is compiled; never reaches the database. */
const SLOT = '\u0000drbot-slot:';

/**
 * Where a compiled parameter comes from: a path into the values of one run (`['kind', 3]` is
 * `values.kind[3]`), or a value the query itself fixed (Kysely makes some literals parameters).
 */
type Param = { readonly path: readonly (string | number)[] } | { readonly constant: unknown };

interface Compiled {
  readonly template: CompiledQuery;
  readonly params: readonly Param[];
}

/**
 * Runs a compiled query at once on SQLite's connection, as Kysely's SQLite driver would (same
 * statement, same result), without Kysely's executor: its chain of promises, connection provider
 * and result plugins cost more than SQLite takes for most of these statements. Undefined when the
 * query cannot run at once; it then goes through Kysely as any other.
 */
export type DirectExecutor = (sql: string, parameters: readonly unknown[]) => QueryResult<unknown> | undefined;

/** The handles whose reusable queries run directly (when their executor can). */
const directOn = new WeakMap<Kysely<Database>, DirectExecutor>();

/**
 * Reusable queries run on `db` go straight to `execute`: for the handle of a SQLite write
 * transaction (it holds the only connection for its whole life, so nothing else runs in between),
 * and for the SQLite store's own handle, whose executor takes only reads made while no
 * transaction is open on the connection (src/store/sqlite-store.ts).
 */
export function runDirectly(db: Kysely<Database>, execute: DirectExecutor): void {
  directOn.set(db, execute);
}

/**
 * Names a value of one run inside `build`: `value('incidentId')`, or `value('kind', i)` for row `i`
 * of a multi-row insert (`values.kind[i]`). Typed as anything, since Kysely checks column types and
 * the real value comes only when the query runs.
 */
export type ValueSlot = (name: string, row?: number) => never;

/**
 * A query Kysely builds and compiles once per dialect and runs many times with new values.
 * Building and compiling a small query costs more than SQLite takes to run it (about 0.15 ms of an
 * `/incident open`); the SQL text stays the same, so only the parameters change from run to run.
 *
 * `build` gets a `value` function that marks where each run's values go; it must place them as
 * they are (no JSON.stringify or arithmetic on a slot: that would happen once, on the marker).
 * Compiling checks that every marker became a parameter.
 */
export class ReusableQuery<V extends object, R = unknown> {
  private readonly compiled = new Map<Dialect, Compiled>();

  constructor(private readonly build: (db: Kysely<Database>, value: ValueSlot) => Compilable<R>) {}

  /** The compiled query with `values` as its parameters, for `db.executeQuery`. */
  bind(db: Kysely<Database>, dialect: Dialect, values: V): CompiledQuery<R> {
    const c = this.compiledFor(db, dialect);
    return { ...c.template, parameters: parametersOf(c, values) } as CompiledQuery<R>;
  }

  /** Runs the query with `values` on `db` (a store's handle or its transaction's). */
  run(db: Kysely<Database>, dialect: Dialect, values: V): Promise<{ rows: R[]; numAffectedRows?: bigint }> {
    const direct = directOn.get(db);
    if (!direct) return db.executeQuery(this.bind(db, dialect, values));
    try {
      const c = this.compiledFor(db, dialect);
      const parameters = parametersOf(c, values);
      const result = direct(c.template.sql, parameters);
      if (result) return Promise.resolve(result as QueryResult<R>);
      return db.executeQuery({ ...c.template, parameters } as CompiledQuery<R>);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  private compiledFor(db: Kysely<Database>, dialect: Dialect): Compiled {
    let c = this.compiled.get(dialect);
    if (!c) {
      c = compile(this.build(db, slot));
      this.compiled.set(dialect, c);
    }
    return c;
  }
}

/**
 * One ReusableQuery per row count, for multi-row inserts (`rows` is the count the query is built for).
 */
export class ReusableRowsQuery<V extends object, R = unknown> {
  private readonly byRows = new Map<number, ReusableQuery<V, R>>();

  constructor(private readonly build: (db: Kysely<Database>, value: ValueSlot, rows: number) => Compilable<R>) {}

  run(db: Kysely<Database>, dialect: Dialect, rows: number, values: V): Promise<{ rows: R[]; numAffectedRows?: bigint }> {
    let q = this.byRows.get(rows);
    if (!q) {
      q = new ReusableQuery<V, R>((d, value) => this.build(d, value, rows));
      this.byRows.set(rows, q);
    }
    return q.run(db, dialect, values);
  }
}

const slot: ValueSlot = (name, row) => `${SLOT}${name}${row === undefined ? '' : `\u0000${row}`}` as never;

const SLOT_PARAM = new RegExp(`^${SLOT}([A-Za-z_][A-Za-z0-9_]*)(?:\u0000(\\d+))?$`);

function compile(query: Compilable): Compiled {
  const template = query.compile();
  if (template.sql.includes(SLOT)) throw new Error(`a value slot was written into the SQL instead of a parameter: ${template.sql}`);
  const params = template.parameters.map((p): Param => {
    if (typeof p !== 'string' || !p.includes(SLOT)) return { constant: p };
    const m = SLOT_PARAM.exec(p);
    if (!m) throw new Error(`a value slot was changed before it became a parameter (place values as they are): ${JSON.stringify(p)}`);
    return { path: m[2] === undefined ? [m[1]!] : [m[1]!, Number(m[2])] };
  });
  return { template, params };
}

function parametersOf(c: Compiled, values: object): unknown[] {
  return c.params.map((p) => ('constant' in p ? p.constant : resolve(values, p.path)));
}

function resolve(values: object, path: readonly (string | number)[]): unknown {
  let v: unknown = values;
  for (const key of path) v = (v as Record<string | number, unknown>)[key];
  if (v === undefined) throw new Error(`no value for ${path.join('.')} in a reusable query`);
  return v;
}
