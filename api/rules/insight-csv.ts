// Every insight chart as CSV (RFC 4180, via the SLA report's field quoting). A text cell that a
// spreadsheet would run as a formula (=, +, -, @ first) is prefixed with an apostrophe: wearer
// names and types come from people and devices (OWASP "CSV injection").
import { csvField } from './sla-report-csv.js';

const CRLF = '\r\n';

type Cell = string | number | null;

function safeCell(value: Cell): string {
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(value)) return csvField(`'${value}`);
  return csvField(value);
}

/** A header row and the data rows, each ending in CRLF. */
export function csvTable(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return [header, ...rows].map((r) => r.map(safeCell).join(',') + CRLF).join('');
}

/** A number rounded for a table: shares to 4 places, rates to 3. */
export const round = (value: number | null, places = 3): number | null =>
  value === null ? null : Number(value.toFixed(places));
