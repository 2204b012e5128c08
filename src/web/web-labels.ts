import type { IncidentStatus } from '../incident/incident.js';

/** Incident statuses as the web view names them. */
export const STATUS_LABEL: Record<IncidentStatus, { ko: string; en: string }> = {
  open: { ko: '진행 중', en: 'open' },
  resolved: { ko: '복구 완료', en: 'resolved' },
  closed: { ko: '종료', en: 'closed' },
  cancelled: { ko: '취소', en: 'cancelled' },
};
