// Addresses for positions, when the ARC has a reverse geocoder (GET /api/places/reverse; the
// console config says whether). One request per position (about 11 m) per page.
import { callApi } from './api-client.js';

let enabled = false;
const known = new Map<string, Promise<string | null>>();

export function useAddressLookup(on: boolean): void {
  enabled = on;
}

export function addressFor(lat: number, lon: number): Promise<string | null> | null {
  if (!enabled) return null;
  const key = `${lat.toFixed(4)},${lon.toFixed(4)}`;
  let found = known.get(key);
  if (!found) {
    found = callApi<{ address: string | null }>('GET', `/api/places/reverse?lat=${lat}&lon=${lon}`).then((r) =>
      r.ok ? r.body.address : null,
    );
    known.set(key, found);
  }
  return found;
}
