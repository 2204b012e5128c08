import { readCappedBody } from '../http/read-capped-body.js';
import type { Contact } from '../contacts/contact-schema.js';
import type { RunbookPack } from '../runbook/pack-schema.js';
import type { ChannelPager } from './fallback-pager.js';
import { pageText } from './page-text.js';
import type { PageRequest, PageResult } from './pager.js';
import { signWebhookBody, WEBHOOK_SIGNATURE_HEADER } from './webhook-signature.js';

/** Body shapes the webhook can send: drbot's own, or a PagerDuty Events API v2 `trigger`. */
export type WebhookFormat = 'drbot' | 'pagerduty-v2';

/** Where and how the webhook pages. */
export interface WebhookPagerOptions {
  url: string;
  /** HMAC-SHA256 key of the `X-Drbot-Signature` header (`DRBOT_WEBHOOK_SECRET`); required for the drbot format. */
  secret?: string;
  format: WebhookFormat;
  /** PagerDuty integration key (`DRBOT_PAGERDUTY_ROUTING_KEY`), for the pagerduty-v2 format. */
  routingKey?: string;
  /** Injected for tests; the global fetch by default. */
  fetch?: typeof fetch;
}

/**
 * The webhook channel of a page (an SMS gateway, an on-call service): a JSON POST whose exact body
 * is signed with HMAC-SHA256 in `X-Drbot-Signature: sha256=<hex>`. Any 2xx answer counts as delivered.
 */
export class WebhookPager implements ChannelPager {
  private readonly fetch: typeof fetch;
  private readonly host: string;

  constructor(
    private readonly options: WebhookPagerOptions,
    private readonly pack: RunbookPack,
  ) {
    if (options.format === 'drbot' && !options.secret) throw new Error('the drbot webhook format needs a secret (DRBOT_WEBHOOK_SECRET)');
    if (options.format === 'pagerduty-v2' && !options.routingKey) throw new Error('the pagerduty-v2 webhook format needs DRBOT_PAGERDUTY_ROUTING_KEY');
    this.fetch = options.fetch ?? globalThis.fetch;
    // Only the host goes into timeline details: the path or query of a webhook URL often holds a token.
    this.host = new URL(options.url).host;
  }

  /** The webhook reaches everyone: the receiver decides how (phone number, on-call schedule). */
  canReach(_contact: Contact): boolean {
    return true;
  }

  async page(request: PageRequest): Promise<PageResult> {
    const body = JSON.stringify(this.options.format === 'pagerduty-v2' ? this.pagerDutyEvent(request) : this.drbotEvent(request));
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'drbot' };
    if (this.options.secret) headers[WEBHOOK_SIGNATURE_HEADER] = signWebhookBody(body, this.options.secret);
    const via = this.options.format === 'pagerduty-v2' ? 'pagerduty' : 'webhook';
    try {
      const res = await this.fetch(this.options.url, { method: 'POST', headers, body, signal: request.signal });
      const answer = (await readCappedBody(res, 1024).catch(() => ({ text: '' }))).text.slice(0, 200);
      if (!res.ok) return { ok: false, channel: 'webhook', via, detail: `webhook ${this.host} answered HTTP ${res.status}${answer ? ': ' + answer : ''}` };
      return { ok: true, channel: 'webhook', via, detail: `webhook ${this.host} for ${request.contact.name} (HTTP ${res.status})` };
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      const reason = e.name === 'AbortError' ? 'abandoned at its deadline' : (e.cause?.code ?? e.cause?.message ?? e.message);
      return { ok: false, channel: 'webhook', via, detail: `webhook ${this.host}: ${reason}` };
    }
  }

  private drbotEvent(request: PageRequest) {
    const { incident, contact } = request;
    const { subject, body, title } = pageText(request, this.pack);
    return {
      event: 'page',
      incident: { id: incident.id, type: incident.type, title, scope: incident.scope, status: incident.status, openedAt: new Date(incident.openedAt).toISOString() },
      level: request.level,
      role: request.role,
      contact: { name: contact.name, phone: contact.phone, email: contact.email },
      subject,
      text: body,
      summary: request.summary,
      lang: request.lang,
    };
  }

  private pagerDutyEvent(request: PageRequest) {
    const { incident, contact } = request;
    const { subject } = pageText(request, this.pack);
    return {
      routing_key: this.options.routingKey,
      event_action: 'trigger',
      dedup_key: `${incident.id}:${request.level}:${contact.name}`.slice(0, 255),
      client: 'drbot',
      payload: {
        summary: subject.slice(0, 1024),
        source: incident.host,
        severity: 'critical',
        timestamp: new Date(incident.openedAt).toISOString(),
        component: this.pack.pack,
        group: request.role,
        class: `type${incident.type}`,
        custom_details: { incident: incident.id, level: request.level, role: request.role, person: contact.name, summary: request.summary },
      },
    };
  }
}
