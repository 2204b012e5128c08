import type { ResponseMessage } from './response-url.js';

/** How long a slash command's ack waits for its answer to ride in it; Slack wants the ack within 3 s. */
export const ACK_ANSWER_BUDGET_MS = 1_000;

/** What a slash command's ack says: nothing, or a message Slack shows as the answer. */
export type AckBody = Omit<ResponseMessage, 'replace_original'> | undefined;

/**
 * The HTTP answer to one slash command, held open until its answer is ready or the budget runs
 * out, whichever comes first. An answer ready in time is the ack's body (Slack shows it as the
 * command's answer); later ones go to the response_url. Answering in the ack saves a second HTTP
 * request per command (the response_url post cost drbot more of its main thread than routing and
 * rendering `status` did: slack-ack bench), and a status answer needs no way out of the internal
 * network at all. Settles exactly once.
 */
export class AckSlot {
  private settled = false;
  private readonly timer?: NodeJS.Timeout;

  constructor(
    /** Sends the ack; false when it could not (the request is gone), so an answer goes to the response_url instead. */
    private readonly send: (body: AckBody) => boolean | void,
    budgetMs = ACK_ANSWER_BUDGET_MS,
  ) {
    if (budgetMs <= 0) this.close();
    else this.timer = setTimeout(() => this.close(), budgetMs);
  }

  /** Acks with the answer; false when the ack already went (the caller posts to the response_url). */
  offer(message: NonNullable<AckBody>): boolean {
    if (this.settled) return false;
    return this.settle(message);
  }

  /** Acks with nothing, unless the ack already went. */
  close(): void {
    if (!this.settled) this.settle(undefined);
  }

  get open(): boolean {
    return !this.settled;
  }

  private settle(body: AckBody): boolean {
    this.settled = true;
    clearTimeout(this.timer);
    return this.send(body) !== false;
  }
}
