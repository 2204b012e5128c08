import type { Contact } from '../contacts/contact-schema.js';
import type { RunbookPack } from '../runbook/pack-schema.js';
import type { ChannelPager } from './fallback-pager.js';
import { pageText } from './page-text.js';
import { plainText } from '../markup/plain.js';
import type { PageRequest, PageResult } from './pager.js';
import { postWebhook, webhookHost, type WebhookTarget } from './webhook-post.js';

export type { WebhookFormat } from './webhook-post.js';

/** Where and how the webhook pages. */
export type WebhookPagerOptions = WebhookTarget;

/**
 * The webhook channel of a page (an SMS gateway, an on-call service): a JSON POST whose exact body
 * is signed with HMAC-SHA256 in `X-Drbot-Signature: sha256=<hex>`. Any 2xx answer counts as delivered.
 */
export class WebhookPager implements ChannelPager {
  constructor(
    private readonly options: WebhookPagerOptions,
    private readonly pack: RunbookPack,
  ) {
    if (options.format === 'drbot' && !options.secret) throw new Error('the drbot webhook format needs a secret (DRBOT_WEBHOOK_SECRET)');
    if (options.format === 'pagerduty-v2' && !options.routingKey) throw new Error('the pagerduty-v2 webhook format needs DRBOT_PAGERDUTY_ROUTING_KEY');
    new URL(options.url); // a bad URL fails here, at start, not at the first page
  }

  /** The webhook reaches everyone: the receiver decides how (phone number, on-call schedule). */
  canReach(_contact: Contact): boolean {
    return true;
  }

  async page(request: PageRequest): Promise<PageResult> {
    const payload = this.options.format === 'pagerduty-v2' ? this.pagerDutyEvent(request) : this.drbotEvent(request);
    const via = this.options.format === 'pagerduty-v2' ? 'pagerduty' : 'webhook';
    // Only the host goes into timeline details: the path or query of a webhook URL often holds a token.
    const r = await postWebhook(this.options, payload, request.signal);
    if (!r.ok) return { ok: false, channel: 'webhook', via, detail: r.detail };
    return { ok: true, channel: 'webhook', via, detail: `webhook ${webhookHost(this.options.url)} for ${request.contact.name} (HTTP ${r.status})` };
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
      summary: plainText(request.summary),
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
        custom_details: { incident: incident.id, level: request.level, role: request.role, person: contact.name, summary: plainText(request.summary) },
      },
    };
  }
}
