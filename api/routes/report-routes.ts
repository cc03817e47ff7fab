// Reports for supervisors: the SLA report of a period as JSON or CSV.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ArcError } from '../errors.js';
import { reportPeriod } from '../rules/sla-period.js';
import { slaReport } from '../rules/sla-report.js';
import { slaReportCsv } from '../rules/sla-report-csv.js';
import { alarmsForReport } from '../store/sla-store.js';
import { parseInput } from './parse-input.js';
import { scopeOf } from './request-user.js';
import type { RouteDeps } from './route-deps.js';

/**
 * An instant: a date-time with Z or an offset, or a bare date meaning that day's UTC midnight.
 * A date-time without a zone is refused: whose midnight would it be?
 */
const Instant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], { error: 'expected an ISO 8601 date (2025-01-31) or date-time with a zone (2025-01-31T08:00:00Z)' })
  .transform((text) => new Date(text));

export const SlaQuery = z.object({
  from: Instant.optional(),
  to: Instant.optional(),
  period: z.enum(['today', 'month']).optional(),
  format: z.enum(['json', 'csv']).default('json'),
});

const fileStamp = (t: Date) => t.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '');

export function reportRoutes(app: FastifyInstance, deps: RouteDeps): void {
  // An organisation manager gets the report of their own organisation's alarms.
  const managers = deps.allow('administrator', 'supervisor', 'organisation_manager');

  app.get('/api/reports/sla', { preHandler: managers }, async (request, reply) => {
    const query = parseInput(SlaQuery, request.query);
    const now = deps.now();
    const chosen = reportPeriod(query, now);
    if (!chosen.ok) {
      const summary = chosen.reasons.map((r) => `${r.field}: ${r.message}`).join('; ');
      throw new ArcError('ARC_ERR_VALIDATION', `The request is not valid: ${summary}`, chosen.reasons);
    }
    const { from, to } = chosen.period;
    const report = slaReport(await alarmsForReport(deps.sql, from, to, scopeOf(request)), chosen.period, now);
    if (query.format === 'json') return { report };
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="sla-report_${fileStamp(from)}_${fileStamp(to)}.csv"`)
      .send(slaReportCsv(report));
  });
}
