import type { StepRun } from '../../src/incident/incident.js';
import { TUESDAY_10_KST } from './test-runtime.js';
import { anIncidentId } from './an-incident.js';

/** Test-data builder for a step run row: `aStepRun().of('INC-…', 'restart-predictor').build()`. */
export function aStepRun() {
  const value: StepRun = {
    requestId: 'req-1',
    incidentId: anIncidentId(1),
    stepId: 'restart-predictor',
    action: 'restart_service',
    requestedBy: 'Kim DevOps',
    startedAt: TUESDAY_10_KST,
    status: 'running',
    summary: '',
    output: '',
  };
  const builder = {
    id(requestId: string) {
      value.requestId = requestId;
      return builder;
    },
    of(incidentId: string, stepId: string) {
      value.incidentId = incidentId;
      value.stepId = stepId;
      return builder;
    },
    at(at: number) {
      value.startedAt = at;
      return builder;
    },
    approvedBy(approvalId: string) {
      value.approvalId = approvalId;
      return builder;
    },
    build(): StepRun {
      return { ...value };
    },
  };
  return builder;
}
