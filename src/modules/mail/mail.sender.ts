import { Injectable, Logger } from '@nestjs/common';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Resend } from 'resend';
import { AppConfig } from '../../config/app-config';
import type { RenderedEmail } from './mail.templates';

/**
 * Delivers one rendered email through the Resend SDK (base URL from RESEND_BASE_URL), or, with
 * no API key (local runs), writes it to the outbox directory and the log instead.
 */
@Injectable()
export class MailSender {
  private readonly logger = new Logger(MailSender.name);
  private readonly resend?: Resend;

  constructor(private readonly config: AppConfig) {
    const { resendApiKey, resendBaseUrl } = config.mail;
    if (resendApiKey) this.resend = new Resend(resendApiKey, { baseUrl: resendBaseUrl });
  }

  /** Returns the provider's message id; throws on any provider error so the job is retried. */
  async send(to: string, email: RenderedEmail, idempotencyKey: string): Promise<string> {
    if (!this.resend) return this.writeToOutbox(to, email, idempotencyKey);
    const { data, error } = await this.resend.emails.send(
      {
        from: this.config.mail.from,
        to,
        subject: email.subject,
        html: email.html,
        text: email.text,
        ...(email.headers ? { headers: email.headers } : {}),
      },
      { idempotencyKey },
    );
    if (error || !data) {
      throw new Error(
        `Resend refused the email: ${error?.name ?? 'unknown'}: ${error?.message ?? 'no data'}`,
      );
    }
    return data.id;
  }

  private async writeToOutbox(to: string, email: RenderedEmail, key: string): Promise<string> {
    const dir = path.resolve(this.config.mail.outboxDir);
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, `${Date.now()}-${key}.json`);
    await writeFile(file, JSON.stringify({ from: this.config.mail.from, to, ...email }, null, 2));
    this.logger.log({
      msg: 'Email written to outbox (no RESEND_API_KEY)',
      file,
      subject: email.subject,
    });
    return `outbox:${path.basename(file)}`;
  }
}
