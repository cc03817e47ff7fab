// Subject access and erasure (docs/reference/data-protection.md, "Subject access"): everything
// held on one wearer, read in one snapshot; and erasure at contract end, which deletes what identifies them and keeps their alarms
// anonymised for the statistics the retention period still requires.
import type { Sql, TransactionSql } from 'postgres';

type Db = Sql | TransactionSql;

/** The fixes stored while a device was the wearer's (migration 012_device_wearer_history). */
const fixesOfWearer = (sql: Db, wearerId: string) => sql`
  select f.id from device_wearer_periods p
  join fixes f on f.device_id = p.device_id and f.id > p.from_fix_id and (p.until_fix_id is null or f.id < p.until_fix_id)
  where p.wearer_id = ${wearerId}`;

export interface WearerExport {
  exportedAt: string;
  wearer: Record<string, unknown>;
  organisation: { id: string; name: string } | null;
  devices: Record<string, unknown>[];
  carers: Record<string, unknown>[];
  contacts: Record<string, unknown>[];
  responsePlan: unknown;
  zones: Record<string, unknown>[];
  positions: Record<string, unknown>[];
  amberSessions: Record<string, unknown>[];
  checkinShifts: Record<string, unknown>[];
  alarms: Record<string, unknown>[];
  events: Record<string, unknown>[];
  actions: Record<string, unknown>[];
  notifications: Record<string, unknown>[];
  earlyHelpReviews: Record<string, unknown>[];
  /** The nights with a fix away from home (counts only, no positions), kept for the early-help review. */
  nightsAway: Record<string, unknown>[];
  /** Their alarms counted per month for the early-help review (the insight rollup). */
  signalMonths: Record<string, unknown>[];
  /** Who looked at or changed anything of theirs: the audit entries about them, their alarms and devices. */
  audit: Record<string, unknown>[];
}

/** null when there is no such wearer. Run in a repeatable-read transaction: one consistent snapshot. */
export async function exportWearer(sql: Sql, wearerId: string, now: Date): Promise<WearerExport | null> {
  return (await sql.begin('isolation level repeatable read read only', async (tx) => {
    const [wearer] = await tx`
      select id, name, profile, notes, medical_notes, safe_pin_hash is not null as has_safe_pin,
             duress_pin_hash is not null as has_duress_pin, urn, police_withdrawn, police_withdrawn_reason,
             low_battery_percent, carers_edit_safe_zones, organisation_id, response_plan, created_at
      from wearers where id = ${wearerId}`;
    if (!wearer) return null;
    const { responsePlan, ...profile } = wearer;
    const [organisation] = wearer.organisationId
      ? await tx<{ id: string; name: string }[]>`select id, name from organisations where id = ${wearer.organisationId}`
      : [];
    const devices = await tx`
      select d.id, d.label, d.wearer_id = ${wearerId} as current, p.from_fix_id, p.until_fix_id
      from device_wearer_periods p join devices d on d.id = p.device_id
      where p.wearer_id = ${wearerId} order by p.from_fix_id`;
    const alarmIds = (await tx<{ id: string }[]>`select id from alarms where wearer_id = ${wearerId}`).map((a) => a.id);
    const deviceIds = devices.map((d) => d.id as string);
    const [
      carers,
      contacts,
      zones,
      positions,
      amberSessions,
      checkinShifts,
      alarms,
      events,
      actions,
      notifications,
      earlyHelpReviews,
      nightsAway,
      signalMonths,
      audit,
    ] = await Promise.all([
      tx`select u.id, u.name, u.email from carer_links l join users u on u.id = l.carer_id where l.wearer_id = ${wearerId} order by u.name`,
      tx`select id, position, name, relationship, phone, email, hours, carer_id, created_at from contacts where wearer_id = ${wearerId} order by position`,
      tx`select id, name, kind, shape, active_hours, enabled, created_at from geofences where wearer_id = ${wearerId} order by created_at`,
      tx`select f.device_id, f.ts, f.received_at, f.lat, f.lon, f.acc, f.alt, f.speed, f.heading, f.batt, f.src
         from fixes f where f.id in (${fixesOfWearer(tx, wearerId)}) order by f.ts`,
      tx`select id, device_id, note, started_at, due_at, ended_at, end_reason, alarm_id from amber_sessions where wearer_id = ${wearerId} order by started_at`,
      tx`select id, device_id, interval_s, grace_s, started_at, started_by, last_checkin_at, ended_at, missed_alarm_id from checkin_shifts where wearer_id = ${wearerId} order by started_at`,
      tx`select id, device_id, type, priority, status, condition, received_at, lat, lon, acc, discreet, flags, is_test, session_note,
                accepted_at, resolved_at, closure_code, verified, resolution_note, escalation_level, linked_to
         from alarms where wearer_id = ${wearerId} order by received_at`,
      tx`select alarm_id, device_id, event_key, type, ts, received_at, payload from events where alarm_id = any(${alarmIds}::uuid[]) order by id`,
      tx`select alarm_id, at, actor, kind, detail from alarm_actions where alarm_id = any(${alarmIds}::uuid[]) order by id`,
      tx`select alarm_id, channel, recipient, audience, subject, body, created_at, delivered_at, failed_at from notifications
         where alarm_id = any(${alarmIds}::uuid[]) order by id`,
      tx`select month, outcome, note, reviewer, reviewed_at from early_help_reviews where wearer_id = ${wearerId} order by reviewed_at`,
      tx`select to_char(night_date, 'YYYY-MM-DD') as night, night_hours, time_zone, night_fixes, away_fixes from insight_night_away
         where wearer_id = ${wearerId} order by night_date, time_zone, night_hours`,
      tx`select to_char(month, 'YYYY-MM') as month, time_zone, falls, sos, no_motion, missed_checkins, false_alarms, low_battery, silent_device
         from insight_signal_months where wearer_id = ${wearerId} order by month, time_zone`,
      tx`select at, actor, action, target, detail from audit_log
         where target = ${wearerId} or target = any(${alarmIds}) or target = any(${deviceIds})
            or detail->>'wearerId' = ${wearerId} or coalesce(detail->'wearerIds', '[]') ? ${wearerId}
         order by id`,
    ]);
    return {
      exportedAt: now.toISOString(),
      wearer: profile,
      organisation: organisation ?? null,
      devices,
      carers,
      contacts,
      responsePlan,
      zones,
      positions,
      amberSessions,
      checkinShifts,
      alarms,
      events,
      actions,
      notifications,
      earlyHelpReviews,
      nightsAway,
      signalMonths,
      audit,
    } as WearerExport;
  })) as WearerExport | null;
}

export type Erasure =
  | { ok: true; alarmsAnonymised: number; positionsDeleted: number; devicesReleased: string[] }
  | { ok: false; reason: 'not_found' | 'open_alarm' };

/**
 * Erases a wearer in the caller's transaction. Their alarms stay, anonymised: type, priority,
 * times, who handled them, closure and verification (the statistics of BS 8484 and the SLA);
 * positions, notes, plans, flags, the events and messages sent go. Everything else of theirs is
 * deleted: profile, PINs, contacts, zones, carer links, positions, sessions, reviews, and the
 * insight counts of them (nights away, monthly signals).
 */
export async function eraseWearer(tx: TransactionSql, wearerId: string): Promise<Erasure> {
  // The same lock the intake takes for a wearer's events: no alarm can be raised for them meanwhile.
  await tx`select pg_advisory_xact_lock(hashtext(${wearerId}))`;
  const [wearer] = await tx`select id from wearers where id = ${wearerId} for update`;
  if (!wearer) return { ok: false, reason: 'not_found' };
  const [open] = await tx`select 1 from alarms where wearer_id = ${wearerId} and status <> 'resolved' limit 1`;
  if (open) return { ok: false, reason: 'open_alarm' };
  const alarmIds = (await tx<{ id: string }[]>`select id from alarms where wearer_id = ${wearerId}`).map((a) => a.id);

  const positions = await tx`delete from fixes where id in (${fixesOfWearer(tx, wearerId)}) returning 1`;
  await tx`delete from events where alarm_id = any(${alarmIds}::uuid[])`;
  await tx`delete from notifications where alarm_id = any(${alarmIds}::uuid[])`;
  // Who did what and when stays (response times); what was said or noted goes.
  await tx`update alarm_actions set detail = '{}' where alarm_id = any(${alarmIds}::uuid[])`;
  await tx`update alarms set wearer_id = null, lat = null, lon = null, acc = null, session_note = null, resolution_note = null,
                             plan = null, flags = jsonb_build_object('erased', true) ||
                               case when flags ? 'silent' then jsonb_build_object('silent', flags->'silent') else '{}'::jsonb end
           where id = any(${alarmIds}::uuid[])`;
  await tx`delete from amber_sessions where wearer_id = ${wearerId}`;
  await tx`delete from checkin_shifts where wearer_id = ${wearerId}`;
  // Devices go back to stock without the last position they held of this wearer.
  const released = await tx<{ id: string }[]>`
    update devices set wearer_id = null, fix_ts = null, fix_lat = null, fix_lon = null, fix_acc = null
    where wearer_id = ${wearerId} returning id`;
  // The audit keeps who did what to this id; what it noted of them (name, notes) goes.
  await tx`update audit_log set detail = '{"erased": true}' where target = ${wearerId}`;
  // Contacts, zones, carer links, device periods, reviews and the insight counts of them (nights
  // away, monthly signals) go with the row (on delete cascade).
  await tx`delete from wearers where id = ${wearerId}`;
  return {
    ok: true,
    alarmsAnonymised: alarmIds.length,
    positionsDeleted: positions.length,
    devicesReleased: released.map((d) => d.id),
  };
}
