// A device that raised "no communication" has been heard again: its alarm's condition clears
// itself (and is marked so); the operator side is left for an operator to close.
import type { Sql } from 'postgres';
import { clearCondition, recordAlarmAction } from '../store/alarm-store.js';
import { ARC_ACTOR } from '../domain/actor.js';

/** Returns true when it cleared the alarm (false: someone else already did). */
export async function clearSilence(sql: Sql, deviceId: string, alarmId: string, at: Date): Promise<boolean> {
  return sql.begin(async (tx) => {
    const released =
      await tx`update devices set comm_alarm_id = null where id = ${deviceId} and comm_alarm_id = ${alarmId} returning id`;
    if (released.length === 0) return false;
    const cleared = await clearCondition(tx, alarmId, at, 'device heard again');
    if (cleared)
      await recordAlarmAction(tx, alarmId, ARC_ACTOR, 'condition.cleared', { reason: 'device heard again' }, at);
    return cleared;
  });
}
