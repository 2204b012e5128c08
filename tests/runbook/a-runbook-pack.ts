import { stringify } from 'yaml';

/** Plain data as it would appear in a pack's YAML (before zod fills defaults). */
type Data = Record<string, unknown>;

const text = (en: string): Data => ({ ko: `${en} (ko)`, en });

/** Builds one step: `aStep('restart-predictor').withAction('compose_service_restart', { service: 'predictor' }).mutating()`. */
export class StepBuilder {
  private readonly data: Data;

  constructor(id: string) {
    this.data = { id, title: text(id), action: 'ping', params: { host: 'frontend' } };
  }

  withAction(action: string, params: Data = {}): this {
    this.data.action = action;
    this.data.params = params;
    return this;
  }

  withId(id: string): this {
    this.data.id = id;
    return this;
  }

  mutating(approvers: string[] = ['devops']): this {
    this.data.mutates = true;
    this.data.approvers = approvers;
    return this;
  }

  destructive(approvers: string[] = ['devops', 'cto']): this {
    this.mutating(approvers);
    this.data.destructive = true;
    return this;
  }

  with(field: string, value: unknown): this {
    this.data[field] = value;
    return this;
  }

  build(): Data {
    return structuredClone(this.data);
  }
}

/** A read-only ping step unless told otherwise. */
export function aStep(id = 'ping-host'): StepBuilder {
  return new StepBuilder(id);
}

type Section = 'diagnostics' | 'rollback' | 'temporary' | 'portConflict';

/** Builds one fault type with a health-check diagnostic and a one-step stage 1. */
export class FaultTypeBuilder {
  private readonly data: Data;
  private readonly sections: Record<Section, StepBuilder[]> = { diagnostics: [], rollback: [], temporary: [], portConflict: [] };
  private readonly stages = new Map<number, StepBuilder[]>();

  constructor(id: number) {
    this.data = { id, emoji: '🔴', colour: '#E01E5A', title: text(`type ${id}`), aliases: [`alias-${id}`], symptoms: [text('it is down')], healthCheck: 'check-health' };
    this.sections.diagnostics.push(aStep('check-health').withAction('http_health', { target: 'backend' }));
    this.stages.set(1, [aStep('restart-predictor').withAction('compose_service_restart', { service: 'predictor' }).mutating(['devops', 'backend'])]);
  }

  withAliases(...aliases: string[]): this {
    this.data.aliases = aliases;
    return this;
  }

  withHealthCheck(stepId: string | undefined): this {
    this.data.healthCheck = stepId;
    return this;
  }

  withDiagnostic(step: StepBuilder): this {
    this.sections.diagnostics.push(step);
    return this;
  }

  withStageStep(stage: number, step: StepBuilder): this {
    this.stages.set(stage, [...(this.stages.get(stage) ?? []), step]);
    return this;
  }

  withRollback(step: StepBuilder): this {
    this.sections.rollback.push(step);
    return this;
  }

  withTemporary(step: StepBuilder): this {
    this.sections.temporary.push(step);
    return this;
  }

  withPortConflict(step: StepBuilder): this {
    this.sections.portConflict.push(step);
    return this;
  }

  build(): Data {
    const stages = [...this.stages.entries()].map(([stage, steps]) => ({ stage, title: text(`stage ${stage}`), steps: steps.map((s) => s.build()) }));
    const sections = Object.fromEntries(Object.entries(this.sections).map(([name, steps]) => [name, steps.map((s) => s.build())]));
    return { ...structuredClone(this.data), ...sections, stages };
  }
}

/** A fault type with the given id. */
export function aFaultType(id = 1): FaultTypeBuilder {
  return new FaultTypeBuilder(id);
}

type ChecklistName = 'immediate' | 'during' | 'after';

/** Builds a whole small pack: two fault types, a four-rung ladder, one item per checklist. */
export class RunbookPackBuilder {
  private types: FaultTypeBuilder[] = [aFaultType(1), aFaultType(2)];
  private ladder: Data[] = [
    { level: 0, afterMinutes: 0, role: 'devops', title: text('devops') },
    { level: 1, afterMinutes: 30, role: 'backend', title: text('backend') },
    { level: 2, afterMinutes: 60, role: 'it_support', title: text('it') },
    { level: 3, afterMinutes: 120, role: 'cto', title: text('cto') },
  ];
  private readonly checklists: Record<ChecklistName, Data[]> = {
    immediate: [{ id: 'record-time', text: text('record the time') }],
    during: [{ id: 'cause-identified', text: text('cause identified') }],
    after: [{ id: 'service-verified', text: text('service verified') }],
  };
  private readonly scheduled: Record<'weekly' | 'monthly', Data> = {
    weekly: { cron: '0 10 * * 1', title: text('weekly'), items: [{ id: 'health-endpoint', text: text('health'), action: 'http_health', params: { target: 'backend' } }] },
    monthly: { cron: '0 10 1 * *', title: text('monthly'), items: [{ id: 'dr-drill', text: text('drill') }] },
  };
  private extra: Data = {};

  withTypes(...types: FaultTypeBuilder[]): this {
    this.types = types;
    return this;
  }

  withLadder(...rungs: { level: number; afterMinutes: number }[]): this {
    this.ladder = rungs.map((r, i) => ({ ...r, role: 'devops', title: text(`rung ${i}`) }));
    return this;
  }

  withChecklistItem(list: ChecklistName, item: Data): this {
    this.checklists[list].push({ text: text(String(item.id)), ...item });
    return this;
  }

  withScheduledItem(check: 'weekly' | 'monthly', item: Data): this {
    (this.scheduled[check].items as Data[]).push({ text: text(String(item.id)), ...item });
    return this;
  }

  withCron(check: 'weekly' | 'monthly', cron: string): this {
    this.scheduled[check].cron = cron;
    return this;
  }

  with(field: string, value: unknown): this {
    this.extra[field] = value;
    return this;
  }

  build(): Data {
    return structuredClone({
      pack: 'test-pack',
      title: text('test pack'),
      version: '1.0',
      timeZone: 'Asia/Seoul',
      rto: { goalMinutes: 240, limitMinutes: 480 },
      rpo: { goalHours: 24, limitHours: 72 },
      ladder: this.ladder,
      types: this.types.map((t) => t.build()),
      checklists: this.checklists,
      scheduled: this.scheduled,
      ...this.extra,
    });
  }

  toYaml(): string {
    return stringify(this.build());
  }
}

/** A small valid pack to break one field at a time. */
export function aRunbookPack(): RunbookPackBuilder {
  return new RunbookPackBuilder();
}
