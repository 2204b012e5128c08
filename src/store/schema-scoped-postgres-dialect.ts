import { PostgresDialect, sql, type DatabaseIntrospector, type Kysely, type SchemaMetadata, type TableMetadata } from 'kysely';

/**
 * PostgreSQL as Kysely speaks it, except that introspection (which the migrator uses to find its
 * bookkeeping tables) looks only at drbot's own schema. Kysely's own introspector scans every schema
 * in the database and calls `has_schema_privilege(name, …)` on each, which fails with "schema … does
 * not exist" whenever anything else in the same database drops a schema at that moment, so a start
 * could fail for another tenant's clean-up.
 */
export class SchemaScopedPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SchemaScopedIntrospector(db);
  }
}

/** Tables (names only) and schemas as the migrator needs them, read by oid so concurrent drops elsewhere do not matter. */
class SchemaScopedIntrospector implements DatabaseIntrospector {
  constructor(private readonly db: Kysely<unknown>) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ name: string }>`select nspname as name from pg_catalog.pg_namespace`.execute(this.db);
    return rows.map((r) => ({ name: r.name }));
  }

  async getTables(): Promise<TableMetadata[]> {
    // current_schema() is the first schema of the search path that exists: drbot's (DATABASE_SCHEMA) or the connection's default.
    const { rows } = await sql<{ name: string; schema: string; kind: string }>`
      select c.relname as name, ns.nspname as schema, c.relkind as kind
        from pg_catalog.pg_class c join pg_catalog.pg_namespace ns on ns.oid = c.relnamespace
       where c.relkind in ('r', 'v', 'p') and ns.nspname = current_schema()`.execute(this.db);
    return rows.map((r) => ({ name: r.name, schema: r.schema, isView: r.kind === 'v', columns: [] }));
  }

  async getMetadata(): Promise<{ tables: TableMetadata[] }> {
    return { tables: await this.getTables() };
  }
}
