import type { Lang } from './lang.js';

/** Formats a duration the way the procedure's report does: `1시간 23분` / `1 h 23 min`. Negative durations are shown as 0. */
export function formatDuration(ms: number, lang: Lang): string {
  const totalMinutes = Math.max(0, Math.floor(ms / 60_000));
  const hours = Math.floor(totalMinutes / 60);
  const minutes = totalMinutes % 60;
  if (lang === 'ko') return hours > 0 ? `${hours}시간 ${minutes}분` : `${minutes}분`;
  return hours > 0 ? `${hours} h ${minutes} min` : `${minutes} min`;
}
