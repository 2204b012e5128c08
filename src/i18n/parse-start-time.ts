import { TZDate } from '@date-fns/tz';

/** What `parseStartTime` makes of a typed time: the instant, or why it is not one. */
export type ParsedStartTime = { ok: true; at: number } | { ok: false; reason: 'format' | 'future' };

const CLOCK = /^([01]?\d|2[0-3]):([0-5]\d)$/;
const LOCAL_ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * Reads when something started, as a person types it at 3 a.m.: `HH:MM` is the latest such
 * clock time not after `now` in `timeZone` (so `23:50` typed at 00:10 is yesterday); an ISO time
 * with an offset is that instant, one without an offset is read in `timeZone`. A time after
 * `now` is refused.
 */
export function parseStartTime(text: string, now: number, timeZone: string): ParsedStartTime {
  const typed = text.trim();
  const clock = CLOCK.exec(typed);
  if (clock) {
    const today = new TZDate(now, timeZone);
    const at = new TZDate(today.getFullYear(), today.getMonth(), today.getDate(), Number(clock[1]), Number(clock[2]), 0, timeZone).getTime();
    return { ok: true, at: at <= now ? at : new TZDate(today.getFullYear(), today.getMonth(), today.getDate() - 1, Number(clock[1]), Number(clock[2]), 0, timeZone).getTime() };
  }
  const local = LOCAL_ISO.exec(typed);
  let at: number;
  if (local) {
    const [, y, mo, d, h, mi, sec] = local;
    at = new TZDate(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec ?? 0), timeZone).getTime();
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(typed)) {
    at = Date.parse(typed);
  } else {
    return { ok: false, reason: 'format' };
  }
  if (!Number.isFinite(at)) return { ok: false, reason: 'format' };
  if (at > now) return { ok: false, reason: 'future' };
  return { ok: true, at };
}
