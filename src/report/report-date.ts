import { formatTime } from '../i18n/format-time.js';
import type { Incident } from '../incident/incident.js';

/** The report's date: the day the incident occurred, in the pack's time zone (`YYYY-MM-DD`). */
export function reportDate(incident: Incident, timeZone: string): string {
  return formatTime(incident.openedAt, timeZone).slice(0, 10);
}
