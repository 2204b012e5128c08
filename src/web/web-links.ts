import type { DrbotConfig } from '../config/load-config.js';
import { WebLinkSigner } from './web-link-signer.js';

/** Sign-in links to the web view: `<publicUrl>/web/login?t=<signed token>`, valid 12 hours. */
export class WebLinks {
  constructor(
    readonly signer: WebLinkSigner,
    private readonly baseUrl: string,
  ) {}

  /** The links of this configuration; undefined when the web view is off or has no DRBOT_WEB_SECRET (proxy sign-in only). */
  static fromConfig(config: Pick<DrbotConfig, 'web' | 'port' | 'tls' | 'env'>): WebLinks | undefined {
    const secret = config.env.DRBOT_WEB_SECRET;
    if (!config.web.enabled || !secret) return undefined;
    const base = config.web.publicUrl ?? `${config.tls ? 'https' : 'http'}://localhost:${config.port}`;
    return new WebLinks(new WebLinkSigner(secret), base.replace(/\/+$/, ''));
  }

  /** A sign-in link for a contact. */
  signInUrl(contactName: string): string {
    return `${this.baseUrl}/web/login?t=${this.signer.linkToken(contactName)}`;
  }

  /** The address of an incident's page (after signing in). */
  incidentUrl(incidentId: string): string {
    return `${this.baseUrl}/web/incidents/${encodeURIComponent(incidentId)}`;
  }
}
