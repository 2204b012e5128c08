import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** One agent as drbot last saw it. */
export interface AgentRow {
  id: string;
  host: string;
  connected: boolean;
  lastSeenAt?: number;
  /** How the service runs on the host, as the agent said in its hello. */
  deployment?: 'docker' | 'local' | 'both';
}

/** The `agents.info` JSON: the host an agent serves and how its service runs there. */
export function agentInfo(host: string, deployment: AgentRow['deployment']): string {
  return JSON.stringify({ host, ...(deployment ? { deployment } : {}) });
}

/** The deployment an `agents.info` JSON names, when it names a known one. */
export function deploymentOf(info: unknown): AgentRow['deployment'] {
  const d = (info as { deployment?: unknown } | null)?.deployment;
  return d === 'docker' || d === 'local' || d === 'both' ? d : undefined;
}

/** Agent presence rows (`agents` table): who connected, and when drbot last heard from them. */
export class AgentRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Every agent ever seen. */
  async all(): Promise<AgentRow[]> {
    const rows = await this.db.selectFrom('agents').selectAll().orderBy('id').execute();
    return rows.map((r) => {
      let host = r.id;
      try {
        host = (JSON.parse(r.info) as { host?: string }).host ?? r.id;
      } catch {
        // info written by an older drbot
      }
      return { id: r.id, host, connected: r.connected === 1, lastSeenAt: r.last_seen_at === null ? undefined : Number(r.last_seen_at) };
    });
  }

  /** Records an agent's presence. */
  async save(row: AgentRow): Promise<void> {
    const values = { id: row.id, connected: row.connected ? 1 : 0, last_seen_at: row.lastSeenAt ?? null, info: agentInfo(row.host, row.deployment) };
    await this.db
      .insertInto('agents')
      .values(values)
      .onConflict((oc) => oc.column('id').doUpdateSet({ connected: values.connected, last_seen_at: values.last_seen_at, info: values.info }))
      .execute();
  }
}
