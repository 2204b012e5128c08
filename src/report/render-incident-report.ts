import { renderDrillReport } from './render-drill-report.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Core } from '../app/core.js';
import type { Incident } from '../incident/incident.js';
import { loadIncidentSnapshot } from '../incident/incident-snapshot.js';
import { renderTimelineSvg } from '../picture/render-timeline-svg.js';
import { formatIncidentReport } from './format-incident-report.js';
import { parseKeptSections, withChatAdditions, type KeptSections } from './kept-sections.js';
import { markdownText } from '../markup/markdown.js';

/**
 * The post-incident report of an incident as Markdown, exactly as it is (or will be) written to
 * its file: what happened, read from the store now, plus the prevention and lessons text people
 * wrote into the existing file and the lines they added from chat since it was written. Adapters call this to attach the report on each platform.
 */
export async function renderIncidentReport(core: Core, incident: Incident): Promise<string> {
  // A drill has its drill report wherever a report is shown or uploaded (Slack, Teams, /incident report).
  if (incident.drill) return renderDrillReport(core, incident);
  const [snapshot, kept, file] = await Promise.all([loadIncidentSnapshot(core, incident), readKeptSections(core, incident.id), core.store.reportFiles.fileOf(incident.id)]);
  return formatIncidentReport({ snapshot, pack: core.pack, lang: core.lang, timeZone: core.timeZone, kept: withChatAdditions(kept, snapshot.timeline, markdownText), picture: file ? reportPictureFile(file) : undefined });
}

/** The timeline picture written beside a report: `2026-11-24.md` → `2026-11-24.svg`. */
export function reportPictureFile(reportFile: string): string {
  return reportFile.replace(/\.md$/, '') + '.svg';
}

/** The incident's timeline picture (SVG), as written beside its report. */
export async function renderIncidentPicture(core: Core, incident: Incident): Promise<string> {
  return renderTimelineSvg(await loadIncidentSnapshot(core, incident), { pack: core.pack, lang: core.lang, timeZone: core.timeZone });
}

/** The kept sections of an incident's existing report file; none when it has no file yet (or it was deleted). */
export async function readKeptSections(core: Core, incidentId: string): Promise<KeptSections> {
  const file = await core.store.reportFiles.fileOf(incidentId);
  if (!file) return {};
  try {
    return parseKeptSections(await readFile(join(core.reportsDir, file), 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
}
