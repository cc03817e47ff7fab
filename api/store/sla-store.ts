// Reads what the SLA report and the monthly reports need: every alarm received in [from, to),
// test and linked ones included (the reports tally them as excluded, so the reader sees what was
// left out). The ARC stamps received_at, accepted_at and resolved_at from its own clock as JS
// Dates, so reading them back as Dates (millisecond precision) loses nothing.
//
// An alarm counts under the organisation it was raised in (alarms.organisation_id, migration
// 023_tenancy: every alarm has one). `organisationIds` narrows the read: null reads all, a list
// only those organisations.
import type { Sql } from 'postgres';
import type { SlaAlarm } from '../rules/sla-report.js';

export interface ReportAlarm extends SlaAlarm {
  organisationId: string | null;
  /** An operator logged "passed to police" on it, or closed it as "Genuine: police attended". */
  passedToPolice: boolean;
}

/** The organisation filter on a column (an alarm keeps the organisation it was raised in; a device has its own). */
export const organisationFilter = (
  sql: Sql,
  organisationIds: readonly string[] | null,
  column = 'a.organisation_id',
) => (organisationIds === null ? sql`` : sql`and ${sql(column)} = any(${organisationIds as string[]}::uuid[])`);

export async function alarmsForReport(
  sql: Sql,
  from: Date,
  to: Date,
  organisationIds: readonly string[] | null = null,
): Promise<ReportAlarm[]> {
  return sql<ReportAlarm[]>`
    select a.id, a.type, a.priority, a.received_at, a.accepted_at, a.resolved_at, a.closure_code, a.verified,
           a.is_test, a.linked_to, a.organisation_id,
           (a.closure_code is not distinct from 'genuine_police'
            or exists (select 1 from alarm_actions x where x.alarm_id = a.id and x.kind = 'passed_to_police')) as passed_to_police
    from alarms a
    where a.received_at >= ${from} and a.received_at < ${to} ${organisationFilter(sql, organisationIds)}
    order by a.received_at, a.id`;
}
