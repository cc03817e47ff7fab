// Demand and prevention insight for supervisors and administrators (docs/guides/insight.md): arrivals
// by hour of the week, response-time distributions, the forecast, operators needed beside those
// seen, a what-if, and the early-help review list with outcomes. Every chart is also CSV
// (?format=csv). The review list shows people: every view and outcome is audited. Carers and
// operators never reach these routes.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ArcError } from '../errors.js';
import { forecastDemand, HOURS_PER_WEEK } from '../rules/demand-forecast.js';
import { ALARM_PRIORITY } from '../rules/event-rules.js';
import { csvTable, round } from '../rules/insight-csv.js';
import { addMonths, baselineMonths, wearerSignalHistories } from '../rules/review-months.js';
import { PREVENTION_SIGNALS, reviewList, RISE_RULE } from '../rules/signal-rise.js';
import { slotKey, staffingPlan } from '../rules/staffing-plan.js';
import { audit } from '../store/audit-log.js';
import {
  ACCEPT_EDGES_S,
  arrivalsByHourOfWeek,
  HANDLE_EDGES_S,
  hourlyArrivals,
  insertReviewOutcome,
  monthlySignals,
  outcomesForMonth,
  profileDemand,
  responseTimes,
  staffingSlots,
  wearersByIds,
  wearersCreatedBefore,
  type InsightScope,
} from '../store/insight-store.js';
import { addDays, localDate } from '../rules/local-dates.js';
import type { DayScope } from '../store/insight-rollup.js';
import type { MonthScope } from '../store/signal-month-store.js';
import { WearerProfile } from '../domain/wearer-profile.js';
import { nightsBuiltThrough as nightsBuiltThroughOf } from '../store/night-away-store.js';
import { presenceByHourOfWeek, presenceRecordedSince } from '../store/staff-presence-store.js';
import { parseInput } from './parse-input.js';
import { actorOf, scopeOf } from './request-user.js';
import { organisationFilter } from './tenant-scope.js';
import { INSIGHT_MAX_WEEKS } from '../rules/retention-rules.js';
import type { RouteDeps } from './route-deps.js';

const HOUR_MS = 3_600_000;
const WEEK_MS = 7 * 24 * HOUR_MS;
/** Months of a wearer's own history their latest month is compared with. */
export const BASELINE_MONTHS = 12;

export const Period = z.object({
  /** Whole weeks back from the current hour. */
  weeks: z.coerce.number().int().min(1).max(INSIGHT_MAX_WEEKS).default(12),
  organisationId: z.uuid().optional(),
  format: z.enum(['json', 'csv']).default('json'),
});

export const ForecastQuery = Period.extend({
  weeks: z.coerce.number().int().min(4).max(INSIGHT_MAX_WEEKS).default(12),
  horizonWeeks: z.coerce.number().int().min(1).max(8).default(2),
});

export const StaffingQuery = Period.extend({
  addDevices: z.coerce.number().int().min(0).max(100_000).default(0),
  profile: z.enum(WearerProfile).optional(),
});

const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected a month as YYYY-MM');
export const ReviewQuery = z.object({
  month: Month.optional(),
  organisationId: z.uuid().optional(),
  format: z.enum(['json', 'csv']).default('json'),
});
export const WearerParams = z.object({ wearerId: z.uuid() });
export const OutcomeBody = z.object({
  month: Month,
  outcome: z.enum(['no_action', 'call_made', 'referred_early_help', 'plan_changed']),
  note: z.string().max(2000).default(''),
});

function csvReply(reply: FastifyReply, name: string, body: string) {
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}.csv"`)
    .send(body);
}

/** "YYYY-MM" of an instant in a zone. */
function monthIn(timeZone: string): (at: Date) => string {
  const format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' });
  return (at) => {
    const parts = format.formatToParts(at);
    return `${parts.find((p) => p.type === 'year')!.value}-${parts.find((p) => p.type === 'month')!.value}`;
  };
}

/** A UTC instant safely before (or after) every local instant of a month, in any zone. */
const monthStartUtc = (month: string, marginDays: number) =>
  new Date(Date.parse(`${month}-01T00:00:00Z`) + marginDays * 24 * HOUR_MS);

export function insightRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const managers = deps.allow('administrator', 'supervisor');
  // Staff serving a chosen set see one of their organisations at a time (every figure is per organisation).
  const organisationOf = (request: FastifyRequest, asked?: string) =>
    organisationFilter(scopeOf(request), asked) ?? undefined;
  const timeZone = deps.config.ARC_INSIGHT_TIME_ZONE;
  const night = deps.config.ARC_INSIGHT_NIGHT_HOURS;

  /** The last `weeks` whole weeks up to the current hour (the forecast's hourly history). */
  const periodOf = (weeks: number, organisationId?: string): InsightScope => {
    const to = new Date(Math.floor(deps.now().getTime() / HOUR_MS) * HOUR_MS);
    return { from: new Date(to.getTime() - weeks * WEEK_MS), to, timeZone, organisationId };
  };
  /** The last `weeks` × 7 local days, today (so far) included: each hour of the week occurs `weeks` times. */
  const daysOf = (weeks: number, organisationId?: string): DayScope => {
    const toDate = addDays(localDate(deps.now(), timeZone), 1);
    return { fromDate: addDays(toDate, -7 * weeks), toDate, timeZone, organisationId };
  };

  app.get('/api/insight/arrivals', { preHandler: managers }, async (request, reply) => {
    const query = parseInput(Period, request.query);
    const scope = daysOf(query.weeks, organisationOf(request, query.organisationId));
    const cells = await arrivalsByHourOfWeek(deps.sql, scope, deps.now());
    if (query.format === 'csv')
      return csvReply(
        reply,
        'arrivals-by-hour-of-week',
        csvTable(
          ['day', 'hour', 'type', 'alarms'],
          cells.map((c) => [c.day, c.hour, c.type, c.count]),
        ),
      );
    return { fromDate: scope.fromDate, toDate: scope.toDate, weeks: query.weeks, timeZone, cells };
  });

  app.get('/api/insight/response-times', { preHandler: managers }, async (request, reply) => {
    const query = parseInput(Period, request.query);
    const scope = daysOf(query.weeks, organisationOf(request, query.organisationId));
    const types = await responseTimes(deps.sql, scope, deps.now());
    if (query.format === 'csv') {
      const rows = types.flatMap((t) =>
        (['toAccept', 'handling'] as const).map((which) => {
          const d = t[which];
          return [
            t.type,
            which === 'toAccept' ? 'time_to_accept' : 'handling',
            d.count,
            round(d.p50, 1),
            round(d.p90, 1),
            round(d.p95, 1),
            round(d.max, 1),
            ...d.buckets,
          ];
        }),
      );
      const bucketNames = (edges: readonly number[]) => [
        `to_${edges[0]}s`,
        ...edges.slice(1).map((e, i) => `over_${edges[i]}_to_${e}s`),
        `over_${edges[edges.length - 1]}s`,
      ];
      // The two measures have different bucket edges; one CSV holds both, with both sets named.
      const header = [
        'type',
        'measure',
        'count',
        'p50_s',
        'p90_s',
        'p95_s',
        'max_s',
        ...bucketNames(ACCEPT_EDGES_S).map((n, i) => `bucket${i}_${n}|${bucketNames(HANDLE_EDGES_S)[i]}`),
      ];
      return csvReply(reply, 'response-times', csvTable(header, rows));
    }
    return {
      fromDate: scope.fromDate,
      toDate: scope.toDate,
      weeks: query.weeks,
      acceptEdgesS: ACCEPT_EDGES_S,
      handleEdgesS: HANDLE_EDGES_S,
      types,
    };
  });

  app.get('/api/insight/forecast', { preHandler: managers }, async (request, reply) => {
    const query = parseInput(ForecastQuery, request.query);
    const scope = periodOf(query.weeks, organisationOf(request, query.organisationId));
    const history = await hourlyArrivals(deps.sql, scope);
    const result = forecastDemand(history, query.horizonWeeks * HOURS_PER_WEEK);
    const hourAt = (i: number) => new Date(scope.to.getTime() + i * HOUR_MS).toISOString();
    if (!result.ok) {
      if (query.format === 'csv') return csvReply(reply, 'forecast', csvTable(['note'], [[result.reason]]));
      return {
        from: scope.from,
        to: scope.to,
        available: false,
        reason: result.reason,
        recent: history.slice(-HOURS_PER_WEEK),
      };
    }
    const f = result.forecast;
    const hours = f.hours.map((h) => ({
      at: hourAt(h.step - 1),
      mean: round(h.mean),
      low: round(h.low),
      high: round(h.high),
    }));
    if (query.format === 'csv')
      return csvReply(
        reply,
        'forecast',
        csvTable(
          ['hour_utc', 'forecast_alarms', 'band_low', 'band_high'],
          hours.map((h) => [h.at, h.mean, h.low, h.high]),
        ),
      );
    // The last two weeks as they were, for the chart to lead into the forecast.
    const recent = history.slice(-2 * HOURS_PER_WEEK).map((count, i, all) => ({ at: hourAt(i - all.length), count }));
    return {
      from: scope.from,
      to: scope.to,
      available: true,
      method: f.method,
      params: f.params,
      bandShare: f.bandShare,
      backtest: f.backtest,
      recent,
      hours,
    };
  });

  app.get('/api/insight/staffing', { preHandler: managers }, async (request, reply) => {
    const query = parseInput(StaffingQuery, request.query);
    const scope = daysOf(query.weeks, organisationOf(request, query.organisationId));
    const [{ slots, meanHandleS: handle }, byType, presence, presenceSince] = await Promise.all([
      staffingSlots(deps.sql, scope, deps.now()),
      arrivalsByHourOfWeek(deps.sql, scope, deps.now()),
      presenceByHourOfWeek(deps.sql, scope),
      presenceRecordedSince(deps.sql),
    ]);
    // Staff on shift: the console presence the clock samples each minute (api/clock/presence-sweep.ts).
    const staffMinutes = presenceSince ? new Map(presence.map((p) => [slotKey(p.day, p.hour), p.minutes])) : undefined;
    // Each type's priority (api/rules/event-rules.ts); a type the ARC does not know sits in the middle.
    const priorityMix = new Map<string, { priority: number; arrivals: number }[]>();
    for (const c of byType) {
      const key = slotKey(c.day, c.hour);
      const list = priorityMix.get(key) ?? [];
      list.push({ priority: (ALARM_PRIORITY as Record<string, number>)[c.type] ?? 3, arrivals: c.count });
      priorityMix.set(key, list);
    }
    let whatIf: { profile: string; addDevices: number; wearersOfProfile: number; extraAlarmsPerWeek: number } | null =
      null;
    let extra: Map<string, number> | undefined;
    if (query.addDevices > 0) {
      if (!query.profile)
        throw new ArcError(
          'ARC_ERR_VALIDATION',
          'The request is not valid: profile: say which profile the added devices are for',
          [{ field: 'profile', message: 'required with addDevices' }],
        );
      const demand = await profileDemand(deps.sql, scope, deps.now(), query.profile);
      if (demand.wearers === 0)
        throw new ArcError(
          'ARC_ERR_VALIDATION',
          `The request is not valid: profile: no wearers of profile ${query.profile} to learn its alarm rate from`,
          [{ field: 'profile', message: 'no wearers of this profile' }],
        );
      // Each added device is taken to alarm like the profile's wearers do now, hour by hour.
      const perWearerWeek = query.addDevices / demand.wearers / query.weeks;
      extra = new Map(demand.slots.map((s) => [slotKey(s.day, s.hour), s.arrivals * perWearerWeek]));
      whatIf = {
        profile: query.profile,
        addDevices: query.addDevices,
        wearersOfProfile: demand.wearers,
        extraAlarmsPerWeek: round([...extra.values()].reduce((a, b) => a + b, 0))!,
      };
    }
    // Without any resolved alarm there is no measured handling time: 5 minutes stands in, and says so.
    const meanHandleS = handle ?? 300;
    const plan = staffingPlan({
      slots,
      weeks: query.weeks,
      meanHandleS,
      extraPerHour: extra,
      priorityMix,
      staffMinutes,
    });
    const base = whatIf ? staffingPlan({ slots, weeks: query.weeks, meanHandleS }) : null;
    const rows = plan.rows.map((r, i) => ({
      ...r,
      arrivalsPerHour: round(r.arrivalsPerHour),
      erlangs: round(r.erlangs),
      operatorsSeen: round(r.operatorsSeen, 2),
      staffOnShift: round(r.staffOnShift, 2),
      neededBefore: base ? base.rows[i].needed : undefined,
    }));
    if (query.format === 'csv') {
      return csvReply(
        reply,
        'staffing',
        csvTable(
          [
            'day',
            'hour',
            'alarms_per_hour',
            'erlangs',
            'needed_bs8484',
            'needed_tsa',
            ...(base ? ['needed_bs8484_now', 'needed_tsa_now'] : []),
            'operators_seen',
            'staff_on_shift',
            'within_10s',
            'within_40s',
            'within_60s',
            'within_180s',
          ],
          rows.map((r) => [
            r.day,
            r.hour,
            r.arrivalsPerHour,
            r.erlangs,
            r.needed.bs8484,
            r.needed.tsa,
            ...(r.neededBefore ? [r.neededBefore.bs8484, r.neededBefore.tsa] : []),
            r.operatorsSeen,
            r.staffOnShift,
            round(r.achieved?.within10 ?? null, 4),
            round(r.achieved?.within40 ?? null, 4),
            round(r.achieved?.within60 ?? null, 4),
            round(r.achieved?.within180 ?? null, 4),
          ]),
        ),
      );
    }
    return {
      fromDate: scope.fromDate,
      toDate: scope.toDate,
      weeks: query.weeks,
      timeZone,
      meanHandleS: round(meanHandleS, 1),
      handlingMeasured: handle !== null,
      onConsoleNow: (await deps.staffOnConsole()).length,
      staffRecordedSince: presenceSince,
      whatIf,
      peakCheck: plan.peakCheck,
      rows,
    };
  });

  /**
   * The review list of a month (or one wearer's entry), most surprising first. Only a wearer with
   * at least the rule's minimum count of some signal in the month can be listed, so the month is
   * read first and the baseline year only for those wearers.
   */
  async function reviewOf(month: string, organisationId?: string, wearerId?: string) {
    const toMonth = monthIn(timeZone);
    const span = (fromMonth: string, toMonthExclusive: string): MonthScope => ({
      fromMonth,
      toMonth: toMonthExclusive,
      timeZone,
      organisationId,
    });
    const reviewed = await monthlySignals(
      deps.sql,
      span(month, addMonths(month, 1)),
      night,
      wearerId ? [wearerId] : undefined,
    );
    const candidates = wearerId
      ? [wearerId]
      : reviewed
          .filter((r) => PREVENTION_SIGNALS.some((s) => r.counts[s] >= RISE_RULE.minCount))
          .map((r) => r.wearerId);
    const [baseline, wearers] = await Promise.all([
      monthlySignals(deps.sql, span(addMonths(month, -BASELINE_MONTHS), month), night, candidates),
      wearersCreatedBefore(deps.sql, candidates, monthStartUtc(month, 1), organisationId),
    ]);
    const rows = [...baseline, ...reviewed];
    const known = wearers.map((w) => ({ id: w.id, firstMonth: toMonth(w.createdAt) }));
    const histories = wearerSignalHistories(rows, known, month, BASELINE_MONTHS);
    return { rows, list: reviewList(histories) };
  }

  app.get('/api/insight/review', { preHandler: managers }, async (request, reply) => {
    const query = parseInput(ReviewQuery, request.query);
    const month = query.month ?? addMonths(monthIn(timeZone)(deps.now()), -1);
    const { list } = await reviewOf(month, organisationOf(request, query.organisationId));
    const [people, outcomes] = await Promise.all([
      wearersByIds(
        deps.sql,
        list.map((c) => c.wearerId),
      ),
      outcomesForMonth(deps.sql, month),
    ]);
    const personOf = new Map(people.map((p) => [p.id, p]));
    const outcomeOf = new Map(outcomes.map((o) => [o.wearerId, o]));
    const entries = list.map((c, i) => ({
      rank: i + 1,
      wearerId: c.wearerId,
      name: personOf.get(c.wearerId)?.name ?? '',
      profile: personOf.get(c.wearerId)?.profile ?? '',
      score: round(c.score, 2),
      rises: c.rises.map((r) => ({
        signal: r.signal,
        count: r.current,
        usualPerMonth: round(r.usualPerMonth, 2),
        ratio: round(r.ratio, 1),
        pValue: r.pValue,
      })),
      outcome: outcomeOf.get(c.wearerId) ?? null,
    }));
    await audit(deps.sql, actorOf(request), 'insight.review_list.viewed', null, {
      month,
      listed: entries.length,
      format: query.format,
      organisationId: query.organisationId ?? null,
    });
    if (query.format === 'csv') {
      return csvReply(
        reply,
        `early-help-review_${month}`,
        csvTable(
          [
            'rank',
            'wearer_id',
            'name',
            'profile',
            'signal',
            'count',
            'usual_per_month',
            'ratio',
            'p_value',
            'outcome',
            'reviewed_by',
          ],
          entries.flatMap((e) =>
            e.rises.map((r) => [
              e.rank,
              e.wearerId,
              e.name,
              e.profile,
              r.signal,
              r.count,
              r.usualPerMonth,
              r.ratio,
              Number(r.pValue.toPrecision(3)),
              e.outcome?.outcome ?? null,
              e.outcome?.reviewer ?? null,
            ]),
          ),
        ),
      );
    }
    // How far the overnight rollup has built the nights (night_away counts only built nights).
    const nightsBuiltThrough = await nightsBuiltThroughOf(deps.sql, { timeZone, hours: night });
    return { month, baselineMonths: BASELINE_MONTHS, rule: RISE_RULE, night, nightsBuiltThrough, timeZone, entries };
  });

  app.get('/api/insight/review/:wearerId', { preHandler: managers }, async (request, reply) => {
    const { wearerId } = parseInput(WearerParams, request.params);
    const query = parseInput(ReviewQuery, request.query);
    const [person] = await wearersByIds(deps.sql, [wearerId]);
    if (!person) throw new ArcError('ARC_ERR_WEARER_NOT_FOUND');
    const month = query.month ?? addMonths(monthIn(timeZone)(deps.now()), -1);
    const { rows, list } = await reviewOf(month, undefined, wearerId);
    const months = [...baselineMonths(month, BASELINE_MONTHS), month].map((m) => {
      const counts = rows.find((r) => r.month === m)?.counts;
      return { month: m, ...Object.fromEntries(PREVENTION_SIGNALS.map((s) => [s, counts?.[s] ?? 0])) };
    });
    await audit(deps.sql, actorOf(request), 'insight.wearer_signals.viewed', wearerId, { month, format: query.format });
    if (query.format === 'csv') {
      return csvReply(
        reply,
        `signals_${month}`,
        csvTable(
          ['month', ...PREVENTION_SIGNALS],
          months.map((m) => [
            m.month,
            ...PREVENTION_SIGNALS.map((s) => (m as Record<string, number | string>)[s] as number),
          ]),
        ),
      );
    }
    return {
      wearer: { id: person.id, name: person.name, profile: person.profile },
      month,
      months,
      rises: list[0]?.rises ?? [],
    };
  });

  app.post('/api/insight/review/:wearerId/outcome', { preHandler: managers }, async (request, reply) => {
    const { wearerId } = parseInput(WearerParams, request.params);
    const body = parseInput(OutcomeBody, request.body);
    const [person] = await wearersByIds(deps.sql, [wearerId]);
    if (!person) throw new ArcError('ARC_ERR_WEARER_NOT_FOUND');
    const { list } = await reviewOf(body.month, undefined, wearerId);
    const actor = actorOf(request);
    // The outcome and its audit entry stand or fall together.
    const record = await deps.sql.begin(async (tx) => {
      const saved = await insertReviewOutcome(tx, {
        wearerId,
        month: body.month,
        outcome: body.outcome,
        note: body.note,
        shown: list[0]?.rises ?? [],
        reviewedBy: actor.id,
        reviewer: actor.name,
        at: deps.now(),
      });
      await audit(tx, actor, 'insight.review_outcome.recorded', wearerId, {
        month: body.month,
        outcome: body.outcome,
        reviewId: saved.id,
      });
      return saved;
    });
    return reply.code(201).send({ outcome: record });
  });
}
