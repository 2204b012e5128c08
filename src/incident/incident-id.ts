/** Incident ids look like `INC-20261126-001`: the day in the pack's time zone and a per-day sequence. */
export const INCIDENT_ID_PATTERN = /^INC-\d{8}-\d{3,}$/;

/** Builds the id for the `seq`th incident of `day` (yyyyMMdd). */
export function formatIncidentId(day: string, seq: number): string {
  return `INC-${day}-${String(seq).padStart(3, '0')}`;
}

/** Normalises a typed id (`inc-20261126-001` → `INC-20261126-001`); undefined if it is not an id. */
export function normaliseIncidentId(token: string): string | undefined {
  const upper = token.trim().toUpperCase();
  return INCIDENT_ID_PATTERN.test(upper) ? upper : undefined;
}
