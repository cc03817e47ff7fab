// Webhooks: the notification as JSON, POSTed and signed so the receiver can tell it came from
// this ARC. x-arc-signature is "sha256=" + hex HMAC-SHA256 of the exact bytes of the body with
// ARC_WEBHOOK_SECRET (or the organisation's own secret, below); x-arc-timestamp is the send time in Unix seconds. The body carries the
// notification id because a retry after a crash may deliver it twice.
import { createHmac } from 'node:crypto';
import type { Config } from '../../config.js';
import {
  UndeliverableError,
  notConfigured,
  type NotificationChannel,
  type OutboxNotification,
} from '../notification-channel.js';

export const WEBHOOK_TIMEOUT_MS = 10_000;

export function signWebhookBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function webhookBody(n: OutboxNotification): string {
  const { id, alarmId, audience, recipient, subject, body, payload, createdAt } = n;
  return JSON.stringify({
    id,
    alarmId,
    audience,
    recipient,
    subject,
    body,
    payload,
    createdAt: createdAt.toISOString(),
  });
}

type WebhookConfig = Pick<Config, 'ARC_WEBHOOK_URL' | 'ARC_WEBHOOK_SECRET'>;

/**
 * Where it goes and what signs it. The organisation's endpoint is configuration, not a row: it can
 * change after queueing. A wearer's organisation that set its own webhook gets notifications
 * about its wearers there, signed with its own secret; otherwise ARC_WEBHOOK_URL and
 * ARC_WEBHOOK_SECRET. A webhook to a contact's own URL is signed with the organisation's secret
 * when it set one (its receivers know that one), else the ARC's.
 */
function targetOf(n: OutboxNotification, config: WebhookConfig): { url: string; secret: string } {
  const own = n.organisation;
  const ownSecret = own?.webhookUrl && own.webhookSecret ? own.webhookSecret : null;
  // Never send unsigned: a receiver could not tell this ARC from anyone else.
  const secretOr = () => {
    const secret = ownSecret ?? config.ARC_WEBHOOK_SECRET;
    if (!secret) throw notConfigured('webhook', 'ARC_WEBHOOK_SECRET');
    return secret;
  };
  if (n.audience === 'organisation') {
    if (ownSecret) return { url: own!.webhookUrl!, secret: ownSecret };
    if (!config.ARC_WEBHOOK_URL) throw notConfigured('webhook', 'ARC_WEBHOOK_URL');
    return { url: config.ARC_WEBHOOK_URL, secret: secretOr() };
  }
  if (!URL.canParse(n.recipient) || !/^https?:$/.test(new URL(n.recipient).protocol)) {
    throw new UndeliverableError('webhook recipient is not an http(s) URL');
  }
  return { url: n.recipient, secret: secretOr() };
}

export function createWebhookChannel(config: WebhookConfig, options: { timeoutMs?: number } = {}): NotificationChannel {
  return {
    async send(n, sentAt) {
      const { url, secret } = targetOf(n, config);
      const body = webhookBody(n);
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-arc-signature': signWebhookBody(body, secret),
          'x-arc-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
        },
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(options.timeoutMs ?? WEBHOOK_TIMEOUT_MS),
      });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`webhook answered HTTP ${response.status}`);
    },
  };
}
