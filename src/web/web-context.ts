import type { Lang } from '../i18n/lang.js';
import type { RunbookPack } from '../runbook/pack-schema.js';

/** What every page is rendered with: language, time zone, the pack, the moment, and who is looking. */
export interface WebContext {
  lang: Lang;
  timeZone: string;
  pack: RunbookPack;
  now: number;
  /** The signed-in contact's name. */
  user: string;
  /** Set when the page was asked for in a language other than the configured one (`?lang=`): links keep it. */
  langParam?: Lang;
}

/** A link inside the web view that keeps the `?lang=` the page was asked for. */
export function webHref(ctx: Pick<WebContext, 'langParam'>, path: string): string {
  return ctx.langParam ? `${path}${path.includes('?') ? '&' : '?'}lang=${ctx.langParam}` : path;
}
