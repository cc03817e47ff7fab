// The monthly reports per organisation: the BS 8484 monthly alarm statistics (alarms by type,
// verified genuine or false, passed to police, response times against the SLA lines) and the
// billing counts (devices in service, alarms by outcome). Pure: alarms, devices, organisations,
// the period and `now` in; plain data out. Figures follow the SLA report's rules (sla-report.ts):
// times from received_at, an alarm judged as it stands at `now`, test alarms counted apart, and
// linked alarms (one incident already held) left out of the statistics.
import { CLOSURE_CODE_NAMES } from './alarm-lifecycle.js';
import type { MonthPeriod } from './report-month.js';
import { slaReport, type SecondsSummary, type SlaAlarm, type SlaShare } from './sla-report.js';

export interface OrganisationAlarm extends SlaAlarm {
  organisationId: string | null;
  passedToPolice: boolean;
}

export interface OrganisationDevice {
  id: string;
  organisationId: string | null;
  heard: boolean;
}

export interface OrganisationRef {
  id: string;
  name: string;
}

/** Wearers (and devices) without an organisation are reported under this name, with id null. */
export const NO_ORGANISATION = 'No organisation';

export interface OrganisationStatistics {
  organisationId: string | null;
  organisationName: string;
  /** Alarms counted: not test, not linked to one already held. */
  alarms: number;
  excluded: { test: number; linked: number };
  byType: Record<string, number>;
  /** BS 8484 "verified genuine vs false", as the operator recorded it (or the closure code implied). */
  verified: { genuine: number; false: number; undecided: number };
  passedToPolice: number;
  accepted: number;
  resolved: number;
  acceptSeconds: SecondsSummary;
  resolveSeconds: SecondsSummary;
  shares: SlaShare[];
  breaches: number;
}

export interface MonthlyStatistics {
  period: { month: string; timeZone: string; from: string; to: string; complete: boolean };
  asOf: string;
  organisations: OrganisationStatistics[];
  /** Over every organisation in the report (and "no organisation" when it is included). */
  total: OrganisationStatistics;
}

export interface OrganisationBilling {
  organisationId: string | null;
  organisationName: string;
  devicesInService: number;
  devicesHeard: number;
  /** Alarms received in the month, test alarms apart; linked ones count (each was handled). */
  alarms: number;
  testAlarms: number;
  /** Each closure code, and "open" for an alarm not resolved at `now`; every key always present. */
  byOutcome: Record<string, number>;
}

export interface BillingCounts {
  period: MonthlyStatistics['period'];
  asOf: string;
  organisations: OrganisationBilling[];
  total: OrganisationBilling;
}

export const OUTCOMES = [...CLOSURE_CODE_NAMES, 'open'] as const;

interface Group {
  id: string | null;
  name: string;
}

/**
 * The groups a report shows, in order: the organisations asked for (a quiet one is a row of zeros,
 * not missing), by name, then "no organisation" when the report spans everything.
 */
function groupsOf(organisations: readonly OrganisationRef[], includeUnorganised: boolean): Group[] {
  const named = [...organisations]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1))
    .map((o) => ({ id: o.id, name: o.name }));
  return includeUnorganised ? [...named, { id: null, name: NO_ORGANISATION }] : named;
}

/** Items by organisation, in one pass (a report may span hundreds of organisations). */
export function byOrganisation<T extends { organisationId: string | null }>(
  items: readonly T[],
): Map<string | null, T[]> {
  const groups = new Map<string | null, T[]>();
  for (const item of items) {
    const list = groups.get(item.organisationId);
    if (list) list.push(item);
    else groups.set(item.organisationId, [item]);
  }
  return groups;
}

const periodOut = (p: MonthPeriod) => ({
  month: p.month,
  timeZone: p.timeZone,
  from: p.from.toISOString(),
  to: p.to.toISOString(),
  complete: p.complete,
});

function statisticsOf(
  group: Group,
  alarms: readonly OrganisationAlarm[],
  period: MonthPeriod,
  now: Date,
): OrganisationStatistics {
  const sla = slaReport(alarms, period, now);
  const counted = alarms.filter(
    (a) => !a.isTest && a.linkedTo === null && a.receivedAt >= period.from && a.receivedAt < period.to,
  );
  const genuine = counted.filter((a) => a.verified === 'genuine').length;
  const falseCount = counted.filter((a) => a.verified === 'false').length;
  return {
    organisationId: group.id,
    organisationName: group.name,
    alarms: sla.overall.alarms,
    excluded: sla.excluded,
    byType: sla.overall.byType,
    verified: { genuine, false: falseCount, undecided: counted.length - genuine - falseCount },
    passedToPolice: counted.filter((a) => a.passedToPolice).length,
    accepted: sla.overall.accepted,
    resolved: sla.overall.resolved,
    acceptSeconds: sla.overall.acceptSeconds,
    resolveSeconds: sla.overall.resolveSeconds,
    shares: sla.overall.shares,
    breaches: sla.overall.breaches,
  };
}

export function monthlyStatistics(
  alarms: readonly OrganisationAlarm[],
  organisations: readonly OrganisationRef[],
  includeUnorganised: boolean,
  period: MonthPeriod,
  now: Date,
): MonthlyStatistics {
  const groups = groupsOf(organisations, includeUnorganised);
  const inReport = new Set(groups.map((g) => g.id));
  const covered = alarms.filter((a) => inReport.has(a.organisationId));
  const grouped = byOrganisation(covered);
  return {
    period: periodOut(period),
    asOf: now.toISOString(),
    organisations: groups.map((g) => statisticsOf(g, grouped.get(g.id) ?? [], period, now)),
    total: statisticsOf({ id: null, name: 'Total' }, covered, period, now),
  };
}

function billingOf(
  group: Group,
  alarms: readonly OrganisationAlarm[],
  devices: readonly OrganisationDevice[],
  now: Date,
): OrganisationBilling {
  const billed = alarms.filter((a) => !a.isTest);
  const byOutcome: Record<string, number> = Object.fromEntries(OUTCOMES.map((o) => [o, 0]));
  for (const a of billed) {
    const resolved = a.resolvedAt !== null && a.resolvedAt.getTime() <= now.getTime();
    const outcome = resolved && a.closureCode !== null && a.closureCode in byOutcome ? a.closureCode : 'open';
    byOutcome[outcome] += 1;
  }
  return {
    organisationId: group.id,
    organisationName: group.name,
    devicesInService: devices.length,
    devicesHeard: devices.filter((d) => d.heard).length,
    alarms: billed.length,
    testAlarms: alarms.length - billed.length,
    byOutcome,
  };
}

export function billingCounts(
  alarms: readonly OrganisationAlarm[],
  devices: readonly OrganisationDevice[],
  organisations: readonly OrganisationRef[],
  includeUnorganised: boolean,
  period: MonthPeriod,
  now: Date,
): BillingCounts {
  const groups = groupsOf(organisations, includeUnorganised);
  const inReport = new Set(groups.map((g) => g.id));
  const coveredAlarms = alarms.filter(
    (a) => inReport.has(a.organisationId) && a.receivedAt >= period.from && a.receivedAt < period.to,
  );
  const coveredDevices = devices.filter((d) => inReport.has(d.organisationId));
  const alarmsOf = byOrganisation(coveredAlarms);
  const devicesOf = byOrganisation(coveredDevices);
  return {
    period: periodOut(period),
    asOf: now.toISOString(),
    organisations: groups.map((g) => billingOf(g, alarmsOf.get(g.id) ?? [], devicesOf.get(g.id) ?? [], now)),
    total: billingOf({ id: null, name: 'Total' }, coveredAlarms, coveredDevices, now),
  };
}
