// A person walking around a town, as a pure value: stepWalk(walker, dtS) returns the walker dtS
// seconds later and fixOf turns it into the fix its GNSS would report. The PRNG state travels
// inside the walker, so the same walker and dtS always give the same result (replayable --seed
// runs, and unit tests without mocks).
import type { Fix } from '../protocol/device-payloads.js';
import { nextRandom } from './mulberry32.js';

export interface LatLon {
  lat: number;
  lon: number;
}

/** Lord Street, Southport, UK: flat, walkable, and nobody's real address. */
export const SOUTHPORT: LatLon = { lat: 53.6458, lon: -3.0101 };

export interface Walker {
  centre: LatLon;
  /** The walker keeps within this distance of the centre. */
  radiusM: number;
  lat: number;
  lon: number;
  headingDeg: number;
  /** 0 while paused (a crossing, a shop window). */
  speedMps: number;
  /** Fractional, so slow drain accumulates; fixes report it rounded. */
  battPct: number;
  /** Horizontal accuracy the receiver reports now, 5..25 m. */
  accM: number;
  /** Where the receiver thinks it is, relative to the true position, within accM. */
  errorNorthM: number;
  errorEastM: number;
  /** mulberry32 state for the next draw. */
  random: number;
}

export interface WalkOptions {
  centre?: LatLon;
  radiusM?: number;
  /** How far from the centre the walk may begin. */
  startWithinM?: number;
}

const METRES_PER_DEGREE_LAT = 111_320;
/** Long steps are walked as several short ones so the heading wanders and the radius holds. */
const MAX_SUBSTEP_S = 10;
const MIN_WALKING_MPS = 0.9; // ~3 km/h, a stroll
const MAX_WALKING_MPS = 1.7; // ~6 km/h, brisk
const MIN_ACC_M = 5;
const MAX_ACC_M = 25;
/** About 1 % every 6 minutes: a pendant with GNSS on lasts a long working day. */
const BATTERY_DRAIN_PCT_PER_S = 1 / 360;
/** Beyond this share of the radius the walker starts drifting back towards the centre. */
const TURN_HOME_FROM = 0.6;

export function startWalk(seed: number, options: WalkOptions = {}): Walker {
  const centre = options.centre ?? SOUTHPORT;
  const radiusM = options.radiusM ?? 2000;
  const startWithinM = Math.min(options.startWithinM ?? 500, radiusM);
  const draw = drawsFrom(seed | 0);
  // sqrt spreads start points evenly over the disc rather than bunching them at the centre.
  const distanceM = startWithinM * Math.sqrt(draw());
  const bearing = 2 * Math.PI * draw();
  const start = offset(centre, distanceM * Math.cos(bearing), distanceM * Math.sin(bearing));
  const walker: Walker = {
    centre,
    radiusM,
    lat: start.lat,
    lon: start.lon,
    headingDeg: 360 * draw(),
    speedMps: between(MIN_WALKING_MPS, MAX_WALKING_MPS, draw()),
    battPct: between(60, 100, draw()),
    accM: between(MIN_ACC_M, MAX_ACC_M, draw()),
    errorNorthM: 0,
    errorEastM: 0,
    random: 0,
  };
  walker.random = draw.state();
  return walker;
}

/** The walker dtS seconds later. With `still` it stays put (after a fall) but time still passes. */
export function stepWalk(walker: Walker, dtS: number, options: { still?: boolean } = {}): Walker {
  const draw = drawsFrom(walker.random);
  let w = { ...walker };
  for (let remaining = Math.max(0, dtS); remaining > 0; remaining -= MAX_SUBSTEP_S) {
    w = substep(w, Math.min(MAX_SUBSTEP_S, remaining), Boolean(options.still), draw);
  }
  w.random = draw.state();
  return w;
}

export function distanceFromCentreM(walker: Pick<Walker, 'centre' | 'lat' | 'lon'>): number {
  const { north, east } = metresBetween(walker.centre, walker);
  return Math.hypot(north, east);
}

/** The fix the device's GNSS would report at `ts`. */
export function fixOf(walker: Walker, ts: number): Fix {
  const reported = offset(walker, walker.errorNorthM, walker.errorEastM);
  return {
    ts,
    lat: round(reported.lat, 6), // 6 decimals is ~0.1 m, finer than any receiver
    lon: round(reported.lon, 6),
    acc: Math.round(walker.accM),
    speed: round(walker.speedMps, 1),
    heading: Math.round(walker.headingDeg) % 360,
    batt: Math.round(walker.battPct),
    src: 'gnss',
  };
}

function substep(w: Walker, dtS: number, still: boolean, draw: () => number): Walker {
  const next = { ...w };
  next.battPct = Math.max(0, w.battPct - BATTERY_DRAIN_PCT_PER_S * dtS);
  next.accM = clamp(w.accM + (draw() - 0.5) * 6, MIN_ACC_M, MAX_ACC_M);
  // Independent halves of ±acc/2 keep the reported point inside the stated accuracy circle.
  next.errorNorthM = (draw() - 0.5) * next.accM;
  next.errorEastM = (draw() - 0.5) * next.accM;
  const chance = draw();
  const turn = draw();
  const pace = draw();
  if (still) {
    next.speedMps = 0;
    return next;
  }

  // Paused walkers set off again within a minute or so; walking ones pause now and then.
  if (w.speedMps === 0) {
    if (chance < 0.2) next.speedMps = between(MIN_WALKING_MPS, MAX_WALKING_MPS, pace);
    return next;
  }
  if (chance < 0.02) {
    next.speedMps = 0;
    return next;
  }
  next.speedMps = clamp(w.speedMps + (pace - 0.5) * 0.2, MIN_WALKING_MPS, MAX_WALKING_MPS);

  // Streets bend: a few degrees either way each step, more over longer steps.
  let heading = w.headingDeg + (turn - 0.5) * 2 * 6 * Math.sqrt(dtS);
  const fromCentre = metresBetween(w.centre, w);
  const distanceM = Math.hypot(fromCentre.north, fromCentre.east);
  const homeward = normaliseDeg((Math.atan2(-fromCentre.east, -fromCentre.north) * 180) / Math.PI);
  const pull = clamp((distanceM / w.radiusM - TURN_HOME_FROM) / (1 - TURN_HOME_FROM), 0, 1);
  heading = normaliseDeg(heading + pull * signedTurn(heading, homeward));

  const stepM = next.speedMps * dtS;
  let moved = offset(w, stepM * Math.cos(toRad(heading)), stepM * Math.sin(toRad(heading)));
  if (distanceFromCentreM({ centre: w.centre, ...moved }) > w.radiusM) {
    // At the edge of town: turn round rather than leave it.
    heading = homeward;
    moved = offset(w, stepM * Math.cos(toRad(heading)), stepM * Math.sin(toRad(heading)));
  }
  next.headingDeg = heading;
  next.lat = moved.lat;
  next.lon = moved.lon;
  return next;
}

/** A draw function over a mulberry32 state, with the state readable afterwards. */
function drawsFrom(initial: number): (() => number) & { state: () => number } {
  let state = initial;
  const draw = () => {
    const d = nextRandom(state);
    state = d.state;
    return d.value;
  };
  return Object.assign(draw, { state: () => state });
}

// Equirectangular approximation: well under a metre of error across a 2 km town.
function offset(from: LatLon, northM: number, eastM: number): LatLon {
  return {
    lat: from.lat + northM / METRES_PER_DEGREE_LAT,
    lon: from.lon + eastM / (METRES_PER_DEGREE_LAT * Math.cos(toRad(from.lat))),
  };
}

function metresBetween(from: LatLon, to: LatLon): { north: number; east: number } {
  return {
    north: (to.lat - from.lat) * METRES_PER_DEGREE_LAT,
    east: (to.lon - from.lon) * METRES_PER_DEGREE_LAT * Math.cos(toRad(from.lat)),
  };
}

/** The shortest turn, in degrees (-180..180], from one heading to another. */
function signedTurn(fromDeg: number, toDeg: number): number {
  const d = normaliseDeg(toDeg - fromDeg);
  return d > 180 ? d - 360 : d;
}

const toRad = (deg: number) => (deg * Math.PI) / 180;
const normaliseDeg = (deg: number) => ((deg % 360) + 360) % 360;
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const between = (lo: number, hi: number, unit: number) => lo + (hi - lo) * unit;
const round = (v: number, decimals: number) => Math.round(v * 10 ** decimals) / 10 ** decimals;
