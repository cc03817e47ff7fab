// Reports for supervisors, administrators and organisation managers (their own organisation): the SLA report of a period, and per organisation
// the BS 8484 monthly alarm statistics and the billing counts, each as JSON or CSV. Every report
// can be narrowed to one organisation (organisationId); without one it spans every organisation
// the asker may see.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { ArcError } from '../errors.js';
import { billingCountsCsv, monthlyStatisticsCsv } from '../rules/organisation-report-csv.js';
import { billingCounts, byOrganisation, monthlyStatistics, NO_ORGANISATION } from '../rules/organisation-reports.js';
import { reportMonth } from '../rules/report-month.js';
import { reportPeriod } from '../rules/sla-period.js';
import { slaReport } from '../rules/sla-report.js';
import { slaReportCsv } from '../rules/sla-report-csv.js';
import { devicesInService, organisationNames } from '../store/organisation-report-store.js';
import { alarmsForReport } from '../store/sla-store.js';
import type { Sql } from 'postgres';
import { parseInput } from './parse-input.js';
import { scopeOf } from './request-user.js';
import type { Scope } from '../store/tenancy-store.js';
import type { RouteDeps } from './route-deps.js';

/**
 * An instant: a date-time with Z or an offset, or a bare date meaning that day's UTC midnight.
 * A date-time without a zone is refused: whose midnight would it be?
 */
const Instant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], {
    error: 'expected an ISO 8601 date (2025-01-31) or date-time with a zone (2025-01-31T08:00:00Z)',
  })
  .transform((text) => new Date(text));

export const SlaQuery = z.object({
  from: Instant.optional(),
  to: Instant.optional(),
  period: z.enum(['today', 'month']).optional(),
  organisationId: z.uuid().optional(),
  format: z.enum(['json', 'csv']).default('json'),
});

export const MonthQuery = z.object({
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected a month as YYYY-MM')
    .optional(),
  organisationId: z.uuid().optional(),
  format: z.enum(['json', 'csv']).default('json'),
});

const fileStamp = (t: Date) =>
  t
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/:/g, '');

function csvReply(reply: FastifyReply, name: string, body: string) {
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}.csv"`)
    .send(body);
}

/**
 * The organisations a report covers: the one asked for (404 when there is none such; the role
 * guard has already answered 404 for one outside the asker's scope), else all the asker may see
 * (null: every organisation).
 */
async function organisationsOf(sql: Sql, organisationId: string | undefined, scope: Scope) {
  const organisationIds = organisationId === undefined ? scope.organisationIds : [organisationId];
  const organisations = await organisationNames(sql, organisationIds);
  if (organisationIds !== null && organisations.length < organisationIds.length)
    throw new ArcError('ARC_ERR_ORGANISATION_NOT_FOUND');
  // Every wearer, device and alarm has an organisation (023_tenancy): no "no organisation" row.
  return { organisationIds, organisations, includeUnorganised: false };
}

export function reportRoutes(app: FastifyInstance, deps: RouteDeps): void {
  // An organisation manager gets the reports of their own organisation.
  const managers = deps.allow('administrator', 'supervisor', 'organisation_manager');
  const timeZone = deps.config.ARC_REPORT_TIME_ZONE;

  const monthOf = (requested: string | undefined, now: Date) => {
    const chosen = reportMonth(requested, now, timeZone);
    if (!chosen.ok)
      throw new ArcError('ARC_ERR_VALIDATION', `The request is not valid: month: ${chosen.reason}`, [
        { field: 'month', message: chosen.reason },
      ]);
    return chosen.period;
  };

  app.get('/api/reports/sla', { preHandler: managers }, async (request, reply) => {
    const query = parseInput(SlaQuery, request.query);
    const now = deps.now();
    const chosen = reportPeriod(query, now);
    if (!chosen.ok) {
      const summary = chosen.reasons.map((r) => `${r.field}: ${r.message}`).join('; ');
      throw new ArcError('ARC_ERR_VALIDATION', `The request is not valid: ${summary}`, chosen.reasons);
    }
    const { from, to } = chosen.period;
    const scope = await organisationsOf(deps.sql, query.organisationId, scopeOf(request));
    const alarms = await alarmsForReport(deps.sql, from, to, scope.organisationIds);
    const report = slaReport(alarms, chosen.period, now);
    if (query.format === 'csv') {
      const which = query.organisationId ? `_${query.organisationId}` : '';
      return csvReply(reply, `sla-report${which}_${fileStamp(from)}_${fileStamp(to)}`, slaReportCsv(report));
    }
    // Each organisation's overall figures beside the whole report (the statistics report has more).
    const groups = [...scope.organisations, ...(scope.includeUnorganised ? [{ id: null, name: NO_ORGANISATION }] : [])];
    const grouped = byOrganisation(alarms);
    const organisations = groups.map((g) => ({
      organisationId: g.id,
      organisationName: g.name,
      overall: slaReport(grouped.get(g.id) ?? [], chosen.period, now).overall,
    }));
    return { report, organisations };
  });

  app.get('/api/reports/monthly-statistics', { preHandler: managers }, async (request, reply) => {
    const query = parseInput(MonthQuery, request.query);
    const now = deps.now();
    const period = monthOf(query.month, now);
    const scope = await organisationsOf(deps.sql, query.organisationId, scopeOf(request));
    const alarms = await alarmsForReport(deps.sql, period.from, period.to, scope.organisationIds);
    const report = monthlyStatistics(alarms, scope.organisations, scope.includeUnorganised, period, now);
    if (query.format === 'csv')
      return csvReply(
        reply,
        `alarm-statistics_${period.month}${query.organisationId ? `_${query.organisationId}` : ''}`,
        monthlyStatisticsCsv(report),
      );
    return { report };
  });

  app.get('/api/reports/billing', { preHandler: managers }, async (request, reply) => {
    const query = parseInput(MonthQuery, request.query);
    const now = deps.now();
    const period = monthOf(query.month, now);
    const scope = await organisationsOf(deps.sql, query.organisationId, scopeOf(request));
    const [alarms, devices] = await Promise.all([
      alarmsForReport(deps.sql, period.from, period.to, scope.organisationIds),
      devicesInService(deps.sql, period.from, period.to, scope.organisationIds),
    ]);
    const report = billingCounts(alarms, devices, scope.organisations, scope.includeUnorganised, period, now);
    if (query.format === 'csv')
      return csvReply(
        reply,
        `billing_${period.month}${query.organisationId ? `_${query.organisationId}` : ''}`,
        billingCountsCsv(report),
      );
    return { report };
  });
}
