import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { resolveActor, type Actor } from '../../src/app/actor.js';
import type { AppContext } from '../../src/app/drbot-module.js';
import { formatTime } from '../../src/i18n/format-time.js';
import type { TimelineEntry } from '../../src/incident/incident.js';
import { renderText } from '../../src/views/render-text.js';
import { plainText } from '../../src/markup/plain.js';
import { replyViews, type Reply } from '../../src/views/view.js';
import { translator } from '../../src/i18n/lang.js';

/**
 * Console mode: one command per line from stdin, replies on stdout, the same grammar as Slack
 * and Teams. `/iam <contact name>` switches who you are (a console is a trusted local terminal);
 * lines starting with `#` are comments. Things drbot does on its own (pages, alarms, reminders)
 * are printed as they happen.
 */
export class ConsoleAdapter {
  private actor: Actor;
  private readonly handling = new Set<Promise<unknown>>();

  constructor(
    private readonly app: AppContext,
    private readonly output: Writable,
    initialUser?: string,
  ) {
    const { contacts } = app.runtime;
    const name = initialUser ?? contacts.withRole('devops')[0]?.name ?? contacts.all()[0]?.name ?? 'console';
    this.actor = resolveActor(contacts, 'console', name, name);
    app.runtime.events.onTimeline((entry) => this.onTimeline(entry));
  }

  /** Who the console is acting as. */
  get currentActor(): Actor {
    return this.actor;
  }

  /** Prints one line (used by the console pager and the scheduler's notices). Everything the console shows passes here: control and bidi characters out, secrets scrubbed. */
  print(text: string): void {
    const safe = plainText(text);
    this.output.write(safe.endsWith('\n') ? safe : safe + '\n');
  }

  /** Reads commands until end of input; resolves once every command has been answered. */
  async run(input: Readable): Promise<void> {
    const rl = createInterface({ input, crlfDelay: Infinity, terminal: false });
    for await (const raw of rl) {
      const line = raw.trim();
      if (!line || line.startsWith('#')) continue;
      await this.handle(line);
    }
  }

  /**
   * Resolves once no line is being handled, or at `deadline` (epoch ms). A reply's card is built
   * after the router has answered, so a graceful shutdown waits here before it closes the store.
   */
  async idle(deadline: number): Promise<void> {
    while (this.handling.size) {
      const left = deadline - Date.now();
      if (left <= 0) return;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...this.handling]), new Promise((r) => (timer = setTimeout(r, left)))]);
      clearTimeout(timer);
    }
  }

  /** Handles one line: identity switches here, everything else through the router. */
  async handle(line: string): Promise<Reply | undefined> {
    const work = this.handleLine(line);
    this.handling.add(work);
    try {
      return await work;
    } finally {
      this.handling.delete(work);
    }
  }

  private async handleLine(line: string): Promise<Reply | undefined> {
    const t = translator(this.app.runtime.lang);
    const iam = /^\/?(iam|whoami)\b\s*(.*)$/i.exec(line);
    if (iam) {
      const name = iam[2]!.trim();
      if (iam[1]!.toLowerCase() === 'iam' && name) {
        const next = resolveActor(this.app.runtime.contacts, 'console', name, name);
        if (!next.contact) {
          this.print(t(`연락처에 "${name.slice(0, 40)}"이(가) 없습니다.`, `No contact named "${name.slice(0, 40)}".`));
          return undefined;
        }
        this.actor = next;
      }
      this.print(t(`현재 사용자: ${this.actor.name} (${this.actor.roles.join(', ') || '역할 없음'})`, `You are ${this.actor.name} (${this.actor.roles.join(', ') || 'no roles'})`));
      return undefined;
    }
    const reply = await this.app.router.dispatch(line, this.actor, { channel: 'console' });
    this.print((await replyViews(reply)).map(renderText).join('\n\n') + '\n');
    return reply;
  }

  private onTimeline(entry: TimelineEntry): void {
    // Commands already print their own answer; show what drbot does on its own.
    if (entry.actor !== 'drbot') return;
    this.print(`[${formatTime(entry.at, this.app.runtime.timeZone)}] ${entry.incidentId} ${entry.kind}: ${entry.text}`);
  }
}
