// The shell around the alarm lifecycle rules: lock the alarm, apply the pure rule, write the new
// state, the action and the audit entry in one transaction, then push the change to consoles.
import { randomUUID } from 'node:crypto';
import type { Sql, TransactionSql } from 'postgres';
import { insertCommand } from '../store/command-store.js';
import { ArcError } from '../errors.js';
import { applyAlarmAction, type ActingUser, type AlarmAction } from '../rules/alarm-lifecycle.js';
import { audit } from '../store/audit-log.js';
import { lockAlarm, recordAlarmAction, saveOperatorSide } from '../store/alarm-store.js';
import { getAlarmView } from '../store/alarm-views.js';
import type { AlarmView } from '../live/console-contract.js';

export interface AlarmActionDeps {
  sql: Sql;
  now: () => Date;
  /** After commit: tell every console. */
  published(alarm: AlarmView): void;
  /** After commit: a command was queued for this device (alarm.closed). */
  commandsQueued?(deviceId: string): void;
  /** In the transaction, after an outcome (a call, police, ambulance): the plan moves on. */
  afterOutcome?(tx: TransactionSql, alarmId: string, at: Date): Promise<void>;
}

/**
 * Spec command `alarm.closed`: the device that raised the alarm is told an operator closed it,
 * for the event that raised it. Never for a silent (duress) alarm: nothing of it may reach the
 * device. Returns the device to flush, or null.
 */
async function queueAlarmClosed(tx: TransactionSql, alarmId: string): Promise<string | null> {
  const [origin] = await tx<{ deviceId: string; eventKey: string; silent: boolean }[]>`
    select e.device_id, e.event_key, coalesce((a.flags->>'silent')::boolean, false) as silent
    from events e join alarms a on a.id = e.alarm_id where e.alarm_id = ${alarmId} order by e.id limit 1`;
  if (!origin || origin.silent) return null;
  await insertCommand(tx, origin.deviceId, { id: `c-${randomUUID()}`, type: 'alarm.closed', eventId: origin.eventKey });
  return origin.deviceId;
}

/** Actions that are the outcome of a response plan step. */
const OUTCOMES = new Set(['called_wearer', 'called_contact', 'passed_to_police', 'passed_to_ambulance', 'contact_notified']);

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
    const outcome = applyAlarmAction(locked.state, action, user);
    if (!outcome.ok) throw new ArcError(outcome.code, outcome.message);
    if (outcome.changed && outcome.record) {
      await saveOperatorSide(tx, alarmId, locked.state, outcome.alarm, actor, at);
      await recordAlarmAction(tx, alarmId, actor, outcome.record.kind, outcome.record.detail, at);
      // Every operator action is audited (who, what, when), beside the alarm's own history.
      await audit(tx, { id: user.id, name: user.email }, `alarm.${outcome.record.kind}`, alarmId, outcome.record.detail);
      if (OUTCOMES.has(outcome.record.kind)) await deps.afterOutcome?.(tx, alarmId, at);
    }
    const closedFor = outcome.record?.kind === 'resolve' ? await queueAlarmClosed(tx, alarmId) : null;
    return { view: (await getAlarmView(tx, alarmId))!, changed: outcome.changed, closedFor };
  });
  if (view.changed) deps.published(view.view);
  if (view.closedFor) deps.commandsQueued?.(view.closedFor);
  return view.view;
}
