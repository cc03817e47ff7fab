// The queue table: every open alarm in order, with its age counting up and its accept deadline
// counting down, the filters, the flash of a new alarm, and which row is open in the detail.
//
// Built for a flood (issue 14): the order is kept incrementally (a pushed alarm is put in its
// place by binary search, never a sort of thousands); changes are taken into the model at once
// and drawn at most once per animation frame; only the rows in view, plus a margin, exist in the
// page (a virtual list: spacer rows stand for the rest), each refilled only when its alarm
// changed; the one-second tick touches only those rows. The table says how many rows it has
// (aria-rowcount) and each row where it is (aria-rowindex), so a screen reader still hears
// "row 1,204 of 5,000".
import type { AlarmView } from '../../../api/live/console-contract.js';
import { byId, el } from '../shared/element.js';
import { durationText } from '../shared/format.js';
import { addressFor } from '../shared/address-lookup.js';
import { frameTask } from '../shared/frame-task.js';
import { QueueFilter, filterAlarms, orderedAlarms, resortOne, type AlarmQueue } from './alarm-queue.js';
import { queuePlace } from './queue-place.js';
import { alarmMarks, alarmTypeText, deadlineText, ownerText, statusText, wearerText } from './alarm-text.js';
import { waitingForAccept } from './alarm-attention.js';

const FLASH_MS = 4000;
/** One on-off cycle of the flash (console.css, `tr.is-new`). */
const FLASH_PERIOD_MS = 600;
/**
 * More alarms than this new within FLASH_MS is a flood: their rows are outlined, not flashed, and
 * pushes are drawn every FLOOD_DRAW_EVERY_MS rather than every frame (shared/frame-task.ts).
 */
const FLASHING_AT_MOST = 10;
/** Five times a second: a new alarm is still a row well within the second issue 14 allows. */
const FLOOD_DRAW_EVERY_MS = 200;
/** Rows drawn above and below the visible ones, so a scroll shows rows, not a gap. */
const MARGIN_ROWS = 30;
/** Rows drawn before the height of one is known (the first frame). */
const FIRST_ROWS = 80;
const COLUMNS = 10;

export interface QueueView {
  /**
   * Takes the queue into the view: `changed` = the alarms pushed since the last call (each put in
   * its place); without it the whole order is rebuilt (a snapshot). `flash` = rows to flash (new
   * or escalated). The model is current at once; the rows are drawn in the next frame.
   */
  draw(queue: AlarmQueue, now: number, flash?: Set<string>, changed?: readonly AlarmView[]): void;
  /** Ages and deadlines of the rows in the page, every second. */
  tick(now: number): void;
  /** Marks the row open in the detail (null: none). */
  select(alarmId: string | null): void;
  /** The alarms as shown, in order, after the filter. */
  shown(): AlarmView[];
  /** Every open alarm, in the queue's order, whatever the filter. */
  all(): readonly AlarmView[];
  /** How many open alarms nobody has accepted yet (kept as alarms change, not counted per frame). */
  waitingCount(): number;
  /**
   * How long after their last drawing the views that follow pushes draw them again: 0 (the next
   * frame), or in a flood (more than a few alarms new in the last seconds) a fifth of a second.
   */
  drawGapMs(): number;
  clear(): void;
}

export function createQueueView(options: { myId: () => string; onSelect(alarmId: string): void }): QueueView {
  const rowsBody = byId<HTMLTableSectionElement>('queue-rows');
  const table = byId('queue-table');
  const scroller = table.closest<HTMLElement>('.queue-scroll') ?? table.parentElement!;
  const empty = byId('queue-empty');
  const openCount = byId('open-count');
  const filters = byId('queue-filters');
  const counts = {
    all: byId('filter-count-all'),
    unassigned: byId('filter-count-unassigned'),
    mine: byId('filter-count-mine'),
  };
  const spacerAbove = spacerRow();
  const spacerBelow = spacerRow();

  /** Every open alarm, in order; `inSorted` holds the version of each that is in `sorted`. */
  let sorted: AlarmView[] = [];
  let inSorted = new Map<string, AlarmView>();
  let queueRef: AlarmQueue = new Map();
  /**
   * The filter counts and the arrivals bar's count, kept up to date as each alarm changes (one
   * alarm out, one in), so a frame in a flood does not walk thousands of alarms to count them.
   */
  const tally = { unassigned: 0, mine: 0, waiting: 0 };
  /** The alarms shown (after the filter); null: to be worked out from `sorted`. */
  let filtered: AlarmView[] | null = null;
  let filter: QueueFilter = QueueFilter.all;
  let selected: string | null = null;
  let lastNow = Date.now();
  let rowHeight = 0;
  /** Where the rows were in the window when last drawn (null: not worked out, so draw again on a resize). */
  let drawnPlace: { top: number; bottom: number; body: number } | null = null;
  /** The rows in the page, and the alarm version each was filled from. */
  const rows = new Map<string, HTMLTableRowElement>();
  const filledFrom = new WeakMap<HTMLTableRowElement, AlarmView>();
  /** Alarms flashing, until when: a row drawn later (scrolled to) still flashes. */
  const flashUntil = new Map<string, number>();
  /**
   * One timer, for the next flash to end: the frame it asks for takes the flash off every row whose
   * time is up (a timer per row was, in a flood, a restyle and a repaint for each row).
   */
  let unflashTimer: ReturnType<typeof setTimeout> | undefined;
  const render = frameTask(drawFrame);

  const shown = (): AlarmView[] => (filtered ??= filterAlarms(sorted, filter, options.myId()));
  const inFlood = () => flashUntil.size > FLASHING_AT_MOST;
  const drawGapMs = () => (inFlood() ? FLOOD_DRAW_EVERY_MS : 0);

  /** After clear() (log-out): this view's listeners on the page's elements stay, and do nothing. */
  let cleared = false;
  filters.addEventListener('change', (event) => {
    if (cleared) return;
    const value = (event.target as HTMLInputElement).value;
    if (Object.hasOwn(QueueFilter, value)) filter = value as QueueFilter;
    filtered = null;
    render.schedule();
  });
  const onScroll = () => render.schedule();
  scroller.addEventListener('scroll', onScroll, { passive: true });
  window.addEventListener('scroll', onScroll, { passive: true });
  window.addEventListener('resize', onScroll, { passive: true });
  // The view shown again, an alarm opened (the queue shrinks to the top): other rows are in view.
  // Not when the box only grew with its rows (no alarm open: the window scrolls, the box is as
  // tall as the list): in a flood that is every frame, and a frame drawn for nothing.
  const resized = new ResizeObserver(() => {
    const now = placeInView();
    if (!drawnPlace || now.top !== drawnPlace.top || now.bottom !== drawnPlace.bottom || now.body !== drawnPlace.body)
      render.schedule();
  });
  resized.observe(scroller);

  rowsBody.addEventListener('click', (event) => {
    if (cleared) return;
    const row = (event.target as Element).closest('tr');
    if (row?.dataset.alarmId) options.onSelect(row.dataset.alarmId);
  });
  rowsBody.addEventListener('keydown', (event) => {
    if (cleared) return;
    const row = (event.target as Element).closest('tr');
    if (!row?.dataset.alarmId) return;
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      options.onSelect(row.dataset.alarmId);
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      // By the model, not the DOM: the next alarm may not have a row yet.
      const list = shown();
      const at = list.findIndex((a) => a.id === row.dataset.alarmId);
      const next = list[at + (event.key === 'ArrowDown' ? 1 : -1)];
      if (at >= 0 && next) focusAlarm(next.id, at + (event.key === 'ArrowDown' ? 1 : -1));
    }
  });

  function focusAlarm(id: string, index: number): void {
    let row = rows.get(id);
    if (!row && rowHeight > 0) {
      // Scroll the row's place into view, then draw now so there is a row to focus.
      const top = rowsBody.getBoundingClientRect().top + index * rowHeight;
      const view = visibleBand();
      if (top < view.top) scrollBy(top - view.top);
      else if (top + rowHeight > view.bottom) scrollBy(top + rowHeight - view.bottom);
    }
    render.cancel();
    drawFrame();
    row = rows.get(id);
    row?.focus({ preventScroll: true });
    row?.scrollIntoView({ block: 'nearest' });
  }

  function scrollBy(dy: number): void {
    if (scroller.scrollHeight > scroller.clientHeight) scroller.scrollTop += dy;
    else window.scrollBy(0, dy);
  }

  /** The part of the window where queue rows can be seen: the window cut by the scroll box. */
  function visibleBand(): { top: number; bottom: number } {
    const box = scroller.getBoundingClientRect();
    return { top: Math.max(0, box.top), bottom: Math.min(window.innerHeight, box.bottom) };
  }

  /** The visible band and where the rows start in the window: which rows are in view follows from them. */
  function placeInView(): { top: number; bottom: number; body: number } {
    return { ...visibleBand(), body: rowsBody.getBoundingClientRect().top };
  }

  function draw(queue: AlarmQueue, now: number, flash: Set<string> = new Set(), changed?: readonly AlarmView[]): void {
    lastNow = now;
    if (!changed || queue !== queueRef) {
      queueRef = queue;
      rebuild(queue);
    } else {
      for (const { id } of changed) {
        const after = queue.get(id);
        const before = inSorted.get(id);
        if (before === after) continue;
        resortOne(sorted, before, after);
        if (before) count(before, -1);
        if (after) {
          inSorted.set(id, after);
          count(after, 1);
        } else inSorted.delete(id);
      }
      // Anything the queue changed without telling: rebuild rather than show it wrong.
      if (sorted.length !== queue.size) rebuild(queue);
    }
    filtered = null;
    const until = performance.now() + FLASH_MS;
    for (const id of flash) {
      flashUntil.set(id, until);
      const row = rows.get(id);
      if (row) row.dataset.flash = 'again';
    }
    // A snapshot is drawn at once; pushes in a flood a few times a second.
    if (changed) render.scheduleAfter(drawGapMs());
    else render.schedule();
  }

  /** The whole order and the counts again, from the queue (a snapshot, or a change it did not name). */
  function rebuild(queue: AlarmQueue): void {
    sorted = orderedAlarms(queue);
    inSorted = new Map(queue);
    tally.unassigned = tally.mine = tally.waiting = 0;
    for (const alarm of sorted) count(alarm, 1);
  }

  function count(alarm: AlarmView, by: 1 | -1): void {
    if (alarm.owner === null) tally.unassigned += by;
    else if (alarm.owner.id === options.myId()) tally.mine += by;
    if (waitingForAccept(alarm)) tally.waiting += by;
  }

  function drawFrame(): void {
    if (cleared) return;
    const list = shown();
    const now = lastNow;
    openCount.textContent = String(sorted.length);
    counts.all.textContent = `(${sorted.length})`;
    counts.unassigned.textContent = `(${tally.unassigned})`;
    counts.mine.textContent = `(${tally.mine})`;
    empty.hidden = list.length > 0;
    empty.textContent = sorted.length === 0 ? 'No open alarms' : 'No open alarms match this filter';
    table.hidden = list.length === 0;
    table.setAttribute('aria-rowcount', String(list.length + 1));

    // Which rows are in view, by the height of one row (the rows are one line each).
    let first = 0;
    let last = Math.min(list.length, FIRST_ROWS);
    drawnPlace = null;
    if (rowHeight > 0 && !table.hidden && rowsBody.offsetParent !== null) {
      drawnPlace = placeInView();
      first = Math.max(0, Math.floor((drawnPlace.top - drawnPlace.body) / rowHeight) - MARGIN_ROWS);
      last = Math.min(list.length, Math.ceil((drawnPlace.bottom - drawnPlace.body) / rowHeight) + MARGIN_ROWS);
      if (first >= last) first = Math.max(0, last - MARGIN_ROWS);
    }

    const wanted: HTMLTableRowElement[] = [];
    const keep = new Set<string>();
    const timeNow = performance.now();
    for (let i = first; i < last; i++) {
      const alarm = list[i];
      keep.add(alarm.id);
      let row = rows.get(alarm.id);
      if (!row) {
        row = el('tr', { attrs: { tabindex: 0 } });
        rows.set(alarm.id, row);
      }
      if (filledFrom.get(row) !== alarm) {
        fillRow(row, alarm, now, alarm.id === selected);
        filledFrom.set(row, alarm);
        showAddress(row, alarm);
      }
      row.setAttribute('aria-rowindex', String(i + 2));
      const flashing = (flashUntil.get(alarm.id) ?? 0) > timeNow;
      if (flashing && (row.dataset.flash === 'again' || !row.classList.contains('is-new'))) flashRow(row);
      else if (!flashing && row.classList.contains('is-new')) row.classList.remove('is-new');
      delete row.dataset.flash;
      wanted.push(row);
    }
    for (const [id, row] of rows) {
      if (!keep.has(id)) {
        rows.delete(id);
        row.remove();
      }
    }
    let nextUnflash = Infinity;
    for (const [id, until] of flashUntil) {
      if (until <= timeNow) flashUntil.delete(id);
      else nextUnflash = Math.min(nextUnflash, until);
    }
    clearTimeout(unflashTimer);
    unflashTimer =
      nextUnflash === Infinity ? undefined : setTimeout(() => render.scheduleAfter(drawGapMs()), nextUnflash - timeNow);

    spacerAbove.hidden = first === 0;
    spacerAbove.firstElementChild!.setAttribute('style', `height:${first * rowHeight}px`);
    spacerBelow.hidden = last >= list.length;
    spacerBelow.firstElementChild!.setAttribute('style', `height:${(list.length - last) * rowHeight}px`);
    placeRows(rowsBody, [spacerAbove, ...wanted, spacerBelow]);

    if (rowHeight === 0 && wanted.length > 0) {
      rowHeight = wanted[0].getBoundingClientRect().height;
      // Now that the height is known, draw only what is in view.
      if (rowHeight > 0 && list.length > FIRST_ROWS) render.schedule();
    }
  }

  /**
   * The street from the ARC's reverse geocoder, when it has one: asked for drawn rows only (a
   * flood of thousands asks for the few in view), cached per position by the page and the ARC.
   */
  function showAddress(row: HTMLTableRowElement, alarm: AlarmView): void {
    const position = alarm.position;
    const lookup = position ? addressFor(position.lat, position.lon) : null;
    if (!lookup) return;
    void lookup.then((address) => {
      if (cleared || !address || filledFrom.get(row) !== alarm) return;
      const cell = row.querySelector<HTMLElement>('td.position');
      if (!cell) return;
      const place = queuePlace(alarm, address);
      cell.textContent = place.text;
      cell.title = place.title;
    });
  }

  function flashRow(row: HTMLTableRowElement): void {
    // In a flood a screen of flashing rows tells the operator nothing the flood bar does not, and
    // repaints every frame: past a few at once, new rows are outlined instead.
    const flood = inFlood();
    if (row.classList.contains('is-new') && !flood) {
      // Restart the animation on a row that was already flashing. Reading offsetWidth makes the
      // browser lay the page out there and then: never for an outline (a flood's frame once
      // restarted fifty rows, fifty layouts in one task), which has nothing to restart.
      row.classList.remove('is-new');
      void row.offsetWidth;
    }
    // Every flashing row in step with one clock: in a flood dozens flash at once, and rows out of
    // step would change colour in almost every frame, each change a restyle and repaint.
    row.style.animationDelay = `-${Math.round(performance.now() % FLASH_PERIOD_MS)}ms`;
    row.classList.toggle('in-flood', flood);
    row.classList.add('is-new');
  }

  return {
    draw,
    tick(now) {
      lastNow = now;
      for (const row of rows.values()) {
        const alarm = filledFrom.get(row);
        if (!alarm) continue;
        row.querySelector('td.age')!.textContent = durationText(now - Date.parse(alarm.receivedAt));
        row.querySelector('td.deadline')!.textContent = deadlineText(alarm, now);
        row.classList.toggle('is-late', isLate(alarm, now));
      }
    },
    select(alarmId) {
      selected = alarmId;
      for (const [id, row] of rows) {
        const on = id === alarmId;
        row.classList.toggle('is-selected', on);
        row.setAttribute('aria-selected', String(on));
      }
    },
    shown,
    all: () => sorted,
    waitingCount: () => tally.waiting,
    drawGapMs,
    clear() {
      cleared = true;
      render.cancel();
      clearTimeout(unflashTimer);
      flashUntil.clear();
      rowsBody.replaceChildren();
      rows.clear();
      sorted = [];
      inSorted = new Map();
      tally.unassigned = tally.mine = tally.waiting = 0;
      filtered = null;
      queueRef = new Map();
      scroller.removeEventListener('scroll', onScroll);
      window.removeEventListener('scroll', onScroll);
      window.removeEventListener('resize', onScroll);
      resized.disconnect();
    },
  };
}

const isLate = (alarm: AlarmView, now: number) =>
  alarm.status === 'raised' && alarm.acceptDueAt !== null && Date.parse(alarm.acceptDueAt) < now;

/** A row standing for the rows not drawn; hidden from screen readers (aria-rowindex tells them). */
function spacerRow(): HTMLTableRowElement {
  return el(
    'tr',
    { className: 'queue-spacer', attrs: { 'aria-hidden': 'true' } },
    el('td', { attrs: { colspan: COLUMNS } }),
  );
}

function fillRow(row: HTMLTableRowElement, alarm: AlarmView, now: number, selected: boolean): void {
  row.dataset.alarmId = alarm.id;
  for (let p = 1; p <= 5; p++) row.classList.toggle(`priority-${p}`, alarm.priority === p);
  row.classList.toggle('is-overdue', alarm.status === 'raised' && alarm.escalationLevel >= 1);
  row.classList.toggle('is-late', isLate(alarm, now));
  row.classList.toggle('is-selected', selected);
  row.setAttribute('aria-selected', String(selected));
  row.title = `Open ${alarmTypeText(alarm)}, ${wearerText(alarm)}`;

  const badge = el('span', {
    className: 'priority',
    text: `P${alarm.priority}`,
    attrs: { title: `Priority ${alarm.priority}` },
  });
  const place = queuePlace(alarm, null);
  const marks = alarmMarks(alarm).map((mark) => el('span', { className: `mark mark-${mark.kind}`, text: mark.text }));
  row.replaceChildren(
    el('td', { className: 'priority-cell' }, badge),
    el('td', { className: 'type', text: alarmTypeText(alarm) }),
    el('td', { className: 'wearer', text: wearerText(alarm) }),
    el('td', { className: 'device', text: alarm.deviceLabel }),
    el('td', { className: 'age', text: durationText(now - Date.parse(alarm.receivedAt)) }),
    el('td', { className: 'position', text: place.text, attrs: { title: place.title } }),
    el('td', { className: 'status', text: statusText(alarm) }),
    el('td', { className: 'owner', text: ownerText(alarm) }),
    el('td', { className: 'deadline', text: deadlineText(alarm, now) }),
    el(
      'td',
      {
        className: 'marks',
        attrs: {
          title:
            alarmMarks(alarm)
              .map((m) => m.text)
              .join(', ') || null,
        },
      },
      ...marks,
    ),
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
