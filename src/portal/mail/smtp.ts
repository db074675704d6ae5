import nodemailer from 'nodemailer';
import type { Mailer } from './outbox.js';

/**
 * An SMTP exchange lasts at most about two minutes (30 s to connect, 30 s for the greeting, 60 s of silence at any
 * step), well within the claim a sender holds on a mail (CLAIM_MS, outbox.ts): nodemailer's own socket timeout (10
 * minutes) would outlive the claim, and another sender could then send the mail again.
 */
const TIMEOUTS = { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 };

/** A Mailer over SMTP (GRENETTE_SMTP_URL, e.g. smtp://user:pass@host:587). */
export function smtpMailer(url: string, from: string): Mailer & { close(): void } {
  const transport = nodemailer.createTransport({ url, ...TIMEOUTS });
  return {
    async send(mail) {
      await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text });
    },
    close: () => transport.close(),
  };
}
