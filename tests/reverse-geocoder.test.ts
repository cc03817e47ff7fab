// The optional reverse geocoder: off by default; when configured, a Nominatim-compatible URL is
// asked once per position (cached), and a failure gives no address rather than an error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createReverseGeocoder } from '../api/places/reverse-geocoder.js';
import { startHttpReceiver } from './support/local-receivers.js';
import { startTestArc, type TestArc } from './support/test-arc.js';

let t: TestArc;
let geocoder: Awaited<ReturnType<typeof startHttpReceiver>>;

beforeAll(async () => {
  geocoder = await startHttpReceiver();
  t = await startTestArc({ ARC_GEOCODER_URL: `${geocoder.url}/geo` });
});
afterAll(async () => {
  await t?.close();
  await geocoder?.close();
});

describe('reverse geocoding', () => {
  it('gives the address for a position, asking the geocoder once for nearby positions', async () => {
    const operator = await t.createUser('operator');
    const first = await t.api('GET', '/api/places/reverse?lat=53.6458&lon=-3.0101', undefined, operator.token);
    expect(first.body).toEqual({ address: '12 Lord Street, Southport, PR8 1QJ', enabled: true });
    const again = await t.api('GET', '/api/places/reverse?lat=53.64581&lon=-3.01012', undefined, operator.token);
    expect(again.body.address).toBe('12 Lord Street, Southport, PR8 1QJ');
    const asked = geocoder.seen.filter((s) => s.path.startsWith('/geo/reverse?'));
    expect(asked).toHaveLength(1);
    expect(asked[0].path).toBe('/geo/reverse?format=jsonv2&zoom=18&lat=53.645800&lon=-3.010100');
    expect(asked[0].headers['user-agent']).toMatch(/ArcAngel-ARC/);
    expect((await t.api('GET', '/api/console-config', undefined, operator.token)).body.reverseGeocoding).toBe(true);
    expect((await t.api('GET', '/api/places/reverse?lat=91&lon=0', undefined, operator.token)).body.error.code).toBe(
      'ARC_ERR_VALIDATION',
    );
  });

  it('is off without ARC_GEOCODER_URL, and a failing geocoder gives no address', async () => {
    const logger = pino({ level: 'silent' });
    const now = () => new Date('2026-01-01T00:00:00Z');
    const off = createReverseGeocoder({ url: undefined, logger, now });
    expect(off.enabled).toBe(false);
    expect(await off.address(53.6, -3)).toBeNull();
    const failing = createReverseGeocoder({
      url: `${geocoder.url}/always-503`,
      logger,
      now,
      fetch: async () => new Response('busy', { status: 503 }),
    });
    expect(await failing.address(53.6, -3)).toBeNull();
  });
});
