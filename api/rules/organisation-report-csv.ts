// The monthly statistics and the billing counts as CSV (RFC 4180 through csvTable, which also
// defuses cells a spreadsheet would run as a formula: organisation names are typed by people).
// One row per organisation and a last row "Total"; the statistics add a second table, after a
// blank line, of alarms by type per organisation (types vary, so they are rows, not columns).
import { csvTable } from './insight-csv.js';
import {
  OUTCOMES,
  type BillingCounts,
  type MonthlyStatistics,
  type OrganisationStatistics,
} from './organisation-reports.js';
import { percent } from './sla-report-csv.js';
import { SLA_LINES } from './sla-targets.js';

const CRLF = '\r\n';
const yesNo = (met: boolean | null) => (met === null ? null : met ? 'yes' : 'no');

const STATISTICS_HEADER = [
  'organisation_id',
  'organisation',
  'month',
  'time_zone',
  'alarms',
  'test_excluded',
  'linked_excluded',
  'genuine',
  'false',
  'undecided',
  'passed_to_police',
  'accepted',
  'resolved',
  'median_accept_s',
  'p95_accept_s',
  'median_resolve_s',
  'p95_resolve_s',
  ...SLA_LINES.flatMap((l) => [`${l.id}_within`, `${l.id}_counted`, `${l.id}_percent`, `${l.id}_met`]),
  'breaches',
];

export function monthlyStatisticsCsv(report: MonthlyStatistics): string {
  const rows = [...report.organisations, report.total].map((o: OrganisationStatistics) => [
    o === report.total ? 'total' : o.organisationId,
    o.organisationName,
    report.period.month,
    report.period.timeZone,
    o.alarms,
    o.excluded.test,
    o.excluded.linked,
    o.verified.genuine,
    o.verified.false,
    o.verified.undecided,
    o.passedToPolice,
    o.accepted,
    o.resolved,
    o.acceptSeconds.median,
    o.acceptSeconds.p95,
    o.resolveSeconds.median,
    o.resolveSeconds.p95,
    ...o.shares.flatMap((s) => [s.within, s.counted, percent(s.share), yesNo(s.met)]),
    o.breaches,
  ]);
  const byType = report.organisations.flatMap((o) =>
    Object.entries(o.byType).map(([type, count]) => [o.organisationId, o.organisationName, type, count]),
  );
  return (
    csvTable(STATISTICS_HEADER, rows) + CRLF + csvTable(['organisation_id', 'organisation', 'type', 'alarms'], byType)
  );
}

export function billingCountsCsv(report: BillingCounts): string {
  const header = [
    'organisation_id',
    'organisation',
    'month',
    'time_zone',
    'devices_in_service',
    'devices_heard',
    'alarms',
    'test_alarms',
    ...OUTCOMES.map((o) => `outcome_${o}`),
  ];
  const rows = [...report.organisations, report.total].map((o) => [
    o === report.total ? 'total' : o.organisationId,
    o.organisationName,
    report.period.month,
    report.period.timeZone,
    o.devicesInService,
    o.devicesHeard,
    o.alarms,
    o.testAlarms,
    ...OUTCOMES.map((outcome) => o.byOutcome[outcome]),
  ]);
  return csvTable(header, rows);
}
