// Raises an alarm the ARC itself decided on (an amber session ran out, a check-in was missed, a
// device went silent, a zone was crossed), by the same placement rule as a device's own alarms:
// a repeat of an open alarm's kind adds to it; a new one goes to whoever holds the wearer.
import type { TransactionSql } from 'postgres';
import { ALARM_PRIORITY, placeAlarm, type AlarmType } from '../rules/event-rules.js';
import { attachActivation, insertAlarm, openAlarmsOfWearer } from '../store/alarm-store.js';
import type { AcceptDeadline } from '../config.js';

export interface SystemAlarm {
  deviceId: string;
  wearerId: string | null;
  type: AlarmType;
  at: Date;
  position: { lat: number; lon: number; acc?: number | null } | null;
  flags: Record<string, unknown>;
  sessionNote?: string | null;
}

export type Placed = { raised: string } | { updated: string };

export async function raiseSystemAlarm(tx: TransactionSql, alarm: SystemAlarm, deadlines: Record<number, AcceptDeadline>): Promise<Placed> {
  if (alarm.wearerId) await tx`select pg_advisory_xact_lock(hashtext(${alarm.wearerId}))`;
  const priority = ALARM_PRIORITY[alarm.type];
  const placed = placeAlarm(
    { type: alarm.type, priority, discreet: false, silent: false },
    alarm.wearerId ? await openAlarmsOfWearer(tx, alarm.wearerId) : [],
  );
  if (placed.attachTo) {
    await attachActivation(tx, placed.attachTo.alarmId, priority, { lastActivationAt: alarm.at.toISOString() });
    return { updated: placed.attachTo.alarmId };
  }
  const [device] = await tx<{ onTest: boolean }[]>`select coalesce(test_until > ${alarm.at}, false) as on_test from devices where id = ${alarm.deviceId}`;
  const id = await insertAlarm(tx, {
    deviceId: alarm.deviceId,
    wearerId: alarm.wearerId,
    type: alarm.type,
    priority,
    receivedAt: alarm.at,
    position: alarm.position,
    discreet: false,
    flags: alarm.flags,
    isTest: device?.onTest ?? false,
    sessionNote: alarm.sessionNote ?? null,
    acceptDueAt: new Date(alarm.at.getTime() + deadlines[priority].overdueS * 1000),
    owner: placed.routeTo ? { id: placed.routeTo.ownerId, linkedTo: placed.routeTo.linkedTo } : null,
  });
  return { raised: id };
}
