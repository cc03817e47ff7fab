// The console churn scenario (issue 14, "memory stays flat over an hour of churn"): the console
// open in Chromium at 1440×900 on a backlog of open alarms while, round after round, devices
// press SOS through MQTT and every alarm they raised is resolved through the HTTP API, as an
// operator would (accepted, then resolved as a false alarm). The page's JS heap (after a forced garbage collection, through the Chrome
// DevTools Protocol) and its DOM node count are sampled along the way; the table gives the first
// and last samples and the least-squares slope per hour. A leak (rows kept after removal,
// listeners piling up, a map of every alarm ever seen) shows as a slope that does not go away.
import type { Browser, CDPSession } from 'playwright-core';
import { startChromium } from '../tests/support/chromium.js';
import { mib, ms, num, type ScenarioResult } from './report.js';
import { type BenchContext, devicesFor, slope, sleep, startScenarioArc, waitFor } from './scenario-kit.js';
import { BENCH_ADMIN } from './seeded-data-dir.js';
import { logIn } from './operator-console.js';
import { SimFleet } from './sim-fleet.js';
import { clockMs } from './sim-protocol.js';

export interface ConsoleChurnOptions {
  /** Open alarms that stay open throughout (the queue the churn happens on). */
  open: number;
  /** New SOS alarms per second while churning; each is resolved in the same round. */
  rate: number;
  minutes: number;
  /** Seconds between samples of the heap and the DOM. */
  sampleEveryS: number;
}

export const CONSOLE_CHURN_DEFAULTS: ConsoleChurnOptions = { open: 1000, rate: 20, minutes: 60, sampleEveryS: 30 };
/** One round: its presses spread over this, then all its alarms resolved. */
const ROUND_S = 10;

interface MemorySample {
  /** Seconds since the churn started. */
  at: number;
  heap: number;
  nodes: number;
  listeners: number;
}

export async function runConsoleChurn(
  ctx: BenchContext,
  options: ConsoleChurnOptions = CONSOLE_CHURN_DEFAULTS,
): Promise<ScenarioResult> {
  const startedAt = new Date();
  const t0 = performance.now();
  const perRound = Math.max(1, Math.round(options.rate * ROUND_S));
  const { template, devices } = await devicesFor(ctx, perRound);
  const scenario = await startScenarioArc(ctx, `console-churn-${options.open}`, template);
  const fleet = await SimFleet.start(ctx.workers);
  let browser: Browser | null = null;
  try {
    const arcNow = Date.now();
    await scenario.sql`
      insert into alarms (device_id, wearer_id, type, priority, status, received_at, accept_due_at)
      select d.id, d.wearer_id, 'no_comm', 4, 'raised', ${new Date(arcNow - 3_600_000)}::timestamptz + make_interval(secs => g % 3600), null
      from generate_series(1, ${options.open}) g
      join (select id, wearer_id, (row_number() over (order by id) - 1)::int as i from devices) d on d.i = g % ${template.seed.devices.length}`;
    const connected = await fleet.connect(scenario.arc.mqtt, devices);
    const ids = devices
      .map((d) => d.deviceId)
      .filter(
        (id) => !connected.failed.some((f) => f.deviceId === id) && !connected.refused.some((r) => r.deviceId === id),
      );
    const token = await logIn(scenario.arc.http);

    browser = await startChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(120_000);
    await page.goto(scenario.arc.http);
    await page.getByLabel('Email').fill(BENCH_ADMIN.email);
    await page.getByLabel('Password').fill(BENCH_ADMIN.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForFunction((n) => Number(document.getElementById('open-count')?.textContent) === n, options.open);
    const cdp = await context.newCDPSession(page);
    await cdp.send('HeapProfiler.enable');
    await sleep(2000);

    const samples: MemorySample[] = [];
    const churnAt = clockMs();
    const sample = async () => samples.push({ at: (clockMs() - churnAt) / 1000, ...(await memoryOf(cdp)) });
    await sample();
    let nextSample = churnAt + options.sampleEveryS * 1000;
    const endAt = churnAt + options.minutes * 60_000;
    let raised = 0;
    let resolved = 0;
    let refused = 0;
    let rounds = 0;
    while (clockMs() < endAt) {
      const roundAt = clockMs();
      const presses = await fleet.storm(ids, roundAt + 200, ROUND_S * 1000, 60_000);
      raised += presses.filter((p) => p.ackedAt !== null).length;
      // Every alarm this round raised (no backlog alarm was raised by a press), accepted and resolved as an operator would.
      const open = await scenario.sql<{ id: string }[]>`
        select id from alarms where status <> 'resolved' and device_id = any(${ids}) and received_at >= ${new Date(roundAt - 1000)}`;
      for (let i = 0; i < open.length; i += 8) {
        const results = await Promise.all(
          open.slice(i, i + 8).map((a) => resolveAlarm(scenario.arc.http, token, a.id)),
        );
        resolved += results.filter(Boolean).length;
        refused += results.filter((r) => !r).length;
      }
      rounds++;
      if (clockMs() >= nextSample) {
        await sample();
        nextSample += options.sampleEveryS * 1000;
        const last = samples.at(-1)!;
        ctx.log(
          `    ${Math.round(last.at)} s: ${num(raised)} raised, ${num(resolved)} resolved; heap ${mib(last.heap)}, ${num(last.nodes)} DOM nodes`,
        );
      }
    }
    if (firstRefusal) ctx.log(`  console churn: resolving refused: ${firstRefusal}`);
    // The page has caught up when its count is the backlog again (every churned alarm resolved).
    const stored = async () =>
      (await scenario.sql<{ n: number }[]>`select count(*)::int as n from alarms where status <> 'resolved'`)[0].n;
    const expected = await stored();
    const settled = await waitFor(
      async () => (await page.evaluate(() => Number(document.getElementById('open-count')?.textContent))) === expected,
      60_000,
      250,
    );
    await sleep(2000);
    await sample();
    const finalCount = await page.evaluate(() => Number(document.getElementById('open-count')?.textContent));
    const rows = await page.locator('#queue-rows tr[data-alarm-id]').count();
    const first = samples[0];
    const last = samples.at(-1)!;
    const perHour = (pick: (s: MemorySample) => number) => {
      const s = slope(samples.map((x) => [x.at / 3600, pick(x)]));
      return s === null ? null : s;
    };
    const heapSlope = perHour((s) => s.heap);
    const nodeSlope = perHour((s) => s.nodes);
    const listenerSlope = perHour((s) => s.listeners);
    return {
      name: 'console-churn',
      title: `Console churn: ${num(options.open)} open, ${num(options.rate)}/s raised and resolved for ${options.minutes} min, Chromium 1440×900`,
      startedAt: startedAt.toISOString(),
      seconds: (performance.now() - t0) / 1000,
      rows: [
        [
          'rounds · raised · resolved · refused',
          `${num(rounds)} · ${num(raised)} · ${num(resolved)} · ${num(refused)}`,
        ],
        [
          'count on the page · open in PostgreSQL',
          `${num(finalCount)} · ${num(expected)}${settled ? '' : ' (not caught up in 60 s)'}`,
        ],
        ['queue rows in the page at the end', num(rows)],
        [
          'JS heap after GC: first · last · slope',
          `${mib(first.heap)} · ${mib(last.heap)} · ${signedMib(heapSlope)}/h`,
        ],
        ['DOM nodes: first · last · slope', `${num(first.nodes)} · ${num(last.nodes)} · ${signed(nodeSlope)}/h`],
        [
          'event listeners: first · last · slope',
          `${num(first.listeners)} · ${num(last.listeners)} · ${signed(listenerSlope)}/h`,
        ],
        ['samples', `${samples.length}, every ${options.sampleEveryS} s over ${ms((last.at - first.at) * 1000)}`],
      ],
      targets: [
        {
          target: 'console: the count is exact after churn',
          measured: `${num(finalCount)} shown, ${num(expected)} open`,
          met: finalCount === expected,
        },
        // Flat: under 1 MiB an hour of heap, as extrapolated from the samples.
        {
          target: 'console: memory flat over churn',
          measured: `${signedMib(heapSlope)}/h, ${signed(nodeSlope)} nodes/h`,
          met: heapSlope !== null && heapSlope < 2 ** 20,
        },
      ],
      data: {
        options,
        connected: ids.length,
        rounds,
        raised,
        resolved,
        refused,
        finalCount,
        stored: expected,
        rows,
        samples,
        heapSlopePerHour: heapSlope,
        nodeSlopePerHour: nodeSlope,
        listenerSlopePerHour: listenerSlope,
      },
    };
  } finally {
    await browser?.close().catch(() => {});
    await fleet.close();
    await scenario.stop();
  }
}

const signed = (v: number | null) => (v === null ? '–' : `${v >= 0 ? '+' : '−'}${num(Math.abs(v))}`);
const signedMib = (v: number | null) => (v === null ? '–' : `${v >= 0 ? '+' : '−'}${mib(Math.abs(v))}`);

/** The page's JS heap in use after a full garbage collection, its DOM nodes and event listeners. */
async function memoryOf(cdp: CDPSession): Promise<{ heap: number; nodes: number; listeners: number }> {
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  const dom = await cdp.send('Memory.getDOMCounters');
  return { heap: heap.usedSize, nodes: dom.nodes, listeners: dom.jsEventListeners };
}

/** The first refusal's answer, for the log. */
let firstRefusal: string | null = null;

/** Accepted, then resolved as a false alarm: two pushes of alarm:updated to the page. */
async function resolveAlarm(http: string, token: string, id: string): Promise<boolean> {
  const post = async (path: string, body?: unknown) => {
    const response = await fetch(`${http}/api/alarms/${id}/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    if (!response.ok) firstRefusal ??= `${path}: HTTP ${response.status} ${text.slice(0, 200)}`;
    return response.ok;
  };
  return (await post('accept')) && post('resolve', { closureCode: 'false_accidental', note: 'bench churn' });
}
