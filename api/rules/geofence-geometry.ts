// Distances on the Earth for geofences: pure arithmetic, no I/O (STYLE habit 3).
//
// Point to point uses haversine on a sphere: it is exact on the sphere at every distance (a 50 km
// circle radius included), cheap, and numerically stable for the few metres that matter at a zone
// edge. The sphere itself is off the WGS 84 ellipsoid by at most about 0.5 %, i.e. ~1 m on a 200 m
// zone, well inside the accuracy of any fix we are sent.
//
// Point to polygon edge uses a local flat (equirectangular) projection centred on the point: x east,
// y north, in metres. Near the point, which is where an edge decision is made, it is as good as
// haversine; its error grows with distance (about 1 % at 100 km at UK latitudes), which is why
// polygons are limited in extent at the route edge. Centring on the point also makes a ring that
// crosses the antimeridian work, because longitude differences are wrapped into [-180, 180).

/** A position as `[lat, lon]` in degrees (WGS 84), the order zones are stored in. */
export type LatLon = readonly [lat: number, lon: number];

/** Mean Earth radius R1 of the IUGG, in metres. */
export const EARTH_RADIUS_M = 6_371_008.8;

const RAD = Math.PI / 180;

/** Great-circle distance in metres (haversine). */
export function distanceM(a: LatLon, b: LatLon): number {
  const dLat = (b[0] - a[0]) * RAD;
  const dLon = (b[1] - a[1]) * RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[0] * RAD) * Math.cos(b[0] * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Longitude difference wrapped into [-180, 180), so 179.9 → -179.9 is 0.2 degrees, not 359.8. */
function lonDelta(from: number, to: number): number {
  const d = ((((to - from) % 360) + 540) % 360) - 180;
  return d;
}

type Xy = readonly [x: number, y: number];

/** `p` in metres east and north of `origin`, on the plane tangent at `origin`. */
export function projectFrom(origin: LatLon, p: LatLon): Xy {
  const metresPerDegree = EARTH_RADIUS_M * RAD;
  return [
    lonDelta(origin[1], p[1]) * Math.cos(origin[0] * RAD) * metresPerDegree,
    (p[0] - origin[0]) * metresPerDegree,
  ];
}

/** Distance from the plane's origin to the segment a–b. */
function originToSegment(a: Xy, b: Xy): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const lengthSquared = dx * dx + dy * dy;
  // Projection of the origin onto the segment's line, clamped to the segment.
  const t = lengthSquared === 0 ? 0 : Math.max(0, Math.min(1, -(a[0] * dx + a[1] * dy) / lengthSquared));
  return Math.hypot(a[0] + t * dx, a[1] + t * dy);
}

/** Even-odd rule: a ray from the origin eastwards crosses the ring an odd number of times. */
function originInRing(ring: readonly Xy[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > 0 !== yj > 0 && 0 < xj + ((0 - yj) * (xi - xj)) / (yi - yj)) inside = !inside;
  }
  return inside;
}

/**
 * Signed distance in metres from `point` to the edge of a circle: negative inside, positive
 * outside, zero on the edge.
 */
export function signedDistanceToCircle(point: LatLon, centre: LatLon, radiusM: number): number {
  return distanceM(point, centre) - radiusM;
}

/** Whether `point` lies inside the ring (the ring may be given open or closed). */
export function pointInPolygon(point: LatLon, ring: readonly LatLon[]): boolean {
  return originInRing(ring.map((p) => projectFrom(point, p)));
}

/**
 * Signed distance in metres from `point` to the nearest edge of the polygon: negative inside,
 * positive outside, zero on an edge.
 */
export function signedDistanceToPolygon(point: LatLon, ring: readonly LatLon[]): number {
  const plane = ring.map((p) => projectFrom(point, p));
  let nearest = Infinity;
  for (let i = 0, j = plane.length - 1; i < plane.length; j = i++)
    nearest = Math.min(nearest, originToSegment(plane[j], plane[i]));
  return originInRing(plane) ? -nearest : nearest;
}

/** The ring without a closing vertex that repeats the first (GeoJSON writes rings closed). */
export function openRing(ring: readonly LatLon[]): readonly LatLon[] {
  const first = ring[0];
  const last = ring[ring.length - 1];
  return ring.length > 1 && first[0] === last[0] && first[1] === last[1] ? ring.slice(0, -1) : ring;
}

/** Area enclosed by the ring in square metres (shoelace on the plane at its first vertex). */
export function polygonAreaM2(ring: readonly LatLon[]): number {
  const plane = ring.map((p) => projectFrom(ring[0], p));
  let twice = 0;
  for (let i = 0, j = plane.length - 1; i < plane.length; j = i++)
    twice += plane[j][0] * plane[i][1] - plane[i][0] * plane[j][1];
  return Math.abs(twice) / 2;
}

const orientation = (a: Xy, b: Xy, c: Xy) => Math.sign((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]));
const withinBox = (a: Xy, b: Xy, p: Xy) =>
  Math.min(a[0], b[0]) <= p[0] &&
  p[0] <= Math.max(a[0], b[0]) &&
  Math.min(a[1], b[1]) <= p[1] &&
  p[1] <= Math.max(a[1], b[1]);

function segmentsTouch(a: Xy, b: Xy, c: Xy, d: Xy): boolean {
  const o1 = orientation(a, b, c);
  const o2 = orientation(a, b, d);
  const o3 = orientation(c, d, a);
  const o4 = orientation(c, d, b);
  if (o1 !== o2 && o3 !== o4) return true;
  return (
    (o1 === 0 && withinBox(a, b, c)) ||
    (o2 === 0 && withinBox(a, b, d)) ||
    (o3 === 0 && withinBox(c, d, a)) ||
    (o4 === 0 && withinBox(c, d, b))
  );
}

/**
 * Whether two edges of the (open) ring cross or touch, other than neighbours at their shared
 * vertex. A "bow tie" has no sensible inside, so it is refused where zones are drawn.
 */
export function ringSelfIntersects(ring: readonly LatLon[]): boolean {
  const plane = ring.map((p) => projectFrom(ring[0], p));
  const n = plane.length;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const neighbours = j === i + 1 || (i === 0 && j === n - 1);
      if (neighbours) continue;
      if (segmentsTouch(plane[i], plane[(i + 1) % n], plane[j], plane[(j + 1) % n])) return true;
    }
  }
  return false;
}
