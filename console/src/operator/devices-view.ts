// Devices and wearers: every device with when it was last heard, battery, online or not, on test
// or not, a search box, and a map of them all that follows their live fixes while shown.
import type { DeviceMoved, DeviceView, WearerView } from '../../../api/live/console-contract.js';
import { callApi } from '../shared/api-client.js';
import { byId, el } from '../shared/element.js';
import { clockText, positionText, sinceText, whenText } from '../shared/format.js';
import { createMapView, type MapTiles, type MapView } from '../shared/map-view.js';

const REFRESH_MS = 30_000;

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
  follow(deviceId: string): void;
  unfollow(deviceId: string): void;
}): DevicesView {
  const search = byId<HTMLInputElement>('device-search');
  const rowsBody = byId<HTMLTableSectionElement>('device-rows');
  const summary = byId('device-summary');
  const loose = byId('wearers-without-device');
  const mapSlot = byId('devices-map');
  let devices: DeviceView[] = [];
  let wearers: WearerView[] = [];
  let map: MapView | null = null;
  let timer: ReturnType<typeof setInterval> | undefined;
  let visible = false;
  const followed = new Set<string>();

  search.addEventListener('input', () => draw());

  async function load(): Promise<void> {
    const [d, w] = await Promise.all([callApi<{ devices: DeviceView[] }>('GET', '/api/devices'), callApi<{ wearers: WearerView[] }>('GET', '/api/wearers')]);
    if (!visible) return;
    if (!d.ok) {
      summary.textContent = `The devices could not be loaded: ${d.error.message}`;
      return;
    }
    devices = d.body.devices;
    wearers = w.ok ? w.body.wearers : [];
    for (const device of devices) {
      if (!followed.has(device.id)) {
        followed.add(device.id);
        deps.follow(device.id);
      }
    }
    const fitAfter = map === null;
    map ??= createMapView(deps.tiles, { label: 'Map of all devices' });
    if (!map.element.isConnected) mapSlot.replaceChildren(map.element);
    draw();
    if (fitAfter) map.fit();
  }

  function matches(device: DeviceView, query: string): boolean {
    if (!query) return true;
    return [device.id, device.label, device.wearerName ?? ''].some((text) => text.toLowerCase().includes(query));
  }

  function draw(): void {
    const now = deps.now();
    const query = search.value.trim().toLowerCase();
    const alarming = deps.alarmingDevices();
    const shown = devices.filter((d) => matches(d, query));
    rowsBody.replaceChildren(
      ...shown.map((d) => {
        return el(
          'tr',
          { className: alarming.has(d.id) ? 'has-alarm' : '', dataset: { deviceId: d.id } },
          el('td', null, el('strong', { text: d.label || d.id }), el('br'), el('span', { className: 'muted', text: d.id })),
          el('td', { text: d.wearerName ?? 'no wearer' }),
          el('td', null, el('span', { className: d.connected ? 'state state-online' : 'state state-offline', text: d.connected ? 'Online' : 'Offline' })),
          el('td', null, d.lastSeenAt ? sinceText(d.lastSeenAt, now) : 'never', d.lastSeenAt ? el('span', { className: 'muted small', text: ` (${whenText(d.lastSeenAt, now)})` }) : null),
          el('td', { className: batteryClass(d), text: batteryText(d) }),
          el('td', { className: 'position' }, d.position ? positionText(d.position) : 'no position', d.position ? el('span', { className: 'muted small', text: ` at ${clockText(d.position.ts)}` }) : null),
          el('td', { text: stateText(d, now, alarming.has(d.id)) }),
        );
      }),
    );
    summary.textContent = `${shown.length} of ${devices.length} devices · ${devices.filter((d) => d.connected).length} online`;
    const withDevice = new Set(devices.map((d) => d.wearerId));
    const without = wearers.filter((w) => !withDevice.has(w.id));
    loose.replaceChildren(...(without.length ? [el('h3', { text: 'Wearers without a device' }), el('p', { text: without.map((w) => w.name).join(', ') })] : []));
    map?.setMarkers(
      shown
        .filter((d) => d.position)
        .map((d) => ({ key: d.id, ...d.position!, label: d.wearerName ?? (d.label || d.id), tone: alarming.has(d.id) ? 'alarm' : d.connected ? 'online' : 'offline' })),
    );
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
      for (const id of followed) deps.unfollow(id);
      followed.clear();
    },
    moved({ deviceId, position }) {
      const device = devices.find((d) => d.id === deviceId);
      if (!device || !visible) return;
      if (device.position && device.position.ts >= position.ts) return;
      device.position = position;
      draw();
    },
  };
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

const batteryClass = (d: DeviceView) => (d.health.batt !== null && d.health.batt <= 20 && !d.health.charging ? 'battery-low' : '');
