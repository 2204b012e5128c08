import { z } from 'zod';

/** Scalar parameter value: symbolic names, numbers and flags only. */
const ParamValue = z.union([z.string().max(200), z.number(), z.boolean()]);

/** One action request as it travels over the link. */
export const WireRequest = z.object({
  requestId: z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/),
  host: z.string().max(128),
  action: z.string().max(64),
  params: z.record(z.string().max(64), ParamValue),
  incidentId: z.string().max(64).optional(),
  approvalId: z.string().max(128).optional(),
  timeoutMs: z.number().int().positive().max(24 * 3600_000),
});
export type WireRequest = z.infer<typeof WireRequest>;

/** An action result as it travels over the link. */
export const WireResult = z.object({
  status: z.enum(['ok', 'warn', 'fail', 'unknown']),
  summary: z.string(),
  output: z.string(),
  data: z.unknown().optional(),
  /** Set when the agent refused to run the request at all (and why, as a code). */
  refused: z.enum(['unknown-action', 'bad-params', 'not-allowed', 'needs-approval', 'duplicate', 'ledger-unavailable']).optional(),
});
export type WireResult = z.infer<typeof WireResult>;

/** Messages from drbot to an agent. */
export const HubMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('welcome'), heartbeatMs: z.number().int().positive() }),
  /** Answer to the agent's heartbeat, so the agent notices a link that went silent. */
  z.object({ type: z.literal('heartbeat') }),
  z.object({ type: z.literal('run'), request: WireRequest }),
  /** Asks what became of a request sent before the link dropped; never runs it. */
  z.object({ type: z.literal('query'), requestId: z.string() }),
]);
export type HubMessage = z.infer<typeof HubMessage>;

/** Messages from an agent to drbot. */
export const AgentMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), host: z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/), version: z.string().max(40), actions: z.array(z.string().max(64)).max(100) }),
  z.object({ type: z.literal('heartbeat') }),
  z.object({ type: z.literal('progress'), requestId: z.string(), line: z.string().max(4096) }),
  z.object({ type: z.literal('result'), requestId: z.string(), result: WireResult }),
  /** Answer to `query`: `done` with the recorded result, `running`, or `unknown` (never received, or cut short by a crash). */
  z.object({ type: z.literal('status'), requestId: z.string(), state: z.enum(['done', 'running', 'unknown']), result: WireResult.optional() }),
]);
export type AgentMessage = z.infer<typeof AgentMessage>;

/** Header carrying the agent id on the WebSocket upgrade (the token goes in `Authorization: Bearer`). */
export const AGENT_ID_HEADER = 'x-drbot-agent-id';

/** Path of the agent WebSocket on drbot's HTTP server. */
export const AGENT_PATH = '/agent';

/** Output cap of every action result (64 kB). */
export const OUTPUT_CAP_BYTES = 64 * 1024;

/** A message transport between drbot and one agent: a WebSocket, or an in-memory pair. */
export interface LinkSocket {
  send(text: string): void;
  close(code?: number, reason?: string): void;
  /** True while messages can be sent. */
  readonly open: boolean;
  onMessage(listener: (text: string) => void): void;
  onClose(listener: () => void): void;
}
