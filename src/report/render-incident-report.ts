import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Core } from '../app/core.js';
import type { Incident } from '../incident/incident.js';
import { loadIncidentSnapshot } from '../incident/incident-snapshot.js';
import { formatIncidentReport } from './format-incident-report.js';
import { parseKeptSections, type KeptSections } from './kept-sections.js';

/**
 * The post-incident report of an incident as Markdown, exactly as it is (or will be) written to
 * its file: what happened, read from the store now, plus the prevention and lessons text people
 * wrote into the existing file. Adapters call this to attach the report on each platform.
 */
export async function renderIncidentReport(core: Core, incident: Incident): Promise<string> {
  const [snapshot, kept] = await Promise.all([loadIncidentSnapshot(core, incident), readKeptSections(core, incident.id)]);
  return formatIncidentReport({ snapshot, pack: core.pack, lang: core.lang, timeZone: core.timeZone, kept });
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
