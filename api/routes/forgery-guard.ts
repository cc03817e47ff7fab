// Refuses forged requests before any route runs (issue 12, item 1): a request that can change
// something must come from the ARC's own origin when it rides on the session cookie, and must be
// JSON when it has a body. A form or a no-cors fetch can only send text/plain, form-urlencoded or
// multipart bodies without a preflight; the API reads none of them.
import type { FastifyInstance } from 'fastify';
import { ArcError } from '../errors.js';
import { checkOrigin } from '../auth/request-origin.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function installForgeryGuard(app: FastifyInstance, allowed: Set<string>): void {
  // Fastify parses text/plain by default; no route wants it, and it is what a no-cors fetch sends.
  app.removeContentTypeParser('text/plain');
  app.addHook('onRequest', async (request) => {
    if (SAFE_METHODS.has(request.method)) return;
    const verdict = checkOrigin(request.headers, allowed);
    if (verdict !== 'ok') {
      request.log.warn(
        { origin: request.headers.origin ?? null, url: request.url, method: request.method },
        "request refused: not from the ARC's own origin",
      );
      throw new ArcError(
        'ARC_ERR_ORIGIN_REFUSED',
        verdict === 'missing'
          ? 'A request made with the session cookie must carry an Origin header (browsers send it): refused as a possible forgery'
          : `Requests from ${request.headers.origin} are not accepted: open the console at the ARC's own address (or add it to ARC_ALLOWED_ORIGINS)`,
      );
    }
    const type = request.headers['content-type'];
    const hasBody =
      Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
    if (type === undefined ? hasBody : !/^application\/json\s*(;|$)/i.test(type)) {
      throw new ArcError(
        'ARC_ERR_CONTENT_TYPE',
        `The API reads JSON bodies only (content-type: application/json), not ${type ?? 'a body without a content type'}`,
      );
    }
  });
}
