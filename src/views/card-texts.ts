/**
 * The parts of an incident card that depend only on the runbook pack and the language (a step's
 * numbered line and procedure, a checklist item's line, a stage's title), made once per pack object
 * and language instead of on every render. Besides the work saved, every card then carries the same
 * string objects, which the escapers in src/markup find in their memory without reading them again.
 * Nothing kept here depends on an incident: a pack loaded again is new objects, so new texts.
 */
import type { Lang } from '../i18n/lang.js';
import { translator } from '../i18n/lang.js';
import { allSteps, backupRestoreStep } from '../runbook/find-step.js';
import type { ChecklistItem, FaultType, RunbookPack, Step } from '../runbook/pack-schema.js';

/** The fixed texts of one fault type in one language. */
export interface TypeTexts {
  /** Each step's number on the card (its place in reading order), by id. */
  numbers: Map<string, number>;
  /** `5. restart-predictor — Restart the predictor container (devops/backend)`, by step. */
  lines: Map<Step, string>;
  /** A step's procedure as the card's detail lines (`$ command`), by step; none for a step without one. */
  procedures: Map<Step, string>;
  /** `Recovery stage 1: Restart the service`, by stage. */
  stageTitles: Map<FaultType['stages'][number], string>;
}

/** The fixed texts of a pack's checklists in one language. */
export interface ChecklistTexts {
  /** Every item of the three lists in order, with the list it is on. */
  items: { list: 'immediate' | 'during' | 'after'; item: ChecklistItem }[];
  /** Each item's number on the card (its place over the three lists), by id. */
  numbers: Map<string, number>;
  /** `4. user-notice — Notify users: Slack / Teams / email`, by item (its ordinary text; a drill's report item differs). */
  lines: Map<ChecklistItem, string>;
  /** `Checklist: Immediately`, by list. */
  titles: Record<'immediate' | 'during' | 'after', string>;
}

const typeTexts = new WeakMap<FaultType, Partial<Record<Lang, TypeTexts>>>();
const checklistTexts = new WeakMap<RunbookPack, Partial<Record<Lang, ChecklistTexts>>>();

/** The fixed texts of `type` in `lang`, made on first use. */
export function textsOfType(type: FaultType, lang: Lang): TypeTexts {
  let byLang = typeTexts.get(type);
  if (!byLang) typeTexts.set(type, (byLang = {}));
  return (byLang[lang] ??= makeTypeTexts(type, lang));
}

/** The fixed texts of `pack`'s checklists in `lang`, made on first use. */
export function textsOfChecklists(pack: RunbookPack, lang: Lang): ChecklistTexts {
  let byLang = checklistTexts.get(pack);
  if (!byLang) checklistTexts.set(pack, (byLang = {}));
  return (byLang[lang] ??= makeChecklistTexts(pack, lang));
}

function makeTypeTexts(type: FaultType, lang: Lang): TypeTexts {
  const steps = allSteps(type).map((s) => s.step);
  const numbers = new Map(steps.map((step, i) => [step.id, i + 1]));
  const lines = new Map<Step, string>();
  const procedures = new Map<Step, string>();
  for (const step of steps) {
    lines.set(step, stepLine(step, numbers, lang));
    if (step.procedure.length) procedures.set(step, procedureText(step));
  }
  const stageTitles = new Map(type.stages.map((stage) => [stage, stageTitle(stage, lang)]));
  return { numbers, lines, procedures, stageTitles };
}

function makeChecklistTexts(pack: RunbookPack, lang: Lang): ChecklistTexts {
  const items = (['immediate', 'during', 'after'] as const).flatMap((list) => pack.checklists[list].map((item) => ({ list, item })));
  const numbers = new Map(items.map((x, i) => [x.item.id, i + 1]));
  const lines = new Map(items.map(({ item }) => [item, `${numbers.get(item.id)}. ${item.id} — ${item.text[lang]}`]));
  const t = translator(lang);
  const list = t('체크리스트', 'Checklist');
  const titles = { immediate: `${list}: ${t('장애 발생 시 즉시 체크', 'Immediately')}`, during: `${list}: ${t('복구 진행 중', 'During recovery')}`, after: `${list}: ${t('복구 완료 후', 'After recovery')}` };
  return { items, numbers, lines, titles };
}

/** A step's numbered line on the card: `5. restart-predictor — Restart the predictor container (devops/backend)`. */
export function stepLine(step: Step, numbers: Map<string, number>, lang: Lang): string {
  const t = translator(lang);
  const flags = [step.destructive ? t('파괴적·2인 승인', 'destructive, two people') : '', step.mutates ? step.approvers.join('/') : ''].filter(Boolean).join(', ');
  return `${numbers.get(step.id)}. ${step.id} — ${step.title[lang]}${flags ? ` (${flags})` : ''}`;
}

/** A step's procedure as the card's detail lines, one `$ command` a line. */
export function procedureText(step: Step): string {
  return step.procedure.map((p) => `$ ${p}`).join('\n');
}

/** A recovery stage's title on the card: `Recovery stage 1: Restart the service`. */
export function stageTitle(stage: FaultType['stages'][number], lang: Lang): string {
  return translator(lang)(`복구 단계 ${stage.stage}: ${stage.title.ko}`, `Recovery stage ${stage.stage}: ${stage.title.en}`);
}

const actionLabels: Record<Lang, WeakMap<Step, string>> = { ko: new WeakMap(), en: new WeakMap() };

/** The label of a step's button (`Run check-health`, `Approve restart-predictor…`), made once per step and language. */
export function stepActionLabel(step: Step, lang: Lang): string {
  let label = actionLabels[lang].get(step);
  if (label === undefined) {
    const t = translator(lang);
    label = !step.mutates ? (step.action === 'manual' ? t(`완료: ${step.id}`, `Done: ${step.id}`) : t(`실행: ${step.id}`, `Run ${step.id}`)) : t(`승인: ${step.id}…`, `Approve ${step.id}…`);
    actionLabels[lang].set(step, label);
  }
  return label;
}

/** The steps of a fault type that a card looks for on every render. */
export interface TypeSteps {
  /** The steps that switch read-only mode, by id (temporary measures, stages, rollback; a later one wins an id). */
  readOnly: Map<string, Step>;
  /** The first temporary or stage step that switches read-only mode off. */
  readOnlyOff?: Step;
  /** The step that restores a backup (see `backupRestoreStep`). */
  backupRestore?: Step;
}

const typeSteps = new WeakMap<FaultType, TypeSteps>();

/** The steps of `type` a card looks for, found on first use. */
export function stepsOfType(type: FaultType): TypeSteps {
  let steps = typeSteps.get(type);
  if (!steps) {
    const stageSteps = type.stages.flatMap((st) => st.steps);
    steps = {
      readOnly: new Map([...type.temporary, ...stageSteps, ...type.rollback].filter((st) => st.action === 'set_read_only_mode').map((st) => [st.id, st])),
      readOnlyOff: [...type.temporary, ...stageSteps].find((st) => st.action === 'set_read_only_mode' && st.params.enabled === false),
      backupRestore: backupRestoreStep(type),
    };
    typeSteps.set(type, steps);
  }
  return steps;
}
