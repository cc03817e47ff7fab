// Test data, not used by the ARC: one day of alarms whose SLA figures are worked out by hand in
// sla-report.test.ts, sla-report-csv.test.ts and tests/sla-report.test.ts. Times are seconds
// after T0; the report is taken at NOW, two hours into the day.
import type { SlaAlarm } from './sla-report.js';

export const T0 = Date.parse('2025-03-10T00:00:00.000Z');
export const at = (s: number) => new Date(T0 + Math.round(s * 1000));
export const PERIOD = { from: at(0), to: at(86_400) };
export const NOW = at(7_200);

interface Sample {
  id: string;
  type: string;
  priority: number;
  receivedS: number;
  /** Seconds from receipt; null = not accepted / not resolved. */
  acceptAfterS?: number | null;
  resolveAfterS?: number | null;
  closureCode?: string | null;
  verified?: 'genuine' | 'false' | null;
  isTest?: boolean;
  linkedTo?: string | null;
}

export const sampleAlarm = (s: Sample): SlaAlarm => ({
  id: s.id,
  type: s.type,
  priority: s.priority,
  receivedAt: at(s.receivedS),
  acceptedAt: s.acceptAfterS == null ? null : at(s.receivedS + s.acceptAfterS),
  resolvedAt: s.resolveAfterS == null ? null : at(s.receivedS + s.resolveAfterS),
  closureCode: s.closureCode ?? null,
  verified: s.verified ?? null,
  isTest: s.isTest ?? false,
  linkedTo: s.linkedTo ?? null,
});

const SAMPLES: Sample[] = [
  // emergency (priority 1)
  {
    id: 'e1',
    type: 'sos',
    priority: 1,
    receivedS: 100,
    acceptAfterS: 4,
    resolveAfterS: 300,
    closureCode: 'genuine_police',
    verified: 'genuine',
  },
  {
    id: 'e2',
    type: 'sos',
    priority: 1,
    receivedS: 200,
    acceptAfterS: 10,
    resolveAfterS: 120,
    closureCode: 'false_accidental',
    verified: 'false',
  },
  {
    id: 'e3',
    type: 'duress',
    priority: 1,
    receivedS: 300,
    acceptAfterS: 12.5,
    resolveAfterS: 600,
    closureCode: 'genuine_assistance',
    verified: 'genuine',
  },
  {
    id: 'e4',
    type: 'sos',
    priority: 1,
    receivedS: 400,
    acceptAfterS: 45,
    resolveAfterS: 900,
    closureCode: 'cancelled_by_wearer_verified',
    verified: 'false',
  },
  { id: 'e5', type: 'sos', priority: 1, receivedS: 7_190 }, // 10 s old at NOW: pending on every line
  { id: 'e6', type: 'sos', priority: 1, receivedS: 7_000 }, // 200 s old at NOW: past every line
  // urgent (priorities 2–3)
  {
    id: 'u1',
    type: 'fall',
    priority: 2,
    receivedS: 1_000,
    acceptAfterS: 30,
    resolveAfterS: 1_000,
    closureCode: 'false_equipment',
  },
  { id: 'u2', type: 'tamper', priority: 3, receivedS: 1_100, acceptAfterS: 60 },
  {
    id: 'u3',
    type: 'no_motion',
    priority: 2,
    receivedS: 1_200,
    acceptAfterS: 61,
    resolveAfterS: 400,
    closureCode: 'genuine_ambulance',
    verified: 'genuine',
  },
  { id: 'u4', type: 'fall', priority: 2, receivedS: 1_300, acceptAfterS: 500, isTest: true },
  { id: 'u5', type: 'fall', priority: 2, receivedS: 1_400, acceptAfterS: 0, linkedTo: 'e1' },
  // routine (priorities 4–5)
  { id: 'r1', type: 'battery.low', priority: 5, receivedS: 2_000 },
  { id: 'r2', type: 'battery.low', priority: 5, receivedS: 3_000, acceptAfterS: 20, resolveAfterS: 25 },
  {
    id: 'r3',
    type: 'battery.low',
    priority: 4,
    receivedS: 0,
    acceptAfterS: 100,
    resolveAfterS: 200,
    closureCode: 'false_test',
  },
  // outside the period [from, to): in no figure, not even under excluded
  { id: 'x1', type: 'sos', priority: 1, receivedS: -1, acceptAfterS: 1 },
  { id: 'x2', type: 'sos', priority: 1, receivedS: 86_400, isTest: true },
];

export const SAMPLE_DAY: SlaAlarm[] = SAMPLES.map(sampleAlarm);
