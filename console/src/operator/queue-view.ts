// The queue table: every open alarm in order, with its age counting up and its accept deadline
// counting down, the filters, the flash of a new alarm, and which row is open in the detail.
import type { AlarmView } from '../../../api/live/console-contract.js';
import { byId, el } from '../shared/element.js';
import { durationText, positionText } from '../shared/format.js';
import { QueueFilter, filterAlarms, orderedAlarms, type AlarmQueue } from './alarm-queue.js';
import { alarmMarks, alarmTypeText, deadlineText, ownerText, statusText, wearerText } from './alarm-text.js';

const FLASH_MS = 4000;

export interface QueueView {
  /** Redraws from the queue; `flash` = rows to flash (new or escalated). */
  draw(queue: AlarmQueue, now: number, flash?: Set<string>): void;
  /** Ages and deadlines, every second. */
  tick(now: number): void;
  /** Marks the row open in the detail (null: none). */
  select(alarmId: string | null): void;
  /** The alarms as shown, in order, after the filter. */
  shown(): AlarmView[];
  clear(): void;
}

export function createQueueView(options: { myId: () => string; onSelect(alarmId: string): void }): QueueView {
  const rowsBody = byId<HTMLTableSectionElement>('queue-rows');
  const table = byId('queue-table');
  const empty = byId('queue-empty');
  const openCount = byId('open-count');
  const filters = byId('queue-filters');
  const shownAlarms = new Map<string, AlarmView>();
  let ordered: AlarmView[] = [];
  let selected: string | null = null;
  let filter: QueueFilter = QueueFilter.all;
  let lastQueue: AlarmQueue = new Map();
  let lastNow = Date.now();
  const flashTimers = new Set<ReturnType<typeof setTimeout>>();

  filters.addEventListener('change', (event) => {
    const value = (event.target as HTMLInputElement).value;
    if (Object.hasOwn(QueueFilter, value)) filter = value as QueueFilter;
    draw(lastQueue, lastNow);
  });

  rowsBody.addEventListener('click', (event) => {
    const row = (event.target as Element).closest('tr');
    if (row?.dataset.alarmId) options.onSelect(row.dataset.alarmId);
  });
  rowsBody.addEventListener('keydown', (event) => {
    const row = (event.target as Element).closest('tr');
    if (!row?.dataset.alarmId) return;
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      options.onSelect(row.dataset.alarmId);
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const next = event.key === 'ArrowDown' ? row.nextElementSibling : row.previousElementSibling;
      (next as HTMLElement | null)?.focus();
    }
  });

  function draw(queue: AlarmQueue, now: number, flash: Set<string> = new Set()): void {
    lastQueue = queue;
    lastNow = now;
    const all = orderedAlarms(queue);
    ordered = filterAlarms(all, filter, options.myId());
    shownAlarms.clear();
    const existing = new Map([...rowsBody.rows].map((row) => [row.dataset.alarmId, row]));
    const rows = ordered.map((alarm) => {
      shownAlarms.set(alarm.id, alarm);
      const row = existing.get(alarm.id) ?? el('tr', { attrs: { tabindex: 0 } });
      fillRow(row, alarm, now, alarm.id === selected);
      if (flash.has(alarm.id)) flashRow(row);
      return row;
    });
    placeRows(rowsBody, rows);
    openCount.textContent = String(all.length);
    for (const [value, count] of [
      ['all', all.length],
      ['unassigned', filterAlarms(all, 'unassigned', options.myId()).length],
      ['mine', filterAlarms(all, 'mine', options.myId()).length],
    ] as const) {
      byId(`filter-count-${value}`).textContent = `(${count})`;
    }
    empty.hidden = rows.length > 0;
    empty.textContent = all.length === 0 ? 'No open alarms' : 'No open alarms match this filter';
    table.hidden = rows.length === 0;
  }

  function flashRow(row: HTMLTableRowElement): void {
    row.classList.remove('is-new');
    // Restart the animation on a row that was already flashing.
    void row.offsetWidth;
    row.classList.add('is-new');
    const timer = setTimeout(() => {
      flashTimers.delete(timer);
      row.classList.remove('is-new');
    }, FLASH_MS);
    flashTimers.add(timer);
  }

  return {
    draw,
    tick(now) {
      lastNow = now;
      for (const row of rowsBody.rows) {
        const alarm = shownAlarms.get(row.dataset.alarmId ?? '');
        if (!alarm) continue;
        row.querySelector('td.age')!.textContent = durationText(now - Date.parse(alarm.receivedAt));
        row.querySelector('td.deadline')!.textContent = deadlineText(alarm, now);
        row.classList.toggle('is-late', isLate(alarm, now));
      }
    },
    select(alarmId) {
      selected = alarmId;
      for (const row of rowsBody.rows) {
        const on = row.dataset.alarmId === alarmId;
        row.classList.toggle('is-selected', on);
        row.setAttribute('aria-selected', String(on));
      }
    },
    shown: () => ordered,
    clear() {
      for (const timer of flashTimers) clearTimeout(timer);
      flashTimers.clear();
      rowsBody.replaceChildren();
      shownAlarms.clear();
      ordered = [];
      lastQueue = new Map();
    },
  };
}

const isLate = (alarm: AlarmView, now: number) => alarm.status === 'raised' && alarm.acceptDueAt !== null && Date.parse(alarm.acceptDueAt) < now;

function fillRow(row: HTMLTableRowElement, alarm: AlarmView, now: number, selected: boolean): void {
  row.dataset.alarmId = alarm.id;
  for (let p = 1; p <= 5; p++) row.classList.toggle(`priority-${p}`, alarm.priority === p);
  row.classList.toggle('is-overdue', alarm.status === 'raised' && alarm.escalationLevel >= 1);
  row.classList.toggle('is-late', isLate(alarm, now));
  row.classList.toggle('is-selected', selected);
  row.setAttribute('aria-selected', String(selected));
  row.title = `Open ${alarmTypeText(alarm)}, ${wearerText(alarm)}`;

  const badge = el('span', { className: 'priority', text: `P${alarm.priority}`, attrs: { title: `Priority ${alarm.priority}` } });
  const marks = alarmMarks(alarm).map((mark) => el('span', { className: `mark mark-${mark.kind}`, text: mark.text }));
  row.replaceChildren(
    el('td', { className: 'priority-cell' }, badge),
    el('td', { className: 'type', text: alarmTypeText(alarm) }),
    el('td', { className: 'wearer', text: wearerText(alarm) }),
    el('td', { className: 'device', text: alarm.deviceLabel }),
    el('td', { className: 'age', text: durationText(now - Date.parse(alarm.receivedAt)) }),
    el('td', { className: 'position', text: positionText(alarm.position) }),
    el('td', { className: 'status', text: statusText(alarm) }),
    el('td', { className: 'owner', text: ownerText(alarm) }),
    el('td', { className: 'deadline', text: deadlineText(alarm, now) }),
    el('td', { className: 'marks', attrs: { title: alarmMarks(alarm).map((m) => m.text).join(', ') || null } }, ...marks),
  );
}

/** Puts the rows in this order, moving only those out of place so a flashing row keeps flashing. */
function placeRows(body: HTMLElement, rows: HTMLElement[]): void {
  let cursor = body.firstElementChild;
  for (const row of rows) {
    if (row === cursor) cursor = cursor.nextElementSibling;
    else body.insertBefore(row, cursor);
  }
  // What is left after the last wanted row is gone from the queue.
  while (cursor) {
    const next = cursor.nextElementSibling;
    cursor.remove();
    cursor = next;
  }
}
