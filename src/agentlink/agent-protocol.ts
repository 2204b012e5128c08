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
  /** Set for requests of a drill incident: only then does the agent inject faults. */
  drill: z.boolean().optional(),
  timeoutMs: z.number().int().positive().max(24 * 3600_000),
});
export type WireRequest = z.infer<typeof WireRequest>;

/** Longest result summary either side accepts (characters); the agent clips its summaries to it. */
export const SUMMARY_CAP_CHARS = 4096;

/** Output cap of every action result (64 kB). */
export const OUTPUT_CAP_BYTES = 64 * 1024;

/** An action result as it travels over the link. */
export const WireResult = z.object({
  status: z.enum(['ok', 'warn', 'fail', 'unknown']),
  summary: z.string().max(SUMMARY_CAP_CHARS),
  output: z.string().max(OUTPUT_CAP_BYTES),
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
  z.object({ type: z.literal('query'), requestId: z.string().max(128) }),
]);
export type HubMessage = z.infer<typeof HubMessage>;

/** The agent's watchdog as it reports it in hello and heartbeats (for `/incident agents`). */
export const WatchdogReport = z.object({
  /** armed: drbot reachable; waiting: unreachable, not paged yet; paging: paged since `since`. */
  state: z.enum(['armed', 'waiting', 'paging']),
  since: z.number().optional(),
  pages: z.number().int().min(0),
  lastPagedAt: z.number().optional(),
  afterMinutes: z.number().positive(),
  repeatMinutes: z.number().positive(),
  channels: z.array(z.string().max(20)).max(5),
  lastOutage: z.object({ since: z.number(), until: z.number(), pages: z.number().int().min(0) }).optional(),
});
export type WatchdogReport = z.infer<typeof WatchdogReport>;

/** How the service runs on the agent's host (agent.yaml `deployment`): the card shows the restart steps that fit. */
export const Deployment = z.enum(['docker', 'local', 'both']);
export type Deployment = z.infer<typeof Deployment>;

/** Messages from an agent to drbot. */
export const AgentMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), host: z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/), version: z.string().max(40), actions: z.array(z.string().max(64)).max(100), watchdog: WatchdogReport.optional(), deployment: Deployment.optional() }),
  z.object({ type: z.literal('heartbeat'), watchdog: WatchdogReport.optional() }),
  z.object({ type: z.literal('progress'), requestId: z.string().max(128), line: z.string().max(4096) }),
  z.object({ type: z.literal('result'), requestId: z.string().max(128), result: WireResult }),
  /** Answer to `query`: `done` with the recorded result, `running`, or `unknown` (never received, or cut short by a crash). */
  z.object({ type: z.literal('status'), requestId: z.string().max(128), state: z.enum(['done', 'running', 'unknown']), result: WireResult.optional() }),
]);
export type AgentMessage = z.infer<typeof AgentMessage>;

/** Header carrying the agent id on the WebSocket upgrade (the token goes in `Authorization: Bearer`). */
export const AGENT_ID_HEADER = 'x-drbot-agent-id';

/** Path of the agent WebSocket on drbot's HTTP server. */
export const AGENT_PATH = '/agent';

/** Longest message either side parses (characters; also the WebSocket's maxPayload in bytes). */
export const MAX_MESSAGE_CHARS = 1024 * 1024;

/** Deepest nesting of arrays and objects a message may have (a result's `data` included). */
export const MAX_MESSAGE_DEPTH = 32;

/** A message that is too large, too deeply nested, not JSON, or not of the protocol; `closeCode` is the WebSocket close code to answer with. */
export class MalformedMessage extends Error {
  constructor(
    message: string,
    readonly closeCode: 1008 | 1009,
  ) {
    super(message);
    this.name = 'MalformedMessage';
  }
}

/**
 * The deepest nesting of `[`/`{` in a JSON text, stopping as soon as it passes `limit`. Runs before
 * JSON.parse: a megabyte of nested brackets costs JSON.parse hundreds of milliseconds of a blocked loop.
 */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

function parseBounded<T>(schema: z.ZodType<T>, text: string, from: string): T {
  if (text.length > MAX_MESSAGE_CHARS) throw new MalformedMessage(`${from} sent a message of ${text.length} characters (limit ${MAX_MESSAGE_CHARS})`, 1009);
  if (jsonDepthExceeds(text, MAX_MESSAGE_DEPTH)) throw new MalformedMessage(`${from} sent a message nested deeper than ${MAX_MESSAGE_DEPTH} levels`, 1008);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new MalformedMessage(`${from} sent a message that is not JSON`, 1008);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MalformedMessage(`${from} sent a message outside the protocol (${issue ? `${issue.path.join('.') || 'message'}: ${issue.message}` : 'invalid'})`, 1008);
  }
  return parsed.data;
}

/** Parses a message from an agent (drbot's side), bounding size and nesting before JSON.parse; throws MalformedMessage. */
export function parseAgentMessage(text: string): AgentMessage {
  return parseBounded(AgentMessage, text, 'the agent');
}

/** Parses a message from drbot (the agent's side), bounding size and nesting before JSON.parse; throws MalformedMessage. */
export function parseHubMessage(text: string): HubMessage {
  return parseBounded(HubMessage, text, 'drbot');
}

/** A message transport between drbot and one agent: a WebSocket, or an in-memory pair. */
export interface LinkSocket {
  send(text: string): void;
  close(code?: number, reason?: string): void;
  /** True while messages can be sent. */
  readonly open: boolean;
  onMessage(listener: (text: string) => void): void;
  /** Called once when the link closes, with the WebSocket close code and reason when the peer gave them. */
  onClose(listener: (code?: number, reason?: string) => void): void;
}
