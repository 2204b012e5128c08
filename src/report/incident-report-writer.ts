import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { drillReportBase, renderDrillReport } from './render-drill-report.js';
import { drillReportItemText, REPORT_CHECKLIST_ITEM } from '../incident/drill.js';
import { SYSTEM_ACTOR, type Actor } from '../app/actor.js';
import type { Core } from '../app/core.js';
import { DrbotError, ErrorCode, UniqueViolationError } from '../errors/drbot-error.js';
import type { Incident } from '../incident/incident.js';
import type { IncidentService } from '../incident/incident-service.js';
import { renderIncidentPicture, renderIncidentReport, reportPictureFile } from './render-incident-report.js';
import { reportDate } from './report-date.js';
import { keptAdditionData, type KeptAddition } from './kept-sections.js';
import { translator } from '../i18n/lang.js';
import { keepRenewed } from '../store/keep-renewed.js';

/** A report as written to disk. */
export interface WrittenReport {
  incidentId: string;
  /** Absolute path of the file. */
  path: string;
  /** The path as people see it: relative to the working directory when inside it. */
  shownPath: string;
  markdown: string;
  /** True when this write created the file (the first report of the incident). */
  created: boolean;
}

export { REPORT_CHECKLIST_ITEM };

/** How long a report lease lasts without renewal: a replica that died while writing frees it after this. */
const REPORT_LEASE_MS = 2 * 60_000;
/** How long `write` waits for another replica that is still writing the same report (it renews its lease) before answering so. */
const REPORT_WAIT_MS = 10 * 60_000;

/**
 * Writes post-incident reports to `reportsDir/YYYY-MM-DD.md` (the occurrence day in the pack's time
 * zone; a second incident that day gets `-2`, then `-3` …). The incident → file map lives in the
 * store, so a re-render overwrites the same file and keeps its human-written sections. Files are
 * replaced atomically (write, then rename), so a crash never leaves half a report. One replica
 * at a time writes an incident's report (a lease in the store, renewed while the write runs, however
 * slow), so replicas starting together catch up on a missing report once.
 */
export class IncidentReportWriter {
  /** Identifies this process in the report leases. */
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  constructor(
    private readonly core: Core,
    private readonly incidents: IncidentService,
  ) {}

  /**
   * Writes the reports that a stop at the wrong moment left unwritten (resolved or closed incidents
   * whose `report-written` item is not ticked), so every resolved incident ends up with its report.
   */
  async writeMissing(): Promise<WrittenReport[]> {
    const written: WrittenReport[] = [];
    const { store, clock } = this.core;
    const unwritten = async (id: string) => !(await store.incidents.checklist(id)).some((t) => t.itemId === REPORT_CHECKLIST_ITEM);
    for (const incident of await store.incidents.list(['resolved', 'closed'])) {
      if (!(await unwritten(incident.id))) continue;
      const lease = `report:${incident.id}`;
      const now = clock.now();
      // Another replica is writing it right now: it is not missing.
      if (!(await store.leases.acquire(lease, this.owner, now + REPORT_LEASE_MS, now))) continue;
      // ... or wrote it between the first look and the lease.
      const report = await this.holding(lease, async () => ((await unwritten(incident.id)) ? this.writeHeld(incident, SYSTEM_ACTOR) : undefined));
      if (report) written.push(report);
    }
    return written;
  }

  /**
   * Renders and writes the incident's report, ticks `report-written` and notes it on the timeline.
   * Waits while another replica writes the same report (at most its lease), so two never interleave.
   */
  async write(incident: Incident, actor: Actor): Promise<WrittenReport> {
    const lease = await this.awaitLease(incident);
    return (await this.holding(lease, () => this.writeHeld(incident, actor), true))!;
  }

  /**
   * Takes the incident's report lease, waiting while another replica holds it (at most
   * REPORT_WAIT_MS). Never goes ahead without it: the other writer renews it while it works, and a
   * dead one's runs out.
   */
  private async awaitLease(incident: Incident): Promise<string> {
    const { store, clock } = this.core;
    const lease = `report:${incident.id}`;
    const giveUpAt = Date.now() + REPORT_WAIT_MS;
    while (!(await store.leases.acquire(lease, this.owner, clock.now() + REPORT_LEASE_MS, clock.now()))) {
      if (Date.now() >= giveUpAt) {
        throw new DrbotError(ErrorCode.StoreBusy, `another drbot replica is still writing the report of ${incident.id}`, 'try again in a few minutes');
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return lease;
  }

  /** Runs `work` under the report lease (taken unless `taken`), renewing it while the work runs and releasing it after. */
  private async holding<T>(lease: string, work: () => Promise<T>, taken = false): Promise<T | undefined> {
    const { store, clock } = this.core;
    if (!taken && !(await store.leases.acquire(lease, this.owner, clock.now() + REPORT_LEASE_MS, clock.now()))) return undefined;
    const renewal = keepRenewed(clock, REPORT_LEASE_MS, (until) => store.leases.renew(lease, this.owner, until), (err) =>
      this.core.log.warn({ err, lease }, 'could not renew a report lease; trying again'),
    );
    try {
      return await work();
    } finally {
      await renewal.stop();
      await store.leases.release(lease, this.owner).catch(() => undefined);
    }
  }

  /**
   * Adds a line to a kept section (prevention or lessons) from chat: a timeline entry that every
   * later render merges in (src/report/kept-sections.ts `withChatAdditions`), and, once the incident
   * is resolved, the file written again with it. Under the report's lease, so a line added while a
   * replica writes the report is never counted as written before it is.
   */
  async addKept(incident: Incident, actor: Actor, addition: KeptAddition): Promise<WrittenReport | undefined> {
    // Like write(): never without the lease.
    const lease = await this.awaitLease(incident);
    return this.holding(
      lease,
      async () => {
        const t = translator(this.core.lang);
        const heading = addition.section === 'prevention' ? t('재발 방지 대책', 'prevention') : t('교훈', 'lessons');
        await this.incidents.record(incident, actor, 'report', t(`보고서 ${heading}에 추가: ${addition.text}`, `added to the report's ${heading}: ${addition.text}`), keptAdditionData(addition));
        if (incident.status !== 'resolved' && incident.status !== 'closed') return undefined;
        return this.writeHeld(incident, actor);
      },
      true,
    );
  }

  private async writeHeld(incident: Incident, actor: Actor): Promise<WrittenReport> {
    if (incident.drill) return this.writeDrill(incident, actor);
    const fileName = await this.fileFor(incident);
    const path = join(this.core.reportsDir, fileName);
    const created = !existsSync(path);
    await mkdir(this.core.reportsDir, { recursive: true });
    let markdown = await renderIncidentReport(this.core, incident);
    await replaceFile(path, markdown);
    const shownPath = showPath(path);
    if (await this.incidents.tick(incident, actor, REPORT_CHECKLIST_ITEM)) {
      // Render once more so the file's checklist shows the tick it just earned.
      markdown = await renderIncidentReport(this.core, incident);
      await replaceFile(path, markdown);
    }
    // The timeline picture beside it, which the report links.
    await replaceFile(join(this.core.reportsDir, reportPictureFile(fileName)), await renderIncidentPicture(this.core, incident));
    const t = translator(this.core.lang);
    await this.incidents.record(incident, actor, 'report', created ? t(`사후 보고서 작성: ${shownPath}`, `post-incident report written: ${shownPath}`) : t(`사후 보고서 갱신: ${shownPath}`, `post-incident report updated: ${shownPath}`), {
      path: shownPath,
      created,
    });
    return { incidentId: incident.id, path, shownPath, markdown, created };
  }

  /** The drill report `drill_reports/YYYY-MM-DD-typeN.md` beside the incident reports; ticks `report-written`. */
  private async writeDrill(incident: Incident, actor: Actor): Promise<WrittenReport> {
    const dir = drillReportsDir(this.core.reportsDir);
    const fileName = await this.fileFor(incident, dir, drillReportBase(reportDate(incident, this.core.timeZone), incident));
    const path = join(dir, fileName);
    const created = !existsSync(path);
    await mkdir(dir, { recursive: true });
    const shownPath = showPath(path);
    // The item names the drill report, not the post-incident report path of the pack's text.
    await this.incidents.tick(incident, actor, REPORT_CHECKLIST_ITEM, drillReportItemText(shownPath, this.core.lang));
    const markdown = await renderDrillReport(this.core, incident);
    await replaceFile(path, markdown);
    const t = translator(this.core.lang);
    await this.incidents.record(incident, actor, 'report', created ? t(`[DRILL] 훈련 보고서 작성: ${shownPath}`, `[DRILL] drill report written: ${shownPath}`) : t(`[DRILL] 훈련 보고서 갱신: ${shownPath}`, `[DRILL] drill report updated: ${shownPath}`), { path: shownPath, created, drill: true });
    return { incidentId: incident.id, path, shownPath, markdown, created };
  }

  /** The incident's file name: the one it already has, or the first free name of its day. */
  private async fileFor(incident: Incident, dir = this.core.reportsDir, base = reportDate(incident, this.core.timeZone)): Promise<string> {
    const date = base;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.core.store.writeTransaction(async (tx) => {
          const files = tx.reportFiles;
          const existing = await files.fileOf(incident.id);
          if (existing) return existing;
          for (let n = 1; ; n++) {
            const name = n === 1 ? `${date}.md` : `${date}-${n}.md`;
            // A name is free when no incident holds it and no hand-written file has it.
            if ((await files.ownerOf(name)) || existsSync(join(dir, name))) continue;
            await files.claim(incident.id, name);
            return name;
          }
        });
      } catch (err) {
        // Another process claimed the same name at the same moment: look again.
        if (attempt < 5 && err instanceof UniqueViolationError) continue;
        throw err;
      }
    }
  }
}

/** Where drill reports go: `drill_reports` beside `REPORTS_DIR` (`docs/drill_reports` with the default `docs/incident_reports`). */
export function drillReportsDir(reportsDir: string): string {
  return join(dirname(reportsDir), 'drill_reports');
}

async function replaceFile(path: string, content: string): Promise<void> {
  const tmp = `${path}.${randomUUID().slice(0, 8)}.tmp`;
  try {
    await writeFile(tmp, content, 'utf8');
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

function showPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}
