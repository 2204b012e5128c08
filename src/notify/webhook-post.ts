import { readCappedBody } from '../http/read-capped-body.js';
import { signWebhookBody, WEBHOOK_SIGNATURE_HEADER } from './webhook-signature.js';

/** Body shapes the webhook can send: drbot's own (signed), or a PagerDuty Events API v2 event. */
export type WebhookFormat = 'drbot' | 'pagerduty-v2';

/** Where a webhook goes and how it is signed; shared by drbot's pager and the agent's watchdog. */
export interface WebhookTarget {
  url: string;
  /** HMAC-SHA256 key of the `X-Drbot-Signature` header (`DRBOT_WEBHOOK_SECRET`); required for the drbot format. */
  secret?: string;
  format: WebhookFormat;
  /** PagerDuty integration key (`DRBOT_PAGERDUTY_ROUTING_KEY`), for the pagerduty-v2 format. */
  routingKey?: string;
  /** Injected for tests; the global fetch by default. */
  fetch?: typeof fetch;
}

/** How one POST went; `detail` names only the receiver's host (a webhook URL's path or query often holds a token). */
export interface WebhookPostResult {
  ok: boolean;
  status?: number;
  detail: string;
}

/** The receiver's host, the only part of a webhook URL that may be shown or logged. */
export function webhookHost(url: string): string {
  return new URL(url).host;
}

/**
 * POSTs `payload` as JSON to the webhook, the exact body signed with HMAC-SHA256 in
 * `X-Drbot-Signature: sha256=<hex>` when a secret is set. Any 2xx answer counts as delivered;
 * a refusal, a network error or an abort is a failed result, never an exception.
 */
export async function postWebhook(target: WebhookTarget, payload: unknown, signal?: AbortSignal): Promise<WebhookPostResult> {
  const host = webhookHost(target.url);
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'drbot' };
  if (target.secret) headers[WEBHOOK_SIGNATURE_HEADER] = signWebhookBody(body, target.secret);
  try {
    const res = await (target.fetch ?? globalThis.fetch)(target.url, { method: 'POST', headers, body, signal });
    const answer = (await readCappedBody(res, 1024).catch(() => ({ text: '' }))).text.slice(0, 200);
    if (!res.ok) return { ok: false, status: res.status, detail: `webhook ${host} answered HTTP ${res.status}${answer ? ': ' + answer : ''}` };
    return { ok: true, status: res.status, detail: `webhook ${host} (HTTP ${res.status})` };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const reason = e.name === 'AbortError' || e.name === 'TimeoutError' ? 'abandoned at its deadline' : (e.cause?.code ?? e.cause?.message ?? e.message);
    return { ok: false, detail: `webhook ${host}: ${reason}` };
  }
}
