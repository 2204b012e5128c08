import type { FaultType, Step } from './pack-schema.js';

/** Where a step sits in its fault type. */
export type StepSection = 'diagnostics' | 'stage' | 'rollback' | 'temporary' | 'portConflict';

/** A step with the section (and stage number, for stage steps) it belongs to. */
export interface LocatedStep {
  readonly step: Step;
  readonly section: StepSection;
  readonly stage?: number;
}

/** Finds a step of a fault type by its id, whichever section it is in. */
export function findStep(type: FaultType, stepId: string): LocatedStep | undefined {
  const id = stepId.trim().toLowerCase();
  return allSteps(type).find((located) => located.step.id === id);
}

/** Every step of a fault type in reading order: diagnostics, stages 1…n, rollback, temporary measures, port conflict. */
export function allSteps(type: FaultType): LocatedStep[] {
  return [
    ...type.diagnostics.map((step) => ({ step, section: 'diagnostics' as const })),
    ...type.stages.flatMap((stage) => stage.steps.map((step) => ({ step, section: 'stage' as const, stage: stage.stage }))),
    ...type.rollback.map((step) => ({ step, section: 'rollback' as const })),
    ...type.temporary.map((step) => ({ step, section: 'temporary' as const })),
    ...type.portConflict.map((step) => ({ step, section: 'portConflict' as const })),
  ];
}
