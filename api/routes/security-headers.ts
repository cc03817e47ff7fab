// Security headers on every answer (issue 12, item 7). The pages get a content security policy
// they and the Leaflet map work under: scripts and styles from the ARC itself (Leaflet sets inline
// styles, hence 'unsafe-inline' for styles only), tiles from ARC_MAP_TILES_URL's origin, live feeds
// over the same origin. No page may frame the ARC (clickjacking an "accept" button). API answers
// are never cached: they hold names, medical notes and positions.
import type { FastifyInstance } from 'fastify';

/** The origin a tile template fetches from, as a CSP source: `{s}` subdomains become `*`. null for "none" or nonsense. */
export function tileSource(template: string): string | null {
  if (template === 'none') return null;
  const match = template.match(/^(https?):\/\/([^/]+)/i);
  if (!match) return null;
  const host = match[2].replace(/\{s\}/g, '*');
  return /^[A-Za-z0-9*.:[\]-]+$/.test(host) ? `${match[1].toLowerCase()}://${host}` : null;
}

export function pagePolicy(tilesUrl: string): string {
  const tiles = tileSource(tilesUrl);
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob:${tiles ? ` ${tiles}` : ''}`,
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    // No form-action: every form is sent by script, and with it Chromium handles a submit
    // differently enough that the console's browser tests saw field errors late.
  ].join('; ');
}

const API_POLICY = "default-src 'none'; frame-ancestors 'none'";

export function installSecurityHeaders(app: FastifyInstance, tilesUrl: string): void {
  const pages = pagePolicy(tilesUrl);
  app.addHook('onSend', async (request, reply, payload) => {
    const api = request.url.startsWith('/api/') || request.url.startsWith('/health/');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    // Tile servers (OpenStreetMap's among them) ask for a Referer; the origin is all they get.
    reply.header('referrer-policy', 'strict-origin-when-cross-origin');
    reply.header('content-security-policy', api ? API_POLICY : pages);
    if (api) reply.header('cache-control', 'no-store');
    return payload;
  });
}
