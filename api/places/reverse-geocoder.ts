// An address for a position, from a Nominatim-compatible reverse geocoder (ARC_GEOCODER_URL; off
// by default: an ARC may have no internet, and coordinates of people in danger are personal
// data). Answers are cached by position (about 11 m) for a day, so a wearer standing still
// costs one lookup. A geocoder that fails or is slow gives no address; the place in words
// (api/rules/place-words.ts) needs none.
import type { Logger } from 'pino';
import { z } from 'zod';

const NominatimReply = z.looseObject({ display_name: z.string().min(1).max(1000).optional() });

const CACHE_TTL_MS = 24 * 3600_000;
const CACHE_MAX = 5000;
const TIMEOUT_MS = 5000;

export interface ReverseGeocoder {
  readonly enabled: boolean;
  /** The address, or null (off, no answer, or a failure: logged). Never throws. */
  address(lat: number, lon: number): Promise<string | null>;
}

export function createReverseGeocoder(options: {
  url: string | undefined;
  logger: Logger;
  now: () => Date;
  fetch?: typeof fetch;
}): ReverseGeocoder {
  const base = options.url?.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const cache = new Map<string, { address: string | null; at: number }>();
  if (!base) return { enabled: false, address: async () => null };

  return {
    enabled: true,
    async address(lat, lon) {
      const key = `${lat.toFixed(4)},${lon.toFixed(4)}`;
      const now = options.now().getTime();
      const hit = cache.get(key);
      if (hit && now - hit.at < CACHE_TTL_MS) return hit.address;
      try {
        const url = `${base}/reverse?format=jsonv2&zoom=18&lat=${lat.toFixed(6)}&lon=${lon.toFixed(6)}`;
        const response = await doFetch(url, {
          headers: { accept: 'application/json', 'user-agent': 'ArcAngel-ARC (reverse geocoding for alarm handling)' },
          redirect: 'error',
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        if (!response.ok) throw new Error(`geocoder answered HTTP ${response.status}`);
        const parsed = NominatimReply.safeParse(await response.json());
        const address = parsed.success ? (parsed.data.display_name ?? null) : null;
        // Oldest out first: a Map keeps insertion order.
        if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
        cache.set(key, { address, at: now });
        return address;
      } catch (err) {
        options.logger.warn({ err: (err as Error).message }, 'reverse geocoding failed');
        return null;
      }
    },
  };
}
