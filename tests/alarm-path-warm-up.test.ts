// The alarm path's statements are prepared on every database connection before the ARC is ready
// (api/intake/alarm-path-warm-up.ts), so the first SOS after a start prepares nothing. Speed is
// not asserted: what is prepared where is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedDevice } from '../device-sim/simulated-device.js';
import { connected, nextEvent, startTestArc, type TestArc } from './support/test-arc.js';

let t: TestArc;
const devices: SimulatedDevice[] = [];

beforeAll(async () => {
  t = await startTestArc();
});
afterAll(async () => {
  for (const d of devices) await d.close({ force: true });
  await t?.close();
});

/** The statements prepared on each connection of the pool (all reserved at once: each a different one). */
async function preparedPerConnection(): Promise<Set<string>[]> {
  const size = Number(t.sql.options.max);
  const reserved = await Promise.all(Array.from({ length: size }, () => t.sql.reserve()));
  try {
    return await Promise.all(
      reserved.map(async (conn) => {
        const rows = await conn<
          { s: string }[]
        >`select statement || ' ' || parameter_types::text as s from pg_prepared_statements`;
        return new Set(rows.map((r) => r.s));
      }),
    );
  } finally {
    for (const conn of reserved) conn.release();
  }
}

const has = (set: Set<string>, fragment: string) => [...set].some((s) => s.includes(fragment));

describe('the alarm path is prepared on every database connection at start', () => {
  it('every connection of the pool holds the alarm path before anything has used it, and nothing was committed', async () => {
    const warmed = t.logs.find((l) => l.component === 'warm-up');
    expect(warmed).toMatchObject({
      msg: 'alarm path statements prepared on every database connection',
      connections: Number(t.sql.options.max),
    });
    const perConnection = await preparedPerConnection();
    expect(perConnection.length).toBeGreaterThan(1);
    for (const prepared of perConnection) {
      expect(has(prepared, 'insert into events (device_id, event_key')).toBe(true);
      expect(has(prepared, 'insert into alarms')).toBe(true);
      expect(has(prepared, 'update events set alarm_id')).toBe(true);
      expect(has(prepared, 'insert into device_commands')).toBe(true);
      // A device's CONNECT, the first thing a restarted ARC's fleet does.
      expect(has(prepared, 'select secret_hash, enabled from devices where id')).toBe(true);
    }
    // The rehearsal was rolled back.
    const [{ devices: n, events, alarms }] = await t.sql`
      select (select count(*)::int from devices where id like 'warm-up-%') as devices,
             (select count(*)::int from events) as events, (select count(*)::int from alarms) as alarms`;
    expect({ n, events, alarms }).toEqual({ n: 0, events: 0, alarms: 0 });
  });

  it('the first SOS after the start, with a position, prepares no statement on any connection', async () => {
    const wearer = await t.createWearer({ name: 'Warm Example' });
    const credentials = await t.provisionDevice({ wearerId: wearer.id });
    const device = new SimulatedDevice({
      ...credentials,
      url: t.mqttUrl,
      reconnect: false,
      position: { lat: 53.64, lon: -3.01, acc: 8 },
    });
    devices.push(device);
    await device.connect();
    const console = t.operatorSocket(t.adminToken);
    await connected(console);
    await t.arc.idle();
    const before = await preparedPerConnection();

    const raised = nextEvent(console, 'alarm:raised');
    const sent = await device.sendEvent('sos');
    await device.waitForCommand({ type: 'alarm.received', eventId: sent.id });
    expect((await raised).deviceId).toBe(credentials.deviceId);
    // A second press joins the open alarm: the other branch of the path.
    await device.sendEvent('sos');
    await t.arc.idle();

    const after = await preparedPerConnection();
    const known = new Set(before.flatMap((s) => [...s]));
    const added = after.flatMap((s) => [...s]).filter((s) => !known.has(s));
    expect(added).toEqual([]);
  });
});
