import type { Approval } from '../../src/incident/incident.js';
import { TUESDAY_10_KST } from './test-runtime.js';
import { anIncidentId } from './an-incident.js';

/** Test-data builder for an approval row: `anApproval().of('INC-…', 'restart-predictor').build()`. */
export function anApproval() {
  const value: Approval = {
    id: 'apr-1',
    incidentId: anIncidentId(1),
    stepId: 'restart-predictor',
    firstBy: 'Kim DevOps',
    firstAt: TUESDAY_10_KST,
    needsTwo: false,
    expiresAt: TUESDAY_10_KST + 30 * 60_000,
    status: 'approved',
  };
  const builder = {
    id(id: string) {
      value.id = id;
      return builder;
    },
    of(incidentId: string, stepId: string) {
      value.incidentId = incidentId;
      value.stepId = stepId;
      return builder;
    },
    at(at: number) {
      value.firstAt = at;
      value.expiresAt = at + 30 * 60_000;
      return builder;
    },
    destructive() {
      value.needsTwo = true;
      value.status = 'pending';
      return builder;
    },
    with(fields: Partial<Approval>) {
      Object.assign(value, fields);
      return builder;
    },
    build(): Approval {
      return { ...value };
    },
  };
  return builder;
}
