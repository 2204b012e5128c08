import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { NoAgentPort } from '../../src/agentlink/agent-port.js';
import { formatIncidentId } from '../../src/incident/incident-id.js';
import { DrbotMetrics } from '../../src/metrics/drbot-metrics.js';
import { backupSqlite } from '../../src/store/backup-sqlite.js';
import { checkSqliteFile } from '../../src/store/check-sqlite-file.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { percentile, type BenchRow, type BenchSuite } from '../bench-suite.js';

const INCIDENTS = 10_000;
const ENTRIES_PER_INCIDENT = 20;
const SCRAPES = 100;

/** A year of heavy use in one SQLite file: an online backup of it, and /metrics scrapes over it. */
export const operations: BenchSuite = {
  name: 'operations',
  description: `online backup and /metrics scrapes over ${INCIDENTS.toLocaleString('en')} incidents × ${ENTRIES_PER_INCIDENT} timeline entries (SQLite)`,
  async run(): Promise<BenchRow[]> {
    const dir = mkdtempSync(join(tmpdir(), 'drbot-bench-ops-'));
    try {
      const file = join(dir, 'drbot.sqlite');
      const store = await SqliteStore.open(file);
      const t0 = Date.UTC(2026, 0, 1);
      const insert = store.sqlite.prepare(`insert into incidents (id, day, seq, type, scope, status, note, host, opened_by, opened_at, level, last_activity_at, assignments)
        values (?, ?, ?, ?, 'full', ?, 'bench', 'routing-ml', 'Kim DevOps', ?, 0, ?, '{}')`);
      const entry = store.sqlite.prepare(`insert into timeline (incident_id, at, actor, kind, text, data) values (?, ?, 'drbot', 'note', 'a line of the incident timeline, about as long as real ones are', '{}')`);
      store.sqlite.transaction(() => {
        for (let i = 0; i < INCIDENTS; i++) {
          const day = `2026${String(1 + Math.floor(i / 1000)).padStart(2, '0')}01`;
          const id = formatIncidentId(day, (i % 1000) + 1);
          const at = t0 + i * 60_000;
          insert.run(id, day, (i % 1000) + 1, (i % 5) + 1, i % 50 === 0 ? 'open' : 'closed', at, at);
          for (let e = 0; e < ENTRIES_PER_INCIDENT; e++) entry.run(id, at + e);
        }
      })();

      const backupStarted = performance.now();
      const backup = await backupSqlite(file, join(dir, 'backup.sqlite'));
      const backupMs = performance.now() - backupStarted;
      const checkStarted = performance.now();
      const check = checkSqliteFile(join(dir, 'backup.sqlite'));
      const checkMs = performance.now() - checkStarted;
      if (!check.ok || backup.incidents !== INCIDENTS) throw new Error(`backup holds ${backup.incidents} incidents: ${check.detail}`);

      const metrics = new DrbotMetrics({ store, agents: () => new NoAgentPort(), faultTypes: [1, 2, 3, 4, 5], log: pino({ level: 'silent' }) }, { processMetrics: true });
      const scrapes: number[] = [];
      for (let i = 0; i < SCRAPES; i++) {
        const s = performance.now();
        const { text } = await metrics.exposition();
        scrapes.push(performance.now() - s);
        if (!text.includes('drbot_open_incidents{type="1"} 200')) throw new Error('scrape shows the wrong open incident count');
      }
      await store.close();
      const mb = statSync(file).size / 1024 / 1024;
      const p99 = percentile(scrapes, 99);
      return [
        { metric: 'database size', value: mb, unit: 'MB' },
        { metric: 'online backup (copy + integrity check)', value: backupMs, unit: 'ms', goal: '< 3000', pass: backupMs < 3000 },
        { metric: 'restore-side integrity check', value: checkMs, unit: 'ms' },
        { metric: '/metrics scrape p50', value: percentile(scrapes, 50), unit: 'ms' },
        { metric: '/metrics scrape p99', value: p99, unit: 'ms', goal: '< 50', pass: p99 < 50 },
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
