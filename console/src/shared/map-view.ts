// A Leaflet map that still works with no tiles at all. Tiles come from the ARC's configured URL;
// when there is none, or the first tiles fail to load (no internet), the map says so and goes on
// drawing positions, trails and zones on a plain background, each labelled with its coordinates,
// with the pointer's coordinates in a corner. Every label is a DOM node filled with textContent:
// Leaflet would put a string in as markup.
import * as L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import './map-view.css';
import { el } from './element.js';
import { coordinatesText, positionText, type LatLon } from './format.js';

export interface MapTiles {
  /** An {z}/{x}/{y} template; null = no tiles (offline). */
  url: string | null;
  attribution: string;
}

export interface MapZone {
  name: string;
  kind: 'safe' | 'exclusion';
  enabled?: boolean;
  shape:
    { type: 'circle'; lat: number; lon: number; radiusM: number } | { type: 'polygon'; points: [number, number][] };
}

export interface MapMarker extends LatLon {
  key: string;
  label: string;
  tone: 'alarm' | 'online' | 'offline';
}

export interface MapView {
  /** The wrapper to put on the page: the map and a line saying how it is drawn. */
  readonly element: HTMLElement;
  readonly offline: boolean;
  /** The main position: a dot, its accuracy circle and a label with its coordinates. */
  setPosition(position: LatLon | null, label?: string): void;
  /** A trail, oldest first. */
  setTrail(points: LatLon[]): void;
  /** One newer point at the end of the trail (a live fix), without drawing the rest again. */
  extendTrail(point: LatLon): void;
  setZones(zones: MapZone[]): void;
  /** Many labelled positions (the devices map). */
  setMarkers(markers: MapMarker[]): void;
  /** Shows everything drawn; call after the element is on the page and visible. */
  fit(): void;
  /** Pans so the position is in view, if it is not. */
  keepInView(position: LatLon): void;
  /** Calls back with each clicked place (drawing zones); null stops it. */
  onClick(handler: ((place: LatLon) => void) | null): void;
  destroy(): void;
}

const COLOURS = {
  position: '#0047ff',
  trail: '#0047ff',
  safe: '#0b6b1f',
  exclusion: '#a10000',
  alarm: '#a10000',
  online: '#0b6b1f',
  offline: '#555',
};
/** Great Britain, when there is nothing to show. */
const NOTHING_VIEW = { centre: [54.5, -3] as L.LatLngTuple, zoom: 5 };
const SINGLE_POINT_ZOOM = 16;
const LABEL_ROOM_PX = 120;

const latLng = (p: LatLon): L.LatLngTuple => [p.lat, p.lon];
const label = (text: string) => el('span', { text });
const MAX_PERMANENT_LABELS = 12;
/** Past this many markers, those close together on the screen are drawn as one numbered dot. */
const CLUSTER_FROM = 300;
const CLUSTER_CELL_PX = 48;
const TONE_RANK = { alarm: 2, online: 1, offline: 0 } as const;
const CANVAS_TRAIL_FROM = 300;

export function createMapView(tiles: MapTiles, options: { label: string }): MapView {
  const canvas = el('div', { className: 'map', attrs: { role: 'region', 'aria-label': options.label } });
  const note = el('p', { className: 'map-note' });
  const element = el('div', { className: 'map-frame' }, canvas, note);
  const map = L.map(canvas, { zoomControl: true, attributionControl: true, preferCanvas: false }).setView(
    NOTHING_VIEW.centre,
    NOTHING_VIEW.zoom,
  );
  map.attributionControl.setPrefix('Leaflet');
  L.control.scale({ imperial: false }).addTo(map);

  let offline = true;
  const goOffline = (why: string) => {
    offline = true;
    element.classList.add('map-offline');
    note.textContent = `${why}: positions, trail and zones on a plain background.`;
  };
  if (tiles.url) {
    offline = false;
    note.textContent = 'Map tiles loading…';
    let loadedAny = false;
    const layer = L.tileLayer(tiles.url, { attribution: tiles.attribution, maxZoom: 19 }).addTo(map);
    layer.on('tileload', () => {
      if (loadedAny) return;
      loadedAny = true;
      note.textContent = '';
    });
    layer.on('tileerror', () => {
      // A tile missing here and there is not offline; none ever loading is.
      if (loadedAny || offline) return;
      map.removeLayer(layer);
      goOffline('Map tiles cannot be loaded (offline?)');
    });
  } else {
    goOffline('No map tiles configured');
  }

  // The pointer's coordinates: without tiles, the only way to read a place off the map.
  const pointer = el('div', { className: 'map-pointer', attrs: { 'aria-hidden': 'true' } });
  const PointerControl = L.Control.extend({ onAdd: () => pointer });
  new PointerControl({ position: 'bottomleft' }).addTo(map);
  map.on(
    'mousemove',
    (e: L.LeafletMouseEvent) => (pointer.textContent = coordinatesText({ lat: e.latlng.lat, lon: e.latlng.lng })),
  );
  map.on('mouseout', () => (pointer.textContent = ''));

  const zoneLayer = L.featureGroup().addTo(map);
  const trailLayer = L.featureGroup().addTo(map);
  const markerLayer = L.featureGroup().addTo(map);
  const positionLayer = L.featureGroup().addTo(map);

  const trailCanvas = L.canvas({ padding: 0.2 });
  let trailLine: L.Polyline | null = null;
  let trailCount = 0;
  /** A day of fixes is thousands of dots: past a few hundred they go on one canvas, not one SVG node each. */
  function trailDot(point: LatLon, of: number): void {
    trailCount++;
    L.circleMarker(latLng(point), {
      radius: 3,
      color: COLOURS.trail,
      weight: 1,
      fillOpacity: 0.6,
      renderer: of > CANVAS_TRAIL_FROM ? trailCanvas : undefined,
    })
      .bindTooltip(label(positionText(point)))
      .addTo(trailLayer);
  }
  let shownMarkers: MapMarker[] = [];
  function marker(m: MapMarker, permanent: boolean): void {
    if (m.acc)
      L.circle(latLng(m), {
        radius: m.acc,
        color: COLOURS[m.tone],
        weight: 1,
        fillOpacity: 0.1,
        interactive: false,
      }).addTo(markerLayer);
    // A short label on the map; the coordinates on a click (and in the caller's list).
    L.circleMarker(latLng(m), { radius: 7, color: '#fff', weight: 2, fillColor: COLOURS[m.tone], fillOpacity: 1 })
      .bindTooltip(label(m.label), {
        permanent,
        interactive: true,
        direction: 'right',
        offset: [8, 0],
        className: 'map-label',
      })
      .bindPopup(label(`${m.label}: ${positionText(m)}`))
      .addTo(markerLayer);
  }
  /**
   * Many labels pile up unreadably: past a dozen, a marker's label shows on hover and focus. Past
   * a few hundred (10,000 devices), markers within a cell of the screen are one dot with their
   * number, coloured by the most urgent among them (an alarm shows red at any zoom); a click
   * zooms in. Worked out again at each zoom.
   */
  function drawMarkers(): void {
    markerLayer.clearLayers();
    const markers = shownMarkers;
    if (markers.length <= CLUSTER_FROM) {
      const permanent = markers.length <= MAX_PERMANENT_LABELS;
      for (const m of markers) marker(m, permanent);
      return;
    }
    const zoom = map.getZoom();
    const cells = new Map<string, { members: MapMarker[]; lat: number; lon: number; tone: MapMarker['tone'] }>();
    for (const m of markers) {
      const p = map.project([m.lat, m.lon], zoom);
      const key = `${Math.floor(p.x / CLUSTER_CELL_PX)},${Math.floor(p.y / CLUSTER_CELL_PX)}`;
      const cell = cells.get(key);
      if (!cell) cells.set(key, { members: [m], lat: m.lat, lon: m.lon, tone: m.tone });
      else {
        cell.members.push(m);
        cell.lat += m.lat;
        cell.lon += m.lon;
        if (TONE_RANK[m.tone] > TONE_RANK[cell.tone]) cell.tone = m.tone;
      }
    }
    for (const cell of cells.values()) {
      const n = cell.members.length;
      if (n === 1) {
        marker(cell.members[0], false);
        continue;
      }
      const centre: L.LatLngTuple = [cell.lat / n, cell.lon / n];
      const alarms = cell.members.filter((m) => m.tone === 'alarm').length;
      const online = cell.members.filter((m) => m.tone === 'online').length;
      L.circleMarker(centre, {
        radius: Math.min(22, 9 + Math.log2(n) * 2),
        color: '#fff',
        weight: 2,
        fillColor: COLOURS[cell.tone],
        fillOpacity: 0.9,
        className: 'map-cluster',
      })
        .bindTooltip(label(String(n)), { permanent: true, direction: 'center', className: 'map-cluster-label' })
        .bindPopup(
          label(
            `${n} devices here${alarms ? `, ${alarms} with an open alarm` : ''}, ${online} online: zoom in to see each`,
          ),
        )
        .on('click', () => map.setView(centre, Math.min(zoom + 2, 19)))
        .addTo(markerLayer);
    }
  }
  map.on('zoomend', () => shownMarkers.length > CLUSTER_FROM && drawMarkers());

  return {
    element,
    get offline() {
      return offline;
    },
    setPosition(position, text) {
      positionLayer.clearLayers();
      if (!position) return;
      if (position.acc) {
        L.circle(latLng(position), {
          radius: position.acc,
          color: COLOURS.position,
          weight: 1,
          fillOpacity: 0.12,
          interactive: false,
        }).addTo(positionLayer);
      }
      L.circleMarker(latLng(position), {
        radius: 8,
        color: '#fff',
        weight: 3,
        fillColor: COLOURS.position,
        fillOpacity: 1,
      })
        .bindTooltip(label(`${text ? `${text}: ` : ''}${positionText(position)}`), {
          permanent: true,
          direction: 'right',
          offset: [10, 0],
          className: 'map-label',
        })
        .addTo(positionLayer);
    },
    setTrail(points) {
      trailLayer.clearLayers();
      trailLine = null;
      trailCount = 0;
      if (points.length === 0) return;
      trailLine = L.polyline(points.map(latLng), {
        color: COLOURS.trail,
        weight: 3,
        opacity: 0.7,
        dashArray: '6 4',
      }).addTo(trailLayer);
      for (const point of points) trailDot(point, points.length);
    },
    extendTrail(point) {
      if (!trailLine) return this.setTrail([point]);
      trailLine.addLatLng(latLng(point));
      trailDot(point, trailCount + 1);
    },
    setZones(zones) {
      zoneLayer.clearLayers();
      for (const zone of zones) {
        const colour = zone.kind === 'safe' ? COLOURS.safe : COLOURS.exclusion;
        const style: L.PathOptions = {
          color: colour,
          weight: 2,
          fillOpacity: 0.08,
          dashArray: zone.enabled === false ? '2 6' : undefined,
        };
        const shape =
          zone.shape.type === 'circle'
            ? L.circle([zone.shape.lat, zone.shape.lon], { ...style, radius: zone.shape.radiusM })
            : L.polygon(zone.shape.points, style);
        const kind = zone.kind === 'safe' ? 'safe zone' : 'exclusion zone';
        // At the zone's top edge, never its centre: a zone label must not hide the position
        // ("Now") inside it. The zones are also listed in words beside the map.
        shape.bindTooltip(label(`${zone.name} (${kind}${zone.enabled === false ? ', off' : ''})`), {
          permanent: true,
          direction: 'top',
          className: 'map-label map-zone-label',
        });
        shape.addTo(zoneLayer);
        const top: [number, number] =
          zone.shape.type === 'circle'
            ? [zone.shape.lat + zone.shape.radiusM / 111_195, zone.shape.lon]
            : zone.shape.points.reduce((best, p) => (p[0] > best[0] ? p : best), zone.shape.points[0]);
        shape.openTooltip(L.latLng(top[0], top[1]));
      }
    },
    setMarkers(markers) {
      shownMarkers = markers;
      drawMarkers();
    },
    fit() {
      map.invalidateSize();
      const bounds = L.latLngBounds([]);
      for (const layer of [zoneLayer, trailLayer, markerLayer, positionLayer]) {
        if (layer.getLayers().length) bounds.extend(layer.getBounds());
      }
      if (!bounds.isValid()) map.setView(NOTHING_VIEW.centre, NOTHING_VIEW.zoom);
      else if (bounds.getNorthEast().equals(bounds.getSouthWest())) map.setView(bounds.getCenter(), SINGLE_POINT_ZOOM);
      // Labels sit to the right of their points: leave them room on that side.
      else
        map.fitBounds(bounds, {
          paddingTopLeft: [30, 30],
          paddingBottomRight: [LABEL_ROOM_PX, 30],
          maxZoom: SINGLE_POINT_ZOOM,
        });
    },
    keepInView(position) {
      if (!map.getBounds().pad(-0.1).contains(latLng(position))) map.panTo(latLng(position));
    },
    onClick(handler) {
      map.off('click');
      canvas.classList.toggle('map-drawing', handler !== null);
      if (handler) map.on('click', (e: L.LeafletMouseEvent) => handler({ lat: e.latlng.lat, lon: e.latlng.lng }));
    },
    destroy() {
      map.remove();
      element.remove();
    },
  };
}
