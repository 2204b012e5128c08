/** An instant as a wall clock in one time zone shows it. */
export interface LocalTime {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  /** 0–23 */
  hour: number;
  minute: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * Since mid-1972 every zone's offset from UTC is a whole number of minutes (Liberia's −0:44:30 was
 * the last that was not), and offsets change only on minute boundaries, so every instant in one UTC
 * minute shows the same local minute. From then on an answer is remembered per zone and minute.
 */
const WHOLE_MINUTE_OFFSETS_SINCE = Date.UTC(1972, 6, 1);
/** Minutes remembered per zone (a card shows a dozen times, many the same each render). */
const REMEMBERED_MINUTES = 1_000;
const remembered = new Map<string, Map<number, LocalTime>>();

/**
 * The wall-clock fields of an instant in a time zone. One `Intl.DateTimeFormat` per zone is kept:
 * making one is what costs (a card shows a dozen times, and every open formats its day); and
 * `formatToParts` is the next cost, so its answer is remembered per minute.
 */
export function localTime(at: number, timeZone: string): LocalTime {
  if (!(at >= WHOLE_MINUTE_OFFSETS_SINCE)) return computeLocalTime(at, timeZone);
  const minute = Math.floor(at / 60_000);
  const zone = remembered.get(timeZone);
  const kept = zone?.get(minute);
  if (kept) return { ...kept };
  const t = computeLocalTime(at, timeZone);
  if (!zone) remembered.set(timeZone, new Map([[minute, t]]));
  else {
    if (zone.size >= REMEMBERED_MINUTES) zone.delete(zone.keys().next().value!);
    zone.set(minute, t);
  }
  return { ...t };
}

function computeLocalTime(at: number, timeZone: string): LocalTime {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', weekday: 'short' });
    formatters.set(timeZone, f);
  }
  const t: LocalTime = { year: 0, month: 0, day: 0, hour: 0, minute: 0, weekday: 0 };
  for (const part of f.formatToParts(at)) {
    switch (part.type) {
      case 'year':
      case 'month':
      case 'day':
      case 'hour':
      case 'minute':
        t[part.type] = Number(part.value);
        break;
      case 'weekday':
        t.weekday = WEEKDAYS.indexOf(part.value);
        break;
    }
  }
  return t;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `HH:mm` of a local time. */
export function hhmm(t: LocalTime): string {
  return `${pad(t.hour)}:${pad(t.minute)}`;
}

/** `yyyy-MM-dd` of a local time. */
export function isoDay(t: LocalTime): string {
  return `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}`;
}

/** Formats an instant as `YYYY-MM-DD HH:MM` in the given time zone (the report's format). */
export function formatTime(at: number, timeZone: string): string {
  const t = localTime(at, timeZone);
  return `${isoDay(t)} ${hhmm(t)}`;
}

/** The calendar day of an instant in a time zone, as `yyyyMMdd`. */
export function dayKey(at: number, timeZone: string): string {
  const t = localTime(at, timeZone);
  return `${pad(t.year, 4)}${pad(t.month)}${pad(t.day)}`;
}
