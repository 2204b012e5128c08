import { createHash } from 'node:crypto';
import { z } from 'zod';

const Fact = z.object({ label: z.string().max(200), value: z.string().max(2000), volatile: z.boolean().optional() });
const Choice = z.object({ value: z.string().max(200), label: z.string().max(300), at: z.number().optional() });

/** What the agent's `plan` action answers in its result's data (validated at the edge). */
export const HostPlan = z.object({
  target: z.string().max(500),
  facts: z.array(Fact).max(50),
  choiceParam: z.string().regex(/^[a-z_]{1,32}$/).optional(),
  choices: z.array(Choice).max(100).optional(),
});
export type HostPlan = z.infer<typeof HostPlan>;

/** A step's plan as drbot keeps it: the host's answer, the choice it was made for, and its digest. */
export interface StepPlan extends HostPlan {
  stepId: string;
  choice?: string;
  digest: string;
}

/** What an approval records of the plan it was given for. */
export type ApprovedPlan = Pick<StepPlan, 'digest' | 'facts' | 'choice' | 'choiceParam' | 'target'>;

/** Digest of what a plan resolves to (volatile facts such as an age are left out), 12 hex digits. */
export function planDigest(plan: Pick<HostPlan, 'target' | 'facts'>, choice?: string): string {
  const stable = plan.facts.filter((f) => !f.volatile).map((f) => [f.label, f.value]);
  return createHash('sha256').update(JSON.stringify([plan.target, choice ?? null, stable])).digest('hex').slice(0, 12);
}

/** The facts that differ between two plans of one step: "newest backup: a → b". */
export function planChanges(before: Pick<HostPlan, 'facts' | 'target'>, after: Pick<HostPlan, 'facts' | 'target'>): string[] {
  const old = new Map(before.facts.filter((f) => !f.volatile).map((f) => [f.label, f.value]));
  const changes: string[] = [];
  if (before.target !== after.target) changes.push(`target: ${before.target} → ${after.target}`);
  for (const f of after.facts) {
    if (f.volatile) continue;
    const was = old.get(f.label);
    if (was !== f.value) changes.push(`${f.label}: ${was ?? '(none)'} → ${f.value}`);
  }
  return changes;
}

/**
 * Names what changed from `planChanges` lines ("newest backup: a → b") by their facts: "the newest
 * backup", "the backup and the newest backup"; "the host" when nothing is named (no plan now).
 */
export function changedWhat(changes: string[]): string {
  const named = [...new Set(changes.map((c) => /^([^:]{1,60}): .* → /s.exec(c)?.[1]).filter((l): l is string => Boolean(l)))];
  // The target is the sum of the facts: named only when no fact says more.
  // …and a fact's details ("backup size", "backup modified") go under the fact ("backup") when it changed too.
  const labels = (named.length > 1 ? named.filter((l) => l !== 'target') : named).filter((l, _i, all) => !all.some((m) => l.startsWith(`${m} `)));
  if (!labels.length) return 'the host';
  const the = labels.map((l) => `the ${l}`);
  return the.length === 1 ? the[0]! : `${the.slice(0, -1).join(', ')} and ${the.at(-1)}`;
}
