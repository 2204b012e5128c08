import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import type { Store } from '../../src/store/store.js';
import { IncidentReportWriter } from '../../src/report/incident-report-writer.js';
import type { IncidentService } from '../../src/incident/incident-service.js';
import { sharedDatabases } from '../support/shared-database.js';
import { buildTestRuntime, type TestRuntime } from '../support/test-runtime.js';
import { aDeadBackendAgent, runScriptedIncident } from './scripted-incident.js';

/**
 * Issue 13: report writing happens once. A report a stop left unwritten is caught up by whichever
 * replica gets to it first when several start at the same moment (a lease per incident's report).
 */

const databases = sharedDatabases({
  sqlite: 'SQLite file',
  postgres: 'PostgreSQL',
  schemaPrefix: 'drbot_report_once',
  failFast: false,
  notRun: '[store suite] report catch-up across PostgreSQL replicas NOT RUN in report/report-once-across-replicas.test.ts',
});

describe.each(databases)('a report left unwritten, with three replicas starting on one $name database', (db) => {
  const stores: Store[] = [];
  const reportsDir = mkdtempSync(join(tmpdir(), 'drbot-report-once-dir-'));
  afterAll(async () => {
    for (const s of stores) await s.close();
    await db.dispose();
    rmSync(reportsDir, { recursive: true, force: true });
  });

  /**
   * Replicas of one deployment read one time (the system clock, or a scaled clock with one epoch).
   * Each used to get its own virtual clock here, and the incident moved only replica 0's: its clock
   * read 11:23 while the others read 10:00, so a lease another replica took "until 10:02" was long
   * run out for replica 0, which took it over and wrote the report a second time whenever another
   * replica reached the lease first (PostgreSQL under load). That is a lease doing its job on clocks
   * 83 minutes apart, not a race among replicas sharing time; the next test pins that interleaving.
   */
  async function replicasOfOneDeployment(count = 3): Promise<TestRuntime[]> {
    const replicas: TestRuntime[] = [];
    for (let i = 0; i < count; i++) {
      const store = await db.connect();
      stores.push(store);
      replicas.push(await buildTestRuntime({ lang: 'ko', agents: aDeadBackendAgent(), store, reportsDir, ...(i ? { clock: replicas[0]!.clock } : {}) }));
    }
    return replicas;
  }

  it('is written once, by one of them', async () => {
    const replicas = await replicasOfOneDeployment();
    // Resolved by a process that stopped before its report listener ran.
    const { id } = await runScriptedIncident(replicas[0]!);
    const written = (await Promise.all(replicas.map((r) => r.reports.writeMissing()))).flat();
    expect(written.map((w) => w.incidentId)).toEqual([id]);
    const timeline = await replicas[0]!.store.incidents.timeline(id);
    expect(timeline.filter((e) => e.kind === 'report')).toHaveLength(1);
    expect(readdirSync(reportsDir).filter((f) => f.endsWith('.md'))).toHaveLength(1);
    expect(await replicas[1]!.store.tableRows('leases')).toEqual([]);
  }, 60_000);

  it('is written once when one replica reaches the lease while another is between writing the file and ticking it', async () => {
    const replicas = await replicasOfOneDeployment();
    const [a, b, c] = replicas as [TestRuntime, TestRuntime, TestRuntime];
    const { id } = await runScriptedIncident(a);
    // B (not A, whose runtime ran the incident) takes the lease first and stops just before its tick
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    let reached = false;
    const slowIncidents = Object.create(b.incidents, {
      tick: {
        value: async (...args: Parameters<IncidentService['tick']>) => {
          reached = true;
          await gate;
          return b.incidents.tick(...args);
        },
      },
    }) as IncidentService;
    const writing = new IncidentReportWriter(b, slowIncidents).writeMissing();
    while (!reached) await new Promise((r) => setTimeout(r, 5));
    // the report file is on disk but not ticked: A and C still see it missing, and the lease says B has it
    expect(await Promise.all([a.reports.writeMissing(), c.reports.writeMissing()])).toEqual([[], []]);
    open();
    expect((await writing).map((w) => w.incidentId)).toEqual([id]);
    expect(await Promise.all([a.reports.writeMissing(), c.reports.writeMissing()])).toEqual([[], []]);
    const timeline = await a.store.incidents.timeline(id);
    expect(timeline.filter((e) => e.kind === 'report')).toHaveLength(1);
    expect(await a.store.tableRows('leases')).toEqual([]);
  }, 60_000);

  it('a write slower than its lease keeps it: another replica catching up does not write the same report again', async () => {
    const [a, b] = (await replicasOfOneDeployment(2)) as [TestRuntime, TestRuntime];
    const { id } = await runScriptedIncident(a);
    // replica A's write is slow (its disk or the store hangs for minutes) just before it ticks "report written"
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    let reached = false;
    const slowIncidents = Object.create(a.incidents, {
      tick: {
        value: async (...args: Parameters<IncidentService['tick']>) => {
          reached = true;
          await gate;
          return a.incidents.tick(...args);
        },
      },
    }) as IncidentService;
    const writing = new IncidentReportWriter(a, slowIncidents).writeMissing();
    while (!reached) await new Promise((r) => setTimeout(r, 5));
    // five minutes pass (the report lease is two), in steps so each renewal reaches the store
    for (let gone = 0; gone < 5 * 60_000; gone += 10_000) {
      await a.clock.advance(10_000);
      await new Promise((r) => setTimeout(r, 15));
    }
    expect(await b.reports.writeMissing()).toEqual([]);
    open();
    expect((await writing).map((w) => w.incidentId)).toEqual([id]);
    expect(await b.reports.writeMissing()).toEqual([]);
    const timeline = await a.store.incidents.timeline(id);
    expect(timeline.filter((e) => e.kind === 'report')).toHaveLength(1);
    expect(await b.store.tableRows('leases')).toEqual([]);
  }, 60_000);
});
