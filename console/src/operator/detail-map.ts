// The map on an alarm's detail: where the wearer is now (with the fix's accuracy), the trail from
// an hour before the alarm, the wearer's zones; it follows live fixes, keeping the newest, and
// writes the current position out in words beside the map, tiles or no tiles.
import type { AlarmDetailView, DeviceMoved, GeofenceView } from '../../../api/live/console-contract.js';
import { callApi } from '../shared/api-client.js';
import { el } from '../shared/element.js';
import { clockText, positionText, type LatLon } from '../shared/format.js';
import { createMapView, type MapTiles } from '../shared/map-view.js';
import { placeWords, zonePlace, type NamedPlace } from '../../../api/rules/place-words.js';
import { addressFor } from '../shared/address-lookup.js';

type Fix = LatLon & { ts: number | null };

export interface DetailMap {
  readonly element: HTMLElement;
  update(detail: AlarmDetailView): void;
  moved(position: DeviceMoved['position']): void;
  destroy(): void;
}

export function createDetailMap(tiles: MapTiles, detail: AlarmDetailView): DetailMap {
  const view = createMapView(tiles, { label: 'Map of the wearer’s position, trail and zones' });
  const readout = el('p', { className: 'map-readout', attrs: { 'aria-live': 'polite' } });
  const zonesText = el('p', { className: 'map-readout' });
  const addressText = el('p', { className: 'map-readout map-address', attrs: { hidden: true } });
  const element = el(
    'section',
    { className: 'detail-map', attrs: { 'aria-label': 'Map' } },
    el('h3', { text: 'Map' }),
    view.element,
    readout,
    addressText,
    zonesText,
  );
  let trail: Fix[] = [];
  let current: Fix | null = null;
  let fitted = false;
  let destroyed = false;

  // Where, in words: from the wearer's home and named zones (api/rules/place-words.ts), offline.
  const home: NamedPlace[] =
    detail.wearer?.homeLat != null && detail.wearer.homeLon != null
      ? [{ name: 'Home', lat: detail.wearer.homeLat, lon: detail.wearer.homeLon }]
      : [];
  let places: NamedPlace[] = home;

  function draw(): void {
    view.setTrail(trail);
    view.setPosition(current, 'Now');
    const words = current ? placeWords(current, places) : null;
    readout.textContent = current
      ? `Now: ${words ? `${words} · ` : ''}${positionText(current)}${current.ts ? ` at ${clockText(current.ts)}` : ''} · trail: ${trail.length} ${trail.length === 1 ? 'fix' : 'fixes'}${trail.length ? ` since ${clockText(trail[0].ts!)}` : ''}`
      : 'No position known for this alarm.';
    showAddress();
  }

  /** The address from the ARC's reverse geocoder, when it has one (off by default). */
  function showAddress(): void {
    const position = current;
    const lookup = position ? addressFor(position.lat, position.lon) : null;
    if (!lookup) return;
    void lookup.then((address) => {
      if (destroyed || current !== position) return;
      addressText.hidden = !address;
      addressText.textContent = address ? `Address: ${address}` : '';
    });
  }

  function fitOnce(): void {
    if (fitted || !element.isConnected) return;
    fitted = true;
    view.fit();
  }

  async function loadZones(wearerId: string): Promise<void> {
    const result = await callApi<{ geofences: GeofenceView[] }>('GET', `/api/wearers/${wearerId}/geofences`);
    if (destroyed) return;
    if (!result.ok) {
      zonesText.textContent = `Zones could not be loaded: ${result.error.message}`;
      return;
    }
    const zones = result.body.geofences;
    view.setZones(zones);
    places = [...home, ...zones.map((z) => zonePlace(z.name, z.shape))];
    draw();
    zonesText.textContent = zones.length
      ? `Zones: ${zones.map((z) => `${z.name} (${z.kind}${z.enabled ? '' : ', off'})`).join(', ')}`
      : 'No zones for this wearer.';
    fitted = false;
    fitOnce();
  }

  function update(next: AlarmDetailView): void {
    const fixes: Fix[] = next.trail.map((f) => ({ lat: f.lat, lon: f.lon, acc: f.acc, ts: Number(f.ts) }));
    // A live fix newer than the snapshot's newest stays: fixes can reach the socket first.
    if (current?.ts && current.ts > (fixes.at(-1)?.ts ?? 0)) fixes.push(current);
    trail = fixes;
    // The alarm's own position (no device time of its own) when no fix is stored.
    current = trail.at(-1) ?? (next.alarm.position ? { ...next.alarm.position, ts: null } : null);
    draw();
    requestAnimationFrame(fitOnce);
  }

  update(detail);
  if (detail.alarm.wearerId) void loadZones(detail.alarm.wearerId);
  else zonesText.textContent = 'No wearer: no zones.';

  return {
    element,
    update,
    moved(position) {
      // Fixes can arrive out of order (store and forward): only a newer one moves the wearer.
      if (current?.ts && position.ts <= current.ts) return;
      current = { lat: position.lat, lon: position.lon, acc: position.acc, ts: position.ts };
      if (!trail.some((f) => f.ts === position.ts)) trail.push(current);
      draw();
      view.keepInView(current);
    },
    destroy() {
      destroyed = true;
      view.destroy();
    },
  };
}
