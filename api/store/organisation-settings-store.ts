// An organisation's own settings: its notification channels (webhook URL and secret, SMS sender,
// email sender) and its default response plan per wearer profile. The webhook secret is read
// here only for signing (channelsOfAlarms); what the API shows says whether one is set.
import type { Sql, TransactionSql } from 'postgres';
import { ResponsePlan } from '../rules/response-plan.js';
import type { WearerProfile } from './wearer-store.js';

type Db = Sql | TransactionSql;

import type { OrganisationChannels } from '../notify/notification-channel.js';

export type { OrganisationChannels };

/** The channels as the API shows them: never the secret. */
export interface ChannelSettings {
  webhookUrl: string | null;
  webhookSecretSet: boolean;
  smsSender: string | null;
  emailSender: string | null;
}

export type ChannelChanges = Partial<OrganisationChannels>;

export const shownChannels = (c: OrganisationChannels): ChannelSettings => ({
  webhookUrl: c.webhookUrl,
  webhookSecretSet: c.webhookSecret !== null,
  smsSender: c.smsSender,
  emailSender: c.emailSender,
});

/** null when there is no such organisation; `lock` holds the row for a change. */
export async function getChannels(sql: Db, organisationId: string, lock = false): Promise<OrganisationChannels | null> {
  const [row] = await sql<OrganisationChannels[]>`
    select webhook_url, webhook_secret, sms_sender, email_sender from organisations where id = ${organisationId}
    ${lock ? sql`for update` : sql``}`;
  return row ?? null;
}

export async function setChannels(sql: Db, organisationId: string, changes: ChannelChanges): Promise<void> {
  if (Object.keys(changes).length === 0) return;
  await sql`update organisations set ${sql(changes as never)} where id = ${organisationId}`;
}

/** The organisation channels in force for each alarm (the organisation it was raised in). */
export async function channelsOfAlarms(
  sql: Db,
  alarmIds: readonly string[],
): Promise<Map<string, OrganisationChannels>> {
  if (alarmIds.length === 0) return new Map();
  const rows = await sql<(OrganisationChannels & { alarmId: string })[]>`
    select a.id as alarm_id, o.webhook_url, o.webhook_secret, o.sms_sender, o.email_sender
    from alarms a join organisations o on o.id = a.organisation_id
    where a.id = any(${alarmIds as string[]}::uuid[])`;
  return new Map(rows.map(({ alarmId, ...channels }) => [alarmId, channels]));
}

export type DefaultPlans = Partial<Record<WearerProfile, ResponsePlan>>;

/** The organisation's own default plans, by profile (a profile it has not set is absent). */
export async function getDefaultPlans(sql: Db, organisationId: string): Promise<DefaultPlans> {
  const rows = await sql<{ profile: WearerProfile; plan: unknown }[]>`
    select profile, plan from organisation_response_plans where organisation_id = ${organisationId} order by profile`;
  const plans: DefaultPlans = {};
  for (const row of rows) {
    const parsed = ResponsePlan.safeParse(row.plan);
    if (parsed.success) plans[row.profile] = parsed.data;
  }
  return plans;
}

/** Sets (a plan) or clears (null) an organisation's default for a profile. */
export async function setDefaultPlan(
  sql: Db,
  organisationId: string,
  profile: WearerProfile,
  plan: ResponsePlan | null,
  now: Date,
): Promise<void> {
  if (plan === null) {
    await sql`delete from organisation_response_plans where organisation_id = ${organisationId} and profile = ${profile}`;
    return;
  }
  await sql`
    insert into organisation_response_plans (organisation_id, profile, plan, updated_at)
    values (${organisationId}, ${profile}, ${sql.json(plan as never)}, ${now})
    on conflict (organisation_id, profile) do update set plan = excluded.plan, updated_at = excluded.updated_at`;
}
