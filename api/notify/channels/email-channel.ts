// Email over SMTP with nodemailer: plain text, from the organisation's email sender when it set
// one, else ARC_SMTP_FROM. The transport is made on the
// first send, so an ARC without ARC_SMTP_URL never opens a connection.
import { createTransport, type Transporter } from 'nodemailer';
import type { Config } from '../../config.js';
import { UndeliverableError, notConfigured, type NotificationChannel } from '../notification-channel.js';

/** Each SMTP stage gets as long as a webhook does: a stuck server must not hold the worker. */
export const SMTP_TIMEOUT_MS = 10_000;
const DEFAULT_SUBJECT = 'ArcAngel ARC notification';

type EmailConfig = Pick<Config, 'ARC_SMTP_URL' | 'ARC_SMTP_FROM'>;

export function createEmailChannel(config: EmailConfig): NotificationChannel {
  let transport: Transporter | null = null;
  return {
    async send(n) {
      if (!config.ARC_SMTP_URL) throw notConfigured('email', 'ARC_SMTP_URL');
      if (!n.recipient.includes('@')) throw new UndeliverableError('email recipient is not an address');
      transport ??= createTransport({
        url: config.ARC_SMTP_URL,
        connectionTimeout: SMTP_TIMEOUT_MS,
        greetingTimeout: SMTP_TIMEOUT_MS,
        socketTimeout: SMTP_TIMEOUT_MS,
      });
      await transport.sendMail({
        from: n.organisation?.emailSender ?? config.ARC_SMTP_FROM,
        to: n.recipient,
        subject: n.subject || DEFAULT_SUBJECT,
        text: n.body,
        // Lets a mailbox rule or a reader spot the duplicate of an at-least-once resend.
        headers: { 'x-arc-notification-id': n.id },
      });
    },
    close() {
      transport?.close();
      transport = null;
    },
  };
}
