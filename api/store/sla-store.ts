// Reads what the SLA report needs: every alarm received in [from, to), test and linked ones
// included (the report tallies them as excluded, so the reader sees what was left out). The ARC
// stamps received_at, accepted_at and resolved_at from its own clock as JS Dates, so reading them
// back as Dates (millisecond precision) loses nothing.
import type { Sql } from 'postgres';
import type { SlaAlarm } from '../rules/sla-report.js';
import { EVERY_ORGANISATION, inScope, type Scope } from './tenancy-store.js';

export async function alarmsForReport(sql: Sql, from: Date, to: Date, scope: Scope = EVERY_ORGANISATION): Promise<SlaAlarm[]> {
  return sql<SlaAlarm[]>`
    select id, type, priority, received_at, accepted_at, resolved_at, closure_code, verified, is_test, linked_to
    from alarms
    where received_at >= ${from} and received_at < ${to} and ${inScope(sql, scope, 'organisation_id')}
    order by received_at, id`;
}
