// A wearer's home as typed in two fields: both coordinates or neither, each in range. Pure: the
// home panel checks with it before sending, and the ARC checks again (api/routes/wearer-routes.ts).

export type HomeInput =
  | { ok: true; home: { homeLat: number; homeLon: number } | { homeLat: null; homeLon: null } }
  | { ok: false; field: 'homeLat' | 'homeLon'; message: string };

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

export function parseHomePoint(latText: string, lonText: string): HomeInput {
  const lat = latText.trim().replace(',', '.');
  const lon = lonText.trim().replace(',', '.');
  if (lat === '' && lon === '') return { ok: true, home: { homeLat: null, homeLon: null } };
  if (lat === '') return { ok: false, field: 'homeLat', message: 'give both coordinates of home, or neither' };
  if (lon === '') return { ok: false, field: 'homeLon', message: 'give both coordinates of home, or neither' };
  if (!NUMBER.test(lat) || Math.abs(Number(lat)) > 90)
    return { ok: false, field: 'homeLat', message: 'a latitude is a number from -90 to 90, e.g. 53.6458' };
  if (!NUMBER.test(lon) || Math.abs(Number(lon)) > 180)
    return { ok: false, field: 'homeLon', message: 'a longitude is a number from -180 to 180, e.g. -3.0101' };
  return { ok: true, home: { homeLat: Number(lat), homeLon: Number(lon) } };
}
