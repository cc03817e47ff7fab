// Same-site request forgery (issue 12, item 1). The session cookie is SameSite=Strict, but a page
// on another port of the same host is the same *site*: its no-cors fetch and its WebSocket carry
// the cookie. Browsers always send Origin on such requests (every non-GET fetch, every WebSocket
// handshake), so a request that rides on the cookie must come from one of the ARC's own origins.
// Scripts use `Authorization: Bearer` or a Socket.IO auth token: a page cannot set either without
// a CORS preflight, which the ARC never grants, so those need no Origin.
import type { IncomingHttpHeaders } from 'node:http';
import { SESSION_COOKIE } from './session-token.js';

/** What the ARC accepts as its own origins, besides the address each request came to. */
export function allowedOrigins(configured: string | undefined, publicUrl: string): Set<string> {
  const list = configured
    ? configured
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean)
    : [publicUrl];
  return new Set(list.map((o) => new URL(o).origin));
}

const hostOf = (url: string): string | null => {
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
};

/**
 * Whether an Origin header names this ARC: one of the configured origins, or the host the
 * request was sent to (the Host header a browser sets: the page was served from here).
 */
export function originAllowed(origin: string, hostHeader: string | undefined, allowed: Set<string>): boolean {
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false; // "null" (sandboxed frames, file://) and garbage
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  if (allowed.has(parsed.origin)) return true;
  if (!hostHeader) return false;
  // Host has no scheme; parse it both ways so a default port written out (":80", ":443") matches.
  return parsed.host === hostOf(`http://${hostHeader}`) || parsed.host === hostOf(`https://${hostHeader}`);
}

/** Whether the request carries the session cookie and no token of its own (so the cookie would be used). */
export function ridesOnCookie(headers: IncomingHttpHeaders, authToken?: unknown): boolean {
  if (typeof authToken === 'string' && authToken) return false;
  if (/^Bearer\s+\S+$/i.test(headers.authorization ?? '')) return false;
  return (headers.cookie ?? '').split(';').some((part) => part.trim().startsWith(`${SESSION_COOKIE}=`));
}

export type OriginVerdict = 'ok' | 'foreign' | 'missing';

/**
 * The Origin rule for a request that can change something or open a live feed: a foreign Origin
 * is refused whatever the credentials; a missing one only when the cookie would authenticate it.
 */
export function checkOrigin(headers: IncomingHttpHeaders, allowed: Set<string>, authToken?: unknown): OriginVerdict {
  const origin = headers.origin;
  if (origin !== undefined) return originAllowed(origin, headers.host, allowed) ? 'ok' : 'foreign';
  return ridesOnCookie(headers, authToken) ? 'missing' : 'ok';
}
