// A flood, in a real Chromium: tamper alarms from many devices at once are one group for a
// supervisor, acknowledged with one reason; each alarm is still resolved and audited on its own;
// an SOS among them is never grouped, and the ARC refuses to close one as part of a flood.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { SimulatedDevice } from '../device-sim/simulated-device.js';
import { startTestArc, type TestArc } from './support/test-arc.js';
import { consoleAs, launchChromium, queueRow } from './support/console-browser.js';

let t: TestArc;
let browser: Browser;
const devices: SimulatedDevice[] = [];

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestArc({ ARC_MAP_TILES_URL: 'none' }), launchChromium()]);
});
afterAll(async () => {
  for (const device of devices) await device.close({ force: true });
  await browser?.close();
  await t?.close();
});

async function press(name: string, type: string): Promise<string> {
  const wearer = await t.createWearer({ name });
  const device = new SimulatedDevice({
    ...(await t.provisionDevice({ wearerId: wearer.id })),
    url: t.mqttUrl,
    reconnect: false,
  });
  devices.push(device);
  await device.connect();
  const sent = await device.sendEvent(type);
  await t.arc.idle();
  const [row] = await t.sql<{ alarmId: string }[]>`select alarm_id from events where event_key = ${sent.id}`;
  return row.alarmId;
}

describe('a flood', () => {
  it('is acknowledged by a supervisor with one reason, each alarm audited, the SOS left alone', async () => {
    const tampered: string[] = [];
    for (let i = 1; i <= 4; i++) tampered.push(await press(`Site Worker ${i}`, 'tamper'));
    const sosId = await press('Site Worker SOS', 'sos');
    const operator = await t.createUser('operator');
    const supervisor = await t.createUser('supervisor');

    // The ARC's own guards: supervisors only, and never an SOS.
    const body = { alarmIds: [...tampered, sosId], closureCode: 'false_equipment', reason: 'Site power cut' };
    expect((await t.api('POST', '/api/alarms/flood-acknowledge', body, operator.token)).status).toBe(403);
    expect((await t.api('POST', '/api/alarms/flood-acknowledge', body, supervisor.token)).body.error.code).toBe(
      'ARC_ERR_ALARM_NOT_GROUPABLE',
    );
    expect(
      (
        await t.api(
          'POST',
          '/api/alarms/flood-acknowledge',
          { ...body, alarmIds: tampered, closureCode: 'genuine_police' },
          supervisor.token,
        )
      ).body.error.code,
    ).toBe('ARC_ERR_VALIDATION');

    const page = await consoleAs(t, browser, supervisor);
    const flood = page.getByRole('form', { name: /^Flood: 4 × Tamper/ });
    await flood.waitFor();
    await flood.getByRole('textbox').fill('Site power cut: every strap sensor tripped');
    await flood.getByRole('combobox').selectOption('false_equipment');
    await flood.getByRole('button', { name: 'Acknowledge all 4' }).click();
    // The group goes once its alarms are resolved: the queue tells.
    for (let i = 1; i <= 4; i++) await queueRow(page, `Site Worker ${i}`).waitFor({ state: 'detached' });
    await queueRow(page, 'Site Worker SOS').waitFor();

    const states = await t.sql<
      { id: string; status: string }[]
    >`select id, status from alarms where id in ${t.sql([...tampered, sosId])}`;
    expect(
      states
        .filter((a) => a.status === 'resolved')
        .map((a) => a.id)
        .sort(),
    ).toEqual([...tampered].sort());
    for (const id of tampered) {
      const audited = await t.sql<
        { action: string; detail: any }[]
      >`select action, detail from audit_log where target = ${id} order by id`;
      expect(audited.map((a) => a.action)).toEqual(['alarm.accept', 'alarm.resolve']);
      expect(audited[1].detail).toMatchObject({
        closureCode: 'false_equipment',
        note: 'Flood: Site power cut: every strap sensor tripped',
      });
    }
    const [flooded] = await t.sql`select detail from audit_log where action = 'alarm.flood_acknowledged'`;
    expect(flooded.detail.resolved.sort()).toEqual([...tampered].sort());
  });
});
