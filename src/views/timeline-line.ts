import { formatTime } from '../i18n/format-time.js';
import type { TimelineEntry } from '../incident/incident.js';

/** One timeline entry as a line for a chat thread or a transcript: time, who, what. */
export function timelineLine(entry: TimelineEntry, timeZone: string): string {
  return `${formatTime(entry.at, timeZone).slice(11)} · ${entry.actor} · ${entry.kind}: ${entry.text}`;
}
