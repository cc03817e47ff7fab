// The chosen person on the map: where they are now, their trail for a chosen day (by default the
// last 24 hours) and their safe zones. Without map tiles (offline) all of it is still drawn on a
// plain background, and written out in words beside the map.
import type {
  CarerPosition,
  CarerSafeZone,
  CarerTrail,
  CarerWearer,
  CarerZones,
  WearerMoved,
} from '../../../api/live/carer-contract.js';
import { arcNow, callApi } from '../shared/api-client.js';
import { byId } from '../shared/element.js';
import { clockText, positionText, whenText } from '../shared/format.js';
import { createMapView, type MapTiles, type MapView } from '../shared/map-view.js';
import { renderZones } from './zone-editor.js';
import { frameTask } from '../shared/frame-task.js';

const DAY_MS = 24 * 3600_000;

/** The span a trail covers: the last 24 hours, or one calendar day in the browser's time zone. */
export function trailSpan(day: string | null, now: number): { from: Date; to: Date } {
  const match = day?.match(/^(\d{4})-(\d{2})-(\d{2})$/);
  if (!match) return { from: new Date(now - DAY_MS), to: new Date(now) };
  const from = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  const to = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + 1);
  return { from, to };
}

export interface PersonDetail {
  readonly wearerId: string | null;
  show(wearer: CarerWearer): Promise<void>;
  /** The list was reloaded (a reconnect): redraw the person and reload trail and zones. */
  refresh(wearer: CarerWearer): Promise<void>;
  moved(moved: WearerMoved): void;
  hide(): void;
}

export function createPersonDetail(tiles: MapTiles): PersonDetail {
  const page = {
    section: byId('person'),
    heading: byId('person-heading'),
    mapSlot: byId('person-map'),
    position: byId('person-position'),
    trailForm: byId<HTMLFormElement>('trail-form'),
    day: byId<HTMLInputElement>('trail-day'),
    lastDay: byId<HTMLButtonElement>('trail-last-day'),
    summary: byId('trail-summary'),
    zones: byId('zones-body'),
  };
  let map: MapView | null = null;
  let wearer: CarerWearer | null = null;
  let points: CarerPosition[] = [];
  let zones: CarerSafeZone[] = [];
  /** Each load counts: an answer for a person or day no longer shown is dropped. */
  let generation = 0;

  /**
   * Fixes arrive one by one or a hundred at once (store and forward): each is taken at once, the
   * person and the trail (thousands of points over a day) drawn at most once a frame.
   */
  let trailChanged = false;
  /** Fixes appended in order since the trail was last drawn: added to it, not all drawn again. */
  let appended: CarerPosition[] = [];
  const drawMoved = frameTask(() => {
    drawPosition();
    if (trailChanged) drawTrail();
    else if (appended.length) {
      for (const point of appended) map?.extendTrail(point);
      writeTrailSummary();
    }
    trailChanged = false;
    appended = [];
    if (wearer?.position) map?.keepInView(wearer.position);
  });

  const today = () => new Date(arcNow()).toLocaleDateString('en-CA');
  page.day.max = today();

  function drawPosition(): void {
    if (!map || !wearer) return;
    map.setPosition(wearer.position, wearer.name);
    // In words too: without tiles, and for a screen reader, the map alone says little.
    page.position.textContent = wearer.position
      ? `${wearer.name} was at ${positionText(wearer.position)} at ${whenText(wearer.position.ts, arcNow())}.`
      : `${wearer.name}'s position is not known yet.`;
  }

  function drawTrail(): void {
    if (!map) return;
    appended = []; // all of them are in `points`
    map.setTrail(points);
    writeTrailSummary();
  }

  function writeTrailSummary(): void {
    const span = page.day.value
      ? `on ${new Date(`${page.day.value}T12:00:00`).toLocaleDateString('en-GB', { weekday: 'long', day: 'numeric', month: 'long' })}`
      : 'in the last 24 hours';
    page.summary.textContent = points.length
      ? `${points.length} position${points.length === 1 ? '' : 's'} ${span}, from ${clockText(points[0].ts)} to ${clockText(points.at(-1)!.ts)}.`
      : `No positions ${span}.`;
  }

  async function loadTrail(): Promise<void> {
    if (!wearer) return;
    const mine = ++generation;
    const { from, to } = trailSpan(page.day.value || null, arcNow());
    const query = new URLSearchParams({ from: from.toISOString(), to: to.toISOString() });
    page.summary.textContent = 'Loading the trail…';
    const result = await callApi<CarerTrail>('GET', `/api/my/wearers/${wearer.id}/trail?${query}`);
    if (mine !== generation) return;
    if (!result.ok) {
      points = [];
      page.summary.textContent = `The trail cannot be loaded: ${result.error.message}`;
      map?.setTrail([]);
      return;
    }
    points = result.body.points;
    drawTrail();
    if (result.body.truncated) page.summary.textContent += ' Only the newest positions are shown.';
  }

  async function loadZones(): Promise<void> {
    if (!wearer) return;
    const person = wearer;
    const result = await callApi<CarerZones>('GET', `/api/my/wearers/${person.id}/zones`);
    if (wearer !== person) return;
    if (!result.ok) {
      page.zones.textContent = `The safe zones cannot be loaded: ${result.error.message}`;
      return;
    }
    zones = result.body.zones;
    map?.setZones(zones.map((z) => ({ name: z.name, kind: 'safe', enabled: z.enabled, shape: z.shape })));
    renderZones(page.zones, zones, {
      wearerId: person.id,
      wearerName: person.name,
      editable: result.body.editable,
      position: () => wearer?.position ?? null,
      changed: () => void loadZones().then(() => map?.fit()),
    });
  }

  async function loadAll(): Promise<void> {
    await Promise.all([loadTrail(), loadZones()]);
    map?.fit();
  }

  page.trailForm.addEventListener('submit', (event) => event.preventDefault());
  page.day.addEventListener('change', () => void loadTrail().then(() => map?.fit()));
  page.lastDay.addEventListener('click', () => {
    page.day.value = '';
    void loadTrail().then(() => map?.fit());
  });

  return {
    get wearerId() {
      return wearer?.id ?? null;
    },
    async show(next) {
      const changed = wearer?.id !== next.id;
      wearer = next;
      page.section.hidden = false;
      page.heading.textContent = `Where ${next.name} is`;
      if (!map) {
        map = createMapView(tiles, { label: `Map of ${next.name}` });
        page.mapSlot.replaceChildren(map.element);
      } else {
        map.element.querySelector('.map')?.setAttribute('aria-label', `Map of ${next.name}`);
      }
      if (changed) {
        page.day.value = '';
        points = [];
        zones = [];
        map.setTrail([]);
        map.setZones([]);
        page.zones.replaceChildren();
      }
      drawPosition();
      await loadAll();
    },
    async refresh(next) {
      if (wearer?.id !== next.id) return;
      wearer = next;
      drawPosition();
      await loadAll();
    },
    moved(moved) {
      if (!wearer || moved.wearerId !== wearer.id) return;
      if (wearer.position && wearer.position.ts > moved.position.ts) return;
      wearer = { ...wearer, position: moved.position, lastSeenAt: moved.seenAt };
      // The last 24 hours grow with every fix; a chosen day is history.
      if (!page.day.value && !points.some((p) => p.ts === moved.position.ts)) {
        // Newest last: a fix in order is appended; one out of order (store and forward) sorted in.
        if (points.length && points.at(-1)!.ts > moved.position.ts) {
          points = [...points, moved.position].sort((a, b) => a.ts - b.ts);
          trailChanged = true;
        } else {
          points = [...points, moved.position];
          appended.push(moved.position);
        }
      }
      drawMoved.schedule();
    },
    hide() {
      drawMoved.cancel();
      generation++;
      wearer = null;
      page.section.hidden = true;
    },
  };
}
