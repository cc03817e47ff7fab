// Writing alarms: raising one (from a device event or from the clock), attaching a repeat
// activation, and the operator side under a row lock so that two operators accepting at the same
// moment are served one after the other.
import { randomUUID } from 'node:crypto';
import type { Sql, TransactionSql } from 'postgres';
import type { AlarmState, ClosureCode } from '../rules/alarm-lifecycle.js';
import type { Actor } from './audit-log.js';
import { policeColumns, policeOf, type PoliceRow } from './organisation-store.js';
import { asReal } from './single-precision.js';
import type { AlarmActionEntry } from '../domain/alarm-detail.js';

// Defined in the core (api/domain/alarm-detail.ts); re-exported for the code that reads it from here.
export type { AlarmActionEntry };

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
export async function attachActivation(
  tx: Db,
  alarmId: string,
  priority: number,
  flags: Record<string, unknown>,
): Promise<void> {
  await tx`update alarms set activations = activations + 1, priority = least(priority, ${priority}),
             condition = 'active', cleared_at = null, flags = (flags - 'clearedBy') || ${tx.json(flags as never)}
           where id = ${alarmId}`.execute();
}

/**
 * One event or system alarm of a wearer at a time decides against their open alarms (two devices,
 * one person); statements issued after this run once it is held.
 */
export async function lockWearer(tx: TransactionSql, wearerId: string): Promise<void> {
  await tx`select pg_advisory_xact_lock(hashtext(${wearerId}))`.execute();
}

export interface DeviceAtRaise {
  /** The device is in test mode: its alarms are marked as tests. */
  onTest: boolean;
  batteryLowRaised: boolean;
}

export async function deviceAtRaise(tx: Db, deviceId: string, at: Date): Promise<DeviceAtRaise | null> {
  const [row] = await tx<DeviceAtRaise[]>`
    select coalesce(test_until > ${at}, false) as on_test, battery_low_alarm_at is not null as battery_low_raised
    from devices where id = ${deviceId}`.execute();
  return row ?? null;
}

/** The wearer cancelled the alarm from the device (sos.cancel with the safe PIN). */
export async function markCancelledByWearer(tx: Db, alarmId: string, at: Date): Promise<void> {
  await tx`update alarms set cancelled_by_wearer_at = ${at} where id = ${alarmId} and cancelled_by_wearer_at is null`.execute();
}

/** The alarm's condition cleared by itself; the operator side is left to an operator. Returns false if it was not active. */
export async function clearCondition(tx: Db, alarmId: string, at: Date, clearedBy: string): Promise<boolean> {
  const cleared = await tx`update alarms set condition = 'cleared', cleared_at = ${at},
                             flags = flags || ${tx.json({ clearedBy } as never)}
                           where id = ${alarmId} and condition = 'active' returning id`;
  return cleared.length > 0;
}

export async function markEscalated(tx: Db, alarmId: string, level: number, at: Date, late: boolean): Promise<void> {
  await tx`update alarms set escalation_level = ${level}, escalated_at = ${at},
             late_fired = late_fired or ${late} where id = ${alarmId}`;
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
      wearer: police && {
        urn: police.urn,
        policeWithdrawn: police.policeWithdrawn,
        policeWithdrawnReason: police.policeWithdrawnReason,
      },
    },
  };
}

/** Writes the operator side of an alarm after an action; times are the ARC's. */
export async function saveOperatorSide(
  tx: TransactionSql,
  alarmId: string,
  before: AlarmState,
  after: AlarmState,
  actor: Actor,
  at: Date,
): Promise<void> {
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

export async function listAlarmActions(sql: Db, alarmId: string): Promise<AlarmActionEntry[]> {
  return sql<
    AlarmActionEntry[]
  >`select id, at, actor, kind, detail from alarm_actions where alarm_id = ${alarmId} order by id`;
}

// The response plan's place on an alarm (api/handling/response-plan-runner.ts decides it).

/** The wearer's plan as it was when the alarm was raised: later edits do not move it. */
export async function copyPlanOntoAlarm(tx: Db, alarmId: string, plan: unknown): Promise<void> {
  await tx`update alarms set plan = ${tx.json(plan as never)} where id = ${alarmId}`.execute();
}

/** Enters a step; returns whether the alarm is silent (a duress alarm), or null if it is gone. */
export async function enterPlanStep(
  tx: Db,
  alarmId: string,
  index: number,
  dueAt: Date | null,
): Promise<{ silent: boolean } | null> {
  const [alarm] = await tx<{ silent: boolean }[]>`
    update alarms set plan_step = ${index}, step_due_at = ${dueAt}, flags = flags - 'stepOverdue'
    where id = ${alarmId} returning coalesce((flags->>'silent')::boolean, false) as silent`.execute();
  return alarm ?? null;
}

/** The operator logged the outcome of this step (kept in flags.stepsDone). */
export async function markPlanStepDone(tx: Db, alarmId: string, step: number): Promise<void> {
  await tx`update alarms set flags = jsonb_set(flags, '{stepsDone}', coalesce(flags->'stepsDone', '[]'::jsonb) || to_jsonb(${step}::int))
           where id = ${alarmId}`;
}

export async function markPlanComplete(tx: Db, alarmId: string): Promise<void> {
  await tx`update alarms set step_due_at = null, flags = (flags - 'stepOverdue') || '{"planComplete": true}'::jsonb where id = ${alarmId}`;
}

/** Nothing more is due in the plan (its wearer or plan is gone). */
export async function clearPlanStepDue(tx: Db, alarmId: string): Promise<void> {
  await tx`update alarms set step_due_at = null where id = ${alarmId}`;
}

/** An operator step past its wait: shown overdue, and it stays until the operator acts. */
export async function markPlanStepOverdue(tx: Db, alarmId: string, step: number): Promise<void> {
  await tx`update alarms set step_due_at = null, flags = flags || ${tx.json({ stepOverdue: step } as never)} where id = ${alarmId}`;
}
