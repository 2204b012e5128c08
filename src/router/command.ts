import { z } from 'zod';
import { INCIDENT_ID_PATTERN } from '../incident/incident-id.js';
import { StepId, Role } from '../runbook/pack-schema.js';
import { MAX_DRILL_SPEED } from '../incident/drill.js';

const Id = z.string().regex(INCIDENT_ID_PATTERN);
const OptId = Id.optional();
const Text = z.string().max(2000);

/** Every command drbot understands, as typed data: what a slash command, a mention, a button or a console line becomes. */
export const Command = z.discriminatedUnion('verb', [
  z.object({ verb: z.literal('help'), topic: z.string().optional() }),
  z.object({ verb: z.literal('open'), type: z.number().int(), scope: z.enum(['full', 'partial', 'feature']), note: Text }),
  z.object({ verb: z.literal('list'), all: z.boolean() }),
  z.object({ verb: z.literal('status'), id: OptId }),
  z.object({ verb: z.literal('diag'), id: OptId, step: StepId.optional() }),
  z.object({ verb: z.literal('approve'), id: Id, step: StepId, again: z.boolean().optional() }),
  z.object({ verb: z.literal('run'), id: Id, step: StepId }),
  z.object({ verb: z.literal('check'), id: Id, item: z.string().regex(/^[a-z0-9-]{1,64}$/) }),
  z.object({ verb: z.literal('ack'), id: OptId }),
  z.object({ verb: z.literal('escalate'), id: OptId }),
  z.object({ verb: z.literal('assign'), id: Id, role: z.union([Role, z.literal('commander')]), person: z.string().min(1).max(100) }),
  z.object({ verb: z.literal('note'), id: Id, text: Text.min(1) }),
  z.object({ verb: z.literal('resolve'), id: OptId, cause: Text }),
  z.object({ verb: z.literal('close'), id: OptId }),
  z.object({ verb: z.literal('report'), id: OptId }),
  z.object({ verb: z.literal('cancel'), id: Id, reason: Text.min(1) }),
  z.object({ verb: z.literal('agents') }),
  z.object({ verb: z.literal('checks'), schedule: z.enum(['weekly', 'monthly']) }),
  z.object({ verb: z.literal('notify'), id: Id, kind: z.enum(['outage', 'recovered']), text: Text }),
  z.object({ verb: z.literal('stats'), type: z.number().int().optional() }),
  z.object({ verb: z.literal('web') }),
  z.object({
    verb: z.literal('drill'),
    drill: z.discriminatedUnion('action', [
      z.object({ action: z.literal('start'), type: z.number().int(), participants: z.array(z.string().max(200)).max(50), speed: z.number().int().min(1).max(MAX_DRILL_SPEED) }),
      z.object({ action: z.literal('end'), id: OptId }),
    ]),
  }),
]);
export type Command = z.infer<typeof Command>;

/** A verb of the grammar. */
export type Verb = Command['verb'];

/** The command of one verb. */
export type CommandOf<V extends Verb> = Extract<Command, { verb: V }>;
