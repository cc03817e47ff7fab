// GET /metrics for Prometheus (api/prometheus.ts). Not behind a staff login: a scraper has no
// session. With ARC_METRICS_TOKEN set it needs that bearer token; unset, it answers only to the
// machine itself (loopback), so an ARC is never counted by strangers by default.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ArcError } from '../errors.js';
import type { PrometheusExposition } from '../prometheus.js';
import type { RouteDeps } from './route-deps.js';

export interface PrometheusRouteDeps extends RouteDeps {
  prometheus: PrometheusExposition;
}

export function prometheusRoutes(app: FastifyInstance, deps: PrometheusRouteDeps): void {
  app.get('/metrics', async (request, reply) => {
    checkScraper(request, deps.config.ARC_METRICS_TOKEN);
    const text = await deps.prometheus.render();
    return reply.header('content-type', deps.prometheus.contentType).header('cache-control', 'no-store').send(text);
  });
}

function checkScraper(request: FastifyRequest, token: string | undefined): void {
  if (token) {
    const given = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? '';
    const a = Buffer.from(given);
    const b = Buffer.from(token);
    if (a.length !== b.length || !timingSafeEqual(a, b)) throw new ArcError('ARC_ERR_METRICS_TOKEN');
    return;
  }
  if (!isLoopback(request.socket.remoteAddress)) throw new ArcError('ARC_ERR_METRICS_LOOPBACK');
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || /^(::ffff:)?127\./.test(address);
}
