// Where an alarm is, as one short line for its queue row: the place in words from the wearer's
// home and zones (worked out by the ARC, offline: "320 m NE of Home"), then the street from the
// reverse geocoder when the ARC has one; coordinates only when there are no words. The whole,
// with the coordinates and the fix's accuracy, is the cell's title. Pure.
import { positionText, type LatLon } from '../shared/format.js';

/** The first parts of a Nominatim address ("12, High Street, Southport"): enough to act on. */
export function shortAddress(address: string, parts = 3): string {
  return address
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .slice(0, parts)
    .join(', ');
}

export function queuePlace(
  alarm: { position: LatLon | null; place: string | null },
  address: string | null,
): { text: string; title: string } {
  if (!alarm.position) return { text: 'no position', title: 'No position known' };
  const coordinates = positionText(alarm.position);
  const words = [alarm.place, address ? shortAddress(address) : null].filter((w): w is string => !!w);
  return {
    text: words.length ? words.join(' · ') : coordinates,
    title: [alarm.place, address, coordinates].filter(Boolean).join(' · '),
  };
}
