// Devices and wearers: every device with when it was last heard, battery, online or not, on test
// or not, a search box, and a map of them all that follows their live fixes while shown.
//
// Built for 10,000 devices tracking (issue 14, as the queue): a fix is taken into the model at
// once and the list drawn at most four times a second; past a few hundred devices only the
// rows in view, plus a margin, exist in the page (spacer rows stand for the rest), each refilled
// only when its device changed; the map is redrawn at most once a second, its markers clustered
// past a few hundred (shared/map-view.ts).
import {
  objectsOfRows,
  type DeviceMoved,
  type DeviceView,
  type WearerView,
} from '../../../api/live/console-contract.js';
import { callApi } from '../shared/api-client.js';
import { byId, el } from '../shared/element.js';
import { clockText, positionText, sinceText, whenText } from '../shared/format.js';
import { createMapView, type MapTiles, type MapView } from '../shared/map-view.js';
import { frameTask } from '../shared/frame-task.js';

const REFRESH_MS = 30_000;
/** Up to this many devices every row is drawn (and found by the browser's own search). */
const VIRTUAL_FROM = 300;
/** Rows drawn above and below those in view. */
const MARGIN_ROWS = 40;
/** Rows drawn before the height of one is known. */
const FIRST_ROWS = 100;
/** The list follows fixes four times a second (shared/frame-task.ts), not once a frame. */
const FIXES_DRAWN_EVERY_MS = 250;
/** The map follows fixes, but a thousand moving dots need not move more than once a second. */
const MAP_EVERY_MS = 1000;
const COLUMNS = 7;

export interface DevicesView {
  show(): void;
  hide(): void;
  moved(moved: DeviceMoved): void;
}

export function createDevicesView(deps: {
  tiles: MapTiles;
  now(): number;
  /** Devices with an open alarm, marked on the list and the map. */
  alarmingDevices(): Set<string>;
  /** Live positions of these devices: one message per page of ids, not one per device. */
  followMany(deviceIds: Iterable<string>): void;
  unfollowMany(deviceIds: Iterable<string>): void;
}): DevicesView {
  const search = byId<HTMLInputElement>('device-search');
  const rowsBody = byId<HTMLTableSectionElement>('device-rows');
  const summary = byId('device-summary');
  const loose = byId('wearers-without-device');
  const mapSlot = byId('devices-map');
  let devices: DeviceView[] = [];
  let indexOf = new Map<string, number>();
  let wearers: WearerView[] = [];
  let map: MapView | null = null;
  let timer: ReturnType<typeof setInterval> | undefined;
  let visible = false;
  const followed = new Set<string>();

  search.addEventListener('input', () => draw());

  async function load(): Promise<void> {
    // The compact form: each field's name once, not once per device (issue 14: 10,000 devices).
    const [d, w] = await Promise.all([
      callApi<unknown>('GET', '/api/devices?form=rows'),
      callApi<{ wearers: WearerView[] }>('GET', '/api/wearers'),
    ]);
    if (!visible) return;
    if (!d.ok) {
      summary.textContent = `The devices could not be loaded: ${d.error.message}`;
      return;
    }
    devices = objectsOfRows(d.body) as DeviceView[];
    indexOf = new Map(devices.map((device, i) => [device.id, i]));
    wearers = w.ok ? w.body.wearers : [];
    const unfollowed = devices.map((device) => device.id).filter((id) => !followed.has(id));
    for (const id of unfollowed) followed.add(id);
    deps.followMany(unfollowed);
    fitPending ||= map === null;
    map ??= createMapView(deps.tiles, { label: 'Map of all devices' });
    if (!map.element.isConnected) mapSlot.replaceChildren(map.element);
    draw();
  }

  function matches(device: DeviceView, query: string): boolean {
    if (!query) return true;
    return [device.id, device.label, device.wearerName ?? ''].some((text) => text.toLowerCase().includes(query));
  }

  const render = frameTask(drawFrame);
  const draw = () => render.schedule();
  /** The rows in the page, and the device version and alarm state each was filled from. */
  const rows = new Map<string, HTMLTableRowElement>();
  const filledFrom = new WeakMap<HTMLTableRowElement, { device: DeviceView; alarming: boolean; at: number }>();
  const spacerAbove = spacerRow();
  const spacerBelow = spacerRow();
  let rowHeight = 0;
  let mapDrawnAt = 0;
  /** The map is fitted to the devices once they are first drawn on it. */
  let fitPending = false;
  let mapTimer: ReturnType<typeof setTimeout> | undefined;
  window.addEventListener('scroll', () => visible && devices.length > VIRTUAL_FROM && draw(), { passive: true });
  window.addEventListener('resize', () => visible && draw(), { passive: true });

  function drawFrame(): void {
    if (!visible) return;
    const now = deps.now();
    const query = search.value.trim().toLowerCase();
    const alarming = deps.alarmingDevices();
    const shown = devices.filter((d) => matches(d, query));

    // Which rows: all of a small fleet; of a large one those in the window, by a row's height.
    let first = 0;
    let last = shown.length;
    if (shown.length > VIRTUAL_FROM) {
      last = Math.min(shown.length, FIRST_ROWS);
      if (rowHeight > 0 && rowsBody.offsetParent !== null) {
        const bodyTop = rowsBody.getBoundingClientRect().top;
        first = Math.max(0, Math.floor(-bodyTop / rowHeight) - MARGIN_ROWS);
        last = Math.min(shown.length, Math.ceil((window.innerHeight - bodyTop) / rowHeight) + MARGIN_ROWS);
        if (first >= last) first = Math.max(0, last - MARGIN_ROWS);
      }
    }
    // "Last seen 5 min ago" moves with the clock: a row is refilled at most once a minute for it.
    const minute = Math.floor(now / 60_000);
    const wanted: HTMLTableRowElement[] = [];
    const keep = new Set<string>();
    for (let i = first; i < last; i++) {
      const d = shown[i];
      keep.add(d.id);
      let row = rows.get(d.id);
      if (!row) {
        row = el('tr', { dataset: { deviceId: d.id } });
        rows.set(d.id, row);
      }
      const was = filledFrom.get(row);
      const isAlarming = alarming.has(d.id);
      if (!was || was.device !== d || was.alarming !== isAlarming || was.at !== minute) {
        fillRow(row, d, now, isAlarming);
        filledFrom.set(row, { device: d, alarming: isAlarming, at: minute });
      }
      wanted.push(row);
    }
    for (const [id, row] of rows) {
      if (!keep.has(id)) {
        rows.delete(id);
        row.remove();
      }
    }
    spacerAbove.hidden = first === 0;
    spacerAbove.firstElementChild!.setAttribute('style', `height:${first * rowHeight}px`);
    spacerBelow.hidden = last >= shown.length;
    spacerBelow.firstElementChild!.setAttribute('style', `height:${(shown.length - last) * rowHeight}px`);
    placeRows(rowsBody, shown.length > VIRTUAL_FROM ? [spacerAbove, ...wanted, spacerBelow] : wanted);
    if (shown.length > VIRTUAL_FROM && wanted.length > 0) {
      // Rows are much alike; their mean height places the ones not drawn.
      const measured =
        (wanted.at(-1)!.getBoundingClientRect().bottom - wanted[0].getBoundingClientRect().top) / wanted.length;
      if (measured > 0 && Math.abs(measured - rowHeight) > 0.5) {
        const firstDraw = rowHeight === 0;
        rowHeight = measured;
        if (firstDraw) render.schedule();
      }
    }

    summary.textContent = `${shown.length} of ${devices.length} devices · ${devices.filter((d) => d.connected).length} online`;
    const withDevice = new Set(devices.map((d) => d.wearerId));
    const without = wearers.filter((w) => !withDevice.has(w.id));
    loose.replaceChildren(
      ...(without.length
        ? [el('h3', { text: 'Wearers without a device' }), el('p', { text: without.map((w) => w.name).join(', ') })]
        : []),
    );
    scheduleMap(shown, alarming);
  }

  /** The map at most once a second for a large fleet: the latest list when its turn comes. */
  function scheduleMap(shown: DeviceView[], alarming: Set<string>): void {
    const drawMap = () => {
      mapTimer = undefined;
      mapDrawnAt = performance.now();
      map?.setMarkers(
        shown
          .filter((d) => d.position)
          .map((d) => ({
            key: d.id,
            ...d.position!,
            label: d.wearerName ?? (d.label || d.id),
            tone: alarming.has(d.id) ? 'alarm' : d.connected ? 'online' : 'offline',
          })),
      );
      if (fitPending && map) {
        fitPending = false;
        map.fit();
      }
    };
    clearTimeout(mapTimer);
    const wait = mapDrawnAt + MAP_EVERY_MS - performance.now();
    // A small fleet is drawn at once, as it moves; a large one at most once a second.
    if (wait <= 0 || shown.length <= VIRTUAL_FROM) drawMap();
    else mapTimer = setTimeout(drawMap, wait);
  }

  return {
    show() {
      if (visible) return;
      visible = true;
      void load();
      timer = setInterval(() => void load(), REFRESH_MS);
    },
    hide() {
      visible = false;
      clearInterval(timer);
      clearTimeout(mapTimer);
      render.cancel();
      deps.unfollowMany(followed);
      followed.clear();
    },
    moved({ deviceId, position }) {
      const at = indexOf.get(deviceId);
      const device = at === undefined ? undefined : devices[at];
      if (!device || device.id !== deviceId || !visible) return;
      if (device.position && device.position.ts >= position.ts) return;
      // A new version of the device: its row (and only its row) is refilled, a few times a
      // second at most (each drawing filters the whole fleet; 10,000 devices send fixes all the time).
      devices[at!] = { ...device, position };
      render.scheduleAfter(FIXES_DRAWN_EVERY_MS);
    },
  };
}

function fillRow(row: HTMLTableRowElement, d: DeviceView, now: number, alarming: boolean): void {
  row.className = alarming ? 'has-alarm' : '';
  row.replaceChildren(
    el('td', null, el('strong', { text: d.label || d.id }), el('br'), el('span', { className: 'muted', text: d.id })),
    el('td', { text: d.wearerName ?? 'no wearer' }),
    el(
      'td',
      null,
      el('span', {
        className: d.connected ? 'state state-online' : 'state state-offline',
        text: d.connected ? 'Online' : 'Offline',
      }),
    ),
    el(
      'td',
      null,
      d.lastSeenAt ? sinceText(d.lastSeenAt, now) : 'never',
      d.lastSeenAt ? el('span', { className: 'muted small', text: ` (${whenText(d.lastSeenAt, now)})` }) : null,
    ),
    el('td', { className: batteryClass(d), text: batteryText(d) }),
    el(
      'td',
      { className: 'position' },
      d.position ? positionText(d.position) : 'no position',
      d.position ? el('span', { className: 'muted small', text: ` at ${clockText(d.position.ts)}` }) : null,
    ),
    el('td', { text: stateText(d, now, alarming) }),
  );
}

/** A row standing for the rows not drawn; hidden from screen readers. */
function spacerRow(): HTMLTableRowElement {
  return el(
    'tr',
    { className: 'device-spacer', attrs: { 'aria-hidden': 'true' } },
    el('td', { attrs: { colspan: COLUMNS } }),
  );
}

/** Puts the rows in this order, moving only those out of place. */
function placeRows(body: HTMLElement, rows: HTMLElement[]): void {
  let cursor = body.firstElementChild;
  for (const row of rows) {
    if (row === cursor) cursor = cursor.nextElementSibling;
    else body.insertBefore(row, cursor);
  }
  while (cursor) {
    const next = cursor.nextElementSibling;
    cursor.remove();
    cursor = next;
  }
}

/** What the device is in the middle of: open alarm, amber session, shift, test; or why it is not watched. */
export function stateText(d: DeviceView, now: number, alarming: boolean): string {
  const onTest = d.testUntil !== null && Date.parse(d.testUntil) > now;
  return (
    [
      alarming ? 'Open alarm' : '',
      d.amberUntil ? `Amber session until ${clockText(d.amberUntil)}` : '',
      d.checkinDueAt ? `On shift, check-in due ${clockText(d.checkinDueAt)}` : '',
      onTest ? `On test until ${whenText(d.testUntil!, now)}${d.testReason ? ` (${d.testReason})` : ''}` : '',
      !d.enabled ? 'Disabled' : '',
      !d.inUse ? 'Not in use' : '',
    ]
      .filter(Boolean)
      .join(' · ') || '—'
  );
}

function batteryText(d: DeviceView): string {
  if (d.health.batt === null) return 'unknown';
  return `${Math.round(d.health.batt)} %${d.health.charging ? ', charging' : ''}`;
}

const batteryClass = (d: DeviceView) =>
  d.health.batt !== null && d.health.batt <= 20 && !d.health.charging ? 'battery-low' : '';
