// A wearer's home: the point the console's place words count from ("320 m NE of Home", in the
// queue and on the alarm's map). Typed as latitude and longitude, or picked with a click on a
// small map; checked here (both or neither, in range) and again by the ARC.
import type { WearerView } from '../../../api/live/console-contract.js';
import { el } from '../shared/element.js';
import { actionForm, button, input } from '../shared/form.js';
import { coordinatesText } from '../shared/format.js';
import { createMapView, type MapTiles, type MapView } from '../shared/map-view.js';
import { panel, statusLine } from './admin-section.js';
import { parseHomePoint } from './home-point.js';

export interface HomePanel {
  readonly element: HTMLElement;
  /** Draws the map: call once the panel is on the page. */
  show(): void;
  destroy(): void;
}

const coordinateInput = () => input({ inputmode: 'decimal', autocomplete: 'off', spellcheck: 'false' });

export function homePanel(wearer: WearerView, tiles: MapTiles): HomePanel {
  const status = statusLine();
  const lat = coordinateInput();
  const lon = coordinateInput();
  const mapSlot = el('div', { className: 'home-map' });
  let map: MapView | null = null;
  let home = wearer.homeLat !== null && wearer.homeLon !== null ? { lat: wearer.homeLat, lon: wearer.homeLon } : null;

  const fill = () => {
    lat.value = home ? String(home.lat) : '';
    lon.value = home ? String(home.lon) : '';
  };
  /** The point as typed so far, on the map (nothing while the fields do not make one). */
  const drawTyped = () => {
    const parsed = parseHomePoint(lat.value, lon.value);
    map?.setPosition(
      parsed.ok && parsed.home.homeLat !== null ? { lat: parsed.home.homeLat, lon: parsed.home.homeLon } : null,
      'Home',
    );
  };

  const form = actionForm({
    title: '',
    className: 'admin-form',
    fields: [
      ['homeLat', 'Latitude (e.g. 53.6458)', lat],
      ['homeLon', 'Longitude (e.g. -3.0101)', lon],
    ],
    extra: [
      el('p', { className: 'muted small', text: 'Click the map to put home there. Leave both empty for no home.' }),
    ],
    buttons: [button('Save home', 'save'), button('Remove home', 'remove')],
    async onSubmit(f, submitter) {
      status.textContent = '';
      f.clearErrors();
      if (submitter?.value === 'remove') lat.value = lon.value = '';
      const parsed = parseHomePoint(lat.value, lon.value);
      if (!parsed.ok) {
        f.showFieldError(parsed.field, parsed.message);
        return;
      }
      const answer = await f.send<{ wearer: WearerView }>('PATCH', `/api/wearers/${wearer.id}`, parsed.home);
      if (!answer) return;
      const w = answer.wearer;
      home = w.homeLat !== null && w.homeLon !== null ? { lat: w.homeLat, lon: w.homeLon } : null;
      fill();
      drawTyped();
      status.textContent = home ? `Home saved: ${coordinatesText(home)}.` : 'Home removed.';
    },
  });
  for (const control of [lat, lon]) control.addEventListener('input', drawTyped);
  fill();

  return {
    element: panel('Home', mapSlot, form.element, status),
    show() {
      map = createMapView(tiles, { label: 'Map of the wearer’s home; click to put home there' });
      mapSlot.replaceChildren(map.element);
      map.onClick((place) => {
        lat.value = place.lat.toFixed(6);
        lon.value = place.lon.toFixed(6);
        drawTyped();
      });
      drawTyped();
      map.fit();
    },
    destroy() {
      map?.destroy();
      map = null;
    },
  };
}
