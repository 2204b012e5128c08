const HOUR = 3_600_000;
const MIN = 60_000;

/** A backup's age against its RPO, compared on the exact duration (never on a rounded number). */
export function rpoMark(ageMs: number, goalHours: number, limitHours: number): 'ok' | 'warn' | 'fail' {
  return ageMs <= goalHours * HOUR ? 'ok' : ageMs <= limitHours * HOUR ? 'warn' : 'fail';
}

/**
 * An age as `shownHours` h, unless that would read as (or under) the threshold the exact age is past:
 * a backup 24 h 12 min old is past a 24 h goal and must not print as "24 h". Then it prints hours and
 * minutes ("24 h 12 min"), and seconds when under a minute past ("24 h 0 min 20 s").
 */
export function ageText(ageMs: number, shownHours: number, pastHours?: number): string {
  if (pastHours === undefined || shownHours > pastHours) return `${shownHours} h`;
  const h = Math.floor(ageMs / HOUR);
  const m = Math.floor((ageMs - h * HOUR) / MIN);
  if (h * HOUR + m * MIN > pastHours * HOUR) return `${h} h ${m} min`;
  return `${h} h ${m} min ${Math.max(1, Math.floor((ageMs - h * HOUR - m * MIN) / 1000))} s`;
}

/**
 * Age against a backup's RPO: "26 h old — past the RPO goal (24 h), within the limit (72 h)". The
 * restore plan's wording, and the incident card's for the newest backup (both in drbot and the agent).
 */
export function rpoVerdict(ageMs: number, goalHours: number, limitHours: number): string {
  // Compared exactly; printed so an age past the goal or limit never reads as equal to it.
  const mark = rpoMark(ageMs, goalHours, limitHours);
  const age = `${ageText(ageMs, Math.floor(ageMs / HOUR), mark === 'ok' ? undefined : mark === 'warn' ? goalHours : limitHours)} old`;
  if (mark === 'ok') return `${age} — within the RPO goal (${goalHours} h)`;
  if (mark === 'warn') return `${age} — past the RPO goal (${goalHours} h), within the limit (${limitHours} h)`;
  return `${age} — past the RPO limit (${limitHours} h)`;
}
