// SMS through an HTTP gateway: POST {"to", "text"} with a bearer token, and "from" (the sender
// the message shows) when the wearer's organisation set one; without it the gateway's own default
// sender is used, as before. The gateway does the carrier side; anything but a 2xx is a failed attempt.
import type { Config } from '../../config.js';
import { notConfigured, type NotificationChannel } from '../notification-channel.js';

export const SMS_TIMEOUT_MS = 10_000;

type SmsConfig = Pick<Config, 'ARC_SMS_GATEWAY_URL' | 'ARC_SMS_GATEWAY_TOKEN'>;

export function createSmsChannel(config: SmsConfig, options: { timeoutMs?: number } = {}): NotificationChannel {
  return {
    async send(n) {
      if (!config.ARC_SMS_GATEWAY_URL) throw notConfigured('sms', 'ARC_SMS_GATEWAY_URL');
      const response = await fetch(config.ARC_SMS_GATEWAY_URL, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(config.ARC_SMS_GATEWAY_TOKEN && { authorization: `Bearer ${config.ARC_SMS_GATEWAY_TOKEN}` }),
          // Lets a gateway that supports it drop the duplicate of an at-least-once resend.
          'idempotency-key': `arc-notification-${n.id}`,
        },
        body: JSON.stringify({
          to: n.recipient,
          text: n.body,
          ...(n.organisation?.smsSender && { from: n.organisation.smsSender }),
        }),
        redirect: 'error',
        signal: AbortSignal.timeout(options.timeoutMs ?? SMS_TIMEOUT_MS),
      });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`sms gateway answered HTTP ${response.status}`);
    },
  };
}
