import { z } from 'zod';

/**
 * One delivery to Slack, described by what it is for rather than the API call, so a delivery
 * retried later from the outbox renders the incident as it is then (the newest card, the
 * thread that exists by then).
 */
export const SlackOp = z.discriminatedUnion('kind', [
  /** Create the incident's channel and card, or update the card in place. */
  z.object({ kind: z.literal('card'), incidentId: z.string(), fallbackChannel: z.string().optional() }),
  /** A line in the card's thread. */
  z.object({ kind: z.literal('thread'), incidentId: z.string(), text: z.string(), fallbackChannel: z.string().optional() }),
  /** A direct message (pages). */
  z.object({ kind: z.literal('dm'), user: z.string(), text: z.string(), incidentId: z.string().optional() }),
  /** A rendered message to a channel (the ops channel, user notices). */
  z.object({ kind: z.literal('post'), channel: z.string(), text: z.string(), blocks: z.array(z.looseObject({ type: z.string() })).optional() }),
  /** Upload the incident report into its channel. */
  z.object({ kind: z.literal('report'), incidentId: z.string() }),
  /** Upload a text file a command brought to the incident (a log snapshot) into its channel, under the card. */
  z.object({ kind: z.literal('file'), incidentId: z.string(), filename: z.string(), title: z.string(), content: z.string(), fallbackChannel: z.string().optional() }),
]);
export type SlackOp = z.infer<typeof SlackOp>;

/** Outbox dedupe key: one pending card refresh per incident is enough (it renders the newest state). */
export function opDedupeKey(op: SlackOp): string | undefined {
  return op.kind === 'card' ? `slack:card:${op.incidentId}` : op.kind === 'report' ? `slack:report:${op.incidentId}` : undefined;
}
