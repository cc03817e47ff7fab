// One alarm in full: the wearer and their contacts, the response plan as a checklist, the amber
// note, the history, the notifications, the map and the actions. Reloaded from GET
// /api/alarms/:id whenever the alarm changes or the page resynchronises; the map and the action
// forms are kept across reloads (a half-typed note survives a push).
import type {
  AlarmDetailView,
  AlarmView,
  ClosureCodeOption,
  DeviceMoved,
  UserView,
} from '../../../api/live/console-contract.js';
import { callApi } from '../shared/api-client.js';
import { el, type Child } from '../shared/element.js';
import { clockText, durationText, whenText } from '../shared/format.js';
import type { MapTiles } from '../shared/map-view.js';
import { createActionPanel, type ActionPanel } from './action-panel.js';
import { alarmHistory } from './alarm-history.js';
import { alarmMarks, alarmTypeText, deadlineText, statusText, wearerText } from './alarm-text.js';
import { createDetailMap, type DetailMap } from './detail-map.js';
import { profileWords } from '../shared/wearer-words.js';
import { callLink } from '../shared/call-link.js';

export interface AlarmDetailDeps {
  me: UserView;
  tiles: MapTiles;
  closureCodes: ClosureCodeOption[];
  now(): number;
  /** An action's answer, to show in the queue at once. */
  applied(alarm: AlarmView): void;
  /** The queue's copy of an open alarm: its title and Accept are drawn from it while the rest loads. */
  queued?(alarmId: string): AlarmView | undefined;
  follow(deviceId: string): void;
  unfollow(deviceId: string): void;
  onClose(): void;
}

export interface AlarmDetail {
  readonly alarmId: string | null;
  show(alarmId: string): void;
  close(): void;
  /** Reload (the alarm changed, or the page resynchronised). */
  refresh(): void;
  accept(): Promise<void>;
  moved(moved: DeviceMoved): void;
  tick(): void;
}

const REFRESH_DEBOUNCE_MS = 150;

export function createAlarmDetail(container: HTMLElement, deps: AlarmDetailDeps): AlarmDetail {
  const closureLabels = new Map<string, string>(deps.closureCodes.map((c) => [c.code, c.label]));
  let alarmId: string | null = null;
  let detail: AlarmDetailView | null = null;
  let map: DetailMap | null = null;
  let panel: ActionPanel | null = null;
  let followed: string | null = null;
  let loading = false;
  let again = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const header = el('div', { className: 'detail-header' });
  const acceptError = el('p', { className: 'form-error', attrs: { role: 'alert' } });
  const amber = el('p', { className: 'amber-note' });
  const wearerBox = el('section', { className: 'detail-box', attrs: { 'aria-label': 'Wearer' } });
  const planBox = el('section', { className: 'detail-box', attrs: { 'aria-label': 'Response plan' } });
  const historyBox = el('section', { className: 'detail-box', attrs: { 'aria-label': 'History' } });
  const notificationsBox = el('section', { className: 'detail-box', attrs: { 'aria-label': 'Notifications' } });
  const actionsSlot = el('div');
  // Access information: fetched on the operator's request (audited), kept across redraws of this alarm.
  const accessBox = el('div', { className: 'access-info' });
  let accessShown: { alarmId: string; text: string | null } | null = null;

  function drawAccess(next: AlarmDetailView): void {
    const open = next.alarm.status !== 'resolved';
    if (!open || !next.wearer?.hasAccessInfo) return accessBox.replaceChildren();
    if (accessShown?.alarmId === next.alarm.id) {
      return accessBox.replaceChildren(
        el('h3', { text: 'Access information' }),
        el('p', { className: 'access-text', text: accessShown.text ?? 'None recorded.' }),
      );
    }
    const error = el('p', { className: 'form-error', attrs: { role: 'alert' } });
    const show = el('button', {
      attrs: { type: 'button' },
      text: 'Show access information (key safe, door, pets, hazards) — audited',
      on: {
        async click() {
          const result = await callApi<{ accessInfo: string | null }>(
            'POST',
            `/api/alarms/${next.alarm.id}/access-info`,
          );
          if (!result.ok) return void (error.textContent = result.error.message);
          accessShown = { alarmId: next.alarm.id, text: result.body.accessInfo };
          drawAccess(detail ?? next);
        },
      },
    });
    accessBox.replaceChildren(show, error);
  }
  const mapSlot = el('div');
  const body = el(
    'div',
    { className: 'detail-columns' },
    el('div', { className: 'detail-column' }, wearerBox),
    el('div', { className: 'detail-column' }, planBox, actionsSlot),
    el('div', { className: 'detail-column' }, mapSlot, historyBox, notificationsBox),
  );
  const message = el('p', { className: 'notice' });

  function follow(deviceId: string | null): void {
    if (followed === deviceId) return;
    if (followed) deps.unfollow(followed);
    followed = deviceId;
    if (deviceId) deps.follow(deviceId);
  }

  async function load(): Promise<void> {
    if (!alarmId) return;
    if (loading) {
      again = true;
      return;
    }
    loading = true;
    const id = alarmId;
    const result = await callApi<AlarmDetailView>('GET', `/api/alarms/${id}`);
    loading = false;
    if (id !== alarmId) return void load();
    if (again) {
      again = false;
      return void load();
    }
    if (!result.ok) {
      // Keep what is shown if it is only the network: the connection line says so.
      if (!detail) {
        message.textContent =
          result.error.code === 'ARC_ERR_ALARM_NOT_FOUND'
            ? 'No such alarm.'
            : `The alarm could not be loaded: ${result.error.message}`;
        container.replaceChildren(message);
      }
      return;
    }
    render(result.body);
  }

  function render(next: AlarmDetailView): void {
    const first = detail === null;
    detail = next;
    const { alarm } = next;
    if (first) {
      panel = createActionPanel({
        alarmId: alarm.id,
        closureCodes: deps.closureCodes,
        done: (a) => {
          // Resolving here closes the panel: the operator's job on it is done. A resolved alarm
          // opened again (from its address) can still be annotated.
          const justResolved = a.status === 'resolved' && detail?.alarm.status !== 'resolved';
          deps.applied(a);
          if (justResolved) deps.onClose();
          else refresh();
        },
      });
      actionsSlot.replaceChildren(panel.element);
      container.replaceChildren(header, acceptError, amber, body);
      map = createDetailMap(deps.tiles, next);
      mapSlot.replaceChildren(map.element);
      follow(alarm.deviceId);
    } else {
      map?.update(next);
    }
    panel!.update(next, deps.me);
    drawHeader();
    amber.hidden = !alarm.sessionNote;
    amber.textContent = alarm.sessionNote ? `Amber session note: ${alarm.sessionNote}` : '';
    drawWearer(wearerBox, next);
    drawAccess(next);
    wearerBox.append(accessBox);
    drawPlan(planBox, next);
    drawHistory(historyBox, alarmHistory(next, closureLabels), deps.now());
    drawNotifications(notificationsBox, next);
  }

  /** The title line: priority, type, wearer, Accept (while nobody holds it) and Close. */
  function titleOf(alarm: AlarmView): HTMLElement {
    const acceptButton =
      alarm.status === 'raised' && !alarm.owner
        ? el('button', { className: 'primary', text: 'Accept', on: { click: () => void accept() } })
        : null;
    return el(
      'div',
      { className: 'detail-title' },
      el(
        'h2',
        { attrs: { id: 'detail-heading' } },
        el('span', { className: `priority priority-${alarm.priority}`, text: `P${alarm.priority}` }),
        ` ${alarmTypeText(alarm)} — ${wearerText(alarm)}`,
      ),
      acceptButton,
      // Closes this panel only (the alarm stays as it is): said so, apart from Accept.
      el('button', {
        className: 'close',
        text: '✕ Close panel',
        attrs: { 'aria-label': 'Close this panel (the alarm stays open)', title: 'Back to the queue (Esc)' },
        on: { click: () => deps.onClose() },
      }),
    );
  }

  function drawHeader(): void {
    if (!detail) return;
    const { alarm } = detail;
    const now = deps.now();
    header.replaceChildren(
      titleOf(alarm),
      el(
        'p',
        { className: 'detail-facts' },
        fact('Status', alarm.owner ? `${statusText(alarm)} by ${alarm.owner.name}` : statusText(alarm)),
        fact(
          'Received',
          `${whenText(alarm.receivedAt, now)} (${durationText(now - Date.parse(alarm.receivedAt))} ago)`,
          'detail-age',
        ),
        alarm.status === 'raised' ? fact('Accept by', deadlineText(alarm, now), 'detail-deadline') : null,
        fact('Device', alarm.deviceLabel || alarm.deviceId),
        alarm.closureCode ? fact('Closure', closureLabels.get(alarm.closureCode) ?? alarm.closureCode) : null,
        alarm.verified ? fact('Verified', alarm.verified) : null,
        detail.linkedAlarmIds.length ? fact('Linked alarms', String(detail.linkedAlarmIds.length)) : null,
      ),
      el(
        'p',
        { className: 'detail-marks' },
        ...alarmMarks(alarm).map((m) => el('span', { className: `mark mark-${m.kind}`, text: m.text })),
      ),
    );
  }

  async function accept(): Promise<void> {
    if (!alarmId) return;
    acceptError.textContent = '';
    // Painted at once (issue 14): the click is seen to be taken, and cannot be taken twice.
    const button = header.querySelector<HTMLButtonElement>('button.primary');
    if (button) {
      button.disabled = true;
      button.textContent = 'Accepting…';
    }
    const result = await callApi<{ alarm: AlarmView }>('POST', `/api/alarms/${alarmId}/accept`);
    if (result.ok) {
      deps.applied(result.body.alarm);
      // Shown accepted now from the answer; the reload below brings the history.
      if (detail?.alarm.id === result.body.alarm.id) render({ ...detail, alarm: result.body.alarm });
    } else {
      // "Already accepted by …": the ARC names who won.
      acceptError.textContent = result.error.message;
      if (button) {
        button.disabled = false;
        button.textContent = 'Accept';
      }
    }
    refresh();
  }

  function refresh(): void {
    clearTimeout(timer);
    timer = setTimeout(() => void load(), REFRESH_DEBOUNCE_MS);
  }

  return {
    get alarmId() {
      return alarmId;
    },
    show(id) {
      if (id === alarmId) return;
      this.close();
      alarmId = id;
      container.hidden = false;
      message.textContent = 'Loading the alarm…';
      const queued = deps.queued?.(id);
      if (queued) {
        // Painted on the click (issue 14): what the queue knows, with Accept; the rest follows.
        header.replaceChildren(titleOf(queued));
        container.replaceChildren(header, acceptError, message);
      } else container.replaceChildren(message);
      void load();
    },
    close() {
      clearTimeout(timer);
      follow(null);
      map?.destroy();
      map = null;
      panel = null;
      detail = null;
      alarmId = null;
      acceptError.textContent = '';
      container.replaceChildren();
      container.hidden = true;
    },
    refresh,
    accept,
    moved(moved) {
      if (detail && moved.deviceId === detail.alarm.deviceId) map?.moved(moved.position);
    },
    tick() {
      if (!detail) return;
      const now = deps.now();
      const age = container.querySelector('.detail-age .value');
      if (age)
        age.textContent = `${whenText(detail.alarm.receivedAt, now)} (${durationText(now - Date.parse(detail.alarm.receivedAt))} ago)`;
      const deadline = container.querySelector('.detail-deadline .value');
      if (deadline) deadline.textContent = deadlineText(detail.alarm, now);
    },
  };
}

function fact(name: string, value: string, className = ''): HTMLElement {
  return el(
    'span',
    { className: `fact ${className}` },
    el('span', { className: 'name', text: `${name}: ` }),
    el('span', { className: 'value', text: value }),
  );
}

function section(box: HTMLElement, title: string, ...content: Child[]): void {
  box.replaceChildren(el('h3', { text: title }), ...content.filter((c): c is Node | string => !!c));
}

function drawWearer(box: HTMLElement, detail: AlarmDetailView): void {
  const { wearer, contacts } = detail;
  if (!wearer) {
    section(box, 'Wearer', el('p', { text: `This device (${detail.alarm.deviceId}) has no wearer.` }));
    return;
  }
  const item = (name: string, value: Child) => [el('dt', { text: name }), el('dd', null, value)];
  section(
    box,
    'Wearer',
    el(
      'dl',
      { className: 'profile' },
      ...item('Name', wearer.name),
      ...item('Profile', profileWords(wearer.profile)),
      ...item('Phone', wearer.phone ? callLink(wearer.phone) : 'none recorded'),
      ...item('Device SIM', detail.devicePhone ? callLink(detail.devicePhone) : 'none recorded'),
      ...item('Notes for the ARC', wearer.notes || 'none'),
      ...item('Medical notes', wearer.medicalNotes || 'none'),
      ...item('Police URN', wearer.urn ?? 'none'),
      ...item(
        'Police response',
        wearer.policeWithdrawn
          ? el('strong', {
              className: 'withdrawn',
              text: `Withdrawn: ${wearer.policeWithdrawnReason ?? 'no reason recorded'}`,
            })
          : 'Available',
      ),
    ),
    el('h3', { text: 'Contacts' }),
    contacts.length
      ? el(
          'ol',
          { className: 'contacts' },
          ...contacts.map((c) =>
            el(
              'li',
              null,
              el('strong', { text: c.name }),
              c.relationship ? ` (${c.relationship})` : '',
              el('br'),
              c.phone ? callLink(c.phone) : 'no phone',
              c.email ? ' · ' : '',
              c.email ?? '',
              c.hours ? el('span', { className: 'muted', text: ` · calls ${c.hours.from}–${c.hours.to}` }) : '',
            ),
          ),
        )
      : el('p', { text: 'No contacts.' }),
  );
}

/** What each step's state looks like: a tick only for what happened. */
const STEP_MARK: Record<string, { tick: string; words: string }> = {
  done: { tick: '✓', words: 'Done' },
  sent: { tick: '✓', words: 'Sent' },
  sending: { tick: '…', words: 'Sending' },
  failed: { tick: '✗', words: 'Failed' },
  skipped: { tick: '–', words: 'Skipped' },
  todo: { tick: '○', words: '' },
  not_done: { tick: '○', words: 'Not done' },
};

function drawPlan(box: HTMLElement, detail: AlarmDetailView): void {
  const { plan } = detail;
  if (!plan) {
    section(box, 'Response plan', el('p', { text: 'No response plan for this alarm.' }));
    return;
  }
  const { progress } = plan;
  section(
    box,
    'Response plan',
    progress.complete
      ? el('p', {
          className: 'plan-complete',
          attrs: { role: 'status' },
          text: 'Plan complete: every step has an outcome.',
        })
      : null,
    el(
      'ol',
      { className: 'plan' },
      ...plan.steps.map((step, i) => {
        const p = progress.steps[i];
        const mark =
          p.current && (p.state === 'todo' || p.state === 'sending')
            ? { tick: '▶', words: STEP_MARK[p.state].words }
            : STEP_MARK[p.state];
        return el(
          'li',
          {
            className: `step step-${p.state}${p.current ? ' step-current' : ''}`,
            attrs: { 'aria-current': p.current ? 'step' : null },
          },
          el('span', { className: 'tick', attrs: { 'aria-hidden': 'true' }, text: mark.tick }),
          el('span', {
            className: 'step-who',
            text: `${step.who}${step.automatic ? ` (automatic ${step.how})` : ''}${step.mandatory ? ' · must be logged' : ''}`,
          }),
          el('span', { className: 'step-instruction', text: step.instruction }),
          step.callNumbers.length
            ? el(
                'span',
                { className: 'step-call' },
                ...step.callNumbers.flatMap((n, k) => [
                  k ? ' · ' : '',
                  callLink(n.number, `Call ${n.label}: ${n.number}`),
                ]),
              )
            : null,
          mark.words
            ? el('span', { className: 'step-state', text: `${mark.words}${p.reason ? `: ${p.reason}` : ''}` })
            : null,
          p.offer ? el('span', { className: 'step-offer', text: p.offer }) : null,
          step.note ? el('span', { className: 'step-note', text: `Plan note: ${step.note}` }) : null,
          step.doNotCallAudibly
            ? el('span', { className: 'mark mark-discreet', text: 'Do not call back audibly' })
            : null,
          step.blocked && p.state !== 'skipped'
            ? el(
                'span',
                { className: 'step-blocked' },
                `Blocked: ${step.blocked.reason}`,
                step.blocked.alternative
                  ? ` — instead call ${step.blocked.alternative.name}${step.blocked.alternative.phone ? ` on ${step.blocked.alternative.phone}` : ''}`
                  : '',
              )
            : null,
        );
      }),
    ),
    detail.alarm.stepDueAt && !progress.complete
      ? el('p', { className: 'muted', text: `Current step due by ${clockText(detail.alarm.stepDueAt)}` })
      : null,
  );
}

function drawHistory(box: HTMLElement, entries: ReturnType<typeof alarmHistory>, now: number): void {
  section(
    box,
    'History',
    el(
      'table',
      { className: 'history' },
      el(
        'thead',
        null,
        el(
          'tr',
          null,
          el('th', { text: 'Time', attrs: { scope: 'col' } }),
          el('th', { text: 'Who', attrs: { scope: 'col' } }),
          el('th', { text: 'What', attrs: { scope: 'col' } }),
        ),
      ),
      el(
        'tbody',
        null,
        ...entries.map((e) =>
          el(
            'tr',
            null,
            el('td', { className: 'time', text: whenText(e.at, now) }),
            el('td', { text: e.who }),
            el('td', { text: e.what }),
          ),
        ),
      ),
    ),
  );
}

function drawNotifications(box: HTMLElement, detail: AlarmDetailView): void {
  const list = detail.notifications;
  section(
    box,
    'Notifications',
    list.length
      ? el(
          'table',
          { className: 'notifications' },
          el(
            'thead',
            null,
            el(
              'tr',
              null,
              ...['Channel', 'To', 'Status', 'Tries'].map((h) => el('th', { text: h, attrs: { scope: 'col' } })),
            ),
          ),
          el(
            'tbody',
            null,
            ...list.map((n) =>
              el(
                'tr',
                { className: `notification-${n.status}` },
                el('td', { text: n.channel }),
                el('td', { text: `${n.recipient} (${n.audience})` }),
                el('td', {
                  text:
                    n.status === 'failed' || (n.status === 'pending' && n.lastError)
                      ? `${n.status}: ${n.lastError ?? ''}`
                      : n.status,
                }),
                el('td', { text: String(n.attempts) }),
              ),
            ),
          ),
        )
      : el('p', { text: 'None sent.' }),
  );
}
