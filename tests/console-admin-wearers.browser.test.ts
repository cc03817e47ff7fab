// Administration of wearers in a real Chromium, with no map tiles: a supervisor adds a wearer
// and sets up everything the ARC needs to answer their alarms (details and PINs, police URN,
// contacts in order, a response plan, zones drawn on the map, a linked carer). Each change is
// checked in the database and the audit log; refusals show next to the field they are about.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { verifySecret } from '../api/auth/secret-hash.js';
import { startTestArc, type TestArc } from './support/test-arc.js';
import { SCREENSHOTS, consoleAs, launchChromium } from './support/console-browser.js';

let t: TestArc;
let browser: Browser;

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestArc({ ARC_MAP_TILES_URL: 'none' }), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** The field's error line: the ARC's message lands beside the control it is about. */
const errorOf = (page: Page, label: string) =>
  page.getByLabel(label, { exact: true }).locator('xpath=following-sibling::p[contains(@class, "field-error")]');

const panelOf = (page: Page, title: string) =>
  page.locator('section.admin-panel', { has: page.getByRole('heading', { name: title, exact: true }) });

async function auditActions(actorId: string, subject: string): Promise<string[]> {
  const rows = await t.sql<
    { action: string }[]
  >`select action from audit_log where actor_id = ${actorId} and target = ${subject} order by id`;
  return rows.map((r) => r.action);
}

describe('administration of wearers', () => {
  it('lets a supervisor set up a wearer: details, PINs, URN, contacts, plan, zones and carer', async () => {
    const [supervisor, carer] = await Promise.all([t.createUser('supervisor'), t.createUser('carer')]);
    const page = await consoleAs(t, browser, supervisor);
    await page.getByRole('link', { name: 'Administration' }).click();
    await page.getByRole('heading', { name: 'Wearers', exact: true }).waitFor();

    // Add: lands on the new wearer's page.
    const add = page.locator('form', { has: page.getByRole('heading', { name: 'Add a wearer' }) });
    await add.getByLabel('Name').fill('Ada Admin');
    await add.getByLabel('Profile').selectOption({ label: 'Dementia / may wander' });
    await add.getByRole('button', { name: 'Add wearer' }).click();
    await page.getByRole('heading', { name: 'Ada Admin', level: 2 }).waitFor();
    const [ada] = await t.sql<
      { id: string; profile: string }[]
    >`select id, profile from wearers where name = 'Ada Admin'`;
    expect(ada.profile).toBe('dementia');
    expect(page.url()).toContain(`#/admin/wearers/${ada.id}`);

    // Details: equal PINs are refused next to the duress PIN; then saved, write-only.
    const details = panelOf(page, 'Details and PINs');
    await details.getByLabel('Medical notes').fill('Type 2 diabetes; <b>not</b> markup');
    await details.getByLabel('Warn of low battery at (%)').fill('30');
    await details.getByLabel('New safe PIN (4–8 digits)').fill('1234');
    await details.getByLabel('New duress PIN (4–8 digits)').fill('1234');
    await details.getByRole('button', { name: 'Save details' }).click();
    await errorOf(page, 'New duress PIN (4–8 digits)').getByText('must differ from the safe PIN').waitFor();
    await details.getByLabel('New duress PIN (4–8 digits)').fill('9876');
    await details.getByRole('button', { name: 'Save details' }).click();
    await details.getByText('Details saved.').waitFor();
    await details.getByText('Safe PIN set · duress PIN set.').waitFor();
    expect(await details.getByLabel('New safe PIN (4–8 digits)').inputValue()).toBe('');
    const [stored] = await t.sql<
      { medicalNotes: string; lowBatteryPercent: number; safePinHash: string; duressPinHash: string }[]
    >`
      select medical_notes, low_battery_percent, safe_pin_hash, duress_pin_hash from wearers where id = ${ada.id}`;
    expect(stored.medicalNotes).toBe('Type 2 diabetes; <b>not</b> markup');
    expect(stored.lowBatteryPercent).toBe(30);
    expect(await verifySecret('1234', stored.safePinHash)).toBe(true);
    expect(await verifySecret('9876', stored.duressPinHash)).toBe(true);

    // Police: kept exactly as issued; withdrawn needs a reason, asked for beside that field.
    const police = panelOf(page, 'Police (URN)');
    await police.getByLabel('URN (exactly as issued; empty for none)').fill('  MP/12345/a 24 ');
    await police.getByLabel('Police response withdrawn').check();
    await police.getByRole('button', { name: 'Save police details' }).click();
    await errorOf(page, 'Why it was withdrawn (shown to operators)')
      .getByText(/say why police response was withdrawn/)
      .waitFor();
    await police.getByLabel('Police response withdrawn').uncheck();
    await police.getByRole('button', { name: 'Save police details' }).click();
    await police.getByText('Police details saved.').waitFor();
    await police.getByText(/URN in use: MP\/12345\/a 24/).waitFor();
    expect((await t.sql`select urn from wearers where id = ${ada.id}`)[0].urn).toBe('MP/12345/a 24');

    // Contacts: a bad phone number is refused beside it; two added, the second moved first.
    const contacts = panelOf(page, 'Contacts (in calling order)');
    await contacts.getByLabel('Name').fill('Carol Daughter');
    await contacts.getByLabel('Relationship').fill('daughter');
    await contacts.getByLabel('Phone').fill('call me');
    await contacts.getByRole('button', { name: 'Add contact' }).click();
    await errorOf(page, 'Phone')
      .getByText(/digits and spaces/)
      .waitFor();
    await contacts.getByLabel('Phone').fill('+44 7700 900123');
    await contacts.getByLabel('May be called from (empty: any time)').fill('08:00');
    await contacts.getByLabel('until').fill('20:00');
    await contacts.getByRole('button', { name: 'Add contact' }).click();
    await contacts.getByText('Carol Daughter added.').waitFor();
    await contacts.getByLabel('Name').fill('Dan Neighbour');
    await contacts.getByLabel('Email').fill('dan@example.org');
    await contacts.getByRole('button', { name: 'Add contact' }).click();
    await contacts.getByText('Dan Neighbour added.').waitFor();
    await contacts.getByRole('button', { name: 'Move Dan Neighbour up' }).click();
    await contacts.getByText('Dan Neighbour moved up.').waitFor();
    const order = await t.sql<{ name: string; phone: string | null; hours: unknown }[]>`
      select name, phone, hours from contacts where wearer_id = ${ada.id} order by position`;
    expect(order.map((c) => c.name)).toEqual(['Dan Neighbour', 'Carol Daughter']);
    expect(order[1]).toMatchObject({ phone: '+44 7700 900123', hours: { from: '08:00', to: '20:00' } });

    // Plan: starts as the profile default; a step naming a third contact is refused on that
    // step's own field; then saved as Ada's own plan, and reset to the default.
    const plan = panelOf(page, 'Response plan');
    await plan.getByText('Using the default plan for Dementia / may wander.', { exact: false }).waitFor();
    const steps = await plan.locator('tbody tr').count();
    await plan.getByRole('button', { name: 'Add a step' }).click();
    const added = steps + 1;
    await plan.getByLabel(`Step ${added}: contact number`).fill('3');
    await plan.getByLabel(`Step ${added}: how`).selectOption({ label: 'ARC sends an SMS' });
    await plan.getByLabel(`Step ${added}: wait (seconds)`).fill('120');
    await plan.getByRole('button', { name: 'Save plan' }).click();
    await plan
      .locator(`[data-error-for="steps.${added - 1}.contactPosition"]`)
      .getByText(/names contact 3, but the wearer has 2 contacts/)
      .waitFor();
    await plan.getByLabel(`Step ${added}: contact number`).fill('2');
    await plan.getByRole('button', { name: 'Save plan' }).click();
    await plan.getByText('Plan saved.').waitFor();
    await plan.getByText('This wearer has their own plan.').waitFor();
    const [{ responsePlan }] = await t.sql<
      { responsePlan: { steps: { who: string; how: string; contactPosition?: number; waitS: number }[] } }[]
    >`
      select response_plan from wearers where id = ${ada.id}`;
    expect(responsePlan.steps).toHaveLength(added);
    expect(responsePlan.steps.at(-1)).toEqual({ who: 'contact', contactPosition: 2, how: 'sms', waitS: 120 });
    await plan.getByRole('button', { name: 'Use the profile default' }).click();
    await plan.getByText('The profile default plan applies again.').waitFor();
    expect((await t.sql`select response_plan from wearers where id = ${ada.id}`)[0].responsePlan).toBeNull();

    // Zones: a circle typed in (the map then shows it), and an area drawn by clicking three
    // corners on the tile-less map around it.
    const zones = panelOf(page, 'Zones');
    await zones.getByLabel('Name').fill('Near the old address');
    await zones.getByLabel('Kind').selectOption('exclusion');
    await zones.getByLabel('Centre latitude').fill('53.4084');
    await zones.getByLabel('Centre longitude').fill('-2.9916');
    await zones.getByLabel('Radius (m)').fill('5');
    await zones.getByRole('button', { name: 'Add zone' }).click();
    await errorOf(page, 'Radius (m)').getByText('a circle radius is at least 10 m').waitFor();
    await zones.getByLabel('Radius (m)').fill('300');
    await zones.getByLabel('Watched from (empty: always)').fill('22:00');
    await zones.getByLabel('until').fill('06:00');
    await zones.getByRole('button', { name: 'Add zone' }).click();
    await zones.getByText('Near the old address added.').waitFor();
    await zones.getByLabel('Name').fill('Home and garden');
    await zones.getByLabel('Shape').selectOption('polygon');
    const map = zones.getByRole('region', { name: /Map of the wearer’s zones/ });
    await map.click({ position: { x: 100, y: 80 } });
    await map.click({ position: { x: 260, y: 100 } });
    await map.click({ position: { x: 180, y: 300 } });
    expect((await zones.getByLabel('Corners').inputValue()).split('\n')).toHaveLength(3);
    await zones.getByRole('button', { name: 'Add zone' }).click();
    await zones.getByText('Home and garden added.').waitFor();
    const fences = await t.sql<
      {
        name: string;
        kind: string;
        shape: { type: string; points?: unknown[]; radiusM?: number };
        activeHours: unknown;
      }[]
    >`
      select name, kind, shape, active_hours from geofences where wearer_id = ${ada.id} order by created_at`;
    expect(fences[0]).toMatchObject({
      name: 'Near the old address',
      kind: 'exclusion',
      shape: { type: 'circle', radiusM: 300 },
      activeHours: { from: '22:00', to: '06:00' },
    });
    expect(fences[1]).toMatchObject({ name: 'Home and garden', kind: 'safe', shape: { type: 'polygon' } });
    expect(fences[1].shape.points).toHaveLength(3);

    // Carer: linked through the screen.
    const carers = panelOf(page, 'Carers who may follow this wearer');
    await carers.getByLabel('Carer account').selectOption(carer.id);
    await carers.getByRole('button', { name: 'Link carer' }).click();
    await carers.getByRole('button', { name: /^Unlink / }).waitFor();
    expect(await t.sql`select 1 from carer_links where carer_id = ${carer.id} and wearer_id = ${ada.id}`).toHaveLength(
      1,
    );

    await page.getByRole('heading', { name: 'Ada Admin', level: 2 }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'admin-wearer.png'), fullPage: true });

    // Every change is in the audit log under the supervisor's name.
    const actions = await auditActions(supervisor.id, ada.id);
    for (const action of [
      'wearer.created',
      'wearer.updated',
      'wearer.police_updated',
      'contact.created',
      'contact.updated',
      'response_plan.set',
      'response_plan.reset',
      'carer.linked',
    ]) {
      expect(actions).toContain(action);
    }
  });

  it('shows operators no administration, and the ARC refuses them', async () => {
    const operator = await t.createUser('operator');
    const page = await consoleAs(t, browser, operator);
    expect(await page.getByRole('link', { name: 'Administration' }).isVisible()).toBe(false);
    await page.goto(`${t.httpUrl}#/admin/wearers`);
    await page.getByRole('heading', { name: /Open alarms/ }).waitFor();
    expect(await page.locator('#admin-view').isVisible()).toBe(false);
    expect((await t.api('POST', '/api/wearers', { name: 'Not allowed' }, operator.token)).status).toBe(403);
  });
});
