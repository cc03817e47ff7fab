// `npm run bench:insight`: a year of history for 10,000 wearers in a temporary embedded
// PostgreSQL, then every insight route timed over it (docs/guides/insight.md has the figures).
// Alarms are generated in PostgreSQL (setseed makes them the same every run): five a wearer a
// month, 600,000 in all, busier in the evening, with realistic accept and handling times.
// Options: --wearers N, --alarms N, --runs N.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { connectDatabase } from '../api/db/connect.js';
import { startEmbeddedPostgres } from '../api/db/embedded-postgres.js';
import { migrate } from '../api/db/migrate.js';
import { insightRoutes } from '../api/routes/insight-routes.js';
import { randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import { loadConfig } from '../api/config.js';
import { Metrics } from '../api/metrics.js';
import { installErrorHandler } from '../api/routes/error-handler.js';
import { roleGuard } from '../api/routes/request-user.js';
import { addDays, localDate } from '../api/rules/local-dates.js';
import { ensureRollups, NO_ORGANISATION } from '../api/store/insight-rollup.js';
import { NIGHT_WEARER_BATCH } from '../api/store/night-away-store.js';
import { SIGNAL_WEARER_BATCH } from '../api/store/signal-month-store.js';
import { insightRollupPass } from '../api/clock/insight-rollup-sweep.js';
import { insertSession, insertUser } from '../api/store/user-store.js';
import { freePort } from './free-port.js';

const { values } = parseArgs({
  options: {
    wearers: { type: 'string', default: '10000' },
    alarms: { type: 'string', default: '600000' },
    runs: { type: 'string', default: '3' },
    // Leave the seeded PostgreSQL running (its address is printed) to look at plans; Ctrl-C ends it.
    keep: { type: 'boolean', default: false },
  },
});
const WEARERS = Number(values.wearers);
const ALARMS = Number(values.alarms);
const RUNS = Number(values.runs);
// A fixed "now" (a Monday morning): the history is the year before it.
const NOW = new Date('2026-03-02T08:00:00Z');
const BUDGET_MS = 2000;

const seconds = (ms: number) => (ms / 1000).toFixed(2);

async function main() {
  const dir = await mkdtemp(path.join(tmpdir(), 'arc-bench-insight-'));
  const server = await startEmbeddedPostgres(dir, await freePort(), pino({ level: 'warn' }));
  const sql = connectDatabase(server.url, 4);
  try {
    await migrate(sql);
    let started = Date.now();
    await sql`select setseed(0.17)`;
    await sql`
      insert into wearers (name, profile, created_at)
      select 'Wearer ' || n, (array['older_person','older_person','older_person','dementia','lone_worker','domestic_abuse','child'])[1 + n % 7],
             ${NOW}::timestamptz - interval '500 days'
      from generate_series(1, ${WEARERS}) n`;
    await sql`
      insert into devices (id, secret_hash, wearer_id)
      select 'dev-' || lpad(row_number() over (order by id)::text, 6, '0'), 'not-used', id from wearers`;
    const operators = await sql<{ id: string }[]>`
      insert into users (email, name, role, password_hash)
      select 'op' || n || '@bench.arc', 'Operator ' || n, 'operator', 'not-used' from generate_series(1, 40) n returning id`;
    // Types by share: batteries and silent devices are the most common, then falls and SOS.
    await sql`
      with raw as (
        select 1 + floor(random() * ${WEARERS})::int as device_n,
               (array['battery.low','battery.low','battery.low','no_comm','no_comm','fall','fall','sos','sos','no_motion',
                      'checkin.missed','geofence.left','geofence.left','power.off','tamper'])[1 + floor(random() * 15)::int] as type,
               -- evening-heavy: the day is uniform, the hour leans to the evening
               ${NOW}::timestamptz - interval '365 days' + floor(random() * 365) * interval '1 day'
                 + (mod(floor(24 * sqrt(random()))::int + 6, 24)) * interval '1 hour' + random() * interval '1 hour' as at,
               -- exponential handling around 4 minutes, accept mostly within seconds
               -ln(1 - random()) * 240 as handle_s, -ln(1 - random()) * 9 as accept_s,
               random() as r, 1 + floor(random() * 40)::int as op
        from generate_series(1, ${ALARMS}))
      insert into alarms (device_id, wearer_id, type, priority, status, received_at, accepted_at, accepted_by, resolved_at, closure_code)
      select d.id, d.wearer_id, raw.type, 2, 'resolved', raw.at, raw.at + raw.accept_s * interval '1 second',
             (${sql.array(operators.map((o) => o.id))}::uuid[])[raw.op],
             raw.at + (raw.accept_s + raw.handle_s) * interval '1 second',
             case when raw.r < 0.3 then 'false_accidental' else 'no_action_needed' end
      from raw join devices d on d.id = 'dev-' || lpad(raw.device_n::text, 6, '0')
      where raw.at < ${NOW}`;
    await sql`vacuum analyze`;
    const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from alarms`;
    console.log(
      `seeded ${WEARERS} wearers and ${n} alarms over the year before ${NOW.toISOString()} in ${seconds(Date.now() - started)} s`,
    );

    // The rollups of the closed days: built once, by the first read that needs them (here, ahead
    // of the reads, so the table below shows the reads a supervisor makes every day).
    started = Date.now();
    const toDate = addDays(localDate(NOW, 'Europe/London'), 1);
    await ensureRollups(sql, { fromDate: addDays(toDate, -7 * 53), toDate, timeZone: 'Europe/London' }, NOW);
    console.log(
      `built the rollups of the year's closed days in ${seconds(Date.now() - started)} s (once; later days are added as they close)`,
    );

    // The early-help review's monthly signals per wearer (api/store/signal-month-store.ts): the
    // overnight passes build the closed months (here March 2025 – January 2026; February closes
    // on 2 March at midnight, so the review of February counts it from the alarms), a batch of
    // wearers per pass, each pass in its own transaction as the clock runs it.
    const buildSignals = async (at: Date) => {
      const begun = Date.now();
      let signalPasses = 0;
      let slowestSignal = 0;
      for (;;) {
        const passStarted = performance.now();
        const pass = await sql.begin((tx) =>
          insightRollupPass(tx, { timeZone: 'Europe/London', night: { from: 22, to: 6 } }, at),
        );
        slowestSignal = Math.max(slowestSignal, performance.now() - passStarted);
        if (!pass.signals) break;
        signalPasses += 1;
      }
      const [{ months, rows }] = await sql<{ months: number; rows: number }[]>`
        select count(distinct month)::int as months, count(*)::int as rows from insight_signal_months`;
      console.log(
        `built the monthly signals (${months} months, ${rows} wearer-months) in ${signalPasses} passes of ${SIGNAL_WEARER_BATCH} wearers, ${seconds(Date.now() - begun)} s in all, slowest pass ${seconds(slowestSignal)} s`,
      );
    };
    await buildSignals(NOW);

    // Night-time activity away from home (api/store/night-away-store.ts): every wearer has a safe
    // zone at home; every device sends a fix every 15 minutes through the nights of 25–27
    // February, 3 % of them 1 km from home. The overnight rollup's passes build those nights in
    // batches, each pass in its own transaction as the clock runs it; the slowest pass is what the
    // clock waits for. A year of earlier nights away (2 % of wearer-nights) is seeded as built, for
    // the review list to read.
    await sql`
      insert into geofences (wearer_id, name, kind, shape, created_at)
      select d.wearer_id, 'Home', 'safe',
             jsonb_build_object('type', 'circle', 'lat', 51 + (n % 100) * 0.01, 'lon', -1 + (n / 100) * 0.01, 'radiusM', 150), ${NOW}
      from (select wearer_id, row_number() over (order by id)::int as n from devices) d`;
    const nightStart = Date.parse('2026-02-25T22:00:00Z');
    await sql`
      insert into fixes (device_id, ts, received_at, lat, lon, acc)
      select d.id, t.ms, to_timestamp(t.ms / 1000.0), 51 + (d.n % 100) * 0.01 + case when random() < 0.03 then 0.009 else 0 end, -1 + (d.n / 100) * 0.01, 15
      from (select id, row_number() over (order by id)::int as n from devices) d,
           generate_series(${nightStart}::bigint, ${nightStart + 2 * 86_400_000 + 8 * 3_600_000}::bigint, 900000::bigint) t(ms)
      where mod(t.ms - ${nightStart}::bigint, 86400000) < 8 * 3600000`;
    await sql`
      insert into insight_night_away (time_zone, night_hours, night_date, wearer_id, organisation_id, night_fixes, away_fixes)
      select 'Europe/London', '22-06', d::date, w.id, ${NO_ORGANISATION}, 32, 1 + floor(random() * 4)::int
      from wearers w, generate_series(${NOW}::date - 400, ${NOW}::date - 10, interval '1 day') d where random() < 0.02`;
    await sql`vacuum analyze`;
    const [{ fixes }] = await sql<{ fixes: number }[]>`select count(*)::int as fixes from fixes`;
    started = Date.now();
    let passes = 0;
    let slowest = 0;
    for (;;) {
      const passStarted = performance.now();
      const pass = await sql.begin((tx) =>
        insightRollupPass(tx, { timeZone: 'Europe/London', night: { from: 22, to: 6 } }, NOW),
      );
      slowest = Math.max(slowest, performance.now() - passStarted);
      if (!pass.night || pass.night.date < '2026-02-25') break;
      passes += 1;
    }
    const [{ away }] = await sql<
      { away: number }[]
    >`select count(*)::int as away from insight_night_away where night_date between '2026-02-25' and '2026-02-27'`;
    console.log(
      `built 3 nights of night-time activity from ${fixes} fixes of ${WEARERS} devices in ${passes} passes of ${NIGHT_WEARER_BATCH} wearers, ${seconds(Date.now() - started)} s in all, slowest pass ${seconds(slowest)} s; ${away} wearer-nights away`,
    );

    // The insight routes alone, as the ARC mounts them, with a supervisor's session.
    const now = () => NOW;
    const app = Fastify();
    installErrorHandler(app);
    insightRoutes(app, {
      sql,
      config: loadConfig({}),
      metrics: new Metrics(),
      now,
      isDeviceConnected: () => false,
      disconnectDevice: () => {},
      disconnectUser: () => {},
      sessionEnded: () => {},
      staffOnConsole: async () => [],
      allow: roleGuard(sql, now),
      databaseReady: async () => true,
    });
    await app.ready();
    const supervisor = await insertUser(sql, {
      email: 'supervisor@bench.arc',
      name: 'Supervisor',
      role: 'supervisor',
      passwordHash: 'not-used',
    });
    const token = randomBytes(24).toString('hex');
    await insertSession(sql, supervisor!.id, token, new Date(NOW.getTime() + 3_600_000));
    const get = (url: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    const routes: [string, string][] = [
      ['arrivals heat map, 52 weeks', '/api/insight/arrivals?weeks=52'],
      ['response-time distributions, 52 weeks', '/api/insight/response-times?weeks=52'],
      ['forecast from 52 weeks, 2 ahead', '/api/insight/forecast?weeks=52'],
      ['staffing, 52 weeks', '/api/insight/staffing?weeks=52'],
      ['staffing what-if +1000 older people', '/api/insight/staffing?weeks=52&addDevices=1000&profile=older_person'],
      ['early-help review list (13 months)', '/api/insight/review?month=2026-02'],
      ['one wearer month by month', ''],
      ['review list as CSV', '/api/insight/review?month=2026-02&format=csv'],
    ];
    const [{ id: someone }] = await sql<{ id: string }[]>`select id from wearers order by name limit 1`;
    routes[6][1] = `/api/insight/review/${someone}?month=2026-02`;
    console.log(`\n| route | first (s) | median of ${RUNS} (s) | within 2 s |\n|---|---|---|---|`);
    let allWithin = true;
    for (const [name, url] of routes) {
      const times: number[] = [];
      for (let i = 0; i < RUNS; i += 1) {
        started = performance.now();
        const res = await get(url);
        times.push(performance.now() - started);
        if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      }
      const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
      const within = Math.max(...times) < BUDGET_MS;
      allWithin &&= within;
      console.log(`| ${name} | ${seconds(times[0])} | ${seconds(median)} | ${within ? 'yes' : 'NO'} |`);
    }
    const review = (await get('/api/insight/review?month=2026-02')).json();
    console.log(
      `\nreview list for 2026-02: ${review.entries.length} wearers flagged of ${WEARERS} (random history: none planted)`,
    );
    // The rollup changes nothing but the time: the same list with every month counted from the
    // alarms (as before the rollup: no month marked built), timed, then the marks put back.
    const marks = await sql<{ month: string; completedAt: Date }[]>`
      update insight_signal_builds b set completed_at = null from insight_signal_builds o
      where b.time_zone = o.time_zone and b.month = o.month and o.completed_at is not null
      returning to_char(b.month, 'YYYY-MM-DD') as month, o.completed_at`;
    const live: number[] = [];
    let liveEntries: unknown = null;
    for (let i = 0; i < RUNS; i += 1) {
      started = performance.now();
      liveEntries = (await get('/api/insight/review?month=2026-02')).json().entries;
      live.push(performance.now() - started);
    }
    for (const m of marks)
      await sql`update insight_signal_builds set completed_at = ${m.completedAt} where month = ${m.month}::date`;
    const same = JSON.stringify(liveEntries) === JSON.stringify(review.entries);
    console.log(
      `review list with every month counted from the alarms: median ${seconds([...live].sort((a, b) => a - b)[Math.floor(live.length / 2)])} s; the same list as from the rollup: ${same ? 'yes' : 'NO'}`,
    );
    if (!same) process.exitCode = 1;
    // The nights' share of the review list's time: the same read with no night built.
    await sql`delete from insight_night_away`;
    const without: number[] = [];
    let withoutEntries: unknown = null;
    for (let i = 0; i < RUNS; i += 1) {
      started = performance.now();
      withoutEntries = (await get('/api/insight/review?month=2026-02')).json().entries;
      without.push(performance.now() - started);
    }
    console.log(
      `review list without any night away built: median ${seconds([...without].sort((a, b) => a - b)[Math.floor(without.length / 2)])} s`,
    );
    // Three days later February is closed and built too: the whole review reads the rollup.
    await buildSignals(new Date('2026-03-05T08:00:00Z'));
    const built: number[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      started = performance.now();
      await get('/api/insight/review?month=2026-02');
      built.push(performance.now() - started);
    }
    const builtEntries = (await get('/api/insight/review?month=2026-02')).json().entries;
    const sameBuilt = JSON.stringify(builtEntries) === JSON.stringify(withoutEntries);
    console.log(
      `review list with February built as well: median ${seconds([...built].sort((a, b) => a - b)[Math.floor(built.length / 2)])} s; the same list as with February counted from the alarms: ${sameBuilt ? 'yes' : 'NO'}`,
    );
    if (!sameBuilt) process.exitCode = 1;
    await app.close();
    if (!allWithin) process.exitCode = 1;
    if (values.keep) {
      console.log(`kept: ${server.url}`);
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    }
  } finally {
    await sql.end({ timeout: 5 });
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
