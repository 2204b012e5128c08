import type { Core } from '../app/core.js';
import { formatTime } from '../i18n/format-time.js';
import type { Incident, TimelineEntry } from '../incident/incident.js';

/** An incident's timeline as a Markdown document (what is shared when no report renderer is available). */
export function timelineMarkdown(core: Pick<Core, 'pack' | 'lang' | 'timeZone'>, incident: Incident, timeline: TimelineEntry[]): string {
  const type = core.pack.types.find((t) => t.id === incident.type);
  const ko = core.lang === 'ko';
  const title = `${incident.id} — Type ${incident.type} ${type ? type.title[core.lang] : ''}`.trim();
  const lines = [
    `# ${title}`,
    '',
    `- ${ko ? '발생' : 'Opened'}: ${formatTime(incident.openedAt, core.timeZone)} (${incident.openedBy})`,
    ...(incident.resolvedAt ? [`- ${ko ? '복구' : 'Resolved'}: ${formatTime(incident.resolvedAt, core.timeZone)} (${incident.resolvedBy ?? ''})`] : []),
    ...(incident.cause ? [`- ${ko ? '원인' : 'Cause'}: ${incident.cause}`] : []),
    '',
    `## ${ko ? '타임라인' : 'Timeline'}`,
    '',
    '| ' + (ko ? '시각 | 누가 | 종류 | 내용' : 'time | who | kind | what') + ' |',
    '|---|---|---|---|',
    ...timeline.map((e) => `| ${formatTime(e.at, core.timeZone)} | ${cell(e.actor)} | ${e.kind} | ${cell(e.text)} |`),
    '',
  ];
  return lines.join('\n');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}
