import { z } from 'zod';
import { INCIDENT_ID_PATTERN } from '../incident/incident-id.js';
import { Role } from '../runbook/pack-schema.js';
import { MAX_DRILL_SPEED } from '../incident/drill.js';

const Id = z.string().regex(INCIDENT_ID_PATTERN);
const OptId = Id.optional();
const Text = z.string().max(2000);
/** A step as typed: its id, a unique prefix of it, or its number on the card. */
const StepRef = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/);
const Scope = z.enum(['full', 'partial', 'feature']);
/** A target from the agent's allow-list, or a unique part of one (`20261127`, `v20250901`, `stable`). */
const Choice = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/);
/** The digest of a plan that was shown (`plan:3fa2…`). */
const Digest = z.string().regex(/^[0-9a-f]{12}$/);

/** A correction of an open incident (`/incident set`): its fault type, its impact, or when it really started. */
export const Correction = z.discriminatedUnion('field', [
  z.object({ field: z.literal('type'), type: z.number().int() }),
  z.object({ field: z.literal('impact'), scope: Scope }),
  z.object({ field: z.literal('started'), when: z.string().min(1).max(64) }),
]);
export type Correction = z.infer<typeof Correction>;

/** Every command drbot understands, as typed data: what a slash command, a mention, a button or a console line becomes. */
export const Command = z.discriminatedUnion('verb', [
  z.object({ verb: z.literal('help'), topic: z.string().optional() }),
  /** `scope` is left out when the opener did not say (the impact checklist item stays unticked). */
  z.object({ verb: z.literal('open'), type: z.number().int(), scope: Scope.optional(), note: Text }),
  z.object({ verb: z.literal('list'), all: z.boolean() }),
  z.object({ verb: z.literal('status'), id: OptId }),
  z.object({ verb: z.literal('diag'), id: OptId, step: StepRef.optional() }),
  z.object({ verb: z.literal('approve'), id: OptId, step: StepRef, choice: Choice.optional(), shown: Digest.optional(), again: z.boolean().optional() }),
  z.object({ verb: z.literal('plan'), id: OptId, step: StepRef, choice: Choice.optional() }),
  z.object({ verb: z.literal('run'), id: OptId, step: StepRef }),
  z.object({ verb: z.literal('check'), id: OptId, item: z.string().regex(/^[a-z0-9-]{1,64}$/) }),
  z.object({ verb: z.literal('ack'), id: OptId }),
  z.object({ verb: z.literal('escalate'), id: OptId }),
  z.object({ verb: z.literal('assign'), id: OptId, role: z.union([Role, z.literal('commander')]), person: z.string().min(1).max(100) }),
  z.object({ verb: z.literal('note'), id: OptId, text: Text.min(1) }),
  z.object({ verb: z.literal('resolve'), id: OptId, cause: Text }),
  z.object({ verb: z.literal('close'), id: OptId }),
  /** `add`: a line for a kept section of the post-incident report (`report [id] prevention|lessons <text>`). */
  z.object({ verb: z.literal('report'), id: OptId, add: z.object({ section: z.enum(['prevention', 'lessons']), text: Text.min(1) }).optional() }),
  z.object({ verb: z.literal('cancel'), id: OptId, reason: Text.min(1) }),
  z.object({ verb: z.literal('agents') }),
  z.object({ verb: z.literal('snapshot'), id: OptId }),
  z.object({
    verb: z.literal('checks'),
    schedule: z.enum(['weekly', 'monthly']),
    item: z.string().regex(/^[a-z0-9-]{1,64}$/).optional(),
    /** `checks done <item> <evidence…>`: records a manual item as done instead of running checks. */
    done: z.object({ item: z.string().regex(/^[a-z0-9-]{1,64}$/), evidence: Text.min(1) }).optional(),
  }),
  z.object({ verb: z.literal('notify'), id: OptId, kind: z.enum(['outage', 'recovered']), text: Text }),
  z.object({ verb: z.literal('stats'), type: z.number().int().optional() }),
  z.object({ verb: z.literal('web') }),
  z.object({
    verb: z.literal('drill'),
    drill: z.discriminatedUnion('action', [
      z.object({ action: z.literal('start'), type: z.number().int(), participants: z.array(z.string().max(200)).max(50), speed: z.number().int().min(1).max(MAX_DRILL_SPEED) }),
      z.object({ action: z.literal('end'), id: OptId }),
    ]),
  }),
  z.object({ verb: z.literal('set'), id: OptId, change: Correction }),
  z.object({ verb: z.literal('reopen'), id: Id }),
]);
export type Command = z.infer<typeof Command>;

/** A verb of the grammar. */
export type Verb = Command['verb'];

/** The command of one verb. */
export type CommandOf<V extends Verb> = Extract<Command, { verb: V }>;
