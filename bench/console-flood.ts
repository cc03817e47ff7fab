// The console scenario (issue 14): what an operator's screen does in a flood. A real ARC filled
// to N open alarms (inserted with SQL: the backlog is the setting, not the thing measured), the
// console open in a real Chromium at 1440×900 logged in as a supervisor, then a storm of SOS
// presses through MQTT from simulated devices. Measured in the page: publish → shown, long tasks,
// input → paint for opening and accepting an alarm, the JS heap.
//
// "Shown" is when the page's open count (drawn in the same frame as the queue, #open-count) first
// covers the alarm: the i-th press published is shown once the count reaches backlog + i. The
// queue is a virtual list, so an alarm far down it has no row until scrolled to; the count is the
// one thing every version of the queue draws for every alarm.
//
// Two clocks start "shown": the device's publish (the whole path: broker, intake, PostgreSQL, the
// push, the page), and the push reaching the page (the page's own part, which is what issue 14's
// target names): the probe below wraps the page's WebSocket and notes when the main thread is
// handed each `alarm:raised` frame, before the console's own handler sees it.
import { mkdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startChromium } from '../tests/support/chromium.js';
import { LatencyHistogram } from './latency-histogram.js';
import { latencyRow, mib, ms, num, pct, type ScenarioResult } from './report.js';
import { type BenchContext, devicesFor, sleep, startScenarioArc, waitFor } from './scenario-kit.js';
import { BENCH_ADMIN } from './seeded-data-dir.js';
import { OperatorConsole } from './operator-console.js';
import { SimFleet } from './sim-fleet.js';
import { clockMs } from './sim-protocol.js';
import { postgresPidOf } from './arc-process.js';
import { startPageTrace } from './page-trace.js';
import { CpuMeter, cpuSecondsOf, cpuSecondsOfCommand, treeCpuSeconds } from './proc-stats.js';

export interface ConsoleFloodOptions {
  /** Open alarms before the storm. */
  open: number;
  /** New SOS alarms per second during the storm. */
  rate: number;
  windowS: number;
  /** Seconds to wait for the last alarm to show after the storm. */
  settleTimeoutS: number;
  /** Write a CPU profile of the page during the storm here (CDP Profiler) and log where its time went. */
  profileDir?: string;
  /** Write a Chromium performance trace of the page during the storm here and log what its long tasks did. */
  traceDir?: string;
}

export const CONSOLE_FLOOD_DEFAULTS: ConsoleFloodOptions = { open: 5000, rate: 200, windowS: 10, settleTimeoutS: 240 };

/** What the page records from the moment it loads (installed before any script of the console). */
const PAGE_PROBE = `
  window.__bench = { longTasks: [], counts: [], pushes: [] };
  const PageWebSocket = window.WebSocket;
  window.WebSocket = class extends PageWebSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        // A Socket.IO event frame: 42, the namespace (/operators,), then the event's name.
        if (typeof event.data === 'string' && /^42(\\/[^,]*,)?\\["alarm:raised"/.test(event.data))
          window.__bench.pushes.push(performance.timeOrigin + performance.now());
      });
    }
  };
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__bench.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {}
  document.addEventListener('DOMContentLoaded', () => {
    const count = document.getElementById('open-count');
    if (!count) return;
    new MutationObserver(() => {
      window.__bench.counts.push({ at: performance.timeOrigin + performance.now(), count: Number(count.textContent) });
    }).observe(count, { childList: true, characterData: true, subtree: true });
  });
`;

interface PageProbe {
  longTasks: { start: number; duration: number }[];
  counts: { at: number; count: number }[];
  /** When each `alarm:raised` push was handed to the page's main thread. */
  pushes: number[];
}

export async function runConsoleFlood(
  ctx: BenchContext,
  options: ConsoleFloodOptions = CONSOLE_FLOOD_DEFAULTS,
): Promise<ScenarioResult> {
  const startedAt = new Date();
  const t0 = performance.now();
  const stormCount = Math.max(1, Math.round(options.rate * options.windowS));
  const { template, devices } = await devicesFor(ctx, stormCount);
  const scenario = await startScenarioArc(ctx, `console-${options.open}`, template);
  const fleet = await SimFleet.start(ctx.workers);
  let browser: Browser | null = null;
  let operator: OperatorConsole | null = null;
  try {
    // The backlog: alarms nobody has accepted yet of the kinds a flood brings (silent devices,
    // low batteries, power off) and some falls, spread over the last hour.
    const arcNow = Date.now();
    await scenario.sql`
      insert into alarms (device_id, wearer_id, type, priority, status, received_at, accept_due_at)
      select d.id, d.wearer_id, k.type, k.priority, 'raised', ${new Date(arcNow - 3_600_000)}::timestamptz + make_interval(secs => g % 3600), null
      from generate_series(1, ${options.open}) g
      join (select id, wearer_id, (row_number() over (order by id) - 1)::int as i from devices) d on d.i = g % ${template.seed.devices.length}
      join (values (0, 'no_comm', 4), (1, 'battery.low', 5), (2, 'power.off', 3), (3, 'fall', 2)) k(i, type, priority) on k.i = g % 4`;
    ctx.log(`  console: ${num(options.open)} open alarms inserted; connecting ${num(stormCount)} devices`);
    const connected = await fleet.connect(scenario.arc.mqtt, devices);
    const ids = devices
      .map((d) => d.deviceId)
      .filter(
        (id) => !connected.failed.some((f) => f.deviceId === id) && !connected.refused.some((r) => r.deviceId === id),
      );

    browser = await startChromium(['--enable-precise-memory-info']);
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addInitScript(PAGE_PROBE);
    const page = await context.newPage();
    page.setDefaultTimeout(options.settleTimeoutS * 1000);
    await page.goto(scenario.arc.http);
    await page.getByLabel('Email').fill(BENCH_ADMIN.email);
    await page.getByLabel('Password').fill(BENCH_ADMIN.password);
    const loginAt = clockMs();
    await page.getByRole('button', { name: 'Log in' }).click();
    // No backlog (--console-open 0: the alarm storm of scenario 5 seen in a browser): the queue
    // is drawn when it says it is empty.
    if (options.open > 0) await page.locator('#queue-rows tr[data-alarm-id]').first().waitFor();
    else await page.locator('#queue-empty:not([hidden])').waitFor();
    const firstRowMs = clockMs() - loginAt;
    await page.waitForFunction((n) => Number(document.getElementById('open-count')?.textContent) >= n, options.open);
    const loadedMs = clockMs() - loginAt;
    await sleep(2000);
    const heapBefore = await heapOf(page);
    const longTasksBefore = (await probe(page)).longTasks.length;

    // A Node Socket.IO client beside the page: how much of publish → shown is the ARC's push.
    operator = await OperatorConsole.open(scenario.arc.http);
    const profiler = options.profileDir ? await startPageProfile(page) : null;
    const tracer = options.traceDir ? await startPageTrace(browser, page) : null;
    // Who had the two cores from the storm until the last alarm was shown: when the push itself
    // is late, this says which process was busy.
    const cpu = cpuOfProcesses(scenario.arc.pid, scenario.dataDir);
    const simCpuBefore = (await fleet.stats()).cpuSeconds;
    const stormAt = clockMs() + 500;
    ctx.log(`  console: ${num(ids.length)} devices press SOS within ${options.windowS} s`);
    const presses = await fleet.storm(ids, stormAt, options.windowS * 1000, 60_000);
    const acked = presses.filter((p) => p.ackedAt !== null).length;
    const target = options.open + acked;
    let lastLog = clockMs();
    const settled = await waitFor(
      async () => {
        const count = await page.evaluate(() => Number(document.getElementById('open-count')?.textContent));
        if (clockMs() - lastLog > (ctx.progressEveryS ?? 10) * 1000) {
          lastLog = clockMs();
          ctx.log(
            `    ${((lastLog - stormAt) / 1000).toFixed(0)} s: ${num(count - options.open)} of ${num(acked)} shown`,
          );
        }
        return count >= target;
      },
      options.settleTimeoutS * 1000,
      500,
    );
    const cpuShares = cpu.sample();
    const simShare = ((await fleet.stats()).cpuSeconds - simCpuBefore) / cpu.seconds();
    const afterStorm = await probe(page);
    const stormTasks = afterStorm.longTasks.slice(longTasksBefore);
    if (profiler && options.profileDir)
      for (const line of await profiler.stop(options.profileDir, stormTasks)) ctx.log(line);
    if (tracer && options.traceDir) for (const line of await tracer.stop(options.traceDir)) ctx.log(line);

    // Publish → shown: the i-th published press is shown at the first count ≥ backlog + i.
    const published = presses
      .filter((p) => p.ackedAt !== null)
      .map((p) => p.publishedAt)
      .sort((a, b) => a - b);
    const shownLatencies: number[] = [];
    let c = 0;
    const counts = afterStorm.counts.filter((x) => x.at >= stormAt - 1000);
    for (let i = 0; i < published.length; i++) {
      while (c < counts.length && counts[c].count < options.open + i + 1) c++;
      if (c < counts.length) shownLatencies.push(Math.max(0, counts[c].at - published[i]));
    }
    const shown = LatencyHistogram.of(shownLatencies).summary();
    // Push → shown: the i-th push to reach the page is shown at the first count ≥ backlog + i
    // taken after it arrived.
    const pushesIn = afterStorm.pushes.filter((at) => at >= stormAt - 1000).sort((a, b) => a - b);
    const fromPush: number[] = [];
    c = 0;
    for (let i = 0; i < pushesIn.length; i++) {
      while (c < counts.length && (counts[c].count < options.open + i + 1 || counts[c].at < pushesIn[i])) c++;
      if (c < counts.length) fromPush.push(counts[c].at - pushesIn[i]);
    }
    const pushToShown = LatencyHistogram.of(fromPush).summary();
    const op = operator;
    const pushed = LatencyHistogram.of(
      presses.flatMap((p) => {
        const seen = op.firstRaisedByDevice.get(p.deviceId);
        return seen ? [seen.at - p.publishedAt] : [];
      }),
    ).summary();

    const snapshot = await snapshotBytes(scenario.arc.http, operator.token);
    // Opened and accepted several times (one alarm after another, as an operator works down the
    // queue): one click says little on a busy machine.
    const opens: (number | null)[] = [];
    const feedbacks: (number | null)[] = [];
    const answers: (number | null)[] = [];
    for (let i = 0; i < ACCEPT_SAMPLES; i++) {
      opens.push(await openTopAlarm(page));
      const accepting = await acceptOpenAlarm(page);
      feedbacks.push(accepting?.feedback ?? null);
      answers.push(accepting?.accepted ?? null);
      await sleep(300);
    }
    const openPaint = worst(opens);
    const acceptPaint = worst(feedbacks);
    const acceptedPaint = worst(answers);
    const heapAfter = await heapOf(page);
    const finalCount = await page.evaluate(() => Number(document.getElementById('open-count')?.textContent));
    const stored = (
      await scenario.sql<{ n: number }[]>`select count(*)::int as n from alarms where status <> 'resolved'`
    )[0].n;
    const longMax = Math.max(0, ...stormTasks.map((t) => t.duration));
    const longTotal = stormTasks.reduce((s, t) => s + t.duration, 0);
    return {
      name: 'console-flood',
      title: `Console in a flood: ${num(options.open)} open, ${num(options.rate)}/s for ${options.windowS} s, Chromium 1440×900`,
      startedAt: startedAt.toISOString(),
      seconds: (performance.now() - t0) / 1000,
      rows: [
        [
          'storm pressed / acknowledged / shown',
          `${num(presses.length)} / ${num(acked)} / ${num(shownLatencies.length)}${settled ? '' : ' (not all shown in time)'}`,
        ],
        ['count on the page · open in PostgreSQL', `${num(finalCount)} · ${num(stored)}`],
        ['log-in → first row · → whole queue', `${ms(firstRowMs)} · ${ms(loadedMs)}`],
        ['publish → shown in the page', latencyRow(shown)],
        ['push reaching the page → shown', latencyRow(pushToShown)],
        ['publish → alarm:raised at a Node client', latencyRow(pushed)],
        [
          'long tasks during the storm (count · max · total)',
          `${num(stormTasks.length)} · ${ms(longMax)} · ${ms(longTotal)}`,
        ],
        [
          `click → paint, median · max of ${ACCEPT_SAMPLES}: open an alarm · accept it ("Accepting…") · the ARC's answer shown`,
          [opens, feedbacks, answers].map((xs) => `${ms(median(xs))} · ${ms(worst(xs))}`).join(' | '),
        ],
        [
          'CPU, storm → last shown (one core = 100 %): ARC · PostgreSQL · Chromium · simulators',
          `${pct(cpuShares.arc)} · ${pct(cpuShares.postgres)} · ${pct(cpuShares.chromium)} · ${pct(simShare)} (of 200 % on 2 cores)`,
        ],
        [
          'GET /api/alarms: objects · ?form=rows (the console) · gzipped',
          `${kib(snapshot.objects)} · ${kib(snapshot.rows)} · ${kib(snapshot.gzipped)}`,
        ],
        ['JS heap before · after the storm', `${mib(heapBefore)} · ${mib(heapAfter)}`],
      ],
      targets: [
        {
          target: 'console: every new alarm shown within 1 s of its push reaching the page',
          measured: `${ms(pushToShown.max)} (${num(pushToShown.count)} of ${num(acked)})`,
          met: settled && pushToShown.count === acked ? (pushToShown.max ?? Infinity) <= 1000 : false,
        },
        { target: 'console: no main-thread task over 100 ms', measured: ms(longMax), met: longMax <= 100 },
        {
          target: 'console: open and accept paint within 100 ms',
          measured: `${ms(openPaint)} · ${ms(acceptPaint)}`,
          met: openPaint !== null && acceptPaint !== null && Math.max(openPaint, acceptPaint) <= 100,
        },
        {
          target: 'console: the count is exact',
          measured: `${num(finalCount)} shown, ${num(stored)} open`,
          met: finalCount === stored,
        },
      ],
      data: {
        options,
        connected: ids.length,
        snapshot,
        firstRowMs,
        loadedMs,
        shown,
        pushToShown,
        pushed,
        longTasks: stormTasks,
        openPaint,
        acceptPaint,
        acceptedPaint,
        opens,
        feedbacks,
        answers,
        cpu: { ...cpuShares, simulators: simShare },
        heapBefore,
        heapAfter,
        finalCount,
        stored,
      },
    };
  } finally {
    operator?.close();
    await browser?.close().catch(() => {});
    await fleet.close();
    await scenario.stop();
  }
}

const ACCEPT_SAMPLES = 5;

const worst = (xs: (number | null)[]) => (xs.some((x) => x === null) ? null : Math.max(...(xs as number[])));
const median = (xs: (number | null)[]) => {
  const known = xs.filter((x): x is number => x !== null).sort((a, b) => a - b);
  return known.length ? known[Math.floor(known.length / 2)] : null;
};

/** CPU shares of the ARC, its PostgreSQL and every Chromium process, from now until sample(). */
function cpuOfProcesses(arcPid: number, dataDir: string) {
  const meters = {
    arc: new CpuMeter(() => cpuSecondsOf(arcPid)),
    postgres: new CpuMeter(() => {
      const pid = postgresPidOf(dataDir);
      return pid ? treeCpuSeconds(pid) : null;
    }),
    chromium: new CpuMeter(() => cpuSecondsOfCommand('chrom')),
  };
  for (const meter of Object.values(meters)) meter.sample();
  const startedAt = performance.now();
  return {
    seconds: () => (performance.now() - startedAt) / 1000,
    sample: () => ({
      arc: meters.arc.sample(),
      postgres: meters.postgres.sample(),
      chromium: meters.chromium.sample(),
    }),
  };
}

const kib = (bytes: number) => `${num(Math.round(bytes / 1024))} KiB`;

/** Bytes of the open-alarm snapshot as a plain list, as the console asks for it, and as it travels to a browser. */
async function snapshotBytes(http: string, token: string): Promise<{ objects: number; rows: number; gzipped: number }> {
  const bytesOf = (path: string, encoding: string) =>
    new Promise<number>((resolve, reject) => {
      const call = request(
        `${http}${path}`,
        { headers: { authorization: `Bearer ${token}`, 'accept-encoding': encoding } },
        (response) => {
          let bytes = 0;
          response.on('data', (chunk: Buffer) => (bytes += chunk.length));
          response.on('end', () => resolve(bytes));
        },
      );
      call.on('error', reject);
      call.end();
    });
  return {
    objects: await bytesOf('/api/alarms', 'identity'),
    rows: await bytesOf('/api/alarms?form=rows', 'identity'),
    gzipped: await bytesOf('/api/alarms?form=rows', 'gzip'),
  };
}

/**
 * A CPU profile of the page (CDP Profiler, 1 ms samples): written as a .cpuprofile (open it in
 * Chrome's DevTools, Performance) and summed up as the functions with most self time inside the
 * long tasks, the first place to look for their cause.
 */
async function startPageProfile(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
  await cdp.send('Profiler.start');
  // The profile's times count from its start; the page's long tasks from its time origin: this
  // anchors one to the other (to within the few ms of one round trip).
  const startedAtMs = (await page.evaluate(() => performance.now())) as number;
  return {
    async stop(dir: string, longTasks: { start: number; duration: number }[]): Promise<string[]> {
      const { profile } = await cdp.send('Profiler.stop');
      await mkdir(dir, { recursive: true });
      const file = path.join(dir, `console-storm-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`);
      await writeFile(file, JSON.stringify(profile));
      const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
      const selfMs = new Map<string, number>();
      const samples = profile.samples ?? [];
      const deltas = profile.timeDeltas ?? [];
      const inLongTask = (at: number) => longTasks.some((task) => at >= task.start && at < task.start + task.duration);
      let t = 0;
      const longShare = longTasks.reduce((sum, task) => sum + task.duration, 0);
      for (let i = 0; i < samples.length; i++) {
        t += deltas[i] ?? 0;
        const node = nodes.get(samples[i]);
        if (!node || !inLongTask(startedAtMs + t / 1000)) continue;
        const frame = node.callFrame;
        const key =
          `${frame.functionName || '(anonymous)'} ${frame.url ? `${frame.url.split('/').pop()}:${frame.lineNumber + 1}:${frame.columnNumber + 1}` : ''}`.trim();
        selfMs.set(key, (selfMs.get(key) ?? 0) + (deltas[i + 1] ?? deltas[i] ?? 0) / 1000);
      }
      const top = [...selfMs]
        .filter(([key]) => key !== '(idle)')
        .sort((a, b) => b[1] - a[1])
        .slice(0, 12);
      return [
        `  console: page CPU profile ${file} (${(t / 1e6).toFixed(1)} s; ${longTasks.length} long tasks, ${Math.round(longShare)} ms); most self time inside them (minified names: the bundle's source map names them):`,
        ...top.map(([key, ms]) => `    ${ms.toFixed(0).padStart(6)} ms  ${key}`),
      ];
    },
  };
}

const probe = (page: Page) => page.evaluate(() => (window as unknown as { __bench: PageProbe }).__bench);

const heapOf = (page: Page) =>
  page.evaluate(
    () => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? null,
  );

/**
 * Click → paint: the click is dispatched in the page and the time taken when the frame after the
 * change has been painted (a task queued from the next animation frame runs after its paint).
 */
function clickToPaint(page: Page, click: string, done: string): Promise<number | null> {
  // A string, not a function: tsx would wrap a function's inner names in a helper the page lacks.
  return page.evaluate(`new Promise((resolve) => {
    const started = performance.now();
    (() => { ${click} })();
    const until = started + 30000;
    function check() {
      if ((() => { ${done} })()) return requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - started)));
      if (performance.now() > until) return resolve(null);
      requestAnimationFrame(check);
    }
    check();
  })`) as Promise<number | null>;
}

async function openTopAlarm(page: Page): Promise<number | null> {
  await page.evaluate(() => {
    const row = document.querySelector<HTMLElement>('#queue-rows tr[data-alarm-id]');
    (window as unknown as { __opened: string }).__opened = row?.dataset.alarmId ?? '';
  });
  return clickToPaint(
    page,
    `document.querySelector('#queue-rows tr[data-alarm-id="' + window.__opened + '"]').click()`,
    `const d = document.getElementById('alarm-detail'); return !d.hidden && !!d.querySelector('.detail-header button.primary');`,
  );
}

/**
 * Accept: two paints from one click. The feedback (the button says "Accepting…" and cannot be
 * pressed twice), which is what the operator's hand waits for; and the ARC's answer drawn (the
 * detail no longer offers Accept), which includes the round trip to a server that may be busy
 * with the storm.
 */
async function acceptOpenAlarm(page: Page): Promise<{ feedback: number | null; accepted: number | null } | null> {
  // A string, not a function: see clickToPaint.
  return page.evaluate(`new Promise((resolve) => {
    const started = performance.now();
    const until = started + 30000;
    let feedback = null;
    document.querySelector('#alarm-detail .detail-header button.primary').click();
    const afterPaint = (then) => requestAnimationFrame(() => setTimeout(() => then(performance.now() - started)));
    function check() {
      const button = document.querySelector('#alarm-detail .detail-header button.primary');
      if (feedback === null && (!button || button.disabled)) {
        feedback = -1;
        afterPaint((t) => (feedback = t));
      }
      if (!button && feedback !== -1) return afterPaint((t) => resolve({ feedback, accepted: t }));
      if (performance.now() > until) return resolve({ feedback: feedback === -1 ? null : feedback, accepted: null });
      requestAnimationFrame(check);
    }
    check();
  })`) as Promise<{ feedback: number | null; accepted: number | null } | null>;
}
