// GET /api/places/reverse: an address for a position, when a reverse geocoder is configured.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ReverseGeocoder } from '../places/reverse-geocoder.js';
import { parseInput } from './parse-input.js';
import type { RouteDeps } from './route-deps.js';

export const ReverseQuery = z.object({
  lat: z.coerce.number().min(-90).max(90),
  lon: z.coerce.number().min(-180).max(180),
});

export function placeRoutes(app: FastifyInstance, deps: RouteDeps & { geocoder: ReverseGeocoder }): void {
  app.get(
    '/api/places/reverse',
    { preHandler: deps.allow('administrator', 'supervisor', 'operator') },
    async (request) => {
      const { lat, lon } = parseInput(ReverseQuery, request.query);
      return { address: await deps.geocoder.address(lat, lon), enabled: deps.geocoder.enabled };
    },
  );
}
