import { Cron } from 'croner';
import { ACTION_CATALOG, isKnownAction } from '../agent/action-catalog.js';
import type { ChecklistItem, RunbookPack, Step } from './pack-schema.js';
import { faultTypeNumber, normaliseFaultToken } from './find-fault-type.js';
import type { RunbookPackIssue } from './runbook-pack-error.js';

type Issue = { path: string; message: string };

/** Finds what the schema alone cannot: unknown actions, stray params, duplicate ids, a broken ladder, bad cron. */
export function crossCheckPack(pack: RunbookPack): RunbookPackIssue[] {
  return [
    ...checkTimeZone(pack),
    ...checkTargets(pack),
    ...checkLadder(pack),
    ...checkTypes(pack),
    ...checkChecklists(pack),
    ...checkScheduled(pack),
  ];
}

function checkTimeZone(pack: RunbookPack): Issue[] {
  try {
    new Intl.DateTimeFormat('en', { timeZone: pack.timeZone });
    return [];
  } catch {
    return [{ path: 'timeZone', message: `unknown time zone "${pack.timeZone}"; use an IANA name such as Asia/Seoul` }];
  }
}

function checkTargets(pack: RunbookPack): Issue[] {
  const issues: Issue[] = [];
  if (pack.rto.goalMinutes > pack.rto.limitMinutes) {
    issues.push({ path: 'rto.goalMinutes', message: `goal (${pack.rto.goalMinutes} min) is past the limit (${pack.rto.limitMinutes} min)` });
  }
  if (pack.rpo.goalHours > pack.rpo.limitHours) {
    issues.push({ path: 'rpo.goalHours', message: `goal (${pack.rpo.goalHours} h) is past the limit (${pack.rpo.limitHours} h)` });
  }
  return issues;
}

function checkLadder(pack: RunbookPack): Issue[] {
  const issues: Issue[] = [];
  pack.ladder.forEach((rung, i) => {
    if (rung.level !== i) {
      issues.push({ path: `ladder.${i}.level`, message: `expected level ${i}: levels run 0, 1, 2 … in order` });
    }
    if (i === 0 && rung.afterMinutes !== 0) {
      issues.push({ path: 'ladder.0.afterMinutes', message: 'level 0 is paged when the incident opens: afterMinutes must be 0' });
    }
    const previous = pack.ladder[i - 1];
    if (previous && rung.afterMinutes < previous.afterMinutes) {
      issues.push({
        path: `ladder.${i}.afterMinutes`,
        message: `${rung.afterMinutes} min comes before the previous rung's ${previous.afterMinutes} min; sort the ladder by afterMinutes`,
      });
    }
  });
  return issues;
}

const SECTIONS = ['diagnostics', 'rollback', 'temporary', 'portConflict'] as const;

function checkTypes(pack: RunbookPack): Issue[] {
  const issues: Issue[] = [];
  const typeIds = new Map<number, number>();
  const aliasOwners = new Map<string, string>();
  pack.types.forEach((type, t) => {
    const at = `types.${t}`;
    const sameId = typeIds.get(type.id);
    if (sameId === undefined) typeIds.set(type.id, t);
    else issues.push({ path: `${at}.id`, message: `duplicate type id ${type.id} (also types.${sameId}.id)` });

    type.aliases.forEach((alias, a) => {
      const key = normaliseFaultToken(alias);
      const owner = aliasOwners.get(key);
      if (faultTypeNumber(key) !== undefined) {
        issues.push({ path: `${at}.aliases.${a}`, message: `alias "${alias}" looks like a type number; type numbers are accepted already` });
      } else if (owner !== undefined) {
        issues.push({ path: `${at}.aliases.${a}`, message: `alias "${alias}" is already used at ${owner}` });
      } else {
        aliasOwners.set(key, `${at}.aliases.${a}`);
      }
    });

    const located: { path: string; step: Step }[] = [];
    for (const section of SECTIONS) {
      type[section].forEach((step, i) => located.push({ path: `${at}.${section}.${i}`, step }));
    }
    type.stages.forEach((stage, s) => stage.steps.forEach((step, i) => located.push({ path: `${at}.stages.${s}.steps.${i}`, step })));
    located.sort((x, y) => sectionOrder(x.path) - sectionOrder(y.path));

    const stepIds = new Map<string, string>();
    for (const { path, step } of located) {
      const first = stepIds.get(step.id);
      if (first === undefined) stepIds.set(step.id, path);
      else issues.push({ path: `${path}.id`, message: `step id "${step.id}" is already used in type ${type.id} at ${first}.id` });
      issues.push(...checkStep(step, path));
    }

    if (type.healthCheck !== undefined && !type.diagnostics.some((d) => d.id === type.healthCheck)) {
      const ids = type.diagnostics.map((d) => d.id).join(', ');
      issues.push({ path: `${at}.healthCheck`, message: `"${type.healthCheck}" is not a diagnostic step of type ${type.id} (diagnostics: ${ids})` });
    }

    const stageNumbers = new Set<number>();
    type.stages.forEach((stage, s) => {
      if (stageNumbers.has(stage.stage)) issues.push({ path: `${at}.stages.${s}.stage`, message: `stage ${stage.stage} appears twice in type ${type.id}` });
      stageNumbers.add(stage.stage);
    });
  });
  return issues;
}

/** Diagnostics, then stages, then rollback, temporary and port conflict: the order people read them. */
function sectionOrder(path: string): number {
  const section = path.split('.')[2] ?? '';
  return ['diagnostics', 'stages', 'rollback', 'temporary', 'portConflict'].indexOf(section);
}

function checkStep(step: Step, path: string): Issue[] {
  if (!isKnownAction(step.action)) {
    return [{ path: `${path}.action`, message: `unknown action "${step.action}"; use an action from src/agent/action-catalog.ts or "manual"` }];
  }
  const spec: { mutates: boolean; destructive?: boolean; params: readonly string[] } = ACTION_CATALOG[step.action];
  const issues = checkParams(step.action, spec.params, step.params, path);
  if (spec.mutates && !step.mutates) {
    issues.push({ path: `${path}.mutates`, message: `action ${step.action} changes the host: set mutates: true so it needs an approval` });
  }
  if (spec.destructive === true && !step.destructive) {
    issues.push({ path: `${path}.destructive`, message: `action ${step.action} is destructive: set destructive: true so it needs a second approver` });
  }
  return issues;
}

function checkParams(action: string, allowed: readonly string[], params: Record<string, unknown>, path: string): Issue[] {
  return Object.keys(params)
    .filter((name) => !allowed.includes(name))
    .map((name) => ({
      path: `${path}.params.${name}`,
      message: `action ${action} takes no parameter "${name}" (it takes: ${allowed.length === 0 ? 'none' : allowed.join(', ')})`,
    }));
}

function checkItem(item: ChecklistItem, path: string): Issue[] {
  if (item.action === undefined) {
    return Object.keys(item.params).length === 0 ? [] : [{ path: `${path}.params`, message: 'params without an action; add the action or drop the params' }];
  }
  if (!isKnownAction(item.action)) {
    return [{ path: `${path}.action`, message: `unknown action "${item.action}"; use an action from src/agent/action-catalog.ts` }];
  }
  const spec = ACTION_CATALOG[item.action];
  const issues = checkParams(item.action, spec.params, item.params, path);
  if (spec.mutates) {
    issues.push({ path: `${path}.action`, message: `action ${item.action} changes the host; checklist items run without approval, so only read-only actions are allowed` });
  }
  return issues;
}

function checkChecklists(pack: RunbookPack): Issue[] {
  const issues: Issue[] = [];
  const seen = new Map<string, string>();
  for (const list of ['immediate', 'during', 'after'] as const) {
    pack.checklists[list].forEach((item, i) => {
      const path = `checklists.${list}.${i}`;
      const first = seen.get(item.id);
      if (first === undefined) seen.set(item.id, path);
      else issues.push({ path: `${path}.id`, message: `checklist item id "${item.id}" is already used at ${first}.id` });
      issues.push(...checkItem(item, path));
    });
  }
  return issues;
}

function checkScheduled(pack: RunbookPack): Issue[] {
  const issues: Issue[] = [];
  for (const name of ['weekly', 'monthly'] as const) {
    const check = pack.scheduled[name];
    try {
      new Cron(check.cron, { paused: true }).stop();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      issues.push({ path: `scheduled.${name}.cron`, message: `invalid cron pattern "${check.cron}": ${reason}` });
    }
    const seen = new Map<string, number>();
    check.items.forEach((item, i) => {
      const path = `scheduled.${name}.items.${i}`;
      const first = seen.get(item.id);
      if (first === undefined) seen.set(item.id, i);
      else issues.push({ path: `${path}.id`, message: `item id "${item.id}" is already used at scheduled.${name}.items.${first}.id` });
      issues.push(...checkItem(item, path));
    });
  }
  return issues;
}
