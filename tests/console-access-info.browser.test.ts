// Access information at the door (key safe code, door entry, pets, hazards): written by a
// manager, never listed, shown only on an open alarm for that wearer, each showing audited.
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

const ACCESS = 'Key safe left of the door, code 4471. Dog (friendly). Oxygen in the bedroom.';

describe('access information', () => {
  it('is write-only on the record, shown on an open alarm on request, every showing audited', async () => {
    const wearer = await t.createWearer({ name: 'Ada Access', profile: 'older_person' });
    const patched = await t.api('PATCH', `/api/wearers/${wearer.id}`, { accessInfo: ACCESS });
    expect(patched.body.wearer).toMatchObject({ hasAccessInfo: true });
    expect(JSON.stringify(patched.body)).not.toContain('4471');
    expect(JSON.stringify((await t.api('GET', `/api/wearers/${wearer.id}`)).body)).not.toContain('4471');
    const [changed] = await t.sql`select detail from audit_log where action = 'wearer.updated' and target = ${wearer.id}`;
    expect(changed.detail).toEqual({ accessInfoChanged: true });

    const credentials = await t.provisionDevice({ wearerId: wearer.id });
    const device = new SimulatedDevice({ ...credentials, url: t.mqttUrl, reconnect: false });
    devices.push(device);
    await device.connect();
    const operator = await t.createUser('operator');
    const page = await consoleAs(t, browser, operator);
    await device.sendEvent('sos');
    await queueRow(page, 'Ada Access').click();
    const detail = page.locator('#alarm-detail');
    const show = detail.getByRole('button', { name: /^Show access information/ });
    await show.waitFor();
    expect(await detail.getByText('4471', { exact: false }).count()).toBe(0);
    await show.click();
    await detail.getByText(ACCESS).waitFor();

    const [{ id: alarmId }] = await t.sql<{ id: string }[]>`select id from alarms where device_id = ${credentials.deviceId}`;
    const shown = await t.sql`select actor, target, detail from audit_log where action = 'wearer.access_info_shown'`;
    expect(shown).toEqual([{ actor: operator.email, target: wearer.id, detail: { alarmId } }]);

    // Resolved: no more.
    await t.api('POST', `/api/alarms/${alarmId}/accept`, undefined, operator.token);
    await t.api('POST', `/api/alarms/${alarmId}/resolve`, { closureCode: 'false_accidental' }, operator.token);
    expect((await t.api('POST', `/api/alarms/${alarmId}/access-info`, undefined, operator.token)).body.error.code).toBe('ARC_ERR_ALARM_RESOLVED');
  });
});
