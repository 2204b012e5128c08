import { randomUUID } from 'node:crypto';
import type { WireRequest } from '../../src/agentlink/agent-protocol.js';

/** A request to the agent with sensible defaults: a fresh id, host routing-ml, 10 s timeout. */
export function aRequest(action: string, params: WireRequest['params'] = {}, extra: Partial<WireRequest> = {}): WireRequest {
  return { requestId: `req-${randomUUID()}`, host: 'routing-ml', action, params, timeoutMs: 10_000, ...extra };
}
