// The Insight view in a real Chromium over a seeded history: the demand charts (heat map,
// forecast with band, staffing with a what-if, response times), each with its CSV, and the
// early-help review list where a supervisor records an outcome. Operators do not get the view.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestArc, type TestArc } from './support/test-arc.js';
import { SCREENSHOTS, consoleAs, launchChromium } from './support/console-browser.js';

// The ARC's clock starts on a Monday noon and runs on from there: the review month is February 2026.
const START = Date.parse('2026-03-02T12:00:00Z');
const began = Date.now();
const now = () => new Date(START + (Date.now() - began));
const DAY = 86_400_000;

let t: TestArc;
let browser: Browser;

beforeAll(async () => {
  [t, browser] = await Promise.all([
    startTestArc({ ARC_MAP_TILES_URL: 'none', ARC_INSIGHT_TIME_ZONE: 'UTC' }, { now }),
    launchChromium(),
  ]);
  await t.sql`insert into devices (id, secret_hash) values ('insight-dev', 'not-used')`;
  // Olive and Oscar joined in January (too new to be judged against their own year); Rita long ago.
  const people = [];
  for (const [name, joined] of [
    ['Olive Older', '2026-01-15T00:00:00Z'],
    ['Oscar Older', '2026-01-15T00:00:00Z'],
    ['Rita Rising', '2025-01-01T00:00:00Z'],
  ] as const) {
    const w = await t.createWearer({ name, profile: 'older_person' });
    await t.sql`update wearers set created_at = ${joined} where id = ${w.id}`;
    people.push(w.id);
  }
  const operator = await t.createUser('operator');
  const insert = (wearerId: string, type: string, at: number, acceptS: number, handleS: number) => t.sql`
    insert into alarms (device_id, wearer_id, type, priority, status, received_at, accepted_at, accepted_by, resolved_at, closure_code)
    values ('insight-dev', ${wearerId}, ${type}, 2, 'resolved', ${new Date(at)}, ${new Date(at + acceptS * 1000)}, ${operator.id},
            ${new Date(at + (acceptS + handleS) * 1000)}, 'no_action_needed')`;
  // Six weeks of evenings: four alarms every day at 19:00–19:45, more on Saturdays.
  for (let day = 1; day <= 42; day += 1) {
    const evening = Date.parse('2026-03-02T19:00:00Z') - day * DAY;
    const n = new Date(evening).getUTCDay() === 6 ? 8 : 4;
    for (let i = 0; i < n; i += 1)
      await insert(people[i % 2], i % 2 ? 'battery.low' : 'sos', evening + i * 5 * 60_000, 4 + i * 3, 240);
  }
  // Rita falls about once a month for a year, then nine times in February.
  for (let m = 0; m < 12; m += 1) await insert(people[2], 'fall', Date.UTC(2025, 1 + m, 10, 11), 5, 600);
  for (let i = 0; i < 9; i += 1) await insert(people[2], 'fall', Date.UTC(2026, 1, 3 + 2 * i, 11), 5, 600);
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('the Insight view', () => {
  it('shows a supervisor demand, forecast, staffing and response times, each with its CSV', async () => {
    const supervisor = await t.createUser('supervisor');
    const page = await consoleAs(t, browser, supervisor);
    await page.getByRole('link', { name: 'Insight' }).click();
    await page.getByRole('heading', { name: 'Demand' }).waitFor();

    // Heat map: Saturday 19:00 holds 6 Saturdays × 8 alarms; a Tuesday 19:00 six × 4.
    const heat = page.getByRole('table', { name: 'Alarms by hour of the week' });
    await heat.getByRole('row', { name: /^Sat/ }).getByRole('cell', { name: '48', exact: true }).waitFor();
    await heat.getByRole('row', { name: /^Tue/ }).getByRole('cell', { name: '24', exact: true }).waitFor();
    const csvHref = await page
      .getByRole('link', { name: 'Arrivals by hour of the week and type as CSV' })
      .getAttribute('href');
    const csv = await page.request.get(t.httpUrl + csvHref);
    expect(csv.headers()['content-type']).toMatch(/^text\/csv/);
    expect((await csv.text()).split('\r\n')[0]).toBe('day,hour,type,alarms');

    // Forecast: a uPlot chart and how it did on the held-back weeks.
    await page.locator('#insight-forecast .uplot canvas').first().waitFor();
    await page.getByText(/On the last 2 weeks, held back and forecast from the weeks before/).waitFor();
    await page.getByRole('link', { name: 'Forecast as CSV' }).waitFor();

    // Staffing: operators needed (Erlang C) per hour, and a what-if.
    const staffing = page.getByRole('table', { name: 'Operators needed by hour of the week' });
    await staffing.getByRole('row', { name: /^19:00/ }).waitFor();
    // The supervisor is on a console: a tick of the clock records it, and the recalculated table
    // sets the operators needed beside the staff on shift.
    await t.arc.clock.tick();
    await page.getByLabel('What if').fill('3');
    await page.getByLabel('more devices of profile').selectOption('older_person');
    await page.getByRole('button', { name: 'Recalculate' }).click();
    await page.getByText(/^What if 3 more older person devices: about \d+ more alarms a week/).waitFor();
    await page.getByText(/then the staff on a console in that hour on average \(recorded since/).waitFor();
    await page.getByRole('link', { name: 'Staffing as CSV' }).waitFor();

    // Response times by type.
    await page.locator('table.times').getByRole('row', { name: /^sos/ }).waitFor();
    await page.getByRole('link', { name: 'Response-time distributions as CSV' }).waitFor();

    await page.getByRole('heading', { name: 'Early-help review' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'insight.png'), fullPage: true });

    // Narrowed to an organisation none of these wearers belongs to: nothing, and the CSV says the same.
    expect((await t.api('POST', '/api/organisations', { name: 'Harbour Housing' })).status).toBe(201);
    await page.reload();
    await page.getByRole('heading', { name: 'Demand' }).waitFor();
    await page.getByLabel('Organisation').selectOption({ label: 'Harbour Housing' });
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await page.getByText(/By type: no alarms\./).waitFor();
    const narrowed = await page
      .getByRole('link', { name: 'Arrivals by hour of the week and type as CSV' })
      .getAttribute('href');
    expect(narrowed).toMatch(/organisationId=[0-9a-f-]{36}/);
    expect(await (await page.request.get(t.httpUrl + narrowed)).text()).toBe('day,hour,type,alarms\r\n');
  });

  it("lists Rita for review with the data behind it, and records the supervisor's outcome", async () => {
    const supervisor = await t.createUser('supervisor');
    const page = await consoleAs(t, browser, supervisor);
    await page.getByRole('link', { name: 'Insight' }).click();
    const list = page.getByRole('list', { name: 'Early-help review list for 2026-02' });
    const rita = list.getByRole('listitem').filter({ hasText: 'Rita Rising' });
    await rita.getByText(/^Falls: 9 this month, usually 1\.0 a month/).waitFor();
    expect(await list.getByRole('listitem').filter({ hasText: 'Olive Older' }).count()).toBe(0);

    await rita.getByRole('button', { name: 'Month by month' }).click();
    await rita
      .getByRole('table', { name: 'Rita Rising month by month' })
      .getByRole('row', { name: /^2026-02 9 / })
      .waitFor();

    await rita.getByLabel('Outcome for Rita Rising').selectOption('referred_early_help');
    await rita.getByLabel('Note for Rita Rising').fill('Spoke to her son; falls clinic referral');
    await rita.getByRole('button', { name: 'Record outcome' }).click();
    await rita.getByText(`Recorded: Referred to early help by ${supervisor.email}`).waitFor();
    const [row] = await t.sql`select outcome, note from early_help_reviews`;
    expect(row).toMatchObject({ outcome: 'referred_early_help', note: 'Spoke to her son; falls clinic referral' });
    const audited =
      await t.sql`select action from audit_log where action like 'insight.%' and actor = ${supervisor.email} order by id`;
    expect(audited.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        'insight.review_list.viewed',
        'insight.wearer_signals.viewed',
        'insight.review_outcome.recorded',
      ]),
    );
  });

  it('is not offered to an operator, and its address leads to the alarms', async () => {
    const operator = await t.createUser('operator');
    const page = await consoleAs(t, browser, operator);
    expect(await page.getByRole('link', { name: 'Insight' }).isVisible()).toBe(false);
    await page.evaluate(() => (location.hash = '#/insight'));
    await page.waitForTimeout(300);
    expect(await page.getByRole('heading', { name: 'Early-help review' }).isVisible()).toBe(false);
  });
});
