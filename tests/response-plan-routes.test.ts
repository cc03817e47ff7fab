// Response plans and police details over HTTP against a real PostgreSQL: the effective plan (own
// or profile default), validation with the step named, the URN kept exactly as issued, the
// withdrawal reason required, roles, and the audit.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactRoutes } from '../api/routes/contact-routes.js';
import { responsePlanRoutes } from '../api/routes/response-plan-routes.js';
import { DEFAULT_PLANS, stepGuidance } from '../api/rules/response-plan.js';
import { getResponseContext } from '../api/store/response-plan-store.js';
import type { Role } from '../api/store/user-store.js';
import { insertWearer, type WearerProfile } from '../api/store/wearer-store.js';
import { buildRouteTestApp, type RouteTestApp } from './support/route-test-app.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

let db: TestDatabase;
let app: FastifyInstance;
let inject: RouteTestApp['inject'];

beforeAll(async () => {
  db = await createTestDatabase();
  ({ app, inject } = await buildRouteTestApp(db, [contactRoutes, responsePlanRoutes]));
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

async function api(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown, role: Role = 'supervisor') {
  const response = await inject(role, method, url, body);
  return { status: response.statusCode, body: response.json() };
}

async function newWearer(profile: WearerProfile = 'lone_worker', contacts = 0) {
  const { id } = await insertWearer(db.sql, { name: 'Wendy', profile });
  for (let i = 1; i <= contacts; i++)
    await api('POST', `/api/wearers/${id}/contacts`, { name: `Contact ${i}`, phone: `07700 90012${i}` });
  return id;
}

const OWN_PLAN = {
  steps: [
    { who: 'wearer', how: 'operator_call', waitS: 30 },
    { who: 'contact', contactPosition: 2, how: 'sms', waitS: 0 },
    { who: 'police', how: 'operator_call', waitS: 600, instruction: 'Ask for the duty inspector.' },
  ],
};

describe('the effective plan', () => {
  it.each(Object.keys(DEFAULT_PLANS) as WearerProfile[])(
    'a %s wearer starts on the profile default',
    async (profile) => {
      const wearer = await newWearer(profile, 1);
      const response = await api('GET', `/api/wearers/${wearer}/response-plan`, undefined, 'operator');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        plan: DEFAULT_PLANS[profile],
        isDefault: true,
        planSource: 'arc',
        profile,
        warnings: [],
      });
    },
  );

  it('the defaults are listed for every profile', async () => {
    const response = await api('GET', '/api/response-plans/defaults', undefined, 'operator');
    expect(response.body.defaults).toEqual(DEFAULT_PLANS);
  });

  it('warns when the default names a contact the wearer does not have', async () => {
    const wearer = await newWearer('lone_worker', 0);
    const response = await api('GET', `/api/wearers/${wearer}/response-plan`);
    expect(response.body.warnings).toEqual(['Step 2 names contact 1, but Wendy has 0 contacts']);
  });

  it('PUT sets the wearer’s own plan; DELETE goes back to the default', async () => {
    const wearer = await newWearer('dementia', 2);
    const put = await api('PUT', `/api/wearers/${wearer}/response-plan`, OWN_PLAN);
    expect(put.status).toBe(200);
    expect(put.body).toEqual({
      plan: OWN_PLAN,
      isDefault: false,
      planSource: 'wearer',
      profile: 'dementia',
      warnings: [],
    });
    expect((await api('GET', `/api/wearers/${wearer}/response-plan`)).body.isDefault).toBe(false);

    const reset = await api('DELETE', `/api/wearers/${wearer}/response-plan`);
    expect(reset.body).toEqual({
      plan: DEFAULT_PLANS.dementia,
      isDefault: true,
      planSource: 'arc',
      profile: 'dementia',
      warnings: [],
    });
    const [row] = await db.sql`select response_plan from wearers where id = ${wearer}`;
    expect(row.responsePlan).toBeNull();
  });

  it('the stored plan feeds the console guidance', async () => {
    const wearer = await newWearer('lone_worker', 2);
    await api('PUT', `/api/wearers/${wearer}/response-plan`, OWN_PLAN);
    await api('PUT', `/api/wearers/${wearer}/police`, { urn: ' NW-1234-5678 ', policeWithdrawn: false });
    const context = (await getResponseContext(db.sql, wearer))!;
    const guidance = (stepIndex: number) =>
      stepGuidance({
        ...context,
        stepIndex,
        alarm: { type: 'sos', discreet: false, isTest: false },
        now: new Date(),
        webhookUrl: null,
      });
    expect(guidance(1).instruction).toBe('The system texts Contact 2 on 07700 900122');
    expect(guidance(2).instruction).toBe('Pass to police quoting URN NW-1234-5678');
  });
});

describe('PUT refuses a plan that cannot work, saying which step', () => {
  it.each([
    ['no steps', { steps: [] }, 'steps'],
    ['a wait over an hour', { steps: [{ who: 'police', how: 'operator_call', waitS: 3601 }] }, 'steps.0.waitS'],
    ['texting the police', { steps: [{ who: 'police', how: 'sms', waitS: 0 }] }, 'steps.0.how'],
    [
      'a contact step with no position',
      { steps: [{ who: 'contact', how: 'sms', waitS: 0 }] },
      'steps.0.contactPosition',
    ],
    [
      'contact 3 of 2',
      {
        steps: [
          { who: 'wearer', how: 'operator_call', waitS: 0 },
          { who: 'contact', contactPosition: 3, how: 'operator_call', waitS: 60 },
        ],
      },
      'steps.1.contactPosition',
    ],
  ])('%s', async (_name, body, field) => {
    const wearer = await newWearer('lone_worker', 2);
    const response = await api('PUT', `/api/wearers/${wearer}/response-plan`, body);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('ARC_ERR_VALIDATION');
    expect(response.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    expect((await api('GET', `/api/wearers/${wearer}/response-plan`)).body.isDefault).toBe(true);
  });

  it('names the step and the contact count in words', async () => {
    const wearer = await newWearer('lone_worker', 1);
    const response = await api('PUT', `/api/wearers/${wearer}/response-plan`, {
      steps: [{ who: 'contact', contactPosition: 2, how: 'email', waitS: 0 }],
    });
    expect(response.body.error.message).toBe(
      'The request is not valid: step 1 names contact 2, but the wearer has 1 contact',
    );
  });

  it('an unknown wearer is a 404', async () => {
    for (const [method, url, body] of [
      ['GET', `/api/wearers/${randomUUID()}/response-plan`, undefined],
      [
        'PUT',
        `/api/wearers/${randomUUID()}/response-plan`,
        { steps: [{ who: 'police', how: 'operator_call', waitS: 0 }] },
      ],
      ['DELETE', `/api/wearers/${randomUUID()}/response-plan`, undefined],
      ['GET', `/api/wearers/${randomUUID()}/police`, undefined],
      ['PUT', `/api/wearers/${randomUUID()}/police`, { urn: null, policeWithdrawn: false }],
    ] as const) {
      const response = await api(method, url, body);
      expect(response.status, `${method} ${url}`).toBe(404);
      expect(response.body.error.code).toBe('ARC_ERR_WEARER_NOT_FOUND');
    }
    expect((await api('GET', '/api/wearers/not-a-uuid/response-plan')).status).toBe(400);
  });
});

describe('police details', () => {
  it.each([
    ['kept exactly as issued', 'wmp/2024/ 000123 a', 'wmp/2024/ 000123 a'],
    ['surrounding spaces trimmed', '  NW-1234-5678  ', 'NW-1234-5678'],
    ['blank means none', '   ', null],
    ['none', null, null],
    ['64 characters', 'U'.repeat(64), 'U'.repeat(64)],
  ])('a URN: %s', async (_name, urn, stored) => {
    const wearer = await newWearer();
    const response = await api('PUT', `/api/wearers/${wearer}/police`, { urn, policeWithdrawn: false });
    expect(response.status).toBe(200);
    expect(response.body.police).toMatchObject({ urn: stored, policeWithdrawn: false, policeWithdrawnReason: null });
    expect((await api('GET', `/api/wearers/${wearer}/police`, undefined, 'operator')).body.police.urn).toBe(stored);
  });

  it.each([
    ['a URN of 65 characters', { urn: 'U'.repeat(65), policeWithdrawn: false }, 'urn'],
    ['a URN over two lines', { urn: 'NW-1\nNW-2', policeWithdrawn: false }, 'urn'],
    ['no urn field', { policeWithdrawn: false }, 'urn'],
    ['no withdrawn flag', { urn: null }, 'policeWithdrawn'],
    ['withdrawn without a reason', { urn: 'NW-1', policeWithdrawn: true }, 'policeWithdrawnReason'],
    [
      'withdrawn with a blank reason',
      { urn: 'NW-1', policeWithdrawn: true, policeWithdrawnReason: '  ' },
      'policeWithdrawnReason',
    ],
  ])('refuses %s', async (_name, body, field) => {
    const wearer = await newWearer();
    const response = await api('PUT', `/api/wearers/${wearer}/police`, body);
    expect(response.status).toBe(400);
    expect(response.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('withdrawal keeps its reason; reinstating clears it', async () => {
    const wearer = await newWearer();
    const withdrawn = await api('PUT', `/api/wearers/${wearer}/police`, {
      urn: 'NW-1',
      policeWithdrawn: true,
      policeWithdrawnReason: 'Three false alarms in 12 months',
    });
    expect(withdrawn.body.police).toMatchObject({
      urn: 'NW-1',
      policeWithdrawn: true,
      policeWithdrawnReason: 'Three false alarms in 12 months',
    });
    const reinstated = await api('PUT', `/api/wearers/${wearer}/police`, {
      urn: 'NW-1',
      policeWithdrawn: false,
      policeWithdrawnReason: 'ignored',
    });
    expect(reinstated.body.police).toMatchObject({ urn: 'NW-1', policeWithdrawn: false, policeWithdrawnReason: null });
  });
});

describe('who may do what, and the audit', () => {
  it.each([
    ['operator', 'GET', '/response-plan', 200],
    ['operator', 'PUT', '/response-plan', 403],
    ['operator', 'DELETE', '/response-plan', 403],
    ['operator', 'GET', '/police', 200],
    ['operator', 'PUT', '/police', 403],
    ['carer', 'GET', '/response-plan', 403],
    ['carer', 'GET', '/police', 403],
    ['administrator', 'PUT', '/response-plan', 200],
    ['administrator', 'PUT', '/police', 200],
  ] as const)('%s %s %s → %i', async (role, method, tail, status) => {
    const wearer = await newWearer('lone_worker', 2);
    const body = method !== 'PUT' ? undefined : tail === '/police' ? { urn: 'NW-9', policeWithdrawn: false } : OWN_PLAN;
    expect((await api(method, `/api/wearers/${wearer}${tail}`, body, role)).status).toBe(status);
  });

  it('the defaults need a staff session', async () => {
    expect((await api('GET', '/api/response-plans/defaults', undefined, 'carer')).status).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/response-plans/defaults' })).statusCode).toBe(401);
  });

  it('audits every change, with the plan and the police details before and after', async () => {
    const wearer = await newWearer('lone_worker', 2);
    await api('PUT', `/api/wearers/${wearer}/response-plan`, OWN_PLAN);
    await api('DELETE', `/api/wearers/${wearer}/response-plan`);
    await api('PUT', `/api/wearers/${wearer}/police`, {
      urn: 'NW-1',
      policeWithdrawn: true,
      policeWithdrawnReason: 'Misuse',
    });
    const rows =
      await db.sql`select action, detail from audit_log where target = ${wearer} and action not like 'contact.%' order by id`;
    expect(rows.map((r) => r.action)).toEqual(['response_plan.set', 'response_plan.reset', 'wearer.police_updated']);
    expect(rows[0].detail).toEqual({ plan: OWN_PLAN });
    expect(rows[2].detail).toEqual({
      before: { urn: null, policeWithdrawn: false, policeWithdrawnReason: null },
      after: { urn: 'NW-1', policeWithdrawn: true, policeWithdrawnReason: 'Misuse' },
    });
  });
});
