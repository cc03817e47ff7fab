// What a geofence is: its shape, its kind and its active hours, as zod schemas and the types
// inferred from them (STYLE habit 6). Routes parse with these; rules and store trust the types.
import { z } from 'zod';
import { distanceM, openRing, polygonAreaM2, ringSelfIntersects } from './geofence-geometry.js';

/**
 * Safe zone: the wearer should stay inside, alarm on leaving (people who may wander).
 * Exclusion zone: the wearer should stay out, alarm on entering (e.g. near a perpetrator's address).
 */
export const GeofenceKind = z.enum(['safe', 'exclusion']);
export type GeofenceKind = z.infer<typeof GeofenceKind>;

const Lat = z.number().min(-90).max(90);
const Lon = z.number().min(-180).max(180);
export const LatLonPair = z.tuple([Lat, Lon]);

/** The rules measure polygon edges on a flat plane; beyond ~100 km its error passes 1 %. */
export const MAX_POLYGON_EXTENT_M = 100_000;
/** Smaller than a room: surely a slip of the mouse, and no fix is accurate enough for it. */
export const MIN_POLYGON_AREA_M2 = 100;

export const CircleShape = z.object({
  type: z.literal('circle'),
  lat: Lat,
  lon: Lon,
  radiusM: z.number().min(10, 'a circle radius is at least 10 m').max(50_000, 'a circle radius is at most 50 000 m'),
});
export type CircleShape = z.infer<typeof CircleShape>;

export const PolygonShape = z
  .object({
    type: z.literal('polygon'),
    points: z.array(LatLonPair).min(3, 'a polygon has at least 3 points').max(200, 'a polygon has at most 200 points'),
  })
  .superRefine(({ points }, ctx) => {
    const ring = openRing(points);
    const issue = (message: string) => ctx.addIssue({ code: 'custom', path: ['points'], message });
    if (ring.length < 3) return issue('a polygon has at least 3 distinct points');
    if (ring.some((p, i) => i > 0 && p[0] === ring[i - 1][0] && p[1] === ring[i - 1][1]))
      return issue('a point repeats the one before it');
    if (ring.some((p) => distanceM(ring[0], p) > MAX_POLYGON_EXTENT_M))
      return issue(`every point must lie within ${MAX_POLYGON_EXTENT_M / 1000} km of the first`);
    if (ringSelfIntersects(ring)) return issue('the polygon edges cross each other');
    if (polygonAreaM2(ring) < MIN_POLYGON_AREA_M2)
      return issue(`a polygon must enclose at least ${MIN_POLYGON_AREA_M2} m²`);
  });
export type PolygonShape = z.infer<typeof PolygonShape>;

export const GeofenceShape = z.discriminatedUnion('type', [CircleShape, PolygonShape], {
  error: 'a shape is {type:"circle", lat, lon, radiusM} or {type:"polygon", points:[[lat,lon],…]}',
});
export type GeofenceShape = z.infer<typeof GeofenceShape>;

export const ClockTime = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'a time is "HH:MM", 00:00 to 23:59');

const isTimeZone = (name: string) => {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: name });
    return true;
  } catch {
    return false;
  }
};

/**
 * When a zone raises alarms: from `from` (included) to `to` (excluded), local clock time, wrapping
 * midnight when `to` is earlier (22:00–07:00 is a night). The time zone defaults to the ARC's
 * (Europe/London). `null` active hours mean always.
 */
export const ActiveHours = z
  .object({
    from: ClockTime,
    to: ClockTime,
    timeZone: z.string().refine(isTimeZone, 'not a time zone name such as "Europe/London"').optional(),
  })
  .refine((h) => h.from !== h.to, {
    message: 'from and to must differ (for always, leave active hours out)',
    path: ['to'],
  });
export type ActiveHours = z.infer<typeof ActiveHours>;

/** A zone as the rules see it: only enabled zones are handed to them. */
export interface GeofenceZone {
  id: string;
  name: string;
  kind: GeofenceKind;
  shape: GeofenceShape;
  activeHours: ActiveHours | null;
}

/**
 * A zone as it is kept and shown (the store reads it, the console contract shows it): it lives
 * here, beside the schemas its shape and hours are checked with, not in api/domain/, because those
 * schemas need the geometry of api/rules/geofence-geometry.ts.
 */
export interface Geofence extends GeofenceZone {
  wearerId: string;
  enabled: boolean;
  createdAt: Date;
}
