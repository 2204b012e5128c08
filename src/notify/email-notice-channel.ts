import type { NoticeChannel, UserNotice } from './notice-channel.js';
import type { Mailer } from './smtp-mailer.js';

/** Notices to the users' mailing list (`notices.emails`) over SMTP. */
export class EmailNoticeChannel implements NoticeChannel {
  readonly name = 'email';

  constructor(
    private readonly mailer: Mailer,
    private readonly recipients: readonly string[],
  ) {
    if (!recipients.length) throw new Error('an email notice channel needs at least one address (notices.emails)');
  }

  async post(notice: UserNotice): Promise<string> {
    await this.mailer.send({
      to: [...this.recipients],
      subject: notice.subject,
      text: notice.text,
      headers: { 'X-Drbot-Incident': notice.incidentId, 'X-Drbot-Notice': notice.kind },
    });
    return `email to ${this.recipients.join(', ')}`;
  }
}
