// Writing alarms: raising one (from a device event or from the clock), attaching a repeat
// activation, and the operator side under a row lock so that two operators accepting at the same
// moment are served one after the other.
import { randomUUID } from 'node:crypto';
import type { Sql, TransactionSql } from 'postgres';
import type { AlarmState, ClosureCode } from '../rules/alarm-lifecycle.js';
import type { Actor } from './audit-log.js';
import { policeColumns, policeOf, type PoliceRow } from './organisation-store.js';
import { asReal } from './single-precision.js';

type Db = Sql | TransactionSql;

export interface NewAlarm {
  /** Chosen by the caller when other statements in its transaction name the alarm before it is back. */
  id?: string;
  deviceId: string;
  wearerId: string | null;
  type: string;
  priority: number;
  receivedAt: Date;
  position: { lat: number; lon: number; acc?: number | null } | null;
  discreet: boolean;
  flags: Record<string, unknown>;
  isTest: boolean;
  sessionNote?: string | null;
  acceptDueAt: Date;
  /** Goes straight to the operator who already holds an open alarm of this wearer. */
  owner?: { id: string; linkedTo: string } | null;
}

export async function insertAlarm(tx: Db, alarm: NewAlarm): Promise<string> {
  const [row] = await tx<{ id: string }[]>`
    insert into alarms (id, device_id, wearer_id, type, priority, received_at, lat, lon, acc, discreet, flags,
                        is_test, session_note, accept_due_at, status, accepted_by, accepted_at, linked_to)
    values (${alarm.id ?? randomUUID()}, ${alarm.deviceId}, ${alarm.wearerId}, ${alarm.type}, ${alarm.priority}, ${alarm.receivedAt},
            ${alarm.position?.lat ?? null}, ${alarm.position?.lon ?? null}, ${asReal(alarm.position?.acc)},
            ${alarm.discreet}, ${tx.json(alarm.flags as never)}, ${alarm.isTest}, ${alarm.sessionNote ?? null},
            ${alarm.acceptDueAt}, ${alarm.owner ? 'accepted' : 'raised'}, ${alarm.owner?.id ?? null},
            ${alarm.owner ? alarm.receivedAt : null}, ${alarm.owner?.linkedTo ?? null})
    returning id`.execute();
  return row.id;
}

/**
 * A repeat activation: one more press on the same alarm, its priority raised if higher. The
 * condition is active again (a device that went quiet, was heard, and went quiet again).
 */
export async function attachActivation(tx: Db, alarmId: string, priority: number, flags: Record<string, unknown>): Promise<void> {
  await tx`update alarms set activations = activations + 1, priority = least(priority, ${priority}),
             condition = 'active', cleared_at = null, flags = (flags - 'clearedBy') || ${tx.json(flags as never)}
           where id = ${alarmId}`.execute();
}

export interface OpenAlarmOfWearer {
  id: string;
  type: string;
  priority: number;
  ownerId: string | null;
  linkedTo: string | null;
}

/** The wearer's open alarms, most urgent first (what a new event from them is compared with). */
export async function openAlarmsOfWearer(tx: Db, wearerId: string): Promise<OpenAlarmOfWearer[]> {
  return tx<OpenAlarmOfWearer[]>`
    select id, type, priority, accepted_by as owner_id, linked_to from alarms
    where wearer_id = ${wearerId} and status <> 'resolved' order by priority, received_at`.execute();
}

export interface LockedAlarm {
  state: AlarmState;
  ownerId: string | null;
}

export async function lockAlarm(tx: TransactionSql, alarmId: string): Promise<LockedAlarm | null> {
  // Lock first, read after: a row lock that waited re-reads the alarm but not rows joined to it
  // (PostgreSQL's re-check keeps the joined rows of its first look), so the owner's name must
  // be read once the lock is ours.
  if ((await tx`select 1 from alarms where id = ${alarmId} for update`).length === 0) return null;
  const [row] = await tx<
    ({
      status: AlarmState['status'];
      ownerId: string | null;
      ownerName: string | null;
      verified: AlarmState['verified'];
      closureCode: ClosureCode | null;
      isTest: boolean;
      wearerId: string | null;
      silent: boolean;
    } & PoliceRow)[]
  >`
    select a.status, a.accepted_by as owner_id, u.name as owner_name, a.verified, a.closure_code, a.is_test,
           a.wearer_id, ${policeColumns(tx)},
           -- Silent: this alarm is a duress alarm, or one is still open on its device (spec, "Commands").
           (coalesce((a.flags->>'silent')::boolean, false) or exists (
              select 1 from alarms d where d.device_id = a.device_id and d.status <> 'resolved'
                and coalesce((d.flags->>'silent')::boolean, false))) as silent
    from alarms a left join users u on u.id = a.accepted_by left join wearers w on w.id = a.wearer_id
         left join organisations o on o.id = w.organisation_id
    where a.id = ${alarmId}`;
  if (!row) return null;
  // The police details in force: the wearer's own URN, else their organisation's.
  const police = row.wearerId ? policeOf(row) : null;
  return {
    ownerId: row.ownerId,
    state: {
      status: row.status,
      owner: row.ownerId ? { id: row.ownerId, name: row.ownerName ?? '' } : null,
      verified: row.verified,
      closureCode: row.closureCode,
      isTest: row.isTest,
      silent: row.silent,
      mandatoryStepsOpen: [],
      wearer: police && { urn: police.urn, policeWithdrawn: police.policeWithdrawn, policeWithdrawnReason: police.policeWithdrawnReason },
    },
  };
}

/** Writes the operator side of an alarm after an action; times are the ARC's. */
export async function saveOperatorSide(tx: TransactionSql, alarmId: string, before: AlarmState, after: AlarmState, actor: Actor, at: Date): Promise<void> {
  const ownerChanged = before.owner?.id !== after.owner?.id;
  const nowResolved = before.status !== 'resolved' && after.status === 'resolved';
  await tx`
    update alarms set
      status = ${after.status},
      accepted_by = ${after.owner?.id ?? null},
      accepted_at = case when ${ownerChanged} and accepted_at is null then ${at}::timestamptz else accepted_at end,
      verified = ${after.verified},
      closure_code = ${after.closureCode},
      resolved_at = case when ${nowResolved} then ${at}::timestamptz else resolved_at end,
      resolved_by = case when ${nowResolved} then ${actor.id}::uuid else resolved_by end
    where id = ${alarmId}`;
}

export async function recordAlarmAction(
  tx: Db,
  alarmId: string,
  actor: Actor,
  kind: string,
  detail: Record<string, unknown>,
  at: Date,
): Promise<void> {
  await tx`insert into alarm_actions (alarm_id, at, actor_id, actor, kind, detail)
           values (${alarmId}, ${at}, ${actor.id}, ${actor.name}, ${kind}, ${tx.json(detail as never)})`;
}

export interface AlarmActionEntry {
  id: string;
  at: Date;
  actor: string;
  kind: string;
  detail: Record<string, unknown>;
}

export async function listAlarmActions(sql: Db, alarmId: string): Promise<AlarmActionEntry[]> {
  return sql<AlarmActionEntry[]>`select id, at, actor, kind, detail from alarm_actions where alarm_id = ${alarmId} order by id`;
}
