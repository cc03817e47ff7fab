import { describe, expect, it } from 'vitest';
import { brokerUrlFor, parsePairing } from './pairing.js';

describe('parsePairing', () => {
  // The provisioning page's QR payload, as devices-admin.ts writes it.
  const qr = JSON.stringify({
    url: 'mqtt://arc.example.org:1883',
    clientId: 'phone-7',
    username: 'phone-7',
    password: 'c2VjcmV0',
  });

  it('takes the provisioning QR payload, pasted or scanned', () => {
    expect(parsePairing(`  ${qr}\n`)).toEqual({ ok: true, pairing: { deviceId: 'phone-7', secret: 'c2VjcmV0' } });
  });

  it.each([
    ['not json', 'phone-7 c2VjcmV0'],
    ['no username', JSON.stringify({ password: 'x' })],
    ['a bad device id', JSON.stringify({ username: 'a b', password: 'x' })],
    ['client id and username differ', JSON.stringify({ clientId: 'phone-8', username: 'phone-7', password: 'x' })],
    ['no secret', JSON.stringify({ username: 'phone-7', password: '' })],
    ['null', 'null'],
  ])('refuses %s', (_name, text) => {
    expect(parsePairing(text).ok).toBe(false);
  });
});

describe('brokerUrlFor', () => {
  it.each([
    [{ protocol: 'https:', host: 'arc.example.org' }, 'wss://arc.example.org/mqtt'],
    [{ protocol: 'http:', host: '127.0.0.1:8080' }, 'ws://127.0.0.1:8080/mqtt'],
  ])('%j → %s', (location, url) => {
    expect(brokerUrlFor(location)).toBe(url);
  });
});
