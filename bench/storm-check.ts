// After an alarm storm: the acknowledged event ids against PostgreSQL (stored exactly once, each
// with its alarm), the alarms per device (one SOS alarm each, no duplicates), the console's
// `alarm:raised` pushes and its REST snapshot (every alarm on the screen).
import type { Sql } from '../api/db/connect.js';
import type { OperatorConsole } from './operator-console.js';
import type { PressResult } from './sim-protocol.js';

export interface StormCheck {
  pressed: number;
  acknowledged: number;
  /** Presses never acknowledged within the settle time (the device may still be resending). */
  unacknowledged: number;
  /** Acknowledged event ids found in `events`. */
  stored: number;
  /** Acknowledged but not in PostgreSQL: the one thing that must never happen. */
  lost: number;
  /** Stored events without an alarm. */
  withoutAlarm: number;
  /** Devices with more than one SOS alarm from this storm. */
  duplicateAlarms: number;
  /** alarm:raised pushes of the same alarm more than once. */
  duplicatePushes: number;
  /** Acknowledged presses whose device never got an alarm:raised push. */
  notPushed: number;
  /** Acknowledged presses whose alarm is missing from GET /api/alarms. */
  notInSnapshot: number;
  /** From the first publish to the last alarm:raised of these devices, ms. */
  lastShownAfterMs: number | null;
  lostSample: string[];
}

export async function checkStorm(
  sql: Sql,
  operator: OperatorConsole,
  presses: PressResult[],
  since: number,
): Promise<StormCheck> {
  const acked = presses.filter((p) => p.ackedAt !== null);
  const ids = acked.map((p) => p.eventId);
  const deviceIds = [...new Set(presses.map((p) => p.deviceId))];
  const rows = await sql<{ deviceId: string; eventKey: string; alarmId: string | null }[]>`
    select device_id, event_key, alarm_id from events where event_key = any(${ids})`;
  const stored = new Map(rows.map((r) => [`${r.deviceId}/${r.eventKey}`, r]));
  const lostPresses = acked.filter((p) => !stored.has(`${p.deviceId}/${p.eventId}`));
  const alarms = await sql<{ deviceId: string; n: number }[]>`
    select device_id, count(*)::int as n from alarms
    where device_id = any(${deviceIds}) and type = 'sos' and received_at >= ${new Date(since - 1000)}
    group by device_id`;
  const pushes = new Map<string, number>();
  for (const r of operator.raised) pushes.set(r.alarmId, (pushes.get(r.alarmId) ?? 0) + 1);
  const snapshot = new Set((await operator.openAlarms()).filter((a) => a.type === 'sos').map((a) => a.deviceId));
  const shown = acked.map((p) => operator.firstRaisedByDevice.get(p.deviceId)).filter((s) => s !== undefined);
  return {
    pressed: presses.length,
    acknowledged: acked.length,
    unacknowledged: presses.length - acked.length,
    stored: acked.length - lostPresses.length,
    lost: lostPresses.length,
    withoutAlarm: rows.filter((r) => r.alarmId === null).length,
    duplicateAlarms: alarms.filter((a) => a.n > 1).length,
    duplicatePushes: [...pushes.values()].filter((n) => n > 1).length,
    notPushed: acked.filter((p) => !operator.firstRaisedByDevice.has(p.deviceId)).length,
    notInSnapshot: acked.filter((p) => !snapshot.has(p.deviceId)).length,
    lastShownAfterMs: shown.length ? Math.max(...shown.map((s) => s!.at)) - since : null,
    lostSample: lostPresses.slice(0, 5).map((p) => `${p.deviceId}/${p.eventId}`),
  };
}
