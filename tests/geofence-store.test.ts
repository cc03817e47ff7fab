// Geofences in a real PostgreSQL: shapes kept exactly as drawn, zones found through the device's
// wearer, states saved so that a fix never moves them back, and the rules fed from the store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { insertWearer } from '../api/store/wearer-store.js';
import { insertDevice } from '../api/store/device-store.js';
import {
  deleteGeofence,
  getGeofence,
  insertGeofence,
  listGeofences,
  loadZonesForDevice,
  saveStates,
  updateGeofence,
  type NewGeofence,
} from '../api/store/geofence-store.js';
import { evaluateFix } from '../api/rules/geofence-rules.js';

let db: TestDatabase;
let counter = 0;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

const HOME = { lat: 53.6458, lon: -3.0101 };
const circle = (radiusM = 200): NewGeofence => ({
  name: 'Home',
  kind: 'safe',
  shape: { type: 'circle', ...HOME, radiusM },
  activeHours: null,
  enabled: true,
});
const polygon: NewGeofence = {
  name: 'Near his address',
  kind: 'exclusion',
  shape: {
    type: 'polygon',
    points: [
      [53.65, -3.02],
      [53.65, -3.01],
      [53.655, -3.01],
      [53.655, -3.02],
    ],
  },
  activeHours: { from: '22:00', to: '07:00', timeZone: 'Europe/London' },
  enabled: true,
};

async function wearerWithDevice() {
  const wearer = await insertWearer(db.sql, { name: `Wearer ${++counter}` });
  const deviceId = `geo-dev-${counter}`;
  await insertDevice(db.sql, { id: deviceId, label: '', wearerId: wearer.id, heartbeatS: 300, secretHash: 'x' });
  return { wearerId: wearer.id, deviceId };
}

describe('zones per wearer', () => {
  it('keeps a circle and a polygon exactly as drawn, jsonb and all', async () => {
    const { wearerId } = await wearerWithDevice();
    const home = await insertGeofence(db.sql, wearerId, circle());
    const exclusion = await insertGeofence(db.sql, wearerId, polygon);
    expect(home).toMatchObject({ wearerId, ...circle(), id: expect.any(String), createdAt: expect.any(Date) });
    expect(exclusion).toMatchObject({ wearerId, ...polygon });
    expect(await listGeofences(db.sql, wearerId)).toEqual([home, exclusion]);
    expect(await getGeofence(db.sql, exclusion.id)).toEqual(exclusion);
    // The JSON is stored as sent: camelCase keys, arrays as arrays.
    const [raw] = await db.sql`select shape, active_hours from geofences where id = ${exclusion.id}`;
    expect(raw).toEqual({ shape: polygon.shape, activeHours: polygon.activeHours });
  });

  it('updates fields, clears active hours, and answers null for a zone that is not there', async () => {
    const { wearerId } = await wearerWithDevice();
    const zone = await insertGeofence(db.sql, wearerId, polygon);
    const updated = await updateGeofence(db.sql, zone.id, {
      name: 'Renamed',
      activeHours: null,
      shape: { type: 'circle', ...HOME, radiusM: 500 },
    });
    expect(updated).toMatchObject({
      name: 'Renamed',
      activeHours: null,
      shape: { type: 'circle', radiusM: 500 },
      kind: 'exclusion',
    });
    expect(await updateGeofence(db.sql, zone.id, {})).toEqual(updated);
    expect(await updateGeofence(db.sql, '00000000-0000-4000-8000-000000000000', { name: 'x' })).toBeNull();
    expect(await deleteGeofence(db.sql, zone.id)).toMatchObject({ id: zone.id, name: 'Renamed' });
    expect(await deleteGeofence(db.sql, zone.id)).toBeNull();
    expect(await listGeofences(db.sql, wearerId)).toEqual([]);
  });
});

describe('loadZonesForDevice and saveStates', () => {
  it('finds the enabled zones of the device’s wearer and this device’s states only', async () => {
    const { wearerId, deviceId } = await wearerWithDevice();
    const other = await wearerWithDevice();
    const home = await insertGeofence(db.sql, wearerId, circle());
    await insertGeofence(db.sql, wearerId, { ...polygon, enabled: false });
    const othersZone = await insertGeofence(db.sql, other.wearerId, circle());
    await saveStates(db.sql, deviceId, [{ zoneId: home.id, inside: true, fixTs: 1_750_000_000_000 }]);
    await saveStates(db.sql, other.deviceId, [{ zoneId: othersZone.id, inside: false, fixTs: 1_750_000_000_001 }]);

    expect(await loadZonesForDevice(db.sql, deviceId)).toEqual({
      zones: [{ id: home.id, name: home.name, kind: 'safe', shape: home.shape, activeHours: null }],
      states: [{ zoneId: home.id, inside: true, fixTs: 1_750_000_000_000 }],
    });
  });

  it('a device without a wearer, or an unknown device, has no zones', async () => {
    await insertDevice(db.sql, { id: 'geo-orphan', label: '', wearerId: null, heartbeatS: 300, secretHash: 'x' });
    expect(await loadZonesForDevice(db.sql, 'geo-orphan')).toEqual({ zones: [], states: [] });
    expect(await loadZonesForDevice(db.sql, 'geo-nobody')).toEqual({ zones: [], states: [] });
  });

  it('a state never moves back to an older fix, and a deleted zone is skipped, not an error', async () => {
    const { wearerId, deviceId } = await wearerWithDevice();
    const a = await insertGeofence(db.sql, wearerId, circle());
    const b = await insertGeofence(db.sql, wearerId, circle(900));
    await saveStates(db.sql, deviceId, [{ zoneId: a.id, inside: false, fixTs: 2000 }]);
    await deleteGeofence(db.sql, b.id);
    await db.sql.begin(async (tx) => {
      await saveStates(tx, deviceId, [
        { zoneId: a.id, inside: true, fixTs: 1000 },
        { zoneId: b.id, inside: true, fixTs: 3000 },
      ]);
    });
    expect((await loadZonesForDevice(db.sql, deviceId)).states).toEqual([{ zoneId: a.id, inside: false, fixTs: 2000 }]);
    await saveStates(db.sql, deviceId, [{ zoneId: a.id, inside: true, fixTs: 2000 }]);
    expect((await loadZonesForDevice(db.sql, deviceId)).states).toEqual([{ zoneId: a.id, inside: true, fixTs: 2000 }]);
  });

  it('disabling a zone forgets its states; changing its shape keeps them', async () => {
    const { wearerId, deviceId } = await wearerWithDevice();
    const zone = await insertGeofence(db.sql, wearerId, circle());
    await saveStates(db.sql, deviceId, [{ zoneId: zone.id, inside: false, fixTs: 1000 }]);
    await updateGeofence(db.sql, zone.id, { shape: { type: 'circle', ...HOME, radiusM: 300 } });
    expect((await loadZonesForDevice(db.sql, deviceId)).states).toHaveLength(1);
    await updateGeofence(db.sql, zone.id, { enabled: false });
    await updateGeofence(db.sql, zone.id, { enabled: true });
    expect((await loadZonesForDevice(db.sql, deviceId)).states).toEqual([]);
  });

  it('the rules fed from the store and back: leave home, raise once', async () => {
    const { wearerId, deviceId } = await wearerWithDevice();
    await insertGeofence(db.sql, wearerId, circle(200));
    const at = new Date('2025-01-15T12:00:00Z');
    const walk = [0, 0.001, 0.003, 0.004].map((dLat, i) => ({
      ts: at.getTime() + i * 60_000,
      lat: HOME.lat + dLat,
      lon: HOME.lon,
      acc: 10,
    }));
    const alarms: string[] = [];
    for (const fix of walk) {
      await db.sql.begin(async (tx) => {
        const { zones, states } = await loadZonesForDevice(tx, deviceId);
        const result = evaluateFix({ zones, states, fix, at });
        await saveStates(tx, deviceId, result.states);
        alarms.push(...result.crossings.filter((c) => c.alarm).map((c) => `${c.zoneName} ${c.crossing}`));
      });
    }
    expect(alarms).toEqual(['Home left']);
    expect((await loadZonesForDevice(db.sql, deviceId)).states).toEqual([
      expect.objectContaining({ inside: false, fixTs: walk[3].ts }),
    ]);
  });
});
