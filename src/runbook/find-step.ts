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

/** How a typed step reference resolved: one step, several candidates (an ambiguous prefix), or none. */
export type StepMatch = { kind: 'one'; located: LocatedStep; number: number } | { kind: 'several'; candidates: LocatedStep[] } | { kind: 'none' };

/**
 * Resolves what a person typed for a step: its number on the card (1-based, reading order), its
 * id, or a prefix of exactly one id. `among` narrows the steps a prefix or number may name (only
 * host-changing steps for `approve`), but the numbers stay the card's.
 */
export function matchStep(type: FaultType, ref: string, among: (s: LocatedStep) => boolean = () => true): StepMatch {
  const token = ref.trim().toLowerCase();
  const steps = allSteps(type);
  const numbered = steps.map((located, i) => ({ located, number: i + 1 }));
  if (/^\d+$/.test(token)) {
    const hit = numbered[Number(token) - 1];
    return hit ? { kind: 'one', ...hit } : { kind: 'none' };
  }
  const exact = numbered.find((n) => n.located.step.id === token);
  if (exact) return { kind: 'one', ...exact };
  const prefixed = numbered.filter((n) => n.located.step.id.startsWith(token) && among(n.located));
  if (prefixed.length === 1) return { kind: 'one', ...prefixed[0]! };
  if (prefixed.length > 1) return { kind: 'several', candidates: prefixed.map((n) => n.located) };
  return { kind: 'none' };
}

/** The number a step has on the card (1-based, reading order), if it is a step of the type. */
export function stepNumber(type: FaultType, stepId: string): number | undefined {
  const i = allSteps(type).findIndex((s) => s.step.id === stepId);
  return i < 0 ? undefined : i + 1;
}

/** The type's step that restores a file from a backup (Type 2's restore-db-from-yesterday): its plan names the newest backup. */
export function backupRestoreStep(type: FaultType): Step | undefined {
  return [...type.stages.flatMap((st) => st.steps), ...type.rollback, ...type.temporary].find((st) => st.action === 'restore_file');
}
