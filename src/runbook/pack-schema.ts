import { z } from 'zod';

/** Text in both languages drbot speaks; `ko` is the procedure's own wording. */
export const LocalizedText = z.object({ ko: z.string().min(1), en: z.string().min(1) }).strict();
export type LocalizedText = z.infer<typeof LocalizedText>;

/** Roles a contact can hold; they decide who is paged and who may approve. */
export const Role = z.enum(['devops', 'backend', 'it_support', 'cto']);
export type Role = z.infer<typeof Role>;

/** A symbolic parameter value: never a path or a shell string, the agent resolves it. */
const ParamValue = z.union([z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'symbolic names only: letters, digits, _ . : -'), z.number().int(), z.boolean()]);

/** Stable ids used in commands: `restart-predictor`, `db-backup-copy`. */
export const StepId = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lower-case letters, digits and dashes');

/** How the procedure document (`drbot runbook render`) prints a step; chat and the agent ignore it. */
export const StepDoc = z
  .object({
    /** The comment line above the step's lines (`# 1. 프로세스 확인`); default the step title, `null` for none. Steps in a row with the same heading share it. */
    heading: LocalizedText.nullable().optional(),
    /** Comment lines after the step's lines: what to expect, what to look for. */
    notes: z.array(LocalizedText).default([]),
    /** The step is reaching people of this role: the document lists who and how from the contact list instead of the step's lines. */
    contact: z.object({ role: Role, priority: LocalizedText.optional() }).strict().optional(),
  })
  .strict();
export type StepDoc = z.infer<typeof StepDoc>;

/** One thing to do: an agent action with symbolic params, or a manual instruction for a person. */
export const Step = z
  .object({
    id: StepId,
    title: LocalizedText,
    /** Agent action name (`process_running`, `compose_service_restart` …) or `manual` for a human-only step. */
    action: z.string().regex(/^[a-z][a-z0-9_]{1,62}$/),
    params: z.record(z.string(), ParamValue).default({}),
    /** True when the step changes the host (needs an approval). */
    mutates: z.boolean().default(false),
    /** Destructive steps need a second, different approver. */
    destructive: z.boolean().default(false),
    /** Roles allowed to approve; empty for read-only steps. */
    approvers: z.array(Role).default([]),
    /** The procedure's original command line(s), shown to people and used by the coverage test. */
    procedure: z.array(z.string()).default([]),
    /** What to do if this step goes wrong (shown in the confirm dialog). */
    rollbackPoint: LocalizedText.optional(),
    /** Seconds the agent may spend; long-running steps (retraining) set more. */
    timeoutSeconds: z.number().int().positive().max(86_400).default(60),
    /** How the procedure document prints the step. */
    doc: StepDoc.optional(),
  })
  .strict()
  .refine((s) => !s.destructive || s.mutates, { message: 'a destructive step must also be marked mutates', path: ['destructive'] })
  .refine((s) => !s.mutates || s.approvers.length > 0, { message: 'a step that changes the host must name the roles that may approve it', path: ['approvers'] });
export type Step = z.infer<typeof Step>;

/** A numbered recovery stage (단계 1–3) of one fault type. */
export const Stage = z.object({ stage: z.number().int().min(1).max(9), title: LocalizedText, steps: z.array(Step).min(1) }).strict();
export type Stage = z.infer<typeof Stage>;

/** One fault type (Type 1–5) with everything the procedure says about it. */
export const FaultType = z
  .object({
    id: z.number().int().min(1).max(99),
    emoji: z.string().min(1),
    colour: z.string().regex(/^#[0-9a-fA-F]{6}$/),
    title: LocalizedText,
    aliases: z.array(z.string().min(1)).default([]),
    symptoms: z.array(LocalizedText).min(1),
    diagnostics: z.array(Step).min(1),
    stages: z.array(Stage).min(1),
    rollback: z.array(Step).default([]),
    temporary: z.array(Step).default([]),
    portConflict: z.array(Step).default([]),
    /** Id of a diagnostic step whose success means "health check passed". */
    healthCheck: StepId.optional(),
    /** Roles paged as soon as an incident of this type opens, besides the ladder (Type 3: `[it_support]`); once each, durable like the ladder. */
    pageAtOpen: z.array(Role).default([]),
  })
  .strict();
export type FaultType = z.infer<typeof FaultType>;

/** One rung of the escalation ladder. */
export const LadderRung = z
  .object({
    level: z.number().int().min(0),
    afterMinutes: z.number().int().min(0),
    role: Role,
    title: LocalizedText,
    /** Paged automatically (a page, not only an invitation to the channel). */
    page: z.boolean().default(true),
  })
  .strict();
export type LadderRung = z.infer<typeof LadderRung>;

/** An item of a checklist or of a scheduled check. */
export const ChecklistItem = z
  .object({
    id: StepId,
    text: LocalizedText,
    action: z.string().optional(),
    params: z.record(z.string(), ParamValue).default({}),
    /** The item as the procedure document words it, when that differs from `text` (a blank to fill in). */
    document: LocalizedText.optional(),
  })
  .strict();
export type ChecklistItem = z.infer<typeof ChecklistItem>;

/** A recurring check run on a cron schedule in the pack's time zone. */
export const ScheduledCheck = z.object({ cron: z.string().min(9), title: LocalizedText, items: z.array(ChecklistItem).min(1) }).strict();
export type ScheduledCheck = z.infer<typeof ScheduledCheck>;

/** How the procedure document names a role in its contact table and steps. */
export const RoleDoc = z
  .object({
    /** The table's first column: `1차 대응`. */
    label: LocalizedText,
    /** What the person is: `DevOps 엔지니어`. */
    title: LocalizedText,
    /** Always true of the role, whoever holds it: `중대 장애 시`. */
    note: LocalizedText.optional(),
  })
  .strict();
export type RoleDoc = z.infer<typeof RoleDoc>;

/** The procedure document's own parts that are not steps: what `drbot runbook render` needs besides the procedure. */
export const PackDocument = z
  .object({
    title: LocalizedText,
    /** Date (YYYY-MM-DD) of the document version `version` names. */
    updated: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD'),
    owner: LocalizedText,
    approver: LocalizedText,
    purpose: LocalizedText,
    scope: z.array(LocalizedText).min(1),
    roles: z.partialRecord(Role, RoleDoc).default({}),
    /** The post-incident report template (Markdown), printed as a fenced block. */
    reportTemplate: LocalizedText,
    changelog: z
      .array(z.object({ version: z.string().min(1), date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), author: LocalizedText, change: LocalizedText }).strict())
      .min(1),
    /** Lines after the end mark. */
    closing: z.array(LocalizedText).default([]),
  })
  .strict();
export type PackDocument = z.infer<typeof PackDocument>;

/** A whole runbook pack: the procedure document as data. */
export const RunbookPack = z
  .object({
    pack: z.string().regex(/^[a-z0-9-]+$/),
    title: LocalizedText,
    version: z.string(),
    timeZone: z.string().default('Asia/Seoul'),
    host: z.string().default('routing-ml'),
    rto: z.object({ goalMinutes: z.number().int().positive(), limitMinutes: z.number().int().positive(), goalNote: LocalizedText.optional() }).strict(),
    rpo: z.object({ goalHours: z.number().int().positive(), limitHours: z.number().int().positive(), goalNote: LocalizedText.optional() }).strict(),
    approvalTtlMinutes: z.number().int().positive().default(15),
    ladder: z.array(LadderRung).min(1),
    types: z.array(FaultType).min(1),
    checklists: z
      .object({ immediate: z.array(ChecklistItem).min(1), during: z.array(ChecklistItem).min(1), after: z.array(ChecklistItem).min(1) })
      .strict(),
    scheduled: z.object({ weekly: ScheduledCheck, monthly: ScheduledCheck }).strict(),
    /** What the procedure document says besides the procedure (`drbot runbook render`); without it the rendering has no overview, report template or change log. */
    document: PackDocument.optional(),
  })
  .strict();
export type RunbookPack = z.infer<typeof RunbookPack>;
