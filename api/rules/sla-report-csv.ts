// The SLA report as CSV (RFC 4180): a header row, one row per class and one for overall with the
// key figures, then a blank line and the breaches table with its own header row. Alarms by type
// and by closure code are in the JSON report only.
import type { ClassFigures, SlaReport } from './sla-report.js';
import { SLA_LINES } from './sla-targets.js';

// RFC 4180 §2: records end in CRLF.
const CRLF = '\r\n';

/**
 * RFC 4180 §2.5–2.7: a field holding a comma, a double quote, CR or LF is enclosed in double
 * quotes, and a double quote inside it is written twice.
 */
export function csvField(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const csvRow = (fields: (string | number | null)[]) => fields.map(csvField).join(',');

/**
 * A fraction as a percentage cut (not rounded) to two decimals, so a shown share never
 * overstates: 98.4996 % shows as 98.49, never as a 98.50 that would look like the 98.5 % target.
 */
export function percent(fraction: number | null): string | null {
  if (fraction === null) return null;
  return (Math.floor(Math.round(fraction * 1e8) / 1e4) / 100).toFixed(2);
}

const yesNo = (met: boolean | null) => (met === null ? null : met ? 'yes' : 'no');
const priorityRange = (p: number[]) => (p.length === 1 ? String(p[0]) : `${p[0]}-${p[p.length - 1]}`);

const CLASS_HEADER = [
  'class',
  'priorities',
  'alarms',
  'accepted',
  'resolved',
  ...SLA_LINES.flatMap((l) => [
    `${l.id}_within`,
    `${l.id}_counted`,
    `${l.id}_pending`,
    `${l.id}_percent`,
    `${l.id}_target_percent`,
    `${l.id}_met`,
  ]),
  'median_accept_s',
  'p95_accept_s',
  'median_resolve_s',
  'p95_resolve_s',
  'false_alarms',
  'false_alarm_rate_percent',
  'breaches',
];

function classRow(f: ClassFigures): (string | number | null)[] {
  return [
    f.alarmClass,
    priorityRange(f.priorities),
    f.alarms,
    f.accepted,
    f.resolved,
    ...f.shares.flatMap((s) => [s.within, s.counted, s.pending, percent(s.share), percent(s.target), yesNo(s.met)]),
    f.acceptSeconds.median,
    f.acceptSeconds.p95,
    f.resolveSeconds.median,
    f.resolveSeconds.p95,
    f.falseAlarms.count,
    percent(f.falseAlarms.rate),
    f.breaches,
  ];
}

const BREACH_HEADER = ['alarm_id', 'class', 'type', 'priority', 'received_at', 'target_s', 'seconds_to_accept'];

export function slaReportCsv(report: SlaReport): string {
  const lines = [
    csvRow(CLASS_HEADER),
    ...[...report.classes, report.overall].map((f) => csvRow(classRow(f))),
    '',
    csvRow(BREACH_HEADER),
    ...report.breaches.map((b) =>
      csvRow([b.alarmId, b.alarmClass, b.type, b.priority, b.receivedAt, b.targetS, b.secondsToAccept]),
    ),
  ];
  return lines.join(CRLF) + CRLF;
}
