// Where, in words, offline: a position as distance and direction from the nearest place the
// wearer is known by (their home, their named zones), e.g. "320 m NE of Home". Pure: no map
// service, no clock; the console and the ARC both use it.

export interface LatLon {
  lat: number;
  lon: number;
}

/** A place the operator can act on: a centre, and a radius inside which the wearer is "in" it. */
export interface NamedPlace extends LatLon {
  name: string;
  radiusM?: number;
}

const EARTH_RADIUS_M = 6_371_008.8;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance (haversine), metres. */
export function distanceBetweenM(a: LatLon, b: LatLon): number {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Initial bearing from `from` to `to`, degrees clockwise from north (0..360). */
export function bearingDeg(from: LatLon, to: LatLon): number {
  const y = Math.sin(rad(to.lon - from.lon)) * Math.cos(rad(to.lat));
  const x =
    Math.cos(rad(from.lat)) * Math.sin(rad(to.lat)) -
    Math.sin(rad(from.lat)) * Math.cos(rad(to.lat)) * Math.cos(rad(to.lon - from.lon));
  return ((Math.atan2(y, x) * 180) / Math.PI + 360) % 360;
}

const COMPASS = ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'] as const;
export const compassPoint = (deg: number) => COMPASS[Math.round((((deg % 360) + 360) % 360) / 45) % 8];

/** 18 → "20 m", 320 → "320 m", 1234 → "1.2 km", 23_456 → "23 km": as precise as a fix is. */
export function distanceText(m: number): string {
  if (m < 995) return `${Math.max(10, Math.round(m / 10) * 10)} m`;
  if (m < 10_000) return `${(Math.round(m / 100) / 10).toFixed(1)} km`;
  return `${Math.round(m / 1000)} km`;
}

/** Closer than this to a place without a radius is "at" it. */
const AT_M = 25;

/**
 * The position in words from the nearest place: "in Home" (inside its radius), "at Home" (within
 * 25 m of its centre), else "320 m NE of Home". Null when no places are known.
 */
export function placeWords(position: LatLon, places: readonly NamedPlace[]): string | null {
  let best: { place: NamedPlace; m: number; edgeM: number } | null = null;
  for (const place of places) {
    const m = distanceBetweenM(place, position);
    // Nearest by distance to the place's edge: a wide zone counts as near when it is.
    const edgeM = Math.max(0, m - (place.radiusM ?? 0));
    if (!best || edgeM < best.edgeM) best = { place, m, edgeM };
  }
  if (!best) return null;
  if (best.place.radiusM !== undefined && best.m <= best.place.radiusM) return `in ${best.place.name}`;
  if (best.m < AT_M) return `at ${best.place.name}`;
  return `${distanceText(best.m)} ${compassPoint(bearingDeg(best.place, position))} of ${best.place.name}`;
}

/** A zone's shape as a place: a circle is itself; a polygon is its corners' centre. */
export function zonePlace(
  name: string,
  shape:
    { type: 'circle'; lat: number; lon: number; radiusM: number } | { type: 'polygon'; points: [number, number][] },
): NamedPlace {
  if (shape.type === 'circle') return { name, lat: shape.lat, lon: shape.lon, radiusM: shape.radiusM };
  const n = shape.points.length;
  return {
    name,
    lat: shape.points.reduce((s, p) => s + p[0], 0) / n,
    lon: shape.points.reduce((s, p) => s + p[1], 0) / n,
  };
}
