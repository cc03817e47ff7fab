// What the worker hands a channel and what a channel promises back. A channel resolves when the
// outside world took the message and throws when it did not; the worker decides about retries.

export const CHANNELS = ['webhook', 'email', 'sms'] as const;
export type ChannelName = (typeof CHANNELS)[number];

export const AUDIENCES = ['contact', 'carer', 'supervisor', 'organisation'] as const;
export type Audience = (typeof AUDIENCES)[number];

/** One outbox row, as a channel sends it. */
export interface OutboxNotification {
  id: string;
  alarmId: string | null;
  channel: ChannelName;
  recipient: string;
  audience: Audience;
  subject: string;
  body: string;
  payload: Record<string, unknown>;
  createdAt: Date;
  /** Attempts so far, counting the one under way. */
  attempts: number;
  /**
   * The settings of the organisation the alarm's wearer belongs to, read at send time like the
   * configuration (each one set replaces the ARC's); null or absent: the ARC's configuration.
   */
  organisation?: OrganisationChannels | null;
}

export interface OrganisationChannels {
  webhookUrl: string | null;
  webhookSecret: string | null;
  smsSender: string | null;
  emailSender: string | null;
}

export interface NotificationChannel {
  send(notification: OutboxNotification, sentAt: Date): Promise<void>;
  /** Let go of connections (an SMTP pool); called when the worker stops. */
  close?(): void;
}

export type NotificationChannels = Record<ChannelName, NotificationChannel>;

/**
 * A failure that trying again cannot fix: the channel is not configured, or the recipient is
 * not something the channel can send to. The worker fails such a notification at once, keeping
 * the message as last_error so the console shows why nobody was told.
 */
export class UndeliverableError extends Error {}

/** Why a channel cannot send until someone sets a configuration key. */
export const notConfigured = (channel: ChannelName, key: string) =>
  new UndeliverableError(`${channel} is not configured: set ${key}`);
