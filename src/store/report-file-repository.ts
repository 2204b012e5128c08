import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

const BY_INCIDENT = 'report-file:incident:';
const BY_FILE = 'report-file:name:';

/**
 * Which report file belongs to which incident, kept in the `meta` table both ways, so re-rendering
 * overwrites the same file and two incidents never share one (`2026-11-24.md`, `2026-11-24-2.md`).
 */
export class ReportFileRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The file name (relative to the reports directory) of an incident's report, if it has one. */
  async fileOf(incidentId: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('meta').select('value').where('key', '=', BY_INCIDENT + incidentId).executeTakeFirst();
    return row?.value;
  }

  /** The incident a report file belongs to, if any. */
  async ownerOf(fileName: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('meta').select('value').where('key', '=', BY_FILE + fileName).executeTakeFirst();
    return row?.value;
  }

  /** Records that `fileName` is the incident's report; fails on a unique violation when the name is taken. */
  async claim(incidentId: string, fileName: string): Promise<void> {
    await this.db
      .insertInto('meta')
      .values([
        { key: BY_FILE + fileName, value: incidentId },
        { key: BY_INCIDENT + incidentId, value: fileName },
      ])
      .execute();
  }
}
