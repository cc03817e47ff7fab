// The Origin rule of the live feeds (issue 12, item 1): a page from another origin must not open
// a feed with a victim's cookie. Checked twice: at the engine (a foreign Origin never gets a
// connection) and per namespace, where it is known whether the cookie or a token authenticates.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'socket.io';
import { checkOrigin } from '../auth/request-origin.js';

export function engineOriginCheck(allowed: Set<string>) {
  return (request: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void) => {
    // Without an Origin the token source is not known yet (it comes in the CONNECT packet): the
    // namespace decides. A foreign Origin is refused outright.
    const ok = request.headers.origin === undefined || checkOrigin(request.headers, allowed) === 'ok';
    callback(ok ? null : 'ARC_ERR_ORIGIN_REFUSED', ok);
  };
}

/** null when the handshake may go on; else the refusal code. */
export function handshakeOriginRefusal(socket: Socket, allowed: Set<string>): 'ARC_ERR_ORIGIN_REFUSED' | null {
  const verdict = checkOrigin(socket.handshake.headers, allowed, socket.handshake.auth?.token);
  if (verdict === 'ok') return null;
  // A browser sends no Origin on a same-origin GET, which is how the console's first (polling)
  // request goes. That is safe: another page cannot read a polling answer (no CORS), so it never
  // learns the session id to send the CONNECT with. A WebSocket handshake from a browser always
  // carries an Origin, so a cookie-only WebSocket without one is a script, and is refused.
  if (verdict === 'missing' && socket.handshake.query.transport === 'polling') return null;
  return 'ARC_ERR_ORIGIN_REFUSED';
}
