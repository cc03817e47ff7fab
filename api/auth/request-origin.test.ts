import { describe, expect, it } from 'vitest';
import { allowedOrigins, checkOrigin, originAllowed } from './request-origin.js';

const allowed = allowedOrigins('https://arc.example.org, https://arc2.example.org:8443', 'http://ignored');

describe('originAllowed', () => {
  it.each<[string, string | undefined, boolean]>([
    ['https://arc.example.org', 'internal:8080', true],
    ['https://arc2.example.org:8443', undefined, true],
    ['https://arc2.example.org', undefined, false],
    ['http://127.0.0.1:8080', '127.0.0.1:8080', true], // the address the request came to
    ['http://127.0.0.1:8081', '127.0.0.1:8080', false], // another port of the same host
    ['http://arc.local', 'arc.local:80', true],
    ['null', 'arc.local', false],
    ['file://', 'arc.local', false],
    ['garbage', 'arc.local', false],
  ])('%s to Host %s → %s', (origin, host, ok) => {
    expect(originAllowed(origin, host, allowed)).toBe(ok);
  });

  it('defaults to the origin of ARC_PUBLIC_URL', () => {
    expect([...allowedOrigins(undefined, 'https://arc.example.org/console/')]).toEqual(['https://arc.example.org']);
  });
});

describe('checkOrigin', () => {
  const cookie = 'arc_session=abc';
  it.each<[Record<string, string>, unknown, string]>([
    [{ cookie }, undefined, 'missing'],
    [{ cookie, authorization: 'Bearer t' }, undefined, 'ok'],
    [{ cookie }, 'socket-token', 'ok'],
    [{}, undefined, 'ok'],
    [{ cookie, origin: 'https://evil.example', host: 'arc.example.org' }, undefined, 'foreign'],
    [{ authorization: 'Bearer t', origin: 'https://evil.example', host: 'arc.example.org' }, undefined, 'foreign'],
    [{ cookie, origin: 'https://arc.example.org', host: 'internal' }, undefined, 'ok'],
  ])('%j (token %s) → %s', (headers, token, verdict) => {
    expect(checkOrigin(headers, allowed, token)).toBe(verdict);
  });
});
