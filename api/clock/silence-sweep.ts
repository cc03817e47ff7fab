// No communication: a device in use, silent for longer than its heartbeat interval plus a grace,
// raises a "no communication" alarm (lower priority); the intake clears it when the device is
// heard again. Devices not in use (off shift) and never heard from are not supervised.
import { firedLate, silenceDueAt } from '../rules/deadline-rules.js';
import { raiseSystemAlarm } from '../handling/raise-alarm.js';
import type { ClockContext, ClockEffect } from './deadline-clock.js';

export async function raiseSilentDevices(ctx: ClockContext): Promise<ClockEffect[]> {
  const silent = await ctx.tx<
    {
      id: string;
      wearerId: string | null;
      lastSeenAt: Date;
      heartbeatS: number;
      lat: number | null;
      lon: number | null;
      acc: number | null;
    }[]
  >`
    select id, wearer_id, last_seen_at, heartbeat_s, fix_lat as lat, fix_lon as lon, fix_acc as acc from devices
    where in_use and enabled and comm_alarm_id is null and last_seen_at is not null
      and last_seen_at + make_interval(secs => heartbeat_s + ${ctx.noCommGraceS}) <= ${ctx.now}
    order by last_seen_at limit 200
    for update skip locked`;
  const effects: ClockEffect[] = [];
  for (const device of silent) {
    const dueAt = silenceDueAt(device.lastSeenAt, device.heartbeatS, ctx.noCommGraceS);
    const placed = await raiseSystemAlarm(ctx.tx, ctx.raising, {
      deviceId: device.id,
      wearerId: device.wearerId,
      type: 'no_comm',
      at: ctx.now,
      position:
        device.lat === null || device.lon === null ? null : { lat: device.lat, lon: device.lon, acc: device.acc },
      flags: { lastSeenAt: device.lastSeenAt.toISOString(), ...(firedLate(dueAt, ctx.now) && { late: true }) },
    });
    const alarmId = 'raised' in placed ? placed.raised : placed.updated;
    await ctx.tx`update devices set comm_alarm_id = ${alarmId} where id = ${device.id}`;
    effects.push('raised' in placed ? { change: 'raised', alarmId } : { change: 'updated', alarmId });
  }
  return effects;
}
