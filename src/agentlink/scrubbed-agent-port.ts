import { scrubText } from '../logging/scrub-secrets.js';
import { cleanText } from '../markup/clean-text.js';
import type { ActionRequest, ActionResult } from './agent-port.js';
import { ForwardingAgentPort } from './forwarding-agent-port.js';

/**
 * Where host output enters drbot: every result (summary, output, data), progress line and error
 * message of an agent request is cleaned of control and bidi characters and scrubbed of secrets
 * (`scrubText`: credential shapes and drbot's own secret values) before anything stores, posts,
 * reports or renders it. The renderers scrub again on the way out; this keeps secrets out of the
 * database too.
 */
export class ScrubbedAgentPort extends ForwardingAgentPort {
  override async run(request: ActionRequest, onProgress?: (line: string) => void): Promise<ActionResult> {
    try {
      const result = await this.inner.run(request, onProgress && ((line) => onProgress(scrubHostText(line))));
      return {
        ...result,
        summary: scrubHostText(result.summary),
        output: scrubHostText(result.output),
        ...(result.data !== undefined ? { data: scrubData(result.data) } : {}),
      };
    } catch (err) {
      if (err instanceof Error) err.message = scrubHostText(err.message);
      throw err;
    }
  }
}

/** Host text as drbot keeps it: invisible characters removed, secrets scrubbed. */
export function scrubHostText(text: string): string {
  return scrubText(cleanText(String(text)));
}

/** Scrubs every string inside structured data (a JSON value from the agent), keys included. */
export function scrubData(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubHostText(value);
  if (depth > 32 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => scrubData(v, depth + 1));
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [scrubHostText(k), scrubData(v, depth + 1)]));
}
