import { sql } from 'kysely';
import type { Store } from '../../src/store/store.js';

const TABLES = ['incidents', 'timeline', 'checklist', 'approvals', 'step_runs', 'timers', 'deliveries', 'outbox', 'conversation_refs', 'incident_threads', 'agents', 'meta'];

/** A fingerprint of every row in every table, to prove a command changed nothing. */
export async function storeDigest(store: Store): Promise<string> {
  const parts: string[] = [];
  for (const table of TABLES) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(store.db);
    parts.push(`${table}:${JSON.stringify(rows.rows)}`);
  }
  return parts.join('\n');
}
