// The OsmAnd protocol listener for Traccar Client (https://www.traccar.org/osmand/), on its own
// port (ARC_OSMAND_PORT) as Traccar's is: GET or POST, fields on the query or in a form, or the
// JSON body of Traccar Client 9+. The identifier the app sends is the device's OsmAnd token
// (api/auth/osmand-token.ts), never its id: a wrong one is a 401 and nothing is stored. The
// request is translated at the edge (protocol/osmand.ts) and taken by the one intake; the 200
// goes only after commit, as a PUBACK does (spec guarantee 1), so the app resends otherwise.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Sql } from 'postgres';
import { readOsmAndIdentifier, translateOsmAnd, type OsmAndRequest } from '../../protocol/osmand.js';
import type { Translation } from '../../protocol/translation.js';
import { hashOsmAndToken } from '../auth/osmand-token.js';
import { deviceAuthThrottled, type DeviceAuthThrottle } from '../auth/device-auth-throttle.js';
import { ArcError } from '../errors.js';
import { installErrorHandler } from '../routes/error-handler.js';
import { deviceOfOsmAndToken } from '../store/device-store.js';
import type { IntakeResult } from './device-intake.js';

/** One request holds one position (or a batch of at most 100 from the location SDK). */
const OSMAND_BODY_LIMIT = 256 * 1024;

export interface OsmAndListenerDeps {
  sql: Sql;
  logger: Logger;
  now: () => Date;
  /** Wrong identifiers are slowed per identifier at an address and per address (auth/device-auth-throttle.ts). */
  throttle: DeviceAuthThrottle;
  translated(deviceId: string, source: string, translation: Translation): Promise<IntakeResult>;
  /** After the answer: commands queued for the device (alarm.received, locate, …) that it cannot take stop waiting. */
  commandsNotTaken(deviceId: string): Promise<number>;
}

/** Reads the request's fields and JSON body; a body that is neither is a 400 with its reason. */
export function readOsmAndRequest(
  query: unknown,
  body: unknown,
  contentType: string | undefined,
): OsmAndRequest | { reason: string } {
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    if (typeof value === 'string') fields[key] = value;
    else if (Array.isArray(value) && typeof value[0] === 'string') fields[key] = value[0];
  }
  const text = typeof body === 'string' ? body.trim() : '';
  if (!text) return { fields };
  if (contentType?.includes('json') || text.startsWith('{') || text.startsWith('[')) {
    try {
      return { fields, json: JSON.parse(text) };
    } catch {
      return { reason: 'osmand_body_not_json' };
    }
  }
  for (const [key, value] of new URLSearchParams(text)) fields[key] = value;
  return { fields };
}

export function createOsmAndListener(deps: OsmAndListenerDeps): FastifyInstance {
  const app = Fastify({ loggerInstance: deps.logger as FastifyBaseLogger, bodyLimit: OSMAND_BODY_LIMIT });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  installErrorHandler(app);

  // Traccar Client posts to the URL it was given, the root unless the administrator added a path.
  app.route({
    method: ['GET', 'POST'],
    url: '/*',
    handler: async (request, reply) => {
      const read = readOsmAndRequest(request.query, request.body, request.headers['content-type']);
      if ('reason' in read) throw new ArcError('ARC_ERR_DEVICE_MESSAGE_REJECTED', undefined, { reason: read.reason });
      const identifier = readOsmAndIdentifier(read);
      const tokenHash = identifier ? hashOsmAndToken(identifier) : null;
      const now = deps.now();
      const named = `osmand:${tokenHash ?? ''}`;
      const wait = deps.throttle.credentialWaitMs(named, request.ip, now);
      if (wait > 0) throw deviceAuthThrottled(wait, 'credential_throttled');
      const deviceId = tokenHash ? await deviceOfOsmAndToken(deps.sql, tokenHash) : null;
      if (!deviceId) {
        // Not counted against a device: there is none. Logged without the identifier (it may be a secret).
        deps.logger.warn({ ip: request.ip, identifier: identifier ? 'unknown' : 'missing' }, 'OsmAnd request refused');
        const throttled = deps.throttle.failed(named, request.ip, now);
        if (throttled) throw deviceAuthThrottled(throttled.waitMs, throttled.reason);
        throw new ArcError('ARC_ERR_DEVICE_AUTH');
      }
      deps.throttle.succeeded(named, request.ip);
      const result = await deps.translated(deviceId, 'osmand', translateOsmAnd(read, deviceId, deps.now().getTime()));
      if (result?.rejected) {
        result.afterAck?.();
        throw new ArcError('ARC_ERR_DEVICE_MESSAGE_REJECTED', undefined, { reason: result.rejected });
      }
      await reply.status(200).send('');
      result?.afterAck?.();
      deps.commandsNotTaken(deviceId).then(
        (closed) =>
          closed &&
          deps.logger.info(
            { deviceId, closed },
            'Traccar Client takes no commands: those queued for it no longer wait',
          ),
        (err) =>
          deps.logger.error({ err, deviceId }, 'could not close the commands queued for a Traccar Client device'),
      );
      return reply;
    },
  });
  return app;
}
