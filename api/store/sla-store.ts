// Reads what the SLA report and the monthly reports need: every alarm received in [from, to),
// test and linked ones included (the reports tally them as excluded, so the reader sees what was
// left out). The ARC stamps received_at, accepted_at and resolved_at from its own clock as JS
// Dates, so reading them back as Dates (millisecond precision) loses nothing.
//
// An alarm counts under its wearer's organisation (wearers.organisation_id); one without a
// wearer, or whose wearer has none, under "no organisation" (null). `organisationIds` narrows
// the read: null reads all, a list only those organisations (never "no organisation").
import type { Sql } from 'postgres';
import type { SlaAlarm } from '../rules/sla-report.js';

export interface ReportAlarm extends SlaAlarm {
  organisationId: string | null;
  /** An operator logged "passed to police" on it, or closed it as "Genuine: police attended". */
  passedToPolice: boolean;
}

/** The organisation filter over a left-joined `wearers w`. */
export const organisationFilter = (sql: Sql, organisationIds: readonly string[] | null) =>
  organisationIds === null ? sql`` : sql`and w.organisation_id = any(${organisationIds as string[]}::uuid[])`;

export async function alarmsForReport(sql: Sql, from: Date, to: Date, organisationIds: readonly string[] | null = null): Promise<ReportAlarm[]> {
  return sql<ReportAlarm[]>`
    select a.id, a.type, a.priority, a.received_at, a.accepted_at, a.resolved_at, a.closure_code, a.verified,
           a.is_test, a.linked_to, w.organisation_id,
           (a.closure_code is not distinct from 'genuine_police'
            or exists (select 1 from alarm_actions x where x.alarm_id = a.id and x.kind = 'passed_to_police')) as passed_to_police
    from alarms a
    left join wearers w on w.id = a.wearer_id
    where a.received_at >= ${from} and a.received_at < ${to} ${organisationFilter(sql, organisationIds)}
    order by a.received_at, a.id`;
}
