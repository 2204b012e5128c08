import type { TableName } from '../../src/store/schema.js';
import type { Store } from '../../src/store/store.js';

const TABLES: TableName[] = ['incidents', 'timeline', 'checklist', 'approvals', 'step_runs', 'timers', 'deliveries', 'outbox', 'conversation_refs', 'incident_threads', 'agents', 'meta'];

/** A fingerprint of every row in every table, to prove a command changed nothing. */
export async function storeDigest(store: Store): Promise<string> {
  const parts: string[] = [];
  for (const table of TABLES) {
    parts.push(`${table}:${JSON.stringify(await store.tableRows(table))}`);
  }
  return parts.join('\n');
}
