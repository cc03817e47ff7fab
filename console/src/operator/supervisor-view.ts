// The supervisor's view: SLA figures for today and this month (GET /api/reports/sla, BS 8484 and
// TSA telecare lines), the open and overdue alarms with who holds each, the staff (on shift =
// a console connected now) and what each holds, and reassigning an alarm to someone else.
import type { AlarmView, SlaReportView, UserAccountView } from '../../../api/live/console-contract.js';
import { callApi } from '../shared/api-client.js';
import { byId, el } from '../shared/element.js';
import { clockText, durationText, percentText, secondsText, whenText } from '../shared/format.js';
import { orderedAlarms, type AlarmQueue } from './alarm-queue.js';
import { alarmTypeText, wearerText } from './alarm-text.js';

const REFRESH_MS = 60_000;
/** Who has a console open changes by the minute: looked at more often than the figures. */
const STAFF_REFRESH_MS = 15_000;
const PERIODS = [
  ['today', 'Today'],
  ['month', 'This month'],
] as const;
type Period = (typeof PERIODS)[number][0];

export interface SupervisorView {
  show(): void;
  hide(): void;
  /** The queue changed: redraw the open alarms and who holds what. */
  alarmsChanged(): void;
  tick(): void;
}

export function createSupervisorView(deps: {
  alarms: AlarmQueue;
  now(): number;
  applied(alarm: AlarmView): void;
}): SupervisorView {
  const slaBox = byId('sla-figures');
  const slaAsOf = byId('sla-as-of');
  const openBox = byId('supervisor-alarms');
  const staffBox = byId('supervisor-staff');
  const reassignStatus = byId('reassign-status');
  const reports = new Map<Period, SlaReportView | string>();
  let staff: UserAccountView[] = [];
  let onConsole = new Map<string, string>(); // user id → since (ISO)
  let staffTimer: ReturnType<typeof setInterval> | undefined;
  let visible = false;
  let timer: ReturnType<typeof setInterval> | undefined;

  byId('sla-refresh').addEventListener('click', () => void loadReports());

  async function loadReports(): Promise<void> {
    const results = await Promise.all(
      PERIODS.map(([period]) => callApi<{ report: SlaReportView }>('GET', `/api/reports/sla?period=${period}`)),
    );
    PERIODS.forEach(([period], i) => {
      const result = results[i];
      reports.set(period, result.ok ? result.body.report : result.error.message);
    });
    drawSla();
  }

  async function loadStaff(): Promise<void> {
    const [users, presence] = await Promise.all([
      callApi<{ users: UserAccountView[] }>('GET', '/api/users'),
      callApi<{ onConsole: { userId: string; since: string }[] }>('GET', '/api/staff/on-console'),
    ]);
    staff = users.ok
      ? users.body.users.filter((u) => u.role !== 'carer' && u.role !== 'organisation_manager' && !u.disabled)
      : [];
    onConsole = new Map(presence.ok ? presence.body.onConsole.map((p) => [p.userId, p.since]) : []);
    // On shift first, then by name.
    staff.sort((a, b) => Number(onConsole.has(b.id)) - Number(onConsole.has(a.id)) || a.name.localeCompare(b.name));
    drawAlarms();
  }

  function drawSla(): void {
    const today = reports.get('today');
    const month = reports.get('month');
    const cell = (report: SlaReportView | string | undefined, value: (r: SlaReportView) => string) =>
      el('td', { text: report === undefined ? '…' : typeof report === 'string' ? report : value(report) });
    const row = (name: string, value: (r: SlaReportView) => string, className = '') =>
      el(
        'tr',
        { className },
        el('th', { attrs: { scope: 'row' }, text: name }),
        cell(today, value),
        cell(month, value),
      );
    const lines = (typeof today === 'object' ? today : typeof month === 'object' ? month : null)?.overall.shares ?? [];
    slaBox.replaceChildren(
      el(
        'table',
        { className: 'sla' },
        el(
          'thead',
          null,
          el(
            'tr',
            null,
            el('th', { attrs: { scope: 'col' }, text: 'Measure' }),
            ...PERIODS.map(([, label]) => el('th', { attrs: { scope: 'col' }, text: label })),
          ),
        ),
        el(
          'tbody',
          null,
          row(
            'Alarms (test and linked left out)',
            (r) => `${r.overall.alarms} (${r.excluded.test} test, ${r.excluded.linked} linked)`,
          ),
          ...lines.map((line, i) =>
            row(
              `${line.standard}: accepted within ${line.withinS} s (target ${percentText(line.target)})`,
              (r) => {
                const s = r.overall.shares[i];
                if (s.share === null) return `— (none counted${s.pending ? `, ${s.pending} pending` : ''})`;
                return `${percentText(s.share)} (${s.within} of ${s.counted}) ${s.met ? '✓ met' : '✗ missed'}`;
              },
              'sla-line',
            ),
          ),
          row(
            'Time to accept: median / 95th percentile',
            (r) => `${secondsText(r.overall.acceptSeconds.median)} / ${secondsText(r.overall.acceptSeconds.p95)}`,
          ),
          row('Breaches', (r) =>
            r.breaches.length
              ? `${r.breaches.length}: ${r.classes.map((c) => `${c.alarmClass} ${c.breaches}`).join(', ')}`
              : 'none',
          ),
          row('False alarms', (r) =>
            r.overall.falseAlarms.rate === null
              ? '—'
              : `${percentText(r.overall.falseAlarms.rate)} of ${r.overall.falseAlarms.resolved} resolved`,
          ),
        ),
      ),
    );
    const asOf = typeof today === 'object' ? today.asOf : null;
    slaAsOf.textContent = asOf ? `As of ${whenText(asOf, deps.now())}` : '';
  }

  function drawAlarms(): void {
    const now = deps.now();
    const open = orderedAlarms(deps.alarms);
    const overdue = open.filter((a) => a.status === 'raised' && a.escalationLevel >= 1);
    const unaccepted = open.filter((a) => a.owner === null);
    const staffOptions = () =>
      staff.map((u) => el('option', { attrs: { value: u.id }, text: `${u.name} (${u.role})` }));
    openBox.replaceChildren(
      el(
        'p',
        { className: 'counts' },
        count('Open', open.length),
        count('Not accepted', unaccepted.length),
        count('Overdue', overdue.length, overdue.length > 0),
      ),
      open.length
        ? el(
            'table',
            { className: 'supervisor-alarms' },
            el(
              'thead',
              null,
              el(
                'tr',
                null,
                ...['Alarm', 'Wearer', 'Age', 'Held by', 'Reassign to'].map((h) =>
                  el('th', { attrs: { scope: 'col' }, text: h }),
                ),
              ),
            ),
            el(
              'tbody',
              null,
              ...open.map((a) => {
                const select = el(
                  'select',
                  { attrs: { 'aria-label': `Reassign ${alarmTypeText(a)}, ${wearerText(a)} to` } },
                  ...staffOptions(),
                );
                if (a.owner) select.value = a.owner.id;
                return el(
                  'tr',
                  {
                    className: a.status === 'raised' && a.escalationLevel >= 1 ? 'is-overdue' : '',
                    dataset: { alarmId: a.id },
                  },
                  el(
                    'td',
                    null,
                    el('span', { className: `priority priority-${a.priority}`, text: `P${a.priority}` }),
                    ` ${alarmTypeText(a)}`,
                    a.status === 'raised' && a.escalationLevel >= 1
                      ? el('span', { className: 'mark mark-overdue', text: 'Overdue' })
                      : null,
                  ),
                  el('td', { text: wearerText(a) }),
                  el('td', { className: 'age', text: durationText(now - Date.parse(a.receivedAt)) }),
                  el('td', { text: a.owner?.name ?? 'nobody' }),
                  el(
                    'td',
                    null,
                    select,
                    el('button', { text: 'Reassign', on: { click: () => void reassign(a, select.value) } }),
                  ),
                );
              }),
            ),
          )
        : el('p', { className: 'notice', text: 'No open alarms' }),
    );
    const held = new Map<string, AlarmView[]>();
    for (const a of open) if (a.owner) held.set(a.owner.id, [...(held.get(a.owner.id) ?? []), a]);
    staffBox.replaceChildren(
      el(
        'table',
        { className: 'staff' },
        el(
          'thead',
          null,
          el(
            'tr',
            null,
            ...['Name', 'Role', 'On shift', 'Holds'].map((h) => el('th', { attrs: { scope: 'col' }, text: h })),
          ),
        ),
        el(
          'tbody',
          null,
          ...staff.map((u) => {
            const mine = held.get(u.id) ?? [];
            return el(
              'tr',
              null,
              el('td', { text: u.name }),
              el('td', { text: u.role }),
              el('td', {
                text: onConsole.has(u.id) ? `Console open since ${clockText(onConsole.get(u.id)!)}` : 'Not connected',
              }),
              el('td', {
                text: mine.length
                  ? `${mine.length}: ${mine.map((a) => `${alarmTypeText(a)} (${wearerText(a)})`).join(', ')}`
                  : 'nothing',
              }),
            );
          }),
        ),
      ),
    );
  }

  async function reassign(alarm: AlarmView, userId: string): Promise<void> {
    reassignStatus.textContent = '';
    const result = await callApi<{ alarm: AlarmView }>('POST', `/api/alarms/${alarm.id}/reassign`, { userId });
    if (!result.ok) {
      reassignStatus.textContent = `Not reassigned: ${result.error.message}`;
      return;
    }
    deps.applied(result.body.alarm);
    drawAlarms();
    reassignStatus.textContent = `${alarmTypeText(alarm)} (${wearerText(alarm)}) is now held by ${result.body.alarm.owner?.name ?? 'nobody'}`;
  }

  return {
    show() {
      if (visible) return;
      visible = true;
      drawAlarms();
      drawSla();
      void loadReports();
      void loadStaff();
      timer = setInterval(() => void loadReports(), REFRESH_MS);
      staffTimer = setInterval(() => void loadStaff(), STAFF_REFRESH_MS);
    },
    hide() {
      visible = false;
      clearInterval(timer);
      clearInterval(staffTimer);
    },
    alarmsChanged() {
      // Not while a reassign list has the focus: the supervisor is choosing from it.
      const choosing = document.activeElement instanceof HTMLSelectElement && openBox.contains(document.activeElement);
      if (visible && !choosing) drawAlarms();
    },
    tick() {
      if (!visible) return;
      const now = deps.now();
      for (const row of openBox.querySelectorAll<HTMLTableRowElement>('tr[data-alarm-id]')) {
        const alarm = deps.alarms.get(row.dataset.alarmId!);
        if (alarm) row.querySelector('td.age')!.textContent = durationText(now - Date.parse(alarm.receivedAt));
      }
    },
  };
}

function count(name: string, n: number, urgent = false): HTMLElement {
  return el(
    'span',
    { className: `count-box${urgent ? ' urgent' : ''}` },
    el('span', { className: 'n', text: String(n) }),
    ` ${name}`,
  );
}
