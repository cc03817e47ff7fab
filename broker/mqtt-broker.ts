// The MQTT broker: Aedes with device authentication and the topic ACL. It knows devices,
// credentials and topics, nothing about alarms. Its one hook, onDevicePublish, is "a device
// published this; acknowledge when the promise resolves", which is how a PUBACK comes to mean
// "stored" (spec guarantee 1) without the broker importing alarm code.
import type { Duplex } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { Aedes, type AedesOptions, type Client, type PublishPacket, type Subscription } from 'aedes';
import type { Logger } from 'pino';
import { DeviceChannel, deviceTopic, isDeviceId } from '../protocol/device-topics.js';
import { canPublish, canSubscribe, isOwnTracksCommandTopic, type PublishChannel } from './topic-acl.js';
import { deviceCredentialKey, type DeviceAuthThrottle } from '../api/auth/device-auth-throttle.js';

export interface DevicePublish {
  deviceId: string;
  /** Ours, or `owntracks` for the device's own owntracks/<device-id>/… topics (topic-acl.ts). */
  channel: PublishChannel;
  payload: Buffer;
  qos: 0 | 1 | 2;
}

export interface BrokerHooks {
  /** True when the secret is the device's and the device is enabled. */
  authenticateDevice(deviceId: string, secret: Buffer): Promise<boolean>;
  /**
   * Resolve once the message is durably handled (stored, or rejected for good); the broker then
   * acknowledges it and calls afterAck. Reject when it could not be handled (the database is
   * down): the connection is closed without a PUBACK and the device sends it again.
   */
  onDevicePublish(message: DevicePublish): Promise<{ afterAck?: () => void } | void>;
  /** The device is connected and subscribed to its commands topic: pending commands can go. */
  onCommandsReady(deviceId: string): void;
  /** The device acknowledged a command (PUBACK of our QoS 1 publish); `via` says on which topic. */
  onCommandAcknowledged(deviceId: string, payload: Buffer, via: CommandRoute): void;
  onDeviceGone(deviceId: string): void;
}

/** Aedes' publish as it calls it itself: (packet, done) from the API, (packet, client, done) from a client. */
type AedesPublish = (
  packet: PublishPacket,
  client: Client | null | ((err?: Error) => void),
  done?: (err?: Error) => void,
) => void;

/** How a connected device takes commands: on our commands topic, or as OwnTracks on its cmd topic. */
export type CommandRoute = 'v1' | 'owntracks';

export interface BrokerCounters {
  increment(name: string, labels?: Record<string, string>): void;
}

export interface MqttBroker {
  /** Serve one MQTT connection (TCP, TLS or WebSocket stream). */
  handle(stream: Duplex, request?: IncomingMessage): void;
  /** How the device takes commands now, or null when it is not connected and subscribed. */
  commandRoute(deviceId: string): CommandRoute | null;
  /**
   * Deliver a command (QoS 1) on that route if the device is connected and subscribed to it; false
   * when not. `payload` is already in the route's language (OwnTracks' `cmd` for `owntracks`).
   */
  sendCommand(deviceId: string, payload: string, route?: CommandRoute): Promise<boolean>;
  isConnected(deviceId: string): boolean;
  /** Drop the device's connection (it was disabled or its secret rotated). */
  disconnect(deviceId: string): void;
  connectedCount(): number;
  close(): Promise<void>;
}

export interface BrokerOptions {
  /** A connection that sends no CONNECT within this long is closed (issue 12: idle sockets). */
  connectTimeoutMs?: number;
  /** This broker's id among several (cluster mode); Aedes makes one up otherwise. */
  id?: string;
  /**
   * Aedes' message emitter. A shared one (mqemitter-redis) routes commands between brokers and
   * carries Aedes' `$SYS/<id>/new/clients`, on which every other broker closes its connection of
   * the same client id: one live connection per device across brokers (docs/guides/cluster.md).
   */
  mq?: AedesOptions['mq'];
  /**
   * Wrong credentials at CONNECT are slowed as at the HTTP doors (api/auth/device-auth-throttle.ts,
   * the same throttle): per credential at an address, and per address, on the ARC's clock.
   */
  throttle?: { throttle: DeviceAuthThrottle; now: () => Date };
}

// MQTT 3.1.1, 3.2.2.3: the CONNACK return codes a refusal may carry.
const NOT_AUTHORIZED = 5;
/** "Server unavailable": 3.1.1's word for MQTT 5's "server busy"; the client tries again later. */
const SERVER_UNAVAILABLE = 3;

/** Where a connection comes from: the TCP peer, or the HTTP request that upgraded to /mqtt. */
function addressOf(client: Client): string {
  return client.req?.socket?.remoteAddress ?? (client.conn as { remoteAddress?: string }).remoteAddress ?? '?';
}

export async function createMqttBroker(
  hooks: BrokerHooks,
  logger: Logger,
  counters: BrokerCounters,
  options: BrokerOptions = {},
): Promise<MqttBroker> {
  const aedes = await Aedes.createBroker({
    connectTimeout: options.connectTimeoutMs ?? 30_000,
    ...(options.id && { id: options.id }),
    ...(options.mq && { mq: options.mq }),
    // The spec allows device ids of 64 characters; MQTT 3.1 alone capped client ids at 23.
    maxClientsIdLength: 64,
    heartbeatInterval: 60_000,
    drainTimeout: 30_000,
  });

  aedes.authenticate = (client: Client, username: string | undefined, password: Buffer | undefined, done) => {
    const throttle = options.throttle;
    const address = addressOf(client);
    const named = deviceCredentialKey(username ?? '', password ?? Buffer.alloc(0));
    const refuse = (reason: string, returnCode = NOT_AUTHORIZED, waitMs?: number, quiet = false) => {
      counters.increment('mqtt_connect_refused', { reason });
      // A held credential retrying every second would fill the log: those refusals are debug.
      const level = quiet ? 'debug' : 'warn';
      logger[level](
        { clientId: client.id, username, address, reason, ...(waitMs && { waitMs }) },
        'device connection refused',
      );
      if (returnCode === NOT_AUTHORIZED) return done(null, false); // CONNACK 5 "not authorized"
      done(Object.assign(new Error('server unavailable'), { returnCode }), false);
    };
    /** A wrong or malformed credential: counted, and "slow down" once it or the address must wait. */
    const wrong = (reason: string) => {
      const throttled = throttle?.throttle.failed(named, address, throttle.now());
      if (throttled) return refuse(throttled.reason, SERVER_UNAVAILABLE, throttled.waitMs);
      refuse(reason);
    };
    // Before anything is looked up: this credential failed here too often and must still wait. It
    // is not checked, so the answer is "server unavailable" (try later), not a verdict on it.
    const waitMs = throttle ? throttle.throttle.credentialWaitMs(named, address, throttle.now()) : 0;
    if (waitMs > 0) return refuse('credential_throttled', SERVER_UNAVAILABLE, waitMs, true);
    // Spec, "Connection": the client id is the device id, exactly, and equals the username.
    if (!username || client.id !== username) return wrong('client_id_not_username');
    if (!isDeviceId(username)) return wrong('bad_device_id');
    if (!password) return wrong('no_secret');
    // A right secret is checked and taken even from an address that keeps failing: phones behind
    // a carrier's shared address must not lose an alarm to someone else's bad device there.
    hooks.authenticateDevice(username, password).then(
      (ok) => {
        if (!ok) return wrong('bad_credentials');
        throttle?.throttle.succeeded(named, address);
        done(null, true);
      },
      (err) => {
        logger.error({ err, deviceId: username }, 'device authentication failed');
        const error = Object.assign(new Error('server unavailable'), { returnCode: SERVER_UNAVAILABLE });
        done(error, false);
      },
    );
  };

  aedes.authorizePublish = (client: Client | null, packet: PublishPacket, done) => {
    // A will of an obsolete session arrives without a client; it cannot be attributed safely.
    if (!client) return done(new Error('publish without a client'));
    const channel = canPublish(client.id, packet.topic);
    if (!channel) {
      counters.increment('mqtt_publish_refused');
      logger.warn({ deviceId: client.id, topic: packet.topic }, 'forbidden publish: connection closed');
      return done(new Error('forbidden topic'));
    }
    // Devices never leave retained messages in the broker: everything goes to the ARC.
    packet.retain = false;
    hooks.onDevicePublish({ deviceId: client.id, channel, payload: packet.payload as Buffer, qos: packet.qos }).then(
      (result) => {
        done(null);
        result?.afterAck?.();
      },
      (err) => {
        logger.error(
          { err, deviceId: client.id, topic: packet.topic },
          'could not store a device message: not acknowledged',
        );
        done(err instanceof Error ? err : new Error(String(err)));
      },
    );
  };

  aedes.authorizeSubscribe = (client: Client, subscription: Subscription, done) => {
    if (canSubscribe(client.id, subscription.topic)) return done(null, subscription);
    counters.increment('mqtt_subscribe_refused');
    logger.warn({ deviceId: client.id, topic: subscription.topic }, 'forbidden subscription refused');
    done(null, null); // SUBACK 0x80
  };

  // Devices have nothing to receive but their own commands; never forward anything else.
  aedes.authorizeForward = (client: Client, packet) =>
    packet.topic === deviceTopic(client.id, DeviceChannel.commands) || isOwnTracksCommandTopic(client.id, packet.topic)
      ? packet
      : null;

  // A device's publish reaches the ARC through authorizePublish above (it is stored before the
  // PUBACK). After the PUBACK Aedes would route it to subscribers, but a client may subscribe only
  // to its own commands topic and the ARC subscribes to nothing, so that routing (offline queues,
  // two topic-tree matches, a packet copy) finds no one: 7–9 % of the ARC's main thread at the
  // ingest ceiling, and garbage besides (issue 5). Only publishes from a connected client (every one authorized by
  // authorizePublish, so an uplink topic of its own) skip it; our commands, a will of an obsolete
  // session and Aedes' own $SYS messages are routed as before.
  const route = aedes.publish.bind(aedes) as unknown as AedesPublish;
  (aedes as unknown as { publish: AedesPublish }).publish = (packet, client, done) => {
    if (typeof client === 'function') return route(packet, client);
    if (client) return done?.();
    return route(packet, client, done);
  };

  const commandsTopic = (deviceId: string) => deviceTopic(deviceId, DeviceChannel.commands);
  const subscriptionsOf = (client: Client) =>
    Object.keys((client as unknown as { subscriptions: object }).subscriptions ?? {});
  const subscribedToCommands = (client: Client) =>
    Object.prototype.hasOwnProperty.call(
      (client as unknown as { subscriptions: object }).subscriptions ?? {},
      commandsTopic(client.id),
    );
  /** The OwnTracks cmd topic this client subscribed to (its device name is its own choice), if any. */
  const ownTracksCommandsOf = (client: Client) =>
    subscriptionsOf(client).find((topic) => isOwnTracksCommandTopic(client.id, topic)) ?? null;
  /** Our protocol first: a device subscribed to both is one of ours. */
  const routeOf = (client: Client): CommandRoute | null =>
    subscribedToCommands(client) ? 'v1' : ownTracksCommandsOf(client) ? 'owntracks' : null;

  aedes.on('subscribe', (subscriptions, client) => {
    const ready = (s: Subscription) =>
      (s.topic === commandsTopic(client.id) || isOwnTracksCommandTopic(client.id, s.topic)) &&
      (s.qos as number) !== 128;
    if (subscriptions.some(ready)) hooks.onCommandsReady(client.id);
  });
  aedes.on('clientReady', (client) => {
    counters.increment('mqtt_connected');
    // A persistent session comes back already subscribed.
    if (routeOf(client)) hooks.onCommandsReady(client.id);
  });
  aedes.on('clientDisconnect', (client) => hooks.onDeviceGone(client.id));
  aedes.on('ack', (packet, client) => {
    if (!client || !packet || !('topic' in packet)) return;
    if (packet.topic === commandsTopic(client.id))
      hooks.onCommandAcknowledged(client.id, packet.payload as Buffer, 'v1');
    else if (isOwnTracksCommandTopic(client.id, packet.topic))
      hooks.onCommandAcknowledged(client.id, packet.payload as Buffer, 'owntracks');
  });
  aedes.on('clientError', (client, err) =>
    logger.debug({ deviceId: client?.id, err: err.message }, 'mqtt client error'),
  );
  aedes.on('connectionError', (client, err) =>
    logger.debug({ deviceId: client?.id, err: err.message }, 'mqtt connection error'),
  );

  const clients = () => (aedes as unknown as { clients: Record<string, Client & { connected: boolean }> }).clients;

  return {
    handle: (stream, request) => aedes.handle(stream, request),
    isConnected: (deviceId) => Boolean(clients()[deviceId]?.connected),
    disconnect: (deviceId) => clients()[deviceId]?.close(),
    connectedCount: () => aedes.connectedClients,
    commandRoute(deviceId) {
      const client = clients()[deviceId];
      return client?.connected ? routeOf(client) : null;
    },
    sendCommand(deviceId, payload, route = 'v1') {
      // Connected is not enough: a device that reconnects resends what it had not seen
      // acknowledged before it subscribes again, and a command published before the subscription
      // reaches nobody. It waits; the subscription (onCommandsReady) sends it.
      const client = clients()[deviceId];
      if (!client?.connected) return Promise.resolve(false);
      const topic =
        route === 'v1' ? (subscribedToCommands(client) ? commandsTopic(deviceId) : null) : ownTracksCommandsOf(client);
      if (!topic) return Promise.resolve(false);
      // Straight to this connection (Aedes' client.publish: QoS 1 with its own message id, PUBACK
      // tracked, 'ack' emitted), not routed through the emitter: the device is connected here, and
      // in cluster mode routing would make every command cross Redis and wait for it when it is down.
      return new Promise((resolve, reject) =>
        (client as unknown as { publish(packet: object, done: (err?: Error) => void): void }).publish(
          { cmd: 'publish', topic, payload: Buffer.from(payload), qos: 1, retain: false, dup: false },
          (err) => (err ? reject(err) : resolve(true)),
        ),
      );
    },
    close: () => new Promise((resolve) => aedes.close(() => resolve())),
  };
}
