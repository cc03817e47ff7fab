// What an operator needs at the door and at the change of shift: access information (key safe
// code, door entry, pets, hazards) written by a manager, never listed, shown only on an open
// alarm for that wearer, each showing audited; handover notes the next shift sees on log-in.
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
    expect(JSON.stringify(patched.body)).not.toContain('code 4471'); // the phrase: 4471 alone can turn up in an id or a time
    expect(JSON.stringify((await t.api('GET', `/api/wearers/${wearer.id}`)).body)).not.toContain('code 4471');
    const [changed] =
      await t.sql`select detail from audit_log where action = 'wearer.updated' and target = ${wearer.id}`;
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

    const [{ id: alarmId }] = await t.sql<
      { id: string }[]
    >`select id from alarms where device_id = ${credentials.deviceId}`;
    const shown = await t.sql`select actor, target, detail from audit_log where action = 'wearer.access_info_shown'`;
    expect(shown).toEqual([{ actor: operator.email, target: wearer.id, detail: { alarmId } }]);

    // Resolved: no more.
    await t.api('POST', `/api/alarms/${alarmId}/accept`, undefined, operator.token);
    await t.api('POST', `/api/alarms/${alarmId}/resolve`, { closureCode: 'false_accidental' }, operator.token);
    expect((await t.api('POST', `/api/alarms/${alarmId}/access-info`, undefined, operator.token)).body.error.code).toBe(
      'ARC_ERR_ALARM_RESOLVED',
    );
  });
});

describe('shift handover notes', () => {
  it('a note left by one shift is open for the next at log-in, and audited', async () => {
    const [leaving, arriving] = await Promise.all([t.createUser('operator'), t.createUser('operator')]);
    const first = await consoleAs(t, browser, leaving);
    await first.getByText('Handover notes').click();
    await first
      .getByLabel('Leave a note for the next shift')
      .fill('Pendant 12 keeps going silent at 02:00: expect a no-communication alarm.');
    await first.getByRole('button', { name: 'Leave note' }).click();
    await first
      .locator('.handover-list')
      .getByText(/Pendant 12 keeps going silent/)
      .waitFor();

    const next = await consoleAs(t, browser, arriving);
    const notes = next.locator('details.handover');
    await notes
      .locator('.handover-list')
      .getByText(/Pendant 12 keeps going silent at 02:00/)
      .waitFor();
    expect(await notes.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    const [audited] = await t.sql`select actor, detail from audit_log where action = 'handover.note_written'`;
    expect(audited).toMatchObject({
      actor: leaving.email,
      detail: { text: 'Pendant 12 keeps going silent at 02:00: expect a no-communication alarm.' },
    });
    expect((await t.api('POST', '/api/handover-notes', { text: ' ' })).body.error.code).toBe('ARC_ERR_VALIDATION');
  });
});
