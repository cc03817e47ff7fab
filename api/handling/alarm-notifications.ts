// Who is told about an alarm outside the console, written to the outbox in the transaction that
// raised or escalated it: carers in plain words (never duress, never a test, never notes), and
// supervisors when an alarm is still not accepted at its second deadline.
import type { TransactionSql } from 'postgres';
import { carerMessage } from '../notify/carer-message.js';
import { carerAlarmKind } from '../rules/carer-alarm-words.js';
import { enqueueNotification } from '../notify/outbox.js';
import { recordAlarmAction } from '../store/alarm-store.js';
import { ARC_ACTOR } from '../domain/actor.js';

export async function notifyCarers(tx: TransactionSql, alarmId: string, now: Date, publicUrl: string): Promise<number> {
  const [alarm] = await tx<
    {
      type: string;
      wearerId: string | null;
      wearerName: string | null;
      receivedAt: Date;
      lat: number | null;
      lon: number | null;
      isTest: boolean;
      silent: boolean;
    }[]
  >`
    select a.type, a.wearer_id, w.name as wearer_name, a.received_at, a.lat, a.lon, a.is_test,
           coalesce((a.flags->>'silent')::boolean, false) as silent
    from alarms a left join wearers w on w.id = a.wearer_id where a.id = ${alarmId}`;
  if (!alarm || !alarm.wearerId || alarm.isTest || alarm.silent) return 0;
  const message = carerMessage({
    wearerName: alarm.wearerName ?? 'your relative',
    alarmType: alarm.type,
    receivedAt: alarm.receivedAt,
    position: alarm.lat === null || alarm.lon === null ? null : { lat: alarm.lat, lon: alarm.lon },
    carerViewUrl: `${publicUrl.replace(/\/$/, '')}/carer.html#wearer=${alarm.wearerId}`,
  });
  if (!message) return 0;
  // Each carer's preferences (carer view): which kinds of alarm, by email or text; none set = all, by email.
  const kind = carerAlarmKind(alarm.type);
  const linked = await tx<
    { email: string; channel: 'email' | 'sms' | null; phone: string | null; kinds: string[] | null }[]
  >`
    select u.email, p.channel, p.phone, p.kinds from carer_links l join users u on u.id = l.carer_id
    left join carer_preferences p on p.carer_id = u.id
    where l.wearer_id = ${alarm.wearerId} and not u.disabled`;
  const carers = linked.filter((c) => kind !== null && (c.kinds === null || c.kinds.includes(kind)));
  for (const carer of carers) {
    const byText = carer.channel === 'sms' && carer.phone !== null;
    await enqueueNotification(tx, {
      alarmId,
      channel: byText ? 'sms' : 'email',
      recipient: byText ? carer.phone! : carer.email,
      audience: 'carer',
      subject: message.subject,
      body: message.body,
      now,
    });
  }
  if (carers.length) await recordAlarmAction(tx, alarmId, ARC_ACTOR, 'carers.notified', { count: carers.length }, now);
  return carers.length;
}

export async function notifySupervisors(
  tx: TransactionSql,
  alarmId: string,
  now: Date,
  options: { publicUrl: string; webhookUrl: string | null },
): Promise<void> {
  const [alarm] = await tx<
    {
      type: string;
      priority: number;
      wearerName: string | null;
      receivedAt: Date;
      organisationWebhookUrl: string | null;
    }[]
  >`
    select a.type, a.priority, w.name as wearer_name, a.received_at, o.webhook_url as organisation_webhook_url
    from alarms a left join wearers w on w.id = a.wearer_id left join organisations o on o.id = w.organisation_id
    where a.id = ${alarmId}`;
  if (!alarm) return;
  const waited = Math.round((now.getTime() - alarm.receivedAt.getTime()) / 1000);
  const subject = `Unanswered ${alarm.type} alarm (priority ${alarm.priority}) for ${alarm.wearerName ?? 'an unassigned device'}: ${waited} s`;
  const body = `${subject}. Nobody has accepted it. Open the console: ${options.publicUrl.replace(/\/$/, '')}/`;
  // Supervisors serving every organisation, or the alarm's among a chosen set (docs organisations.md).
  const supervisors = await tx<{ email: string }[]>`
    select email from users u where role = 'supervisor' and not disabled
      and (not exists (select 1 from staff_organisations s where s.user_id = u.id)
           or exists (select 1 from staff_organisations s join alarms a on a.organisation_id = s.organisation_id where s.user_id = u.id and a.id = ${alarmId}))`;
  for (const s of supervisors) {
    await enqueueNotification(tx, {
      alarmId,
      channel: 'email',
      recipient: s.email,
      audience: 'supervisor',
      subject,
      body,
      now,
    });
  }
  // The wearer's organisation's own webhook when it set one, else the ARC's.
  const webhookUrl = alarm.organisationWebhookUrl ?? options.webhookUrl;
  if (webhookUrl) {
    await enqueueNotification(tx, {
      alarmId,
      channel: 'webhook',
      recipient: webhookUrl,
      audience: 'organisation',
      subject,
      body,
      payload: { event: 'alarm.unanswered', alarmId, waitedS: waited },
      now,
    });
  }
}
