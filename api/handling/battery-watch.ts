// Low battery from status messages and fixes: a low-priority alarm (and the carers' message)
// at most once per charge cycle (api/rules/deadline-rules.ts batteryDecision).
import type { Sql } from 'postgres';
import { batteryDecision } from '../rules/deadline-rules.js';
import { markBatteryLowRaised } from '../store/device-health-store.js';
import { raiseSystemAlarm, type AlarmRaising, type Placed } from './raise-alarm.js';

/** Thresholds above this are not watched (wearers' thresholds are far lower; default 20 %). */
export const FIX_BATTERY_WATCH_BELOW = 50;

/**
 * Whether a reading could change anything, known without a query: most heartbeats report a
 * healthy battery and need no transaction of their own.
 */
export function batteryWorthWatching(
  reading: { batt?: number; charging?: boolean },
  raisedThisCycle: boolean,
): boolean {
  if (raisedThisCycle) return reading.charging === true || reading.batt !== undefined;
  return reading.charging !== true && reading.batt !== undefined && reading.batt < FIX_BATTERY_WATCH_BELOW;
}

export async function watchBattery(
  sql: Sql,
  deviceId: string,
  reading: { batt: number | undefined; charging: boolean | undefined },
  at: Date,
  raising: AlarmRaising,
): Promise<Placed | null> {
  if (reading.batt === undefined && reading.charging === undefined) return null;
  return sql.begin(async (tx) => {
    const [device] = await tx<
      {
        wearerId: string | null;
        threshold: number | null;
        raisedAt: Date | null;
        lat: number | null;
        lon: number | null;
        acc: number | null;
      }[]
    >`
      select d.wearer_id, w.low_battery_percent as threshold, d.battery_low_alarm_at as raised_at,
             d.fix_lat as lat, d.fix_lon as lon, d.fix_acc as acc
      from devices d left join wearers w on w.id = d.wearer_id where d.id = ${deviceId} for update of d`;
    if (!device) return null;
    const decision = batteryDecision({
      ...reading,
      thresholdPercent: device.threshold ?? 20,
      raisedThisCycle: device.raisedAt !== null,
    });
    if (decision === 'reset') {
      await tx`update devices set battery_low_alarm_at = null where id = ${deviceId}`;
      return null;
    }
    if (decision !== 'raise') return null;
    const placed = await raiseSystemAlarm(tx, raising, {
      deviceId,
      wearerId: device.wearerId,
      type: 'battery.low',
      at,
      position:
        device.lat === null || device.lon === null ? null : { lat: device.lat, lon: device.lon, acc: device.acc },
      flags: { batt: reading.batt },
    });
    await markBatteryLowRaised(tx, deviceId, at);
    return placed;
  });
}
