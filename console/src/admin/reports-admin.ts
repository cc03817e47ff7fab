// Monthly reports per organisation for supervisors and administrators: the BS 8484 monthly alarm
// statistics (alarms by type, genuine or false, passed to police, response times against the SLA
// lines) and the billing counts, for one month (in the ARC's report time zone) and all
// organisations or one; each also as CSV, with the SLA report of the same month.
import type { BillingCountsView, MonthlyStatisticsView, OrganisationView } from '../../../api/live/console-contract.js';
import { callApi } from '../shared/api-client.js';
import { el } from '../shared/element.js';
import { actionForm, button, input } from '../shared/form.js';
import type { AdminContext, AdminSection } from './admin-section.js';
import './admin-extra.css';
import { panel, tableHead } from './admin-section.js';

type Statistics = MonthlyStatisticsView['report'];
type Billing = BillingCountsView['report'];

/** A share as a percentage cut to one decimal (never rounded up onto a target), or a dash. */
const percent = (share: number | null) => (share === null ? '–' : `${(Math.floor(share * 1000) / 10).toFixed(1)} %`);
const seconds = (s: number | null) => (s === null ? '–' : `${Math.round(s)} s`);
const cell = (text: string | number, className = 'number') => el('td', { className, text: String(text) });
const OUTCOME_WORDS: Record<string, string> = {
  genuine_assistance: 'Assistance',
  genuine_police: 'Police attended',
  genuine_ambulance: 'Ambulance',
  false_accidental: 'Accidental',
  false_test: 'Test',
  false_equipment: 'Equipment',
  cancelled_by_wearer_verified: 'Cancelled',
  open: 'Open',
};

function statisticsTable(report: Statistics): HTMLElement {
  const rows = [...report.organisations, report.total].map((o) => {
    const share = (line: string) => o.shares.find((s) => s.line === line)?.share ?? null;
    const types = Object.entries(o.byType)
      .map(([type, n]) => `${type} ${n}`)
      .join(', ');
    return el(
      'tr',
      { className: o === report.total ? 'total' : '', dataset: { organisationId: o.organisationId ?? '' } },
      el('th', { attrs: { scope: 'row' }, text: o.organisationName }),
      cell(o.alarms),
      cell(types || '–', ''),
      cell(o.verified.genuine),
      cell(o.verified.false),
      cell(o.verified.undecided),
      cell(o.passedToPolice),
      cell(seconds(o.acceptSeconds.median)),
      cell(seconds(o.acceptSeconds.p95)),
      cell(percent(share('bs8484_10s'))),
      cell(percent(share('bs8484_40s'))),
      cell(percent(share('telecare_60s'))),
      cell(percent(share('telecare_180s'))),
    );
  });
  return el(
    'table',
    { className: 'admin-table report-table statistics-table' },
    tableHead(
      'Organisation',
      'Alarms',
      'By type',
      'Genuine',
      'False',
      'Undecided',
      'To police',
      'Median accept',
      '95th accept',
      '≤ 10 s (80 %)',
      '≤ 40 s (98.5 %)',
      '≤ 60 s (97.5 %)',
      '≤ 180 s (99 %)',
    ),
    el('tbody', null, ...rows),
  );
}

function billingTable(report: Billing): HTMLElement {
  const outcomes = Object.keys(report.total.byOutcome);
  const rows = [...report.organisations, report.total].map((o) =>
    el(
      'tr',
      { className: o === report.total ? 'total' : '', dataset: { organisationId: o.organisationId ?? '' } },
      el('th', { attrs: { scope: 'row' }, text: o.organisationName }),
      cell(o.devicesInService),
      cell(o.devicesHeard),
      cell(o.alarms),
      cell(o.testAlarms),
      ...outcomes.map((k) => cell(o.byOutcome[k] ?? 0)),
    ),
  );
  return el(
    'table',
    { className: 'admin-table report-table billing-table' },
    tableHead(
      'Organisation',
      'Devices in service',
      'Devices heard',
      'Alarms',
      'Test alarms',
      ...outcomes.map((k) => OUTCOME_WORDS[k] ?? k),
    ),
    el('tbody', null, ...rows),
  );
}

export function createReportsAdmin(_context: AdminContext): AdminSection {
  let ticket = 0;

  function show(container: HTMLElement): void {
    const mine = ++ticket;
    const month = input({ type: 'month', placeholder: 'YYYY-MM' });
    const organisation = el('select', null, el('option', { attrs: { value: '' }, text: 'All organisations' }));
    const status = el('p', { className: 'muted', attrs: { role: 'status' } });
    const downloads = el('p', { className: 'report-downloads' });
    const statistics = el('div', { className: 'admin-scroll' });
    const billing = el('div', { className: 'admin-scroll' });

    const query = (extra: Record<string, string> = {}) => {
      const q = new URLSearchParams();
      if (month.value) q.set('month', month.value);
      if (organisation.value) q.set('organisationId', organisation.value);
      for (const [k, v] of Object.entries(extra)) q.set(k, v);
      return q.toString();
    };

    const form = actionForm({
      title: '',
      className: 'admin-form report-filters',
      fields: [
        ['month', 'Month (empty: this month)', month],
        ['organisationId', 'Organisation', organisation],
      ],
      buttons: [button('Show', 'show', 'primary')],
      async onSubmit(f) {
        status.textContent = 'Loading…';
        const [stats, bills] = await Promise.all([
          f.send<MonthlyStatisticsView>('GET', `/api/reports/monthly-statistics?${query()}`),
          callApi<BillingCountsView>('GET', `/api/reports/billing?${query()}`),
        ]);
        if (mine !== ticket) return;
        if (!stats || !bills.ok) {
          status.textContent = bills.ok ? '' : `The billing counts could not be loaded: ${bills.error.message}`;
          return;
        }
        const p = stats.report.period;
        month.value = p.month;
        status.textContent = `${p.month} (${p.timeZone})${p.complete ? '' : ', so far'}: ${stats.report.total.alarms} alarms, ${bills.body.report.total.devicesInService} devices in service.`;
        statistics.replaceChildren(statisticsTable(stats.report));
        billing.replaceChildren(billingTable(bills.body.report));
        const sla = new URLSearchParams({
          from: p.from,
          to: p.to < stats.report.asOf ? p.to : stats.report.asOf,
          format: 'csv',
        });
        if (organisation.value) sla.set('organisationId', organisation.value);
        downloads.replaceChildren(
          el('a', {
            className: 'button-link',
            attrs: { href: `/api/reports/monthly-statistics?${query({ format: 'csv' })}`, download: '' },
            text: 'Alarm statistics (CSV)',
          }),
          ' ',
          el('a', {
            className: 'button-link',
            attrs: { href: `/api/reports/billing?${query({ format: 'csv' })}`, download: '' },
            text: 'Billing counts (CSV)',
          }),
          ' ',
          el('a', {
            className: 'button-link',
            attrs: { href: `/api/reports/sla?${sla}`, download: '' },
            text: 'SLA report (CSV)',
          }),
        );
      },
    });

    container.append(
      el(
        'section',
        { className: 'reports-admin', attrs: { 'aria-labelledby': `reports-heading-${mine}` } },
        el('h2', { attrs: { id: `reports-heading-${mine}` }, text: 'Reports' }),
        form.element,
        status,
        downloads,
        panel('Monthly alarm statistics (BS 8484)', statistics),
        panel('Billing counts', billing),
      ),
    );
    void callApi<{ organisations: OrganisationView[] }>('GET', '/api/organisations').then((answer) => {
      if (mine !== ticket || !answer.ok) return;
      organisation.append(
        ...answer.body.organisations.map((o) => el('option', { attrs: { value: o.id }, text: o.name })),
      );
    });
    form.element.requestSubmit();
  }

  return {
    show(container) {
      show(container);
    },
    hide() {
      ticket++;
    },
  };
}
