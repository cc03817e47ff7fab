// Issue 12, items 5 and 6: text PostgreSQL cannot hold is a 400 at the edge, never a 500 after a
// half-made change; a change and its audit entry commit together or not at all; a malformed
// cookie, a NUL in the login email, a huge number are each a 4xx with a reason. Then a bounded,
// seeded fuzz of every route's parameters, body, query and headers: no 5xx, and no change to the
// data without its audit entry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedDevice } from '../device-sim/simulated-device.js';
import { startTestArc, type TestArc } from './support/test-arc.js';

let t: TestArc;
let carer: Awaited<ReturnType<TestArc['createUser']>>;
let wearerId: string;
const devices: SimulatedDevice[] = [];
const HOME_CIRCLE = { type: 'circle', lat: 53.6458, lon: -3.0101, radiusM: 250 };

beforeAll(async () => {
  t = await startTestArc();
  carer = await t.createUser('carer');
  wearerId = (await t.createWearer({ name: 'Mum', carersEditSafeZones: true })).id;
  expect((await t.api('POST', '/api/carer-links', { carerId: carer.id, wearerId })).status).toBe(201);
});
afterAll(async () => {
  for (const d of devices) await d.close({ force: true });
  await t?.close();
});

const auditCount = async () => (await t.sql`select count(*)::int as n from audit_log`)[0].n as number;

/** A digest of every table a request may change, but for the ones every request may touch. */
async function dataDigest(): Promise<string> {
  const tables = await t.sql<{ name: string }[]>`
    select table_name as name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE'
      and table_name not in ('audit_log', 'sessions', 'login_throttle', 'login_known_addresses', 'schema_migrations')
    order by table_name`;
  const parts = await Promise.all(
    tables.map(async ({ name }) => {
      const [row] = await t.sql.unsafe(
        `select count(*) as n, coalesce(md5(string_agg(t::text, ',' order by t::text)), '') as h from "${name}" t`,
      );
      return `${name}:${row.n}:${row.h}`;
    }),
  );
  return parts.join('|');
}

describe("the issue's requests", () => {
  it("an unpaired surrogate in a wearer's name is a 400, and nothing is saved", async () => {
    const before = await dataDigest();
    const audits = await auditCount();
    const response = await t.api('PATCH', `/api/wearers/${wearerId}`, { name: 'Mum \ud800', notes: 'changed' });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('ARC_ERR_VALIDATION');
    expect(response.body.error.details[0].field).toBe('name');
    expect(await dataDigest()).toBe(before);
    expect(await auditCount()).toBe(audits);
  });

  it("a carer's zone with a NUL in its name is a 400, and no zone is made", async () => {
    const response = await t.api(
      'POST',
      `/api/my/wearers/${wearerId}/zones`,
      { name: 'Ho\u0000me', shape: HOME_CIRCLE },
      carer.token,
    );
    expect(response.status).toBe(400);
    expect((await t.sql`select 1 from geofences where wearer_id = ${wearerId}`).length).toBe(0);
  });

  it('a new device with a NUL in its label is a 400, and no device is made whose secret was never shown', async () => {
    const response = await t.api('POST', '/api/devices', {
      id: 'nul-label-1',
      label: 'bad\u0000label',
      wearerId: null,
    });
    expect(response.status).toBe(400);
    expect((await t.sql`select 1 from devices where id = 'nul-label-1'`).length).toBe(0);
  });

  it('a change whose audit entry cannot be written is not saved either', async () => {
    // Any failure after the change would do; a trigger makes the audit write fail on demand.
    await t.sql`create function refuse_wearer_audit() returns trigger language plpgsql as $$
                begin if new.action in ('wearer.updated', 'device.provisioned', 'geofence.created') then raise exception 'audit refused'; end if; return new; end $$`;
    await t.sql`create trigger refuse_wearer_audit before insert on audit_log for each row execute function refuse_wearer_audit()`;
    try {
      const before = await dataDigest();
      expect((await t.api('PATCH', `/api/wearers/${wearerId}`, { name: 'Renamed' })).status).toBe(500);
      expect((await t.api('POST', '/api/devices', { id: 'audit-fails-1', label: 'x', wearerId: null })).status).toBe(
        500,
      );
      expect(
        (await t.api('POST', `/api/my/wearers/${wearerId}/zones`, { name: 'Park', shape: HOME_CIRCLE }, carer.token))
          .status,
      ).toBe(500);
      expect(await dataDigest()).toBe(before);
    } finally {
      await t.sql`drop trigger refuse_wearer_audit on audit_log`;
      await t.sql`drop function refuse_wearer_audit()`;
    }
    expect((await t.api('PATCH', `/api/wearers/${wearerId}`, { name: 'Mum' })).status).toBe(200);
  });

  it('a malformed session cookie is no session: 401 on the API, the pages still load', async () => {
    const headers = { cookie: 'arc_session=%E0%A4%A' };
    const me = await fetch(`${t.httpUrl}/api/auth/me`, { headers });
    expect(me.status).toBe(401);
    expect((await me.json()).error.code).toBe('ARC_ERR_AUTH_REQUIRED');
    expect((await fetch(`${t.httpUrl}/`, { headers })).status).toBe(200);
    expect(
      (await fetch(`${t.httpUrl}/api/alarms`, { headers: { ...headers, authorization: `Bearer ${t.adminToken}` } }))
        .status,
    ).toBe(200);
  });

  it('a huge digits or first on /api/devices/bulk is a 400', async () => {
    for (const body of [
      { prefix: 'p', count: 1, digits: 1e308 },
      { prefix: 'p', count: 1, digits: 2 ** 31 },
      { prefix: 'p', count: 1, first: 1e308 },
      { prefix: 'p', count: 1, first: 2 ** 60 },
    ]) {
      const response = await t.api('POST', '/api/devices/bulk', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
  });

  it('a NUL in the login email is a 400', async () => {
    const response = await t.api(
      'POST',
      '/api/auth/login',
      { email: 'admin\u0000@test.arc', password: 'whatever-it-is' },
      null,
    );
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('ARC_ERR_VALIDATION');
  });
});

// ---- the fuzz ----

/** mulberry32: a small seeded PRNG, so a failure can be replayed. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const NASTY: unknown[] = [
  '\u0000',
  'a\ud800b',
  '\udfff',
  '',
  ' ',
  'ok',
  'x'.repeat(5000),
  '𝄞 ünïcödé',
  '<script>alert(1)</script>',
  "'; drop table users;--",
  '9999-12-31T23:59:59Z',
  '-271821-04-20T00:00:00Z',
  'not-a-date',
  '00000000-0000-0000-0000-000000000000',
  1e308,
  -1e308,
  2 ** 53 + 2,
  2 ** 31,
  -1,
  0,
  3.5,
  -0.0001,
  true,
  false,
  null,
  [],
  {},
  [1, 'a', null],
  { nested: { deeper: ['\u0000'] } },
];
const FIELDS = [
  'name',
  'email',
  'password',
  'role',
  'label',
  'id',
  'wearerId',
  'carerId',
  'userId',
  'organisationId',
  'notes',
  'medicalNotes',
  'phone',
  'address',
  'urn',
  'policeWithdrawn',
  'policeWithdrawnReason',
  'prefix',
  'count',
  'first',
  'digits',
  'heartbeatS',
  'wearers',
  'safePin',
  'duressPin',
  'enabled',
  'kind',
  'shape',
  'activeHours',
  'minutes',
  'reason',
  'text',
  'note',
  'code',
  'closureCode',
  'outcome',
  'position',
  'steps',
  'intervalS',
  'graceS',
  'lengthS',
  'profile',
  'carersEditSafeZones',
  'channels',
  'email_',
  '__proto__',
  'constructor',
  'type',
  'lat',
  'lon',
  'radiusM',
  'points',
];
const QUERY_KEYS = [
  'limit',
  'before',
  'wearerId',
  'from',
  'to',
  'since',
  'hours',
  'format',
  'status',
  'period',
  'organisationId',
];
/** encodeURIComponent, but a lone surrogate goes as the bytes a careless client would send. */
const encodeQuery = (text: string) => {
  try {
    return encodeURIComponent(text);
  } catch {
    return '%ED%A0%80';
  }
};
const BAD_IDS = [
  'not-an-id',
  '%00',
  '%ED%A0%80',
  '%E0%A4%A',
  'x'.repeat(300),
  '00000000-0000-0000-0000-000000000000',
  '..%2F..%2Fetc',
];

describe('fuzz: every route', () => {
  it(
    'answers every mangled request with a 2xx or 4xx, and changes nothing without an audit entry',
    { timeout: 240_000 },
    async () => {
      const random = prng(12);
      const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
      // Real things for the path parameters, so that requests get past "not found".
      const fuzzer = await t.createUser('administrator');
      const spare = await t.createUser('operator');
      const org = (await t.api('POST', '/api/organisations', { name: 'Fuzz org' })).body.organisation;
      const contact = (
        await t.api('POST', `/api/wearers/${wearerId}/contacts`, { name: 'Son', phone: '+447700900123' })
      ).body.contact;
      const geofence = (
        await t.api('POST', `/api/wearers/${wearerId}/geofences`, { name: 'Home', kind: 'safe', shape: HOME_CIRCLE })
      ).body.geofence;
      const credentials = await t.provisionDevice({ wearerId });
      const device = new SimulatedDevice({ ...credentials, url: t.mqttUrl, reconnect: false });
      devices.push(device);
      await device.connect();
      const sent = await device.sendEvent('sos');
      await t.arc.idle();
      const [{ alarmId }] =
        await t.sql`select alarm_id from events where device_id = ${device.deviceId} and event_key = ${sent.id}`;
      const idFor = (url: string, param: string) => {
        if (param === 'zoneId') return geofence.id;
        if (url.startsWith('/api/alarms/')) return alarmId;
        if (url.startsWith('/api/contacts/')) return contact.id;
        if (url.startsWith('/api/devices/')) return credentials.deviceId;
        if (url.startsWith('/api/geofences/')) return geofence.id;
        if (url.startsWith('/api/organisations/')) return org.id;
        if (url.startsWith('/api/users/')) return spare.id;
        return wearerId;
      };

      // Bodies that pass validation, so that one mangled field gets as far as the database.
      let n = 0;
      const templates: Partial<Record<string, () => Record<string, unknown>>> = {
        'POST /api/wearers': () => ({ name: 'W', notes: 'n', medicalNotes: 'm' }),
        'PATCH /api/wearers/:id': () => ({ name: 'Mum', notes: 'n', medicalNotes: 'm' }),
        'POST /api/devices': () => ({ id: `fz-${++n}`, label: 'L', wearerId: null }),
        'PATCH /api/devices/:id': () => ({ label: 'L' }),
        'POST /api/organisations': () => ({ name: `Org ${++n}` }),
        'PATCH /api/organisations/:id': () => ({ name: `Org ${++n}` }),
        'POST /api/wearers/:id/contacts': () => ({ name: 'C', phone: '+447700900123' }),
        'PATCH /api/contacts/:id': () => ({ name: 'C' }),
        'POST /api/wearers/:id/geofences': () => ({ name: 'G', kind: 'safe', shape: HOME_CIRCLE }),
        'PATCH /api/geofences/:id': () => ({ name: 'G' }),
        'POST /api/my/wearers/:id/zones': () => ({ name: 'Z', shape: HOME_CIRCLE }),
        'PUT /api/my/wearers/:id/zones/:zoneId': () => ({ name: 'Z', shape: HOME_CIRCLE }),
        'PUT /api/my/preferences': () => ({ channel: 'email', phone: null, kinds: [] }),
        'POST /api/users': () => ({
          email: `u${++n}@fuzz.arc`,
          name: 'U',
          role: 'operator',
          password: 'a-long-enough-password',
        }),
        'PATCH /api/users/:id': () => ({ name: 'U' }),
        'PUT /api/wearers/:id/police': () => ({ urn: 'U1', policeWithdrawn: false }),
        'PUT /api/devices/:id/test-mode': () => ({ minutes: 10, reason: 'r' }),
        'POST /api/alarms/:id/annotations': () => ({ text: 'a note' }),
        'POST /api/alarms/:id/actions': () => ({ kind: 'note', text: 'a note' }),
        'POST /api/devices/:id/shift': () => ({ intervalS: 600 }),
        'POST /api/auth/login': () => ({ email: 'nobody@fuzz.arc', password: 'some-password' }),
        'POST /api/devices/bulk': () => ({ prefix: `bulk${++n}`, count: 1, label: 'B' }),
      };
      const UNSTORABLE = ['\u0000', 'a\ud800b', '\udfff', 'x\u0000'];
      const mangle = (body: Record<string, unknown>) => {
        const keys = Object.keys(body).filter((k) => typeof body[k] === 'string');
        if (keys.length && random() < 0.7) body[pick(keys)] = pick(UNSTORABLE);
        else body[pick(FIELDS)] = pick(NASTY);
        return body;
      };

      const routes = t.arc.routes.filter((r) => r.url.startsWith('/api/') || r.url.startsWith('/health/'));
      expect(routes.length).toBeGreaterThan(60);
      const failures: string[] = [];
      let requests = 0;
      for (const route of routes) {
        for (let round = 0; round < 8; round++) {
          const path = route.url.replace(/:(\w+)/g, (_, param) =>
            round === 1 ? pick(BAD_IDS) : idFor(route.url, param),
          );
          const query =
            round % 3 === 2
              ? '?' +
                Array.from(
                  { length: 1 + Math.floor(random() * 3) },
                  () => `${pick(QUERY_KEYS)}=${encodeQuery(String(pick(NASTY)).slice(0, 300))}`,
                ).join('&')
              : '';
          const template = templates[`${route.method} ${route.url}`];
          const body =
            route.method === 'GET' || round === 3
              ? undefined
              : template && round !== 1 && round % 2 === 0
                ? mangle(template())
                : Object.fromEntries(
                    Array.from({ length: 1 + Math.floor(random() * 4) }, () => [pick(FIELDS), pick(NASTY)]),
                  );
          const token = route.url.startsWith('/api/my/') ? carer.token : fuzzer.token;
          const headers: Record<string, string> = {
            authorization: `Bearer ${token}`,
            ...(body !== undefined && {
              'content-type': pick([
                'application/json',
                'application/json; charset=utf-8',
                'application/json; charset=latin1',
              ]),
            }),
            ...(round === 4 && {
              cookie: pick([
                'arc_session=%E0%A4%A',
                'arc_session=',
                'arc_session=%00',
                `arc_session=${'a'.repeat(4000)}`,
              ]),
            }),
            ...(round === 5 && {
              authorization: pick(['Bearer', 'Bearer %00', `Bearer ${'x'.repeat(5000)}`, 'Basic YTpi']),
            }),
            ...(round === 6 && { 'accept-language': '\u00ff'.repeat(10), 'x-forwarded-for': '::1, 999.1.1.1' }),
          };
          if (route.url === '/api/auth/logout' && round !== 5) headers.authorization = 'Bearer not-a-session';
          const before = route.method === 'GET' ? null : await dataDigest();
          const audits = await auditCount();
          const response = await fetch(t.httpUrl + path + query, {
            method: route.method,
            headers,
            body: body === undefined ? undefined : JSON.stringify(body),
          });
          await response.arrayBuffer();
          requests++;
          const what = `${route.method} ${path}${query} ${JSON.stringify(body)} ${JSON.stringify(headers).slice(0, 200)} → ${response.status}`;
          if (response.status >= 500) failures.push(what);
          if (before !== null) {
            const changed = (await dataDigest()) !== before;
            if (changed && response.status >= 400) failures.push(`half-saved: ${what}`);
            if (changed && (await auditCount()) === audits) failures.push(`changed without an audit entry: ${what}`);
          }
        }
      }
      expect(failures).toEqual([]);
      expect(requests).toBeGreaterThan(400);
    },
  );
});
