import nodemailer, { type Transporter } from 'nodemailer';
import { plainText } from '../markup/plain.js';

/** One plain-text email. */
export interface MailMessage {
  to: string[];
  subject: string;
  text: string;
  /** Extra headers (e.g. `X-Drbot-Incident`), so mail rules can sort pages and notices. */
  headers?: Record<string, string>;
}

/** Sends email; throws when the server does not accept the message. */
export interface Mailer {
  /** Sends one message and returns the server's answer (message id, accepted recipients). */
  send(message: MailMessage): Promise<string>;
  close(): void;
}

/** Options of the SMTP mailer. */
export interface SmtpMailerOptions {
  /** Sender address, e.g. `drbot <drbot@example.com>`. */
  from: string;
  /** Longest the server may take to connect, greet or answer, in milliseconds. */
  timeoutMs: number;
}

/**
 * Email over SMTP with nodemailer. `SMTP_URL` is `smtp://user:pass@host:587` (STARTTLS when the
 * server offers it) or `smtps://…:465`; the password never appears in errors or logs.
 */
export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(
    url: string,
    private readonly options: SmtpMailerOptions,
  ) {
    this.transport = nodemailer.createTransport({
      url,
      connectionTimeout: options.timeoutMs,
      greetingTimeout: options.timeoutMs,
      socketTimeout: options.timeoutMs,
      dnsTimeout: options.timeoutMs,
      logger: false,
      debug: false,
    });
  }

  async send(message: MailMessage): Promise<string> {
    try {
      const info = await this.transport.sendMail({
        from: this.options.from,
        to: message.to,
        // Every email drbot sends (pages, notices) passes here: invisible characters out, secrets scrubbed.
        subject: plainText(message.subject).replace(/\n/g, ' '),
        text: plainText(message.text),
        headers: message.headers,
      });
      const rejected = (info.rejected ?? []).map(String);
      if (rejected.length && !(info.accepted ?? []).length) throw new Error(`SMTP server rejected ${rejected.join(', ')}`);
      return `accepted by SMTP server (${String(info.messageId ?? '')})`;
    } catch (err) {
      throw new Error(`SMTP: ${smtpErrorText(err)}`, { cause: err });
    }
  }

  close(): void {
    this.transport.close();
  }
}

/** A short reason without the connection URL (which may hold a password). */
function smtpErrorText(err: unknown): string {
  const e = err as { code?: string; responseCode?: number; response?: string; message?: string };
  if (e.responseCode) return `${e.responseCode} ${String(e.response ?? '').slice(0, 200)}`;
  return `${e.code ? e.code + ' ' : ''}${String(e.message ?? err).replace(/\/\/[^@/\s]*@/g, '//[redacted]@').slice(0, 200)}`;
}
