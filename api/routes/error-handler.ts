// One error handler (STYLE habit 7): ArcError keeps its code; a client mistake fastify caught
// (bad JSON, wrong content type, body too large) is a 4xx with a reason; anything else is a 500
// whose details stay in the log. A database that cannot be reached is a 503, not a crash.
import type { FastifyError, FastifyInstance } from 'fastify';
import { ArcError } from '../errors.js';

const DATABASE_DOWN = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECT_TIMEOUT',
  'CONNECTION_DESTROYED',
  '57P01',
  '57P03',
]);

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | ArcError, request, reply) => {
    if (err instanceof ArcError) {
      if ((err.code === 'ARC_ERR_AUTH_THROTTLED' || err.code === 'ARC_ERR_DEVICE_AUTH_THROTTLED') && err.details)
        reply.header('retry-after', String((err.details as { retryAfterS: number }).retryAfterS));
      return reply.status(err.status).send({ error: { code: err.code, message: err.message, details: err.details } });
    }
    const status = (err as FastifyError).statusCode;
    if (status && status >= 400 && status < 500) {
      return reply.status(status).send({ error: { code: 'ARC_ERR_VALIDATION', message: err.message } });
    }
    if (DATABASE_DOWN.has(String((err as { code?: string }).code))) {
      request.log.error({ err }, 'database unreachable');
      return reply
        .status(503)
        .send({ error: { code: 'ARC_ERR_NOT_READY', message: new ArcError('ARC_ERR_NOT_READY').message } });
    }
    request.log.error({ err }, 'unexpected error');
    return reply
      .status(500)
      .send({ error: { code: 'ARC_ERR_INTERNAL', message: new ArcError('ARC_ERR_INTERNAL').message } });
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send({ error: { code: 'ARC_ERR_NOT_FOUND', message: `No route ${request.method} ${request.url}` } }),
  );
}
