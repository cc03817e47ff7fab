import { describe, expect, it } from 'vitest';
import { queuePlace, shortAddress } from './queue-place.js';

const position = { lat: 53.6458, lon: -3.0101, acc: 8 };
const address = '12, High Street, Southport, Sefton, England, PR8 1AA, United Kingdom';

describe('queuePlace: where, in one short line', () => {
  it.each([
    ['no position', { position: null, place: null }, null, 'no position'],
    ['coordinates when nothing in words is known', { position, place: null }, null, '53.64580, -3.01010 ±8 m'],
    ['the place in words, not coordinates', { position, place: '320 m NE of Home' }, null, '320 m NE of Home'],
    [
      'the start of the address after the words',
      { position, place: 'in Garden' },
      address,
      'in Garden · 12, High Street, Southport',
    ],
    ['the address alone when no places are known', { position, place: null }, address, '12, High Street, Southport'],
  ] as const)('%s', (_why, alarm, found, text) => {
    expect(queuePlace(alarm, found).text).toBe(text);
  });

  it('keeps everything in the title: words, the whole address and the coordinates', () => {
    expect(queuePlace({ position, place: '320 m NE of Home' }, address).title).toBe(
      `320 m NE of Home · ${address} · 53.64580, -3.01010 ±8 m`,
    );
  });

  it('shortens an address to its first parts, skipping empty ones', () => {
    expect(shortAddress(' 12 , , High Street, Southport, Sefton')).toBe('12, High Street, Southport');
    expect(shortAddress('Southport')).toBe('Southport');
  });
});
