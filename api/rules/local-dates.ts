// Local calendar dates ("YYYY-MM-DD") for the insight views: pure, the zone passed in.

const DAY_MS = 86_400_000;

/** The date n days after (before, n < 0) a "YYYY-MM-DD". */
export const addDays = (date: string, n: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

/** Local "YYYY-MM-DD" of an instant in an IANA zone. */
export function localDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}
