import type { Actor } from '../app/actor.js';
import type { Runtime } from '../app/runtime.js';
import type { Lang } from '../i18n/lang.js';
import type { Logger } from '../logging/create-logger.js';
import type { Reply } from '../views/view.js';
import type { CommandOf, Verb } from './command.js';

/** Where a command came from on its platform, for idempotency and threading. */
export interface CommandOrigin {
  /** Stable id of the platform event (Slack trigger id, Teams activity id); retries share it. */
  eventId?: string;
  /** The channel/conversation the command was typed in. */
  channel?: string;
}

/** The small context every handler gets: the command, who asked, where, and the runtime. */
export interface HandlerContext<V extends Verb = Verb> {
  command: CommandOf<V>;
  actor: Actor;
  origin: CommandOrigin;
  lang: Lang;
  /** The services and ports (the incident service, the step runner, the store …). */
  runtime: Runtime;
  /** Logger tagged with the command and, when known, the incident id. */
  log: Logger;
  /** Picks the message in the context's language. */
  t(ko: string, en: string): string;
}

/** A verb's handler: does the work and phrases the answer. Expected refusals are replies, not exceptions. */
export type Handler<V extends Verb = Verb> = (ctx: HandlerContext<V>) => Promise<Reply>;

/** Handlers by verb. */
export type HandlerTable = { [V in Verb]?: Handler<V> };

/** The context without its command: what helpers shared by several handlers need. */
export type ServiceContext = Omit<HandlerContext, 'command'>;
