/** Platform-neutral message model: adapters render it as Block Kit, an Adaptive Card or plain text. */

/** Status marks shown beside list items. */
export type Mark = 'ok' | 'warn' | 'fail' | 'pending' | 'running' | 'done' | 'todo' | 'info';

/** A button; `command` is the typed command it stands for, so a click and typing are the same thing. */
export interface ViewAction {
  label: string;
  command: string;
  style?: 'primary' | 'danger';
  /**
   * Shown before the command runs (what will run, where, and the rollback point). Where a platform's
   * dialog holds less than `text`, it shows what fits and then `more` (where the rest is), never a silent cut.
   */
  confirm?: { title: string; text: string; confirm: string; deny: string; more?: string };
}

/** One list line, optionally with a mark, details and its own action. */
export interface ListItem {
  text: string;
  mark?: Mark;
  detail?: string;
  action?: ViewAction;
}

/** The building blocks of a view. */
export type Block =
  | { type: 'text'; text: string }
  | { type: 'fields'; fields: { label: string; value: string }[] }
  | { type: 'list'; title?: string; items: ListItem[] }
  | { type: 'code'; text: string }
  | { type: 'divider' }
  | { type: 'actions'; actions: ViewAction[] }
  | ChoicesBlock;

/**
 * One of several targets to pick (a select menu on Slack, an Input.ChoiceSet on Teams, numbered
 * commands on the console). Each option is the typed command it stands for, so picking one and
 * typing it are the same thing.
 */
export interface ChoicesBlock {
  type: 'choices';
  title: string;
  /** Shown in an empty menu. */
  placeholder: string;
  /** The button that sends the picked option where a platform needs one (Teams). */
  submit: string;
  options: { label: string; command: string; selected?: boolean }[];
}

/** A whole message: an incident card, a reply, a page. */
export interface View {
  /** Stable id of the thing this view shows (`incident:INC-…`), so adapters can update it in place. */
  key?: string;
  header?: { title: string; emoji?: string; colour?: string };
  blocks: Block[];
  /** One-line plain summary for notifications and fallbacks. */
  summary: string;
}

/** A view made only when an adapter shows it, and then once (the incident card most answers come with). */
export interface LazyView {
  /** The key the view will have (`incident:INC-…`). */
  readonly key: string;
  /** Builds the view on first call; later calls get the same one. */
  render(): Promise<View>;
}

/** Makes a LazyView that builds with `build` at most once. */
export function lazyView(key: string, build: () => Promise<View>): LazyView {
  let built: Promise<View> | undefined;
  return { key, render: () => (built ??= build()) };
}

/** A handler's answer: views to show, and whether only the asker should see them. */
export interface Reply {
  views: View[];
  /**
   * The incident's card, shown after `views` by adapters that show it (the console; Slack for a
   * typed command; Teams when the answer is only the card). Adapters with a live card elsewhere skip
   * it, and then it is never built.
   */
  card?: LazyView;
  /** True when this command opened the incident (or is a platform's retry of the command that did). */
  opened?: boolean;
  /** Show only to the person who asked (Slack ephemeral); errors and refusals are private. */
  private?: boolean;
  /**
   * Must reach the asker alone even where a platform cannot hide a reply in a shared conversation
   * (a sign-in link): Teams sends it to the person's personal chat instead of the channel.
   */
  personal?: boolean;
  /** The incident the reply is about, so adapters can link it to its thread and card. */
  incidentId?: string;
  /** True when the command was refused or malformed; nothing changed. */
  refused?: boolean;
  /**
   * A file the answer brings to the incident (a log snapshot): Slack uploads it into the incident's
   * channel, Teams posts it under the incident's card, the console shows where it is on the host.
   * Its content is already scrubbed and bounded by whoever made it.
   */
  file?: ReplyFile;
}

/** A text file a reply carries to the incident. */
export interface ReplyFile {
  filename: string;
  title: string;
  content: string;
}

/** Every view of a reply in the order shown, the card (built now) last: what an adapter that shows everything renders. */
export async function replyViews(reply: Reply): Promise<View[]> {
  return reply.card ? [...reply.views, await reply.card.render()] : reply.views;
}

/** A one-block reply. */
export function textReply(text: string, options: { private?: boolean; refused?: boolean; incidentId?: string } = {}): Reply {
  return { views: [{ blocks: [{ type: 'text', text }], summary: text.split('\n')[0] ?? text }], ...options };
}
