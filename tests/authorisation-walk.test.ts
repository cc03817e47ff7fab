// The authorisation walk (issue 16, "Done when"): every registered HTTP route, every Socket.IO
// event and every export, called by each role that is held to one organisation (Alpha), about
// Alpha's things and about Bravo's. A leak is anything of Bravo's (an id, a name, an email) in
// any answer to them, or a 2xx to a request naming Bravo's things. 0 leaks.
//
// The WALK table names every route: a route registered without a row fails the first test,
// so a new route (from any branch) is one line here: how to call it about an organisation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedDevice } from '../device-sim/simulated-device.js';
import { notifySupervisors } from '../api/handling/alarm-notifications.js';
import { carerSocket } from './support/carer-socket.js';
import { connected, nextEvent, startTestArc, type TestArc } from './support/test-arc.js';

let t: TestArc;
const devices: SimulatedDevice[] = [];

/** One organisation's things, created by the administrator. */
interface Org {
  name: string;
  orgId: string;
  wearerId: string;
  wearerName: string;
  deviceId: string;
  secret: string;
  contactId: string;
  contactName: string;
  geofenceId: string;
  geofenceName: string;
  carerId: string;
  carerEmail: string;
  managerId: string;
  managerEmail: string;
  alarmId: string;
}

/** How to call a route about one organisation's things. */
type Call = (o: Org) => { path: string; body?: unknown };
interface WalkRow {
  /** The call; absent for routes that hold no organisation's data (say why in `none`). */
  call?: Call;
  /** Why the route is outside the walk: public, or about the caller or the ARC only. */
  none?: string;
  /** The call names nothing of the organisation (a list, a report): 2xx is fine, Bravo must not appear in it. */
  list?: true;
  /** More calls of the same route: each export format. */
  also?: Call[];
}

const PASSWORD = 'walk-password-not-common-1';
const id = (o: Org) => o.wearerId;
const thisMonth = new Date().toISOString().slice(0, 7);

/** Every route, keyed as fastify registers it. */
const WALK: Record<string, WalkRow> = {
  'GET /api/openapi.json': { none: 'public description of the API' },
  'GET /api/docs': { none: 'public description of the API' },
  'POST /owntracks': { none: 'a device (HTTP Basic with its own secret), not a user' },
  'GET /health/live': { none: 'public health' },
  'GET /health/ready': { none: 'public health' },
  'GET /metrics': { none: 'Prometheus counters (bearer token or loopback), no personal data' },
  'POST /api/auth/login': { none: 'public: the caller logs in as themself' },
  'POST /api/auth/logout': { none: "ends the caller's own session (walking it would log the walker out)" },
  'GET /api/auth/me': { list: true, call: () => ({ path: '/api/auth/me' }) },
  'GET /api/console-config': { list: true, call: () => ({ path: '/api/console-config' }) },
  'GET /api/metrics': { list: true, call: () => ({ path: '/api/metrics' }) },
  'GET /api/closure-codes': { list: true, call: () => ({ path: '/api/closure-codes' }) },
  'GET /api/places/reverse': { list: true, call: () => ({ path: '/api/places/reverse?lat=51.5&lon=-0.1' }) },
  'GET /api/handover-notes': { list: true, call: () => ({ path: '/api/handover-notes' }) },
  'POST /api/handover-notes': {
    list: true,
    call: () => ({ path: '/api/handover-notes', body: { text: 'walk note' } }),
  },
  'GET /api/staff/on-console': { list: true, call: () => ({ path: '/api/staff/on-console' }) },
  'GET /api/response-plans/defaults': { list: true, call: () => ({ path: '/api/response-plans/defaults' }) },
  // Alarms
  'GET /api/alarms': { list: true, call: () => ({ path: '/api/alarms' }) },
  'GET /api/alarms/:id': { call: (o) => ({ path: `/api/alarms/${o.alarmId}` }) },
  'POST /api/alarms/:id/accept': { call: (o) => ({ path: `/api/alarms/${o.alarmId}/accept` }) },
  'POST /api/alarms/:id/actions': {
    call: (o) => ({
      path: `/api/alarms/${o.alarmId}/actions`,
      body: { kind: 'called_contact', contactName: o.contactName, contactId: o.contactId, outcome: 'answered' },
    }),
  },
  'POST /api/alarms/:id/resolve': {
    call: (o) => ({ path: `/api/alarms/${o.alarmId}/resolve`, body: { closureCode: 'false_alarm' } }),
  },
  'POST /api/alarms/:id/messages': {
    call: (o) => ({ path: `/api/alarms/${o.alarmId}/messages`, body: { text: 'help is coming' } }),
  },
  'POST /api/alarms/:id/annotations': {
    call: (o) => ({ path: `/api/alarms/${o.alarmId}/annotations`, body: { text: 'walk' } }),
  },
  'POST /api/alarms/:id/reassign': {
    call: (o) => ({ path: `/api/alarms/${o.alarmId}/reassign`, body: { userId: o.managerId } }),
  },
  'POST /api/alarms/:id/access-info': { call: (o) => ({ path: `/api/alarms/${o.alarmId}/access-info` }) },
  'POST /api/alarms/flood-acknowledge': {
    call: (o) => ({
      path: '/api/alarms/flood-acknowledge',
      body: { alarmIds: [o.alarmId], closureCode: 'false_alarm', reason: 'walk flood' },
    }),
  },
  // Wearers, carers, contacts, plans, police, zones
  'GET /api/wearers': { list: true, call: () => ({ path: '/api/wearers' }) },
  'GET /api/wearers/:id': { call: (o) => ({ path: `/api/wearers/${id(o)}` }) },
  'POST /api/wearers': {
    call: (o) => ({ path: '/api/wearers', body: { name: 'Walk Wearer', organisationId: o.orgId } }),
  },
  'PATCH /api/wearers/:id': { call: (o) => ({ path: `/api/wearers/${id(o)}`, body: { notes: 'walked' } }) },
  'GET /api/wearers/:id/carers': { call: (o) => ({ path: `/api/wearers/${id(o)}/carers` }) },
  'POST /api/carer-links': {
    call: (o) => ({ path: '/api/carer-links', body: { carerId: o.carerId, wearerId: o.wearerId } }),
  },
  'DELETE /api/carer-links': {
    call: (o) => ({ path: '/api/carer-links', body: { carerId: o.carerId, wearerId: o.wearerId } }),
  },
  'GET /api/wearers/:id/export': {
    call: (o) => ({ path: `/api/wearers/${id(o)}/export?format=json` }),
    also: [(o) => ({ path: `/api/wearers/${id(o)}/export?format=text` })],
  },
  'POST /api/wearers/:id/erase': {
    call: (o) => ({ path: `/api/wearers/${id(o)}/erase`, body: { confirmName: o.wearerName } }),
  },
  'GET /api/wearers/:id/contacts': { call: (o) => ({ path: `/api/wearers/${id(o)}/contacts` }) },
  'POST /api/wearers/:id/contacts': {
    call: (o) => ({
      path: `/api/wearers/${id(o)}/contacts`,
      body: { name: 'Walk Contact', phone: '07700900999', carerId: o.carerId },
    }),
  },
  'GET /api/contacts/:id': { call: (o) => ({ path: `/api/contacts/${o.contactId}` }) },
  'PATCH /api/contacts/:id': {
    call: (o) => ({ path: `/api/contacts/${o.contactId}`, body: { relationship: 'walked' } }),
  },
  'DELETE /api/contacts/:id': { call: (o) => ({ path: `/api/contacts/${o.contactId}` }) },
  'GET /api/wearers/:id/response-plan': { call: (o) => ({ path: `/api/wearers/${id(o)}/response-plan` }) },
  'PUT /api/wearers/:id/response-plan': {
    call: (o) => ({
      path: `/api/wearers/${id(o)}/response-plan`,
      body: { steps: [{ who: 'operator', how: 'call', waitS: 60 }] },
    }),
  },
  'DELETE /api/wearers/:id/response-plan': { call: (o) => ({ path: `/api/wearers/${id(o)}/response-plan` }) },
  'GET /api/wearers/:id/police': { call: (o) => ({ path: `/api/wearers/${id(o)}/police` }) },
  'PUT /api/wearers/:id/police': {
    call: (o) => ({ path: `/api/wearers/${id(o)}/police`, body: { urn: 'URN-WALK', policeWithdrawn: false } }),
  },
  'GET /api/wearers/:id/geofences': { call: (o) => ({ path: `/api/wearers/${id(o)}/geofences` }) },
  'POST /api/wearers/:id/geofences': {
    call: (o) => ({
      path: `/api/wearers/${id(o)}/geofences`,
      body: { name: 'Walk Zone', kind: 'safe', shape: { type: 'circle', lat: 53.6, lon: -3, radiusM: 200 } },
    }),
  },
  'PATCH /api/geofences/:id': { call: (o) => ({ path: `/api/geofences/${o.geofenceId}`, body: { enabled: false } }) },
  'DELETE /api/geofences/:id': { call: (o) => ({ path: `/api/geofences/${o.geofenceId}` }) },
  // Devices and shifts
  'GET /api/devices': {
    list: true,
    call: () => ({ path: '/api/devices?decommissioned=include' }),
    also: [() => ({ path: '/api/devices?form=rows' })],
  },
  'GET /api/devices/:id': { call: (o) => ({ path: `/api/devices/${o.deviceId}` }) },
  'POST /api/devices': {
    call: (o) => ({
      path: '/api/devices',
      body: { id: `walk-${Math.random().toString(36).slice(2, 10)}`, wearerId: o.wearerId },
    }),
  },
  'PATCH /api/devices/:id': { call: (o) => ({ path: `/api/devices/${o.deviceId}`, body: { label: 'walked' } }) },
  'POST /api/devices/bulk': {
    call: (o) => ({
      path: '/api/devices/bulk',
      body: { prefix: `walkbulk${Math.random().toString(36).slice(2, 8)}`, count: 1, organisationId: o.orgId },
    }),
  },
  'PUT /api/devices/:id/test-mode': {
    call: (o) => ({ path: `/api/devices/${o.deviceId}/test-mode`, body: { minutes: 5, reason: 'walk test' } }),
  },
  'DELETE /api/devices/:id/test-mode': { call: (o) => ({ path: `/api/devices/${o.deviceId}/test-mode` }) },
  'POST /api/devices/:id/rotate-secret': { call: (o) => ({ path: `/api/devices/${o.deviceId}/rotate-secret` }) },
  'POST /api/devices/:id/decommission': {
    call: (o) => ({ path: `/api/devices/${o.deviceId}/decommission`, body: { reason: 'walked away' } }),
  },
  'GET /api/devices/:id/shift': { call: (o) => ({ path: `/api/devices/${o.deviceId}/shift` }) },
  'POST /api/devices/:id/shift': {
    call: (o) => ({ path: `/api/devices/${o.deviceId}/shift`, body: { intervalS: 600 } }),
  },
  'DELETE /api/devices/:id/shift': { call: (o) => ({ path: `/api/devices/${o.deviceId}/shift` }) },
  'GET /api/devices/:id/shift-pattern': { call: (o) => ({ path: `/api/devices/${o.deviceId}/shift-pattern` }) },
  'PUT /api/devices/:id/shift-pattern': {
    call: (o) => ({ path: `/api/devices/${o.deviceId}/shift-pattern`, body: { intervalS: 600, lengthS: 3600 } }),
  },
  'DELETE /api/devices/:id/shift-pattern': { call: (o) => ({ path: `/api/devices/${o.deviceId}/shift-pattern` }) },
  // Organisations, users, audit, reports, insight
  'GET /api/organisations': { list: true, call: () => ({ path: '/api/organisations' }) },
  'GET /api/organisations/:id': { call: (o) => ({ path: `/api/organisations/${o.orgId}` }) },
  'POST /api/organisations': {
    list: true,
    call: () => ({ path: '/api/organisations', body: { name: `Walk Org ${Math.random().toString(36).slice(2, 8)}` } }),
  },
  'PATCH /api/organisations/:id': {
    call: (o) => ({ path: `/api/organisations/${o.orgId}`, body: { urn: 'URN-ORG-WALK' } }),
  },
  'GET /api/users': { list: true, call: () => ({ path: '/api/users' }) },
  'POST /api/users': {
    call: (o) => ({
      path: '/api/users',
      body: {
        email: `walk-${Math.random().toString(36).slice(2, 8)}@test.arc`,
        name: 'Walk Carer',
        role: 'carer',
        password: PASSWORD,
        organisationId: o.orgId,
      },
    }),
  },
  'GET /api/users/:id/export': { call: (o) => ({ path: `/api/users/${o.carerId}/export` }) },
  'PATCH /api/users/:id': { call: (o) => ({ path: `/api/users/${o.carerId}`, body: { name: 'Walked Carer' } }) },
  'GET /api/audit': {
    list: true,
    call: () => ({ path: '/api/audit?limit=1000' }),
    also: [() => ({ path: '/api/audit?format=csv' })],
  },
  'GET /api/audit/actions': { list: true, call: () => ({ path: '/api/audit/actions' }) },
  'GET /api/organisations/:id/settings': { call: (o) => ({ path: `/api/organisations/${o.orgId}/settings` }) },
  'PATCH /api/organisations/:id/settings': {
    call: (o) => ({ path: `/api/organisations/${o.orgId}/settings`, body: { smsSender: 'WALK' } }),
  },
  'PUT /api/organisations/:id/response-plans/:profile': {
    call: (o) => ({
      path: `/api/organisations/${o.orgId}/response-plans/lone_worker`,
      body: { steps: [{ who: 'operator', how: 'call', waitS: 60 }] },
    }),
  },
  'DELETE /api/organisations/:id/response-plans/:profile': {
    call: (o) => ({ path: `/api/organisations/${o.orgId}/response-plans/lone_worker` }),
  },
  'GET /api/reports/monthly-statistics': {
    list: true,
    call: () => ({ path: '/api/reports/monthly-statistics?format=csv' }),
    also: [() => ({ path: '/api/reports/monthly-statistics' })],
  },
  'GET /api/reports/billing': {
    list: true,
    call: () => ({ path: '/api/reports/billing?format=csv' }),
    also: [() => ({ path: '/api/reports/billing' })],
  },
  'GET /api/reports/sla': {
    list: true,
    call: () => ({ path: '/api/reports/sla?period=month&format=csv' }),
    also: [() => ({ path: '/api/reports/sla?period=month' })],
  },
  'GET /api/insight/arrivals': { call: (o) => ({ path: `/api/insight/arrivals?organisationId=${o.orgId}` }) },
  'GET /api/insight/response-times': {
    call: (o) => ({ path: `/api/insight/response-times?organisationId=${o.orgId}` }),
  },
  'GET /api/insight/forecast': { call: (o) => ({ path: `/api/insight/forecast?organisationId=${o.orgId}` }) },
  'GET /api/insight/staffing': { call: (o) => ({ path: `/api/insight/staffing?organisationId=${o.orgId}` }) },
  'GET /api/insight/review': {
    call: (o) => ({ path: `/api/insight/review?organisationId=${o.orgId}&month=${thisMonth}` }),
    also: [(o) => ({ path: `/api/insight/review?organisationId=${o.orgId}&month=${thisMonth}&format=csv` })],
  },
  'GET /api/insight/review/:wearerId': {
    call: (o) => ({ path: `/api/insight/review/${o.wearerId}?month=${thisMonth}` }),
  },
  'POST /api/insight/review/:wearerId/outcome': {
    call: (o) => ({
      path: `/api/insight/review/${o.wearerId}/outcome`,
      body: { month: thisMonth, outcome: 'no_action' },
    }),
  },
  // The carer's own view: held to the carer's links, whatever the organisation.
  'GET /api/my/wearers': { list: true, call: () => ({ path: '/api/my/wearers' }) },
  'GET /api/my/wearers/:id/trail': { call: (o) => ({ path: `/api/my/wearers/${o.wearerId}/trail` }) },
  'GET /api/my/wearers/:id/zones': { call: (o) => ({ path: `/api/my/wearers/${o.wearerId}/zones` }) },
  'POST /api/my/wearers/:id/zones': {
    call: (o) => ({
      path: `/api/my/wearers/${o.wearerId}/zones`,
      body: { name: 'Carer Zone', shape: { type: 'circle', lat: 53.6, lon: -3, radiusM: 200 } },
    }),
  },
  'PUT /api/my/wearers/:id/zones/:zoneId': {
    call: (o) => ({
      path: `/api/my/wearers/${o.wearerId}/zones/${o.geofenceId}`,
      body: { name: 'Carer Zone', shape: { type: 'circle', lat: 53.6, lon: -3, radiusM: 200 } },
    }),
  },
  'DELETE /api/my/wearers/:id/zones/:zoneId': {
    call: (o) => ({ path: `/api/my/wearers/${o.wearerId}/zones/${o.geofenceId}` }),
  },
  'GET /api/my/preferences': { list: true, call: () => ({ path: '/api/my/preferences' }) },
  'PUT /api/my/preferences': {
    list: true,
    call: () => ({ path: '/api/my/preferences', body: { channels: { sms: false, email: false } } }),
  },
};

const orgs = {} as Record<'alpha' | 'bravo', Org>;
/** The callers held to Alpha: every role that can be held to one organisation. */
const walkers: { who: string; token: string }[] = [];
let unscopedSupervisor: string;

async function ok<T = any>(method: string, path: string, body?: unknown, token?: string | null): Promise<T> {
  const response = await t.api(method, path, body, token);
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

async function makeOrg(name: string): Promise<Org> {
  const { organisation } = await ok('POST', '/api/organisations', { name });
  const wearerName = `${name} Wearer`;
  const { wearer } = await ok('POST', '/api/wearers', { name: wearerName, organisationId: organisation.id });
  const deviceId = `walk-${name.toLowerCase()}-${Math.random().toString(36).slice(2, 8)}`;
  const { secret } = await ok('POST', '/api/devices', { id: deviceId, wearerId: wearer.id });
  const contactName = `${name} Contact`;
  const { contact } = await ok('POST', `/api/wearers/${wearer.id}/contacts`, {
    name: contactName,
    phone: '07700900123',
  });
  const geofenceName = `${name} Zone`;
  const { geofence } = await ok('POST', `/api/wearers/${wearer.id}/geofences`, {
    name: geofenceName,
    kind: 'safe',
    shape: { type: 'circle', lat: 53.6, lon: -3, radiusM: 250 },
  });
  const carerEmail = `carer-${name.toLowerCase()}@walk.test`;
  const { user: carer } = await ok('POST', '/api/users', {
    email: carerEmail,
    name: `${name} Carer`,
    role: 'carer',
    password: PASSWORD,
    organisationId: organisation.id,
  });
  await ok('POST', '/api/carer-links', { carerId: carer.id, wearerId: wearer.id });
  const managerEmail = `manager-${name.toLowerCase()}@walk.test`;
  const { user: manager } = await ok('POST', '/api/users', {
    email: managerEmail,
    name: `${name} Manager`,
    role: 'organisation_manager',
    password: PASSWORD,
    organisationId: organisation.id,
  });
  // An alarm raised the real way: the device's SOS through the broker and the intake.
  const device = new SimulatedDevice({ deviceId, secret, url: t.mqttUrl, reconnect: false });
  devices.push(device);
  await device.connect();
  const sent = await device.sendEvent('sos');
  await device.waitForCommand({ type: 'alarm.received', eventId: sent.id });
  const [alarm] = await t.sql<
    { id: string; organisationId: string }[]
  >`select id, organisation_id from alarms where device_id = ${deviceId}`;
  expect(alarm.organisationId).toBe(organisation.id);
  return {
    name,
    orgId: organisation.id,
    wearerId: wearer.id,
    wearerName,
    deviceId,
    secret,
    contactId: contact.id,
    contactName,
    geofenceId: geofence.id,
    geofenceName,
    carerId: carer.id,
    carerEmail,
    managerId: manager.id,
    managerEmail,
    alarmId: alarm.id,
  };
}

/** Everything of an organisation's that must never reach someone held to another. */
const markersOf = (o: Org) => [
  o.orgId,
  o.name,
  o.wearerId,
  o.wearerName,
  o.deviceId,
  o.contactId,
  o.contactName,
  o.geofenceId,
  o.geofenceName,
  o.carerId,
  o.carerEmail,
  o.managerId,
  o.managerEmail,
  o.alarmId,
];

function leaksIn(text: string, o: Org) {
  return markersOf(o).filter((m) => text.includes(m));
}

async function staffServing(role: 'administrator' | 'supervisor' | 'operator', servedOrganisationIds: string[]) {
  const email = `${role}-${servedOrganisationIds.length}-${Math.random().toString(36).slice(2, 8)}@walk.test`;
  await ok('POST', '/api/users', { email, name: `Walk ${role}`, role, password: PASSWORD, servedOrganisationIds });
  return t.login(email, PASSWORD);
}

beforeAll(async () => {
  t = await startTestArc();
  orgs.alpha = await makeOrg('Alpha');
  orgs.bravo = await makeOrg('Bravo');
  const alpha = [orgs.alpha.orgId];
  walkers.push(
    { who: 'organisation manager of Alpha', token: await t.login(orgs.alpha.managerEmail, PASSWORD) },
    { who: 'carer of Alpha', token: await t.login(orgs.alpha.carerEmail, PASSWORD) },
    { who: 'operator serving Alpha', token: await staffServing('operator', alpha) },
    { who: 'supervisor serving Alpha', token: await staffServing('supervisor', alpha) },
    { who: 'administrator serving Alpha', token: await staffServing('administrator', alpha) },
  );
  unscopedSupervisor = await staffServing('supervisor', []);
}, 120_000);

afterAll(async () => {
  await Promise.all(devices.map((d) => d.close().catch(() => {})));
  await t?.close();
});

describe('the walk table', () => {
  it('has a row for every registered route, and no row for a route that does not exist', () => {
    const registered = t.arc.routes.filter((r) => r.url !== '/*' && r.url !== '/').map((r) => `${r.method} ${r.url}`);
    expect(registered.filter((key) => !WALK[key])).toEqual([]);
    expect(Object.keys(WALK).filter((key) => !registered.includes(key))).toEqual([]);
    for (const [key, row] of Object.entries(WALK)) expect(row.call || row.none, key).toBeTruthy();
  });

  it("sees a leak when there is one: staff serving every organisation get Bravo's things", async () => {
    const wearers = await t.api('GET', '/api/wearers', undefined, unscopedSupervisor);
    expect(leaksIn(JSON.stringify(wearers.body), orgs.bravo)).toContain(orgs.bravo.wearerName);
    const alarms = await t.api('GET', '/api/alarms', undefined, unscopedSupervisor);
    expect(leaksIn(JSON.stringify(alarms.body), orgs.bravo)).toContain(orgs.bravo.alarmId);
  });
});

describe('Socket.IO: alarms and positions reach only those who serve the organisation', () => {
  it("pushes Alpha's alarm to Alpha's staff and everyone's, Bravo's to everyone's only; following Bravo's device gets nothing", async () => {
    const [, , operatorAlpha] = walkers;
    const scoped = t.operatorSocket(operatorAlpha.token);
    const everyone = t.operatorSocket(unscopedSupervisor);
    await Promise.all([connected(scoped), connected(everyone)]);
    const seenByScoped: { event: string; payload: unknown }[] = [];
    scoped.onAny((event, payload) => seenByScoped.push({ event, payload }));
    scoped.emit('device:follow', orgs.bravo.deviceId);
    scoped.emit('device:follow', orgs.alpha.deviceId);
    // The devices view's many-at-once follow holds to the same scope.
    scoped.emit('devices:follow', [orgs.bravo.deviceId, orgs.alpha.deviceId]);
    everyone.emit('device:follow', orgs.bravo.deviceId);
    await new Promise((r) => setTimeout(r, 200));

    const [alphaDevice, bravoDevice] = devices;
    const bravoRaised = nextEvent(everyone, 'alarm:raised');
    await bravoDevice.sendEvent('fall');
    expect((await bravoRaised).organisationId).toBe(orgs.bravo.orgId);
    // Something the scoped console does hear, after Bravo's: had Bravo's reached it, it came first.
    const alphaUpdated = nextEvent(scoped, 'alarm:updated');
    expect(
      (await t.api('POST', `/api/alarms/${orgs.alpha.alarmId}/annotations`, { text: 'walk' }, operatorAlpha.token))
        .status,
    ).toBe(200);
    expect((await alphaUpdated).id).toBe(orgs.alpha.alarmId);
    const bravoMoved = nextEvent(everyone, 'device:moved');
    await bravoDevice.sendFix({ ts: Date.now(), lat: 53.61, lon: -3.01, acc: 5 });
    await bravoMoved;
    const alphaRaised = nextEvent(scoped, 'alarm:raised');
    await alphaDevice.sendEvent('fall');
    expect((await alphaRaised).organisationId).toBe(orgs.alpha.orgId);
    const alphaMoved = nextEvent(scoped, 'device:moved');
    await alphaDevice.sendFix({ ts: Date.now(), lat: 53.62, lon: -3.02, acc: 5 });
    await alphaMoved;

    expect(seenByScoped.filter((s) => leaksIn(JSON.stringify(s.payload), orgs.bravo).length)).toEqual([]);
    // Every event the walk saw is one it knows: a new server event needs a line here.
    const KNOWN = new Set(['alarm:raised', 'alarm:updated', 'alarm:escalated', 'device:moved']);
    expect(seenByScoped.map((s) => s.event).filter((e) => !KNOWN.has(e))).toEqual([]);
    expect(seenByScoped.map((s) => s.event)).toEqual(expect.arrayContaining(['alarm:raised', 'device:moved']));
    // The follow of Bravo's device was not audited as a look at it (it did not happen).
    const follows =
      await t.sql`select target from audit_log where action = 'device.followed' and actor like 'operator-1-%'`;
    expect(follows.map((r) => r.target)).toEqual([orgs.alpha.deviceId]);
    scoped.close();
    everyone.close();
  });

  it('refuses the operator feed to organisation managers and carers (the carer feed is held to their links)', async () => {
    const [manager, carer] = walkers;
    await expect(connected(t.operatorSocket(manager.token))).rejects.toMatchObject({ code: 'ARC_ERR_FORBIDDEN' });
    await expect(connected(t.operatorSocket(carer.token))).rejects.toMatchObject({ code: 'ARC_ERR_FORBIDDEN' });
    const page = carerSocket(t.httpUrl, carer.token);
    const pushed: string[] = [];
    page.onAny((event, payload) => pushed.push(JSON.stringify({ event, payload })));
    await connected(page as never);
    const [, bravoDevice] = devices;
    const everyone = t.operatorSocket(unscopedSupervisor);
    await connected(everyone);
    const raised = nextEvent(everyone, 'alarm:raised');
    await bravoDevice.sendEvent('tamper');
    await raised;
    await new Promise((r) => setTimeout(r, 300));
    expect(pushed.filter((p) => leaksIn(p, orgs.bravo).length)).toEqual([]);
    page.close();
  });
});

describe('HTTP: every route, as each role held to Alpha, about Alpha and about Bravo', () => {
  it("answers nothing of Bravo's, and refuses every request naming Bravo's things", async () => {
    const leaks: string[] = [];
    const servedAlpha = new Set<string>();
    const walked = Object.entries(WALK).filter(([, row]) => row.call);
    // Bravo first: those must all be refused, so Alpha's things are still there for the rest.
    for (const target of [orgs.bravo, orgs.alpha]) {
      for (const { who, token } of walkers) {
        for (const [key, row] of walked)
          for (const call of [row.call!, ...(row.also ?? [])]) {
            const [method] = key.split(' ');
            const { path, body } = call(target);
            const response = await t.api(method, path, body, token);
            const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
            const found = leaksIn(text, orgs.bravo);
            if (found.length)
              leaks.push(`${who} ${key} about ${target.name}: ${response.status} shows ${found.join(', ')}`);
            if (target === orgs.bravo && !row.list && response.status < 300)
              leaks.push(`${who} ${key} about Bravo: ${response.status}`);
            if (target === orgs.alpha && response.status < 300) servedAlpha.add(`${who}: ${key}`);
          }
      }
    }
    expect(leaks).toEqual([]);
    // Not a walk of refusals: those held to Alpha get Alpha's things.
    expect([...servedAlpha]).toEqual(
      expect.arrayContaining([
        'organisation manager of Alpha: GET /api/alarms/:id',
        'organisation manager of Alpha: GET /api/wearers/:id',
        'organisation manager of Alpha: PATCH /api/wearers/:id',
        'organisation manager of Alpha: POST /api/devices',
        'organisation manager of Alpha: GET /api/wearers/:id/export',
        'organisation manager of Alpha: POST /api/users',
        'carer of Alpha: GET /api/my/wearers',
        'operator serving Alpha: POST /api/alarms/:id/accept',
        'supervisor serving Alpha: GET /api/insight/review',
        'administrator serving Alpha: PATCH /api/users/:id',
      ]),
    );
  }, 300_000);

  it("lets an organisation manager do their own organisation's work, and shows them only it", async () => {
    const [manager] = walkers;
    const get = async (path: string) => {
      const response = await t.api('GET', path, undefined, manager.token);
      expect(response.status, path).toBe(200);
      return typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
    };
    for (const path of ['/api/wearers', '/api/devices', '/api/organisations', '/api/users', '/api/audit?limit=1000']) {
      const text = await get(path);
      expect(leaksIn(text, orgs.alpha).length, path).toBeGreaterThan(0);
    }
    // The SLA report counts Alpha's alarms only (Bravo has had more by now).
    const [{ alpha, all }] = await t.sql<{ alpha: number; all: number }[]>`
      select count(*) filter (where organisation_id = ${orgs.alpha.orgId})::int as alpha, count(*)::int as all from alarms`;
    expect(all).toBeGreaterThan(alpha);
    const { body } = await t.api('GET', '/api/reports/sla?period=month', undefined, manager.token);
    const { overall, excluded } = body.report;
    expect(overall.alarms + excluded.test + excluded.linked).toBe(alpha);
  });
});

describe('notifications: a supervisor serving a chosen set hears only of those organisations', () => {
  it('emails the unanswered alarm of Bravo to supervisors serving all, not to the one serving Alpha', async () => {
    const recipients = async (alarmId: string) => {
      await t.sql.begin((tx) => notifySupervisors(tx, alarmId, new Date(), { publicUrl: t.httpUrl, webhookUrl: null }));
      return (
        await t.sql<
          { recipient: string }[]
        >`select recipient from notifications where alarm_id = ${alarmId} and audience = 'supervisor'`
      ).map((r) => r.recipient);
    };
    const [alphaSupervisor] = await t.sql<{ email: string }[]>`
      select u.email from users u join staff_organisations s on s.user_id = u.id where u.role = 'supervisor' and s.organisation_id = ${orgs.alpha.orgId}`;
    const [allSupervisor] = await t.sql<{ email: string }[]>`
      select email from users u where role = 'supervisor' and not exists (select 1 from staff_organisations s where s.user_id = u.id)`;
    const bravo = await recipients(orgs.bravo.alarmId);
    expect(bravo).toContain(allSupervisor.email);
    expect(bravo).not.toContain(alphaSupervisor.email);
    const alpha = await recipients(orgs.alpha.alarmId);
    expect(alpha).toEqual(expect.arrayContaining([allSupervisor.email, alphaSupervisor.email]));
  });
});

describe('accounts: staff held to a set give no one more than they hold', () => {
  it('an administrator serving Alpha creates staff serving Alpha, cannot give "all", nor change staff serving all', async () => {
    const adminAlpha = walkers.find((w) => w.who === 'administrator serving Alpha')!.token;
    const created = await t.api(
      'POST',
      '/api/users',
      { email: 'new-op@walk.test', name: 'New Op', role: 'operator', password: PASSWORD },
      adminAlpha,
    );
    expect(created.status).toBe(201);
    expect(created.body.user.servedOrganisationIds).toEqual([orgs.alpha.orgId]);
    const [served] = await t.sql<
      { n: number }[]
    >`select count(*)::int as n from staff_organisations where user_id = ${created.body.user.id}`;
    expect(served.n).toBe(1);
    const all = await t.api('PATCH', `/api/users/${created.body.user.id}`, { servedOrganisationIds: [] }, adminAlpha);
    expect([all.status, all.body.error?.code]).toEqual([403, 'ARC_ERR_FORBIDDEN']);
    const wider = await t.api(
      'PATCH',
      `/api/users/${created.body.user.id}`,
      { servedOrganisationIds: [orgs.alpha.orgId, orgs.bravo.orgId] },
      adminAlpha,
    );
    expect(wider.status).toBe(404);
    const [supervisorOfAll] = await t.sql<{ id: string }[]>`
      select id from users u where role = 'supervisor' and not exists (select 1 from staff_organisations s where s.user_id = u.id) limit 1`;
    const reset = await t.api(
      'PATCH',
      `/api/users/${supervisorOfAll.id}`,
      { password: 'a-takeover-password-1' },
      adminAlpha,
    );
    expect([reset.status, reset.body.error?.code]).toEqual([404, 'ARC_ERR_USER_NOT_FOUND']);
    // An administrator serving all may.
    expect((await t.api('PATCH', `/api/users/${created.body.user.id}`, { servedOrganisationIds: [] })).status).toBe(
      200,
    );
  });
});
