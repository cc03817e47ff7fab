// OwnTracks in HTTP mode (https://owntracks.org/booklet/tech/http/): it POSTs the same JSON it
// would publish over MQTT, with HTTP Basic auth, here the device's id and secret (the
// credentials of device protocol v1). The body goes to the intake unparsed, on the channel the
// broker uses for OwnTracks over MQTT, so both modes are the one path. 200 only after commit;
// the answer is a JSON array of messages for the app, where a pending `locate` becomes the
// `reportLocation` command OwnTracks understands.
import type { FastifyInstance } from 'fastify';
import { isDeviceId } from '../../protocol/device-topics.js';
import type { DevicePublish } from '../../broker/mqtt-broker.js';
import type { IntakeResult } from '../intake/device-intake.js';
import { ArcError } from '../errors.js';
import { deviceAuthThrottled, deviceCredentialKey, type DeviceAuthThrottle } from '../auth/device-auth-throttle.js';
import { OWNTRACKS_HTTP_PATH } from './device-connection.js';

export interface OwnTracksRouteDeps {
  authenticateDevice(deviceId: string, secret: Buffer): Promise<boolean>;
  /** Wrong secrets are slowed per device id at an address and per address (auth/device-auth-throttle.ts). */
  throttle: DeviceAuthThrottle;
  now: () => Date;
  intake(message: DevicePublish): Promise<IntakeResult>;
  /**
   * The device's pending commands in OwnTracks' words, marked delivered (this answer is the only
   * way an HTTP device gets them); those OwnTracks cannot take are closed as undeliverable.
   */
  takeCommands(deviceId: string): Promise<object[]>;
}

/** `Authorization: Basic base64(user:password)`, or null. */
export function basicCredentials(header: string | undefined): { user: string; password: string } | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) return null;
  const text = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon < 0 ? null : { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

export function ownTracksRoutes(app: FastifyInstance, deps: OwnTracksRouteDeps): void {
  app.register(async (scope) => {
    // The body reaches the intake as the bytes the app sent, whatever its content type: the
    // intake parses it (size, JSON, storable text) exactly as an MQTT payload.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

    scope.post(OWNTRACKS_HTTP_PATH, async (request, reply) => {
      const credentials = basicCredentials(request.headers.authorization);
      const now = deps.now();
      const named =
        credentials !== null
          ? deviceCredentialKey(credentials.user, credentials.password)
          : deviceCredentialKey('', '');
      const wait = deps.throttle.credentialWaitMs(named, request.ip, now);
      if (wait > 0) throw deviceAuthThrottled(wait, 'credential_throttled');
      const known =
        credentials !== null &&
        isDeviceId(credentials.user) &&
        (await deps.authenticateDevice(credentials.user, Buffer.from(credentials.password)));
      if (!credentials || !known) {
        const throttled = deps.throttle.failed(named, request.ip, now);
        if (throttled) throw deviceAuthThrottled(throttled.waitMs, throttled.reason);
        reply.header('www-authenticate', 'Basic realm="ArcAngel ARC", charset="UTF-8"');
        throw new ArcError('ARC_ERR_DEVICE_AUTH');
      }
      deps.throttle.succeeded(named, request.ip);
      const deviceId = credentials.user;
      const payload = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const result = await deps.intake({ deviceId, channel: 'owntracks', payload, qos: 1 });
      if (result?.rejected) {
        result.afterAck?.();
        throw new ArcError('ARC_ERR_DEVICE_MESSAGE_REJECTED', undefined, { reason: result.rejected });
      }
      // OwnTracks has one command of use here (reportLocation); the others (alarm received /
      // closed, message, config) it cannot show (protocol/owntracks.ts, ownTracksCommand).
      const answer = await deps.takeCommands(deviceId);
      await reply.status(200).send(answer);
      result?.afterAck?.();
      return reply;
    });
  });
}
