import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';

/** Formats an instant as `YYYY-MM-DD HH:MM` in the given time zone (the report's format). */
export function formatTime(at: number, timeZone: string): string {
  return format(new TZDate(at, timeZone), 'yyyy-MM-dd HH:mm');
}

/** The calendar day of an instant in a time zone, as `yyyyMMdd`. */
export function dayKey(at: number, timeZone: string): string {
  return format(new TZDate(at, timeZone), 'yyyyMMdd');
}
