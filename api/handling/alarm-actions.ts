// The shell around the alarm lifecycle rules: lock the alarm, apply the pure rule, write the new
// state, the action and the audit entry in one transaction, then push the change to consoles.
import { randomUUID } from 'node:crypto';
import type { Sql, TransactionSql } from 'postgres';
import { deviceApp, insertCommand } from '../store/command-store.js';
import { ArcError } from '../errors.js';
import { applyAlarmAction, tellsDeviceAccepted, type ActingUser, type AlarmAction } from '../rules/alarm-lifecycle.js';
import { audit } from '../store/audit-log.js';
import { lockAlarm, recordAlarmAction, saveOperatorSide } from '../store/alarm-store.js';
import { getAlarmView } from '../store/alarm-views.js';
import type { AlarmView } from '../live/console-contract.js';

export interface AlarmActionDeps {
  sql: Sql;
  now: () => Date;
  /** After commit: tell every console. */
  published(alarm: AlarmView): void;
  /** After commit: a command was queued for this device (alarm.closed, alarm.accepted, message). */
  commandsQueued?(deviceId: string): void;
  /** In the transaction, after an outcome (a call, police, ambulance): the plan moves on. */
  afterOutcome?(tx: TransactionSql, alarmId: string, at: Date): Promise<void>;
  /** In the transaction, before a resolve: the plan's mandatory steps not logged yet. */
  mandatoryStepsOpen?(tx: TransactionSql, alarmId: string, at: Date): Promise<number[]>;
}

interface AlarmOrigin {
  deviceId: string;
  /** The device event that raised the alarm; null for an alarm the ARC raised itself (device silent). */
  eventKey: string | null;
  silent: boolean;
}

async function alarmOrigin(tx: TransactionSql, alarmId: string): Promise<AlarmOrigin | null> {
  const [origin] = await tx<AlarmOrigin[]>`
    select a.device_id, (select e.event_key from events e where e.alarm_id = a.id order by e.id limit 1) as event_key,
           -- Silent: a duress alarm, or any alarm of a device whose duress alarm is still open.
           (coalesce((a.flags->>'silent')::boolean, false) or exists (
              select 1 from alarms d where d.device_id = a.device_id and d.status <> 'resolved'
                and coalesce((d.flags->>'silent')::boolean, false))) as silent
    from alarms a where a.id = ${alarmId}`;
  return origin ?? null;
}

/**
 * Spec commands `alarm.closed` and `alarm.accepted`: the device that raised the alarm is told, for
 * the event that raised it. Never for a silent (duress) alarm: nothing of it may reach the device.
 * Returns the device to flush, or null.
 */
async function queueAlarmCommand(
  tx: TransactionSql,
  alarmId: string,
  type: 'alarm.closed' | 'alarm.accepted',
): Promise<string | null> {
  const origin = await alarmOrigin(tx, alarmId);
  if (!origin || origin.silent || !origin.eventKey) return null;
  // OwnTracks and Traccar Client have nothing that would show it (protocol/owntracks.ts): not queued.
  if (await deviceApp(tx, origin.deviceId)) return null;
  await insertCommand(tx, origin.deviceId, { id: `c-${randomUUID()}`, type, eventId: origin.eventKey });
  return origin.deviceId;
}

/** Spec command `message`: the operator's text to the alarm's device (the rules refused it when silent). */
async function queueWearerMessage(tx: TransactionSql, alarmId: string, text: string): Promise<string | null> {
  const origin = await alarmOrigin(tx, alarmId);
  if (!origin || origin.silent) return null;
  // The operator is told now, while they can still call instead, rather than the text waiting
  // forever for a phone whose app cannot show it (issue 11).
  const app = await deviceApp(tx, origin.deviceId);
  if (app) throw new ArcError('ARC_ERR_DEVICE_APP_CANNOT_SHOW', undefined, { app });
  await insertCommand(tx, origin.deviceId, { id: `c-${randomUUID()}`, type: 'message', text });
  return origin.deviceId;
}

/** Actions that are the outcome of a response plan step. */
const OUTCOMES = new Set([
  'called_wearer',
  'called_contact',
  'passed_to_police',
  'passed_to_ambulance',
  'contact_notified',
]);

export async function performAlarmAction(
  deps: AlarmActionDeps,
  alarmId: string,
  action: AlarmAction,
  user: ActingUser & { email: string },
): Promise<AlarmView> {
  const at = deps.now();
  const actor = { id: user.id, name: user.name };
  const view = await deps.sql.begin(async (tx) => {
    const locked = await lockAlarm(tx, alarmId);
    if (!locked) throw new ArcError('ARC_ERR_ALARM_NOT_FOUND');
    if (action.kind === 'resolve')
      locked.state.mandatoryStepsOpen = (await deps.mandatoryStepsOpen?.(tx, alarmId, at)) ?? [];
    const outcome = applyAlarmAction(locked.state, action, user);
    if (!outcome.ok) throw new ArcError(outcome.code, outcome.message);
    if (outcome.changed && outcome.record) {
      await saveOperatorSide(tx, alarmId, locked.state, outcome.alarm, actor, at);
      await recordAlarmAction(tx, alarmId, actor, outcome.record.kind, outcome.record.detail, at);
      // Every operator action is audited (who, what, when), beside the alarm's own history.
      await audit(
        tx,
        { id: user.id, name: user.email },
        `alarm.${outcome.record.kind}`,
        alarmId,
        outcome.record.detail,
      );
      if (outcome.record.detail.overrideReason) {
        await audit(tx, { id: user.id, name: user.email }, 'alarm.plan_override', alarmId, {
          reason: outcome.record.detail.overrideReason,
          steps: outcome.record.detail.stepsOverridden,
        });
      }
      if (OUTCOMES.has(outcome.record.kind)) await deps.afterOutcome?.(tx, alarmId, at);
    }
    // The device's commands are written in the transaction that decided them; sent after commit.
    let commandFor: string | null = null;
    if (outcome.record?.kind === 'resolve') commandFor = await queueAlarmCommand(tx, alarmId, 'alarm.closed');
    else if (tellsDeviceAccepted(locked.state, outcome.record))
      commandFor = await queueAlarmCommand(tx, alarmId, 'alarm.accepted');
    else if (action.kind === 'message_wearer' && outcome.changed)
      commandFor = await queueWearerMessage(tx, alarmId, action.text);
    return { view: (await getAlarmView(tx, alarmId))!, changed: outcome.changed, commandFor };
  });
  if (view.changed) deps.published(view.view);
  if (view.commandFor) deps.commandsQueued?.(view.commandFor);
  return view.view;
}
