// Geofences on the location path: fixes of a wearer with zones are stored, judged by the pure
// zone rules (api/rules/geofence-rules.ts) in time order and their alarms raised, in one
// transaction. Most devices have no zones; which do is cached, and their fixes go to the batcher.
import type { Sql } from 'postgres';
import type { Fix } from '../../protocol/device-payloads.js';
import { evaluateFix, type GeofenceState } from '../rules/geofence-rules.js';
import { loadZonesForDevice, saveStates } from '../store/geofence-store.js';
import { upsertFixes } from '../store/fix-store.js';
import { raiseSystemAlarm, type AlarmRaising, type Placed } from './raise-alarm.js';
import type { FixBatcher } from '../intake/fix-batcher.js';

/** How long "this device has no zones" is believed; zone edits through the API forget it at once. */
const NO_ZONES_TTL_MS = 60_000;

export interface StoredLocation {
  placed: Placed[];
  commAlarmId: string | null;
}

export interface ZoneWatch {
  storeFixes(deviceId: string, fixes: Fix[], receivedAt: Date): Promise<StoredLocation>;
  zonesChanged(): void;
}

export function createZoneWatch(sql: Sql, raising: AlarmRaising, batcher: FixBatcher): ZoneWatch {
  const withoutZones = new Map<string, number>();

  async function hasZones(deviceId: string, now: number): Promise<boolean> {
    const known = withoutZones.get(deviceId);
    if (known !== undefined && now - known < NO_ZONES_TTL_MS) return false;
    const [row] = await sql<{ has: boolean }[]>`
      select exists (select 1 from geofences g join devices d on d.wearer_id = g.wearer_id
                     where d.id = ${deviceId} and g.enabled) as has`;
    if (!row.has) withoutZones.set(deviceId, now);
    else withoutZones.delete(deviceId);
    return row.has;
  }

  return {
    zonesChanged: () => withoutZones.clear(),
    async storeFixes(deviceId, fixes, receivedAt) {
      if (!(await hasZones(deviceId, receivedAt.getTime()))) {
        return { placed: [], commAlarmId: await batcher.store({ deviceId, fixes, receivedAt }) };
      }
      return sql.begin(async (tx) => {
        const commAlarmId = await upsertFixes(tx, deviceId, fixes, receivedAt);
        const [device] = await tx<{ wearerId: string | null }[]>`select wearer_id from devices where id = ${deviceId}`;
        const { zones, states: before } = await loadZonesForDevice(tx, deviceId);
        let states: GeofenceState[] = [...before];
        const placed: Placed[] = [];
        // Oldest first, so a batch after a coverage gap replays the wearer's path in order.
        for (const fix of [...fixes].sort((a, b) => a.ts - b.ts)) {
          const evaluation = evaluateFix({
            zones,
            states,
            fix: { ts: fix.ts, lat: fix.lat, lon: fix.lon, acc: fix.acc ?? null },
            at: receivedAt,
          });
          states = evaluation.states;
          for (const crossing of evaluation.crossings.filter((c) => c.alarm)) {
            const result = await raiseSystemAlarm(tx, raising, {
              deviceId,
              wearerId: device?.wearerId ?? null,
              type: crossing.crossing === 'left' ? 'geofence.left' : 'geofence.entered',
              at: receivedAt,
              position: { lat: fix.lat, lon: fix.lon, acc: fix.acc ?? null },
              flags: {
                zoneId: crossing.zoneId,
                zoneName: crossing.zoneName,
                zoneKind: crossing.kind,
                cause: crossing.cause,
                fixTs: fix.ts,
              },
            });
            placed.push(result);
          }
        }
        await saveStates(tx, deviceId, states);
        return { placed, commAlarmId };
      });
    },
  };
}
