// The supervisor's Insight view (docs/guides/insight.md): demand by hour of the week, the forecast with
// its band, operators needed beside operators seen (with a what-if), response-time distributions,
// and the early-help review list where a reviewer records what they did. Charts by uPlot; every
// chart has its CSV beside it. The figures prompt a person; they decide nothing.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { callApi } from '../shared/api-client.js';
import { byId, el } from '../shared/element.js';
import './insight.css';

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const SIGNAL_TEXT: Record<string, string> = {
  falls: 'Falls',
  sos: 'SOS',
  no_motion: 'No motion',
  night_away: 'Away from home at night',
  missed_checkins: 'Missed check-ins',
  false_alarms: 'False alarms',
  low_battery: 'Low battery',
  silent_device: 'Device silent',
};
const OUTCOMES = [
  ['no_action', 'No action'],
  ['call_made', 'Call made'],
  ['referred_early_help', 'Referred to early help'],
  ['plan_changed', 'Plan changed'],
] as const;

interface HeatCell {
  day: number;
  hour: number;
  type: string;
  count: number;
}
interface Distribution {
  count: number;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  max: number | null;
  buckets: number[];
}
interface StaffingRow {
  day: number;
  hour: number;
  arrivalsPerHour: number;
  erlangs: number;
  needed: { bs8484: number; tsa: number };
  neededBefore?: { bs8484: number; tsa: number };
  operatorsSeen: number;
  /** Staff on a console (the whole ARC); null before presence was recorded. */
  staffOnShift: number | null;
  achieved: { within10: number; within40: number; within60: number; within180: number } | null;
}
interface StaffingBody {
  weeks: number;
  meanHandleS: number;
  handlingMeasured: boolean;
  onConsoleNow: number;
  staffRecordedSince: string | null;
  whatIf: { profile: string; addDevices: number; wearersOfProfile: number; extraAlarmsPerWeek: number } | null;
  peakCheck: {
    day: number;
    hour: number;
    operators: number;
    erlangC: { within10: number; within40: number };
    simulated: {
      within10: number;
      within40: number;
      abandonedShare: number;
      byPriority: { priority: number; within10: number }[];
    };
  } | null;
  rows: StaffingRow[];
}
interface ForecastBody {
  available: boolean;
  reason?: string;
  method?: string;
  bandShare?: number;
  backtest?: {
    heldBackWeeks: number;
    meanAbsError: number;
    seasonalNaiveMeanAbsError: number;
    bandCoverage: number;
    actualTotal: number;
    forecastTotal: number;
  };
  recent?: { at: string; count: number }[];
  hours?: { at: string; mean: number; low: number; high: number }[];
}
interface ReviewEntry {
  rank: number;
  wearerId: string;
  name: string;
  profile: string;
  score: number;
  rises: { signal: string; count: number; usualPerMonth: number; ratio: number; pValue: number }[];
  outcome: { outcome: string; note: string; reviewer: string; reviewedAt: string } | null;
}

export interface InsightView {
  show(): void;
  hide(): void;
}

const pct = (share: number | null | undefined) =>
  share === null || share === undefined ? '–' : `${(Math.floor(share * 1000) / 10).toFixed(1)} %`;
const csvLink = (href: string, what: string) =>
  el('a', { className: 'csv-link', attrs: { href, download: '' }, text: `${what} as CSV` });

export function createInsightView(): InsightView {
  const status = byId('insight-status');
  const weeksInput = byId<HTMLInputElement>('insight-weeks');
  const boxes = {
    heat: byId('insight-heatmap'),
    forecast: byId('insight-forecast'),
    staffing: byId('insight-staffing'),
    times: byId('insight-times'),
    review: byId('insight-review'),
  };
  const charts: uPlot[] = [];
  let loaded = false;

  byId('insight-controls').addEventListener('submit', (event) => {
    event.preventDefault();
    void load();
  });
  byId('insight-whatif').addEventListener('submit', (event) => {
    event.preventDefault();
    void loadStaffing();
  });

  const organisationSelect = byId<HTMLSelectElement>('insight-organisation');
  const weeks = () => Math.max(4, Math.min(104, Number(weeksInput.value) || 12));
  /** The period and organisation of every request (and of every CSV link). */
  const scope = () =>
    `weeks=${weeks()}${organisationSelect.value ? `&organisationId=${organisationSelect.value}` : ''}`;
  const organisationScope = () => (organisationSelect.value ? `&organisationId=${organisationSelect.value}` : '');

  async function loadOrganisations(): Promise<void> {
    const result = await callApi<{ organisations: { id: string; name: string }[] }>('GET', '/api/organisations');
    if (!result.ok) return;
    organisationSelect.replaceChildren(
      el('option', { attrs: { value: '' }, text: 'All' }),
      ...result.body.organisations.map((o) => el('option', { attrs: { value: o.id }, text: o.name })),
    );
  }

  async function load(): Promise<void> {
    status.textContent = 'Loading…';
    for (const chart of charts.splice(0)) chart.destroy();
    await Promise.all([loadHeat(), loadForecast(), loadStaffing(), loadTimes(), loadReview()]);
    status.textContent = '';
  }

  async function loadHeat(): Promise<void> {
    const q = scope();
    const result = await callApi<{ cells: HeatCell[]; timeZone: string }>('GET', `/api/insight/arrivals?${q}`);
    if (!result.ok) return void boxes.heat.replaceChildren(el('p', { className: 'error', text: result.error.message }));
    const total = new Map<string, number>();
    for (const c of result.body.cells)
      total.set(`${c.day}-${c.hour}`, (total.get(`${c.day}-${c.hour}`) ?? 0) + c.count);
    const max = Math.max(1, ...total.values());
    const table = el(
      'table',
      { className: 'heatmap', attrs: { 'aria-label': 'Alarms by hour of the week' } },
      el(
        'thead',
        null,
        el(
          'tr',
          null,
          el('th', { text: '' }),
          ...Array.from({ length: 24 }, (_, h) =>
            el('th', { attrs: { scope: 'col' }, text: String(h).padStart(2, '0') }),
          ),
        ),
      ),
      el(
        'tbody',
        null,
        ...DAYS.map((name, d) =>
          el(
            'tr',
            null,
            el('th', { attrs: { scope: 'row' }, text: name }),
            ...Array.from({ length: 24 }, (_, h) => {
              const n = total.get(`${d + 1}-${h}`) ?? 0;
              const cell = el('td', {
                text: n ? String(n) : '',
                attrs: { title: `${name} ${String(h).padStart(2, '0')}:00 — ${n} alarms` },
              });
              cell.style.setProperty('--heat', String(n / max));
              return cell;
            }),
          ),
        ),
      ),
    );
    const types = [...new Set(result.body.cells.map((c) => c.type))].sort();
    const byType = types
      .map((t) => `${t}: ${result.body.cells.filter((c) => c.type === t).reduce((s, c) => s + c.count, 0)}`)
      .join(' · ');
    boxes.heat.replaceChildren(
      table,
      el('p', {
        className: 'muted',
        text: `Over the last ${weeks()} weeks, local time (${result.body.timeZone}). By type: ${byType || 'no alarms'}.`,
      }),
      csvLink(`/api/insight/arrivals?${q}&format=csv`, 'Arrivals by hour of the week and type'),
    );
  }

  async function loadForecast(): Promise<void> {
    const q = scope();
    const result = await callApi<ForecastBody>('GET', `/api/insight/forecast?${q}`);
    if (!result.ok)
      return void boxes.forecast.replaceChildren(el('p', { className: 'error', text: result.error.message }));
    const f = result.body;
    if (!f.available || !f.hours || !f.recent || !f.backtest)
      return void boxes.forecast.replaceChildren(el('p', { className: 'muted', text: `No forecast: ${f.reason}.` }));
    const xs = [...f.recent.map((r) => Date.parse(r.at) / 1000), ...f.hours.map((h) => Date.parse(h.at) / 1000)];
    const gap = f.recent.map(() => null);
    const none = f.hours.map(() => null);
    const data: uPlot.AlignedData = [
      xs,
      [...f.recent.map((r) => r.count), ...none],
      [...gap, ...f.hours.map((h) => h.mean)],
      [...gap, ...f.hours.map((h) => h.low)],
      [...gap, ...f.hours.map((h) => h.high)],
    ];
    const chartBox = el('div', {
      className: 'chart',
      attrs: { role: 'img', 'aria-label': 'Alarms per hour: the last two weeks and the forecast with its band' },
    });
    const b = f.backtest;
    boxes.forecast.replaceChildren(
      chartBox,
      el(
        'p',
        { className: 'muted' },
        `Holt-Winters with a weekly (168-hour) season. The shaded band should hold ${Math.round((f.bandShare ?? 0.8) * 100)} % of hours. `,
        `On the last ${b.heldBackWeeks} weeks, held back and forecast from the weeks before: ${b.forecastTotal.toFixed(0)} alarms forecast, ${b.actualTotal} came; `,
        `off by ${b.meanAbsError.toFixed(2)} alarms an hour on average (same hour last week: ${b.seasonalNaiveMeanAbsError.toFixed(2)}); the band held ${pct(b.bandCoverage)} of the last week's hours.`,
      ),
      csvLink(`/api/insight/forecast?${q}&format=csv`, 'Forecast'),
    );
    charts.push(
      new uPlot(
        {
          width: Math.min(1100, boxes.forecast.clientWidth || 900),
          height: 240,
          series: [
            {},
            { label: 'Alarms', stroke: '#335', width: 1 },
            { label: 'Forecast', stroke: '#c60', width: 2 },
            { label: 'Band low', stroke: 'rgba(204,102,0,0.3)' },
            { label: 'Band high', stroke: 'rgba(204,102,0,0.3)' },
          ],
          bands: [{ series: [4, 3], fill: 'rgba(204,102,0,0.15)' }],
          axes: [{}, { label: 'alarms per hour' }],
        },
        data,
        chartBox,
      ),
    );
  }

  async function loadStaffing(): Promise<void> {
    const add = Number(byId<HTMLInputElement>('whatif-devices').value) || 0;
    const profile = byId<HTMLSelectElement>('whatif-profile').value;
    const q = `${scope()}${add > 0 ? `&addDevices=${add}&profile=${profile}` : ''}`;
    const result = await callApi<StaffingBody>('GET', `/api/insight/staffing?${q}`);
    if (!result.ok)
      return void boxes.staffing.replaceChildren(el('p', { className: 'error', text: result.error.message }));
    const s = result.body;
    const rowOf = new Map(s.rows.map((r) => [`${r.day}-${r.hour}`, r]));
    const table = el(
      'table',
      { className: 'staffing', attrs: { 'aria-label': 'Operators needed by hour of the week' } },
      el(
        'thead',
        null,
        el('tr', null, el('th', { text: 'Hour' }), ...DAYS.map((d) => el('th', { attrs: { scope: 'col' }, text: d }))),
      ),
      el(
        'tbody',
        null,
        ...Array.from({ length: 24 }, (_, h) =>
          el(
            'tr',
            null,
            el('th', { attrs: { scope: 'row' }, text: `${String(h).padStart(2, '0')}:00` }),
            ...DAYS.map((_, d) => {
              const r = rowOf.get(`${d + 1}-${h}`)!;
              const need = Math.max(r.needed.bs8484, r.needed.tsa);
              // Staff on shift where presence was recorded; before that, the operators seen accepting.
              const staff = r.staffOnShift ?? r.operatorsSeen;
              const before = r.neededBefore ? Math.max(r.neededBefore.bs8484, r.neededBefore.tsa) : null;
              // BS 8484's lines: 80 % within 10 s, 98.5 % within 40 s.
              const missed = r.achieved !== null && (r.achieved.within10 < 0.8 || r.achieved.within40 < 0.985);
              return el(
                'td',
                {
                  className: [staff < need ? 'short' : '', missed ? 'missed' : ''].filter(Boolean).join(' '),
                  attrs: {
                    title: `${r.arrivalsPerHour.toFixed(2)} alarms an hour, ${r.erlangs.toFixed(2)} erlangs. BS 8484 needs ${r.needed.bs8484}, TSA ${r.needed.tsa}; on shift ${r.staffOnShift === null ? '(not recorded)' : r.staffOnShift.toFixed(1)}, seen accepting ${r.operatorsSeen.toFixed(1)}. Achieved: ${pct(r.achieved?.within10)} in 10 s, ${pct(r.achieved?.within40)} in 40 s, ${pct(r.achieved?.within60)} in 60 s, ${pct(r.achieved?.within180)} in 180 s.`,
                  },
                },
                `${need}${before !== null && before !== need ? ` (now ${before})` : ''} / ${staff.toFixed(1)}`,
                r.achieved ? el('small', { className: 'achieved', text: pct(r.achieved.within10) }) : '',
              );
            }),
          ),
        ),
      ),
    );
    const p = s.peakCheck;
    boxes.staffing.replaceChildren(
      ...[
        el(
          'p',
          { className: 'muted' },
          s.staffRecordedSince
            ? `Each cell: operators needed to meet both BS 8484 lines and both TSA lines (the larger), then the staff on a console in that hour on average (recorded since ${new Date(s.staffRecordedSince).toISOString().slice(0, 10)}), and below, the share accepted within 10 s. Red: fewer on shift than needed; outlined: BS 8484 missed. `
            : `Each cell: operators needed to meet both BS 8484 lines and both TSA lines (the larger), then the operators seen accepting alarms in that hour on average (staff on shift are not recorded yet), and below, the share accepted within 10 s. `,
          `Mean handling time ${Math.round(s.meanHandleS)} s${s.handlingMeasured ? '' : ' (none measured yet: 5 minutes assumed)'}. On a console now: ${s.onConsoleNow}.`,
        ),
        s.whatIf
          ? el('p', {
              className: 'whatif',
              text: `What if ${s.whatIf.addDevices} more ${s.whatIf.profile.replace('_', ' ')} devices: about ${Math.round(s.whatIf.extraAlarmsPerWeek)} more alarms a week, at the rate of today's ${s.whatIf.wearersOfProfile} wearers of that profile. Cells show the new need (and today's, where it changes).`,
            })
          : null,
        table,
        p
          ? el('p', {
              className: 'muted',
              text: `Check at the busiest hour (${DAYS[p.day - 1]} ${String(p.hour).padStart(2, '0')}:00) with ${p.operators} operators: Erlang C gives ${pct(p.erlangC.within10)} within 10 s; a simulation with that hour's priorities and callers who give up gives ${pct(p.simulated.within10)} (${pct(p.simulated.abandonedShare)} gave up; ${p.simulated.byPriority.map((b) => `priority ${b.priority}: ${pct(b.within10)}`).join(', ')}).`,
            })
          : null,
        csvLink(`/api/insight/staffing?${q}&format=csv`, 'Staffing'),
      ].filter((n) => n !== null),
    );
  }

  async function loadTimes(): Promise<void> {
    const q = scope();
    const result = await callApi<{
      types: { type: string; arrivals: number; toAccept: Distribution; handling: Distribution }[];
    }>('GET', `/api/insight/response-times?${q}`);
    if (!result.ok)
      return void boxes.times.replaceChildren(el('p', { className: 'error', text: result.error.message }));
    const secs = (v: number | null) => (v === null ? '–' : `${Math.round(v)} s`);
    boxes.times.replaceChildren(
      el(
        'table',
        { className: 'times' },
        el(
          'thead',
          null,
          el(
            'tr',
            null,
            ...[
              'Type',
              'Alarms',
              'Accept median',
              'Accept 90th',
              'Accept 95th',
              'Handling median',
              'Handling 90th',
              'Handling 95th',
            ].map((h) => el('th', { attrs: { scope: 'col' }, text: h })),
          ),
        ),
        el(
          'tbody',
          null,
          ...result.body.types.map((t) =>
            el(
              'tr',
              null,
              el('th', { attrs: { scope: 'row' }, text: t.type }),
              el('td', { text: String(t.arrivals) }),
              ...[t.toAccept.p50, t.toAccept.p90, t.toAccept.p95, t.handling.p50, t.handling.p90, t.handling.p95].map(
                (v) => el('td', { text: secs(v) }),
              ),
            ),
          ),
        ),
      ),
      csvLink(`/api/insight/response-times?${q}&format=csv`, 'Response-time distributions'),
    );
  }

  async function loadReview(): Promise<void> {
    const result = await callApi<{ month: string; baselineMonths: number; entries: ReviewEntry[] }>(
      'GET',
      `/api/insight/review?${organisationScope().slice(1)}`,
    );
    if (!result.ok)
      return void boxes.review.replaceChildren(el('p', { className: 'error', text: result.error.message }));
    const { month, entries, baselineMonths } = result.body;
    const list = el(
      'ol',
      { className: 'review-list', attrs: { 'aria-label': `Early-help review list for ${month}` } },
      ...entries.map((e) => reviewItem(e, month)),
    );
    boxes.review.replaceChildren(
      el('p', {
        className: 'muted',
        text: `${month}: wearers whose signals rose well beyond their own usual level over the ${baselineMonths} months before. Each is a prompt to look, not a finding.`,
      }),
      entries.length ? list : el('p', { text: 'Nobody stands out this month.' }),
      csvLink(`/api/insight/review?month=${month}${organisationScope()}&format=csv`, 'Review list'),
    );
  }

  function reviewItem(e: ReviewEntry, month: string): HTMLElement {
    const outcomeText = el('p', {
      className: 'outcome',
      attrs: { role: 'status' },
      text: e.outcome
        ? `Recorded: ${OUTCOMES.find(([v]) => v === e.outcome!.outcome)?.[1]} by ${e.outcome.reviewer}`
        : 'No outcome recorded',
    });
    const select = el(
      'select',
      { attrs: { 'aria-label': `Outcome for ${e.name}` } },
      ...OUTCOMES.map(([value, text]) => el('option', { attrs: { value }, text })),
    );
    const note = el('input', {
      attrs: { type: 'text', maxlength: 2000, 'aria-label': `Note for ${e.name}`, placeholder: 'Note' },
    });
    const months = el('div', { className: 'months' });
    const form = el(
      'form',
      {
        className: 'outcome-form',
        on: {
          submit: (event) => {
            event.preventDefault();
            void (async () => {
              const saved = await callApi<{ outcome: { outcome: string; reviewer: string } }>(
                'POST',
                `/api/insight/review/${e.wearerId}/outcome`,
                { month, outcome: select.value, note: note.value },
              );
              outcomeText.textContent = saved.ok
                ? `Recorded: ${OUTCOMES.find(([v]) => v === saved.body.outcome.outcome)?.[1]} by ${saved.body.outcome.reviewer}`
                : saved.error.message;
            })();
          },
        },
      },
      select,
      note,
      el('button', { attrs: { type: 'submit' }, text: 'Record outcome' }),
    );
    const showMonths = el('button', {
      attrs: { type: 'button' },
      text: 'Month by month',
      on: {
        click: () =>
          void (async () => {
            const r = await callApi<{ months: ({ month: string } & Record<string, number>)[] }>(
              'GET',
              `/api/insight/review/${e.wearerId}?month=${month}`,
            );
            if (!r.ok) return void months.replaceChildren(el('p', { className: 'error', text: r.error.message }));
            const signals = Object.keys(SIGNAL_TEXT);
            months.replaceChildren(
              el(
                'table',
                { className: 'months-table', attrs: { 'aria-label': `${e.name} month by month` } },
                el(
                  'thead',
                  null,
                  el(
                    'tr',
                    null,
                    el('th', { text: 'Month' }),
                    ...signals.map((s) => el('th', { attrs: { scope: 'col' }, text: SIGNAL_TEXT[s] })),
                  ),
                ),
                el(
                  'tbody',
                  null,
                  ...r.body.months.map((m) =>
                    el(
                      'tr',
                      null,
                      el('th', { attrs: { scope: 'row' }, text: m.month }),
                      ...signals.map((s) => el('td', { text: String(m[s]) })),
                    ),
                  ),
                ),
              ),
              csvLink(`/api/insight/review/${e.wearerId}?month=${month}&format=csv`, 'Month by month'),
            );
          })(),
      },
    });
    return el(
      'li',
      { className: 'review-entry' },
      el('h3', { text: `${e.name} (${e.profile.replace('_', ' ')})` }),
      el(
        'ul',
        { className: 'rises' },
        ...e.rises.map((r) =>
          el('li', {
            text: `${SIGNAL_TEXT[r.signal] ?? r.signal}: ${r.count} this month, usually ${r.usualPerMonth.toFixed(1)} a month (chance of so many by chance: ${r.pValue < 0.0001 ? 'under 1 in 10,000' : r.pValue.toPrecision(2)})`,
          }),
        ),
      ),
      showMonths,
      months,
      form,
      outcomeText,
    );
  }

  return {
    show() {
      if (!loaded) {
        loaded = true;
        void loadOrganisations().then(load);
      }
    },
    hide() {},
  };
}
