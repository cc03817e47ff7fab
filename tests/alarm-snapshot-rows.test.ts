// The console's snapshot at a few thousand open alarms (issue 14: GET /api/alarms was 2.5 MB at
// 4,000): the rows form carries every field of every alarm, each name once, and is far smaller.
// The sizes are printed; the test holds the rows form to the same alarms and to a smaller size,
// never to a speed.
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlarmView, alarmObjectsOf } from '../api/live/console-contract.js';
import { startTestArc, type TestArc } from './support/test-arc.js';

const OPEN = 3000;
let t: TestArc;

beforeAll(async () => {
  t = await startTestArc();
  expect((await t.api('POST', '/api/devices/bulk', { prefix: 'snap', count: 40, wearers: true })).status).toBe(201);
  await t.api(
    'PATCH',
    `/api/wearers/${(await t.sql<{ id: string }[]>`select wearer_id as id from devices where id = 'snap-00001'`)[0].id}`,
    { homeLat: 53.6458, homeLon: -3.0101 },
  );
  await t.sql`update devices set fix_lat = 53.6478, fix_lon = -3.0066, fix_acc = 12 where id like 'snap-%'`;
  // A backlog like a flood's, as the console benchmark makes it: raised, a few accepted, flagged.
  const [admin] = await t.sql<{ id: string }[]>`select id from users where role = 'administrator' limit 1`;
  await t.sql`
    insert into alarms (device_id, wearer_id, type, priority, status, received_at, accept_due_at, accepted_by, accepted_at, flags, activations)
    select d.id, d.wearer_id, k.type, k.priority, case when g % 10 = 0 then 'accepted' else 'raised' end,
      ${new Date('2026-12-04T20:00:00Z')}::timestamptz + make_interval(secs => g), ${new Date('2026-12-04T22:00:00Z')},
      case when g % 10 = 0 then ${admin.id}::uuid end, case when g % 10 = 0 then ${new Date('2026-12-04T21:00:00Z')}::timestamptz end,
      case when g % 7 = 0 then '{"late": true}'::jsonb else '{}'::jsonb end, 1 + (g % 3)
    from generate_series(1, ${OPEN}) g
    join (select id, wearer_id, (row_number() over (order by id) - 1)::int as i from devices) d on d.i = g % 40
    join (values (0, 'no_comm', 4), (1, 'battery.low', 5), (2, 'sos', 1), (3, 'fall', 2)) k(i, type, priority) on k.i = g % 4`;
}, 120_000);
afterAll(async () => {
  await t?.close();
});

/** The answer as it travels (`wire`, compressed or not) and as JSON (`bytes`, `body`). */
function snapshot(
  path: string,
  acceptEncoding = 'identity',
): Promise<{ wire: number; bytes: number; encoding: string | null; body: unknown }> {
  return new Promise((resolve, reject) => {
    const call = request(
      `${t.httpUrl}${path}`,
      { headers: { authorization: `Bearer ${t.adminToken}`, 'accept-encoding': acceptEncoding } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          expect(response.statusCode).toBe(200);
          const raw = Buffer.concat(chunks);
          const encoding = response.headers['content-encoding'] ?? null;
          const text = (encoding === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
          resolve({ wire: raw.length, bytes: Buffer.byteLength(text), encoding, body: JSON.parse(text) });
        });
      },
    );
    call.on('error', reject);
    call.end();
  });
}

describe('GET /api/alarms?form=rows: the console snapshot', () => {
  it(`carries the same ${OPEN} alarms, every field, in far fewer bytes`, async () => {
    const objects = await snapshot('/api/alarms');
    const rows = await snapshot('/api/alarms?form=rows');
    const gzipped = await snapshot('/api/alarms?form=rows', 'gzip, deflate, br');
    expect(rows.encoding).toBeNull();
    expect(gzipped.encoding).toBe('gzip');
    expect(gzipped.body).toEqual(rows.body);
    const full = (objects.body as { alarms: unknown[] }).alarms;
    expect(full).toHaveLength(OPEN);
    const decoded = alarmObjectsOf(rows.body).map((raw) => AlarmView.parse(raw));
    expect(decoded).toEqual(full);
    expect(decoded.filter((a) => a.place === '320 m NE of Home').length).toBeGreaterThan(0);
    console.log(
      `GET /api/alarms at ${OPEN} open alarms: objects ${objects.bytes} bytes (${Math.round(objects.bytes / OPEN)} an alarm); ` +
        `?form=rows ${rows.bytes} bytes (${Math.round((100 * rows.bytes) / objects.bytes)} %), gzipped ${gzipped.wire} bytes on the wire (${Math.round((100 * gzipped.wire) / objects.bytes)} %)`,
    );
    expect(rows.bytes).toBeLessThan(objects.bytes * 0.6);
    expect(gzipped.wire).toBeLessThan(rows.bytes / 4);
  });

  it('refuses an unknown form, and the decoder takes nothing that is not rows', async () => {
    expect((await t.api('GET', '/api/alarms?form=csv')).body.error.code).toBe('ARC_ERR_VALIDATION');
    expect(alarmObjectsOf({ alarms: [] })).toEqual([]);
    expect(alarmObjectsOf({ columns: ['id', 3], rows: [] })).toEqual([]);
    expect(alarmObjectsOf(null)).toEqual([]);
  });
});
