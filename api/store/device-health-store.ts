// Device health from status messages (heartbeats) and the last-seen time every message refreshes.
// Each returns the device's open no-communication alarm, if any: hearing from it clears that.
import type { Sql, TransactionSql } from 'postgres';
import type { Status } from '../../protocol/device-payloads.js';
import { asReal } from './single-precision.js';

/** Keeps the newest status by device time; late heartbeats only refresh last-seen. */
export interface StatusStored {
  commAlarmId: string | null;
  /** A low-battery alarm was raised in this charge cycle (for the battery watch's quick filter). */
  batteryLowRaised: boolean;
}

export async function storeStatus(sql: Sql, deviceId: string, status: Status, receivedAt: Date): Promise<StatusStored> {
  const [device] = await sql<StatusStored[]>`
    update devices set
      last_seen_at = greatest(last_seen_at, ${receivedAt}),
      batt     = case when status_ts is null or status_ts <= ${status.ts} then ${asReal(status.batt)}::real else batt end,
      charging = case when status_ts is null or status_ts <= ${status.ts} then ${status.charging ?? null}::boolean else charging end,
      rssi     = case when status_ts is null or status_ts <= ${status.ts} then ${asReal(status.rssi)}::real else rssi end,
      fw       = case when status_ts is null or status_ts <= ${status.ts} then ${status.fw ?? null}::text else fw end,
      status_ts = greatest(status_ts, ${status.ts})
    where id = ${deviceId}
    returning comm_alarm_id, battery_low_alarm_at is not null as battery_low_raised`;
  return device ?? { commAlarmId: null, batteryLowRaised: false };
}

/** Any message, even a rejected one, is a sign of life (spec, "Status"). */
export async function touchDevice(sql: Sql | TransactionSql, deviceId: string, at: Date): Promise<string | null> {
  const [device] = await sql<{ commAlarmId: string | null }[]>`
    update devices set last_seen_at = greatest(last_seen_at, ${at}) where id = ${deviceId} returning comm_alarm_id`.execute();
  return device?.commAlarmId ?? null;
}

/** A low-battery alarm was raised: not again until the device has charged (batteryDecision). */
export async function markBatteryLowRaised(tx: Sql | TransactionSql, deviceId: string, at: Date): Promise<void> {
  await tx`update devices set battery_low_alarm_at = ${at} where id = ${deviceId}`.execute();
}
