// A wearer's zones on a map: safe zones (alarm on leaving, for people who may wander) and
// exclusion zones (alarm on entering, e.g. near a perpetrator's address). A zone is drawn by
// clicking the map (a circle's centre, or an area's corners one by one) or typed as numbers,
// which also works without map tiles and by keyboard. Hours limit when a zone is watched.
import type { DeviceView, GeofenceView } from '../../../api/live/console-contract.js';
import { callApi } from '../shared/api-client.js';
import { el } from '../shared/element.js';
import { actionForm, button, input, optional, textarea } from '../shared/form.js';
import { coordinatesText } from '../shared/format.js';
import { createMapView, type MapTiles, type MapView, type MapZone } from '../shared/map-view.js';
import { panel, statusLine } from './admin-section.js';

export interface ZonesPanel {
  readonly element: HTMLElement;
  /** Call once the panel is on the page: the map measures itself. */
  show(): void;
  destroy(): void;
}

const DEFAULT_RADIUS_M = 200;
const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

export function zoneSummary(zone: GeofenceView): string {
  const kind = zone.kind === 'safe' ? 'safe zone: alarm on leaving' : 'exclusion zone: alarm on entering';
  const shape =
    zone.shape.type === 'circle'
      ? `${Math.round(zone.shape.radiusM)} m around ${coordinatesText(zone.shape)}`
      : `an area with ${zone.shape.points.length} corners`;
  const hours = zone.activeHours ? `, watched ${zone.activeHours.from}–${zone.activeHours.to}` : ', watched always';
  return ` — ${kind}; ${shape}${hours}${zone.enabled ? '' : ' (switched off)'}`;
}

/** "lat, lon" per line → pairs, or the number of the first line that is not a pair. */
export function parsePoints(text: string): { points: [number, number][] } | { badLine: number } {
  const points: [number, number][] = [];
  const lines = text.split('\n').map((l) => l.trim());
  for (const [i, line] of lines.entries()) {
    if (line === '') continue;
    const parts = line
      .split(/[,\s]+/)
      .filter(Boolean)
      .map(Number);
    if (parts.length !== 2 || parts.some((n) => !Number.isFinite(n))) return { badLine: i + 1 };
    points.push([parts[0], parts[1]]);
  }
  return { points };
}

export function zonesPanel(wearerId: string, tiles: MapTiles): ZonesPanel {
  const status = statusLine();
  const list = el('ul', { className: 'admin-list' });
  const mapSlot = el('div', { className: 'zones-map' });
  let map: MapView | null = null;
  let zones: GeofenceView[] = [];
  let editing: GeofenceView | null = null;
  let position: DeviceView['position'] = null;

  const name = input();
  const kind = el(
    'select',
    null,
    el('option', { attrs: { value: 'safe' }, text: 'Safe zone (alarm on leaving)' }),
    el('option', { attrs: { value: 'exclusion' }, text: 'Exclusion zone (alarm on entering)' }),
  );
  const shapeType = el(
    'select',
    null,
    el('option', { attrs: { value: 'circle' }, text: 'Circle' }),
    el('option', { attrs: { value: 'polygon' }, text: 'Area (corners)' }),
  );
  const lat = input({ inputmode: 'decimal' });
  const lon = input({ inputmode: 'decimal' });
  const radius = input({ type: 'number', min: 10, max: 50000, step: 1 });
  const points = textarea(4);
  points.placeholder = 'One corner per line: 53.4084, -2.9916';
  const from = input({ type: 'time' });
  const to = input({ type: 'time' });
  const enabled = el('input', { attrs: { type: 'checkbox', checked: true } });
  const hint = el('p', { className: 'admin-note' });
  const save = button('Add zone');
  const cancel = el('button', { attrs: { type: 'button' }, text: 'Cancel change', on: { click: () => edit(null) } });
  const clearPoints = el('button', {
    attrs: { type: 'button' },
    text: 'Clear the corners',
    on: { click: () => ((points.value = ''), drawDraft()) },
  });

  const form = actionForm({
    title: 'Add a zone',
    className: 'admin-form zone-form',
    fields: [
      ['name', 'Name', name],
      ['kind', 'Kind', kind],
      ['shape.type', 'Shape', shapeType],
      ['shape.lat', 'Centre latitude', lat],
      ['shape.lon', 'Centre longitude', lon],
      ['shape.radiusM', 'Radius (m)', radius],
      ['shape.points', 'Corners', points],
      ['activeHours.from', 'Watched from (empty: always)', from],
      ['activeHours.to', 'until', to],
      ['enabled', 'Switched on', enabled],
    ],
    extra: [hint],
    buttons: [save],
    async onSubmit(f) {
      status.textContent = '';
      const shape = shapeOf(f);
      if (!shape) return;
      const body = {
        name: name.value,
        kind: kind.value,
        shape,
        activeHours: from.value || to.value ? { from: from.value, to: to.value } : null,
        enabled: enabled.checked,
      };
      const answer = editing
        ? await f.send<{ geofence: GeofenceView }>('PATCH', `/api/geofences/${editing.id}`, body)
        : await f.send<{ geofence: GeofenceView }>('POST', `/api/wearers/${wearerId}/geofences`, body);
      if (!answer) return;
      status.textContent = `${answer.geofence.name} ${editing ? 'changed' : 'added'}.`;
      edit(null);
      await load(true);
    },
  });
  form.element.querySelector('.buttons')!.append(cancel, clearPoints);
  const title = form.element.querySelector('h4')!;
  const fieldOf = (control: HTMLElement) => control.closest<HTMLElement>('.field')!;

  function shapeOf(f: typeof form) {
    if (shapeType.value === 'circle') {
      return {
        type: 'circle',
        lat: Number(optional(lat) ?? NaN),
        lon: Number(optional(lon) ?? NaN),
        radiusM: radius.valueAsNumber,
      };
    }
    const parsed = parsePoints(points.value);
    if ('badLine' in parsed) {
      f.clearErrors();
      f.showFieldError('shape.points', `line ${parsed.badLine} is not "latitude, longitude"`);
      return null;
    }
    return { type: 'polygon', points: parsed.points };
  }

  function layout(): void {
    const circle = shapeType.value === 'circle';
    for (const c of [lat, lon, radius]) fieldOf(c).hidden = !circle;
    fieldOf(points).hidden = circle;
    clearPoints.hidden = circle;
    hint.textContent = circle
      ? 'Click the map to put the centre there, or type it.'
      : 'Click the map to add corners in order, or type them.';
    drawDraft();
  }

  function draft(): MapZone | null {
    if (shapeType.value === 'circle') {
      const [la, lo, r] = [Number(lat.value), Number(lon.value), radius.valueAsNumber];
      if (!lat.value || !lon.value || !Number.isFinite(la) || !Number.isFinite(lo) || !(r > 0)) return null;
      return {
        name: `${name.value || 'New zone'} (being drawn)`,
        kind: kind.value as MapZone['kind'],
        shape: { type: 'circle', lat: la, lon: lo, radiusM: r },
      };
    }
    const parsed = parsePoints(points.value);
    if ('badLine' in parsed || parsed.points.length === 0) return null;
    return {
      name: `${name.value || 'New zone'} (being drawn)`,
      kind: kind.value as MapZone['kind'],
      shape: { type: 'polygon', points: parsed.points },
    };
  }

  function drawDraft(): void {
    const shown: MapZone[] = zones.filter((z) => z.id !== editing?.id);
    const drawing = draft();
    map?.setZones(drawing ? [...shown, drawing] : shown);
  }

  function onMapClick(place: { lat: number; lon: number }): void {
    if (shapeType.value === 'circle') {
      lat.value = String(round6(place.lat));
      lon.value = String(round6(place.lon));
      if (!radius.value) radius.value = String(DEFAULT_RADIUS_M);
    } else {
      points.value = `${points.value.trim()}${points.value.trim() ? '\n' : ''}${round6(place.lat)}, ${round6(place.lon)}`;
    }
    drawDraft();
  }

  function edit(zone: GeofenceView | null): void {
    editing = zone;
    form.clearErrors();
    name.value = zone?.name ?? '';
    kind.value = zone?.kind ?? 'safe';
    shapeType.value = zone?.shape.type ?? 'circle';
    const circle = zone?.shape.type === 'circle' ? zone.shape : null;
    lat.value = circle ? String(circle.lat) : '';
    lon.value = circle ? String(circle.lon) : '';
    radius.value = circle ? String(circle.radiusM) : '';
    points.value = zone?.shape.type === 'polygon' ? zone.shape.points.map(([a, b]) => `${a}, ${b}`).join('\n') : '';
    from.value = zone?.activeHours?.from ?? '';
    to.value = zone?.activeHours?.to ?? '';
    enabled.checked = zone?.enabled ?? true;
    title.textContent = zone ? `Change ${zone.name}` : 'Add a zone';
    save.textContent = zone ? 'Save zone' : 'Add zone';
    cancel.hidden = !zone;
    layout();
    if (zone) name.focus();
  }

  async function remove(zone: GeofenceView): Promise<void> {
    const answer = await callApi('DELETE', `/api/geofences/${zone.id}`);
    status.textContent = answer.ok ? `${zone.name} removed.` : answer.error.message;
    if (editing?.id === zone.id) edit(null);
    await load();
  }

  /** `refit`: show every zone again (after one was added or changed). */
  async function load(refit = false): Promise<void> {
    const answer = await callApi<{ geofences: GeofenceView[] }>('GET', `/api/wearers/${wearerId}/geofences`);
    if (!answer.ok) {
      status.textContent = `The zones could not be loaded: ${answer.error.message}`;
      return;
    }
    zones = answer.body.geofences;
    list.replaceChildren(
      ...zones.map((z) =>
        el(
          'li',
          { dataset: { zoneId: z.id } },
          el('strong', { text: z.name }),
          zoneSummary(z),
          el(
            'span',
            { className: 'row-buttons' },
            el('button', { attrs: { type: 'button' }, text: `Change ${z.name}`, on: { click: () => edit(z) } }),
            el('button', { attrs: { type: 'button' }, text: `Remove ${z.name}`, on: { click: () => void remove(z) } }),
          ),
        ),
      ),
    );
    if (zones.length === 0) list.append(el('li', { className: 'muted', text: 'No zones yet.' }));
    drawDraft();
    if (refit) map?.fit();
  }

  for (const control of [name, lat, lon, radius, points]) control.addEventListener('input', drawDraft);
  kind.addEventListener('change', drawDraft);
  shapeType.addEventListener('change', layout);
  edit(null);

  const element = panel(
    'Zones',
    el('div', { className: 'zones-layout' }, mapSlot, el('div', null, list, status, form.element)),
  );
  element.classList.add('wide');
  return {
    element,
    show() {
      map = createMapView(tiles, { label: 'Map of the wearer’s zones; click to draw' });
      mapSlot.replaceChildren(map.element);
      map.onClick(onMapClick);
      void Promise.all([load(), callApi<{ devices: DeviceView[] }>('GET', `/api/devices?wearerId=${wearerId}`)]).then(
        ([, devices]) => {
          position = devices.ok ? (devices.body.devices.find((d) => d.position)?.position ?? null) : null;
          map?.setPosition(position, 'Last position');
          map?.fit();
        },
      );
    },
    destroy() {
      map?.destroy();
      map = null;
    },
  };
}
