// The retention purge during sustained tracking (issue 16, item 5: "the purge runs by itself in
// small batches that never slow the intake"). Old fixes are inserted with SQL so that they fall
// due on the ARC's own clock at a chosen moment; the ARC's retention sweep then purges them by
// itself, batch by batch, while the devices keep tracking and pressing SOS. Each pass the sweep
// logs (api/clock/retention-sweep.ts) says when it ran and how long it took: those times split
// the run into "purge working" and "purge idle", and the same run's fixes and alarms are
// compared across the two.
import type { Sql } from '../api/db/connect.js';
import { PURGE_BATCH, PURGE_IDLE_MS } from '../api/rules/retention-rules.js';
import type { PurgePass } from './arc-process.js';
import type { TimedPress } from './alarm-presses.js';
import { LatencyHistogram, type HistogramData, type LatencySummary } from './latency-histogram.js';
import { summarisePresses } from './alarm-presses.js';

export interface PurgeLoad {
  /** Old fixes to insert (past their retention period once due). */
  rows: number;
  /** Tracking goes on at least this long before the old fixes fall due: the idle phase. */
  idleS: number;
  /** After the last purge pass, tracking goes on this long: more idle phase. */
  tailS: number;
  /** Tracking stops by then whatever the purge is doing. */
  maxS: number;
}

export const PURGE_LOAD_DEFAULTS: PurgeLoad = { rows: 300_000, idleS: 60, tailS: 30, maxS: 360 };

export interface SeededOldFixes {
  rows: number;
  firstId: number;
  lastId: number;
  /** When they fall due (epoch ms on this machine's clock, which is the ARC's). */
  dueAt: number;
  retentionDays: number;
  insertMs: number;
}

/**
 * Inserts the old fixes, spread over the devices, timed to fall due just before a pass of the
 * sweep at least idleS from now. An idle sweep passes once a minute of ARC time from the ARC's
 * start (PURGE_IDLE_MS), so the due time is put 3 s before a predicted pass; a pass that comes
 * earlier only moves the start of the purge one minute on.
 */
export async function seedOldFixes(
  sql: Sql,
  deviceIds: string[],
  load: PurgeLoad,
  arcReadyAt: number,
): Promise<SeededOldFixes> {
  const [{ days }] = await sql<
    { days: number }[]
  >`select coalesce(min(location_retention_days), 90)::int as days from organisations`;
  const earliest = Date.now() + load.idleS * 1000;
  const k = Math.max(1, Math.ceil((earliest + 3000 - arcReadyAt) / PURGE_IDLE_MS));
  const dueAt = arcReadyAt + k * PURGE_IDLE_MS - 3000;
  // The newest is one second past the period at dueAt; the rest older, a millisecond apart.
  const newest = new Date(dueAt - days * 86_400_000 - 1000);
  const started = performance.now();
  const [range] = await sql<{ first: string; last: string }[]>`
    with inserted as (
      insert into fixes (device_id, ts, received_at, lat, lon, acc, batt, src)
      select ids[1 + (g % cardinality(ids))],
             (extract(epoch from ${newest}::timestamptz) * 1000)::bigint - g,
             ${newest}::timestamptz - g * interval '1 millisecond',
             51.5 + (g % 1000) / 100000.0, -0.12 - (g % 777) / 100000.0, 8, 80, 'gps'
      from generate_series(0, ${load.rows - 1}) g, (select ${deviceIds}::text[] as ids) d
      returning id
    )
    select min(id)::text as first, max(id)::text as last from inserted`;
  await sql`analyze fixes`;
  return {
    rows: load.rows,
    firstId: Number(range.first),
    lastId: Number(range.last),
    dueAt,
    retentionDays: days,
    insertMs: performance.now() - started,
  };
}

/**
 * Whether the purge of the old fixes is over and tailS has gone by since its last pass. Over: a
 * pass took less than a full batch, or none came for 10 s (a sweep with a backlog passes once a
 * second; a pass that purges nothing is not logged, so a purge ending on a full batch ends silently).
 */
export function purgeFinished(passes: PurgePass[], tailS: number, now = Date.now()): boolean {
  const last = passes.at(-1);
  if (!last || now - last.at < tailS * 1000) return false;
  return last.fixes < PURGE_BATCH || now - last.at >= 10_000;
}

/** One sample of the tracking monitor, on the epoch clock, with the cumulative fix-ack histogram. */
export interface IngestMark {
  at: number;
  fixesSent: number;
  stored: number;
  fixAck: HistogramData;
}

interface PhaseFigures {
  seconds: number;
  storedPerS: number | null;
  maxBacklog: number | null;
  fixAck: LatencySummary;
  presses: number;
  alarmRaised: LatencySummary;
}

export interface PurgeComparison {
  passes: number;
  purgedFixes: number;
  /** From the start of the first pass to the end of the last. */
  purgeSeconds: number;
  purgedPerS: number | null;
  longestPassMs: number | null;
  meanPassMs: number | null;
  working: PhaseFigures;
  idle: PhaseFigures;
  /** working ÷ idle; above 1 is slower (latency) or, for storedPerS, more. */
  ratios: {
    alarmP50: number | null;
    alarmP99: number | null;
    fixAckP50: number | null;
    fixAckP99: number | null;
    storedPerS: number | null;
  };
}

const ratio = (a: number | null, b: number | null) =>
  a === null || b === null || b === 0 ? null : Math.round((a / b) * 100) / 100;

/**
 * Splits the run at the purge's passes: monitor intervals wholly inside [first pass start, last
 * pass end] are "working"; those wholly before it (after the ramp-up, fromAt) or after it are
 * "idle"; an interval across a boundary counts for neither. Presses go by their publish time.
 */
export function comparePhases(
  passes: PurgePass[],
  marks: IngestMark[],
  presses: TimedPress[],
  fromAt: number,
): PurgeComparison {
  const start = passes.length ? passes[0].at - passes[0].ms : Infinity;
  const end = passes.length ? passes.at(-1)!.at : -Infinity;
  const purgedFixes = passes.reduce((n, p) => n + p.fixes, 0);
  const purgeSeconds = passes.length ? (end - start) / 1000 : 0;

  const phase = (inside: (from: number, to: number) => boolean): PhaseFigures => {
    let seconds = 0;
    let stored = 0;
    let maxBacklog: number | null = null;
    const fixAck = new LatencyHistogram();
    for (let i = 1; i < marks.length; i++) {
      const [a, b] = [marks[i - 1], marks[i]];
      if (!inside(a.at, b.at)) continue;
      seconds += (b.at - a.at) / 1000;
      stored += b.stored - a.stored;
      maxBacklog = Math.max(maxBacklog ?? 0, b.fixesSent - b.stored);
      fixAck.add(LatencyHistogram.between(a.fixAck, b.fixAck));
    }
    const ps = presses.filter((p) => inside(p.publishedAt, p.publishedAt));
    return {
      seconds,
      storedPerS: seconds > 0 ? stored / seconds : null,
      maxBacklog,
      fixAck: fixAck.summary(),
      presses: ps.length,
      alarmRaised: summarisePresses(ps).alarmRaised,
    };
  };
  const working = phase((from, to) => from >= start && to <= end);
  const idle = phase((from, to) => from >= fromAt && (to <= start || from >= end));
  const passMs = passes.map((p) => p.ms);
  return {
    passes: passes.length,
    purgedFixes,
    purgeSeconds,
    purgedPerS: purgeSeconds > 0 ? purgedFixes / purgeSeconds : null,
    longestPassMs: passMs.length ? Math.max(...passMs) : null,
    meanPassMs: passMs.length ? passMs.reduce((a, b) => a + b, 0) / passMs.length : null,
    working,
    idle,
    ratios: {
      alarmP50: ratio(working.alarmRaised.p50, idle.alarmRaised.p50),
      alarmP99: ratio(working.alarmRaised.p99, idle.alarmRaised.p99),
      fixAckP50: ratio(working.fixAck.p50, idle.fixAck.p50),
      fixAckP99: ratio(working.fixAck.p99, idle.fixAck.p99),
      storedPerS: ratio(working.storedPerS, idle.storedPerS),
    },
  };
}
