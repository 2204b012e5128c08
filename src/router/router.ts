import { randomUUID } from 'node:crypto';
import { isStoreUnavailable } from '../store/store-error.js';
import type { Actor } from '../app/actor.js';
import type { Runtime } from '../app/runtime.js';
import { pick, translator } from '../i18n/lang.js';
import { textReply, type Reply } from '../views/view.js';
import { Command, type Verb } from './command.js';
import { GRAMMAR, isParseError, verbSpec, type Access, type VerbSpec } from './grammar.js';
import type { CommandOrigin, Handler, HandlerContext, HandlerTable } from './handler.js';
import { tokenize } from './tokenize.js';

/**
 * Turns a line of text from any platform into a typed command, checks who may run it, and calls
 * its handler. It never throws: bad input gets its usage, unexpected failures a short apology with
 * an error id that is in the log.
 */
export class Router {
  private closing = false;
  private readonly inFlight = new Set<Promise<Reply>>();

  constructor(
    private readonly runtime: Runtime,
    private readonly handlers: HandlerTable,
    private readonly grammar: readonly VerbSpec[] = GRAMMAR,
  ) {}

  /** The verbs that have a handler, in grammar order. */
  verbs(): VerbSpec[] {
    return this.grammar.filter((v) => this.handlers[v.verb]);
  }

  /** False once drbot is shutting down: adapters may stop offering work; dispatch answers with a refusal. */
  get accepting(): boolean {
    return !this.closing;
  }

  /** Stops taking commands (graceful shutdown): later ones are answered "drbot is shutting down" and change nothing. */
  stopAccepting(): void {
    this.closing = true;
  }

  /** Waits for the commands in flight to finish, up to `deadline` (epoch ms); true when none is left. */
  async drain(deadline: number): Promise<boolean> {
    while (this.inFlight.size) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => (timer = setTimeout(r, left)))]);
      clearTimeout(timer);
    }
    return true;
  }

  /** Parses and runs one command line as `actor`. */
  async dispatch(line: string, actor: Actor, origin: CommandOrigin = {}): Promise<Reply> {
    if (this.closing) {
      const text = this.runtime.lang === 'ko' ? 'drbot이 종료 중입니다. 잠시 후 다시 시도하세요 (아무것도 바뀌지 않았습니다).' : 'drbot is shutting down; try again in a moment (nothing was changed).';
      this.runtime.metrics?.observeCommand('shutdown', 'refused', 0);
      return textReply(text, { private: true, refused: true });
    }
    const run = this.run(line, actor, origin);
    this.inFlight.add(run);
    try {
      return await run;
    } finally {
      this.inFlight.delete(run);
    }
  }

  private async run(line: string, actor: Actor, origin: CommandOrigin): Promise<Reply> {
    const started = performance.now();
    const lang = this.runtime.lang;
    const t = translator(lang);
    const tokens = tokenize(line);
    const done = (verb: string, reply: Reply, outcome?: 'ok' | 'refused' | 'error') => {
      this.runtime.metrics?.observeCommand(verb, outcome ?? (reply.refused ? 'refused' : 'ok'), performance.now() - started);
      return reply;
    };
    if (!tokens.ok) {
      const msg =
        tokens.reason === 'empty'
          ? t('명령이 비어 있습니다. `/incident help`를 입력하세요.', 'The command is empty. Type `/incident help`.')
          : t('명령이 너무 깁니다 (최대 4000자).', 'The command is too long (4000 characters at most).');
      return done('invalid', textReply(msg, { private: true, refused: true }));
    }
    const spec = verbSpec(tokens.verb, this.verbs());
    if (!spec) {
      const shown = tokens.verb.slice(0, 40);
      return done('invalid', textReply(t(`알 수 없는 명령 "${shown}". \`/incident help\`로 명령 목록을 보세요.`, `Unknown command "${shown}". Type \`/incident help\` for the list.`), { private: true, refused: true }));
    }
    const parsed = spec.parse(tokens.args, this.runtime.pack);
    if (isParseError(parsed)) return done(spec.verb, textReply(`${pick(lang, parsed)}\n${t('사용법', 'Usage')}: ${spec.usage}`, { private: true, refused: true }));
    const checked = Command.safeParse(parsed);
    if (!checked.success) return done(spec.verb, textReply(`${t('사용법', 'Usage')}: ${spec.usage}`, { private: true, refused: true }));
    const command = checked.data;
    const denied = this.denied(spec.access, actor);
    if (denied) return done(spec.verb, textReply(denied, { private: true, refused: true }));

    const id = 'id' in command ? command.id : undefined;
    const log = this.runtime.log.child({ verb: command.verb, actor: actor.name, platform: actor.platform, ...(id ? { incidentId: id } : {}) });
    const ctx: HandlerContext = { command, actor: { ...actor, via: { channel: origin.channel, eventId: origin.eventId } }, origin, lang, runtime: this.runtime, log, t };
    try {
      const handler = this.handlers[command.verb] as Handler<Verb>;
      const reply = await handler(ctx);
      // The child logger already carries a typed id; add the one the reply names (open) only when it does not, so the key is not written twice.
      log.info({ refused: reply.refused ?? false, ...(!id && reply.incidentId ? { incidentId: reply.incidentId } : {}) }, 'command handled');
      return done(command.verb, reply);
    } catch (err) {
      const errorId = randomUUID().slice(0, 8);
      if (isStoreUnavailable(err)) {
        // PostgreSQL failing over or briefly unreachable: each write is one transaction, so what did not commit is not there
        log.warn({ err: (err as Error).message, errorId }, 'command failed: the store does not answer');
        return done(
          command.verb,
          textReply(
            t(
              `저장소(데이터베이스)가 지금 응답하지 않습니다 (오류 ID ${errorId}). 커밋되지 않은 변경은 남지 않습니다. drbot이 다시 연결을 시도하니 잠시 후 다시 실행하세요.`,
              `The store (database) does not answer right now (error id ${errorId}); nothing uncommitted was kept. drbot keeps retrying the connection: run the command again in a moment.`,
            ),
            { private: true, refused: true },
          ),
          'error',
        );
      }
      log.error({ err, errorId }, 'command failed unexpectedly');
      return done(
        command.verb,
        textReply(t(`명령 처리 중 오류가 발생했습니다 (오류 ID ${errorId}). 변경 사항이 있다면 타임라인을 확인하세요.`, `Something went wrong handling the command (error id ${errorId}); check the timeline for what changed.`), {
          private: true,
          refused: true,
        }),
        'error',
      );
    }
  }

  private denied(access: Access, actor: Actor): string | undefined {
    const t = translator(this.runtime.lang);
    if (access === 'anyone') return undefined;
    if (!actor.roles.length) {
      return t(
        `${actor.name}님은 연락처(config/contacts.yaml)에 없어 이 명령을 쓸 수 없습니다. DevOps 팀에 등록을 요청하세요.`,
        `${actor.name} is not on the contact list (config/contacts.yaml), so this command is not allowed. Ask the DevOps team to add you.`,
      );
    }
    if (access === 'contact') return undefined;
    if (access.some((r) => actor.roles.includes(r))) return undefined;
    return t(`이 명령은 ${access.join(' / ')} 역할만 쓸 수 있습니다 (보유: ${actor.roles.join(', ')}).`, `Only ${access.join(' or ')} may use this command (you hold ${actor.roles.join(', ')}).`);
  }
}
