// One simulated personal-safety device speaking device protocol v1 over MQTT
// (docs/device-protocol.md). Tests and the CLI drive it; it only does what it is told,
// so a test can also make it misbehave (raw payloads, foreign topics, refused credentials).
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Socket } from 'node:net';
import { connect as connectMqtt, type IClientOptions, type MqttClient } from 'mqtt';
import { Command, type CommandType, type Fix, type Status, parseJsonPayload } from '../protocol/device-payloads.js';
import { DeviceChannel, deviceTopic } from '../protocol/device-topics.js';
import { SOUTHPORT } from './town-walk.js';

export interface DevicePosition {
  lat: number;
  lon: number;
  acc?: number;
  batt?: number;
}

export interface ReconnectBackoff {
  /** First retry after this long; each failed retry doubles it, up to maxMs. */
  minMs: number;
  maxMs: number;
}

export interface SimulatedDeviceOptions {
  deviceId: string;
  secret: string;
  /** mqtt://host:port, mqtts://host:port or ws://host:port/mqtt */
  url: string;
  /**
   * Other addresses of the same ARC (cluster nodes): a reconnect tries them in turn after url, as
   * a device configured with several servers does, or as a load balancer would send it elsewhere.
   */
  fallbackUrls?: string[];
  keepaliveS?: number;
  /** The spec asks devices for persistent sessions so queued commands still arrive. */
  clean?: boolean;
  /** false for tests: a dropped connection stays dropped and unacknowledged publishes reject. */
  reconnect?: boolean | ReconnectBackoff;
  /** Only for tests of the broker's rule that client id and username must match. */
  clientId?: string;
  /** 4 is MQTT 3.1.1; 3 (MQTT 3.1) and 5 exist to test what the broker accepts. */
  protocolVersion?: 3 | 4 | 5;
  /** Where the device believes it is; null for a device without a fix yet. */
  position?: DevicePosition | null;
  fw?: string;
  connectTimeoutMs?: number;
  /**
   * Keep reconnecting (with the back-off) after a refused reconnection, e.g. CONNACK 3 "server
   * unavailable" while the ARC's database is down. MQTT.js gives up after any refusal unless
   * told otherwise. The first connect() never retries either way.
   */
  retryRefusedReconnects?: boolean;
  /** The device's own clock (ms since the epoch) for the times it sends; tests give it theirs. */
  now?: () => number;
}

/** An event as this device sent it. */
export interface SentEvent {
  id: string;
  ts: number;
  type: string;
  [field: string]: unknown;
}

export interface DeviceCounters {
  /** Publishes attempted, on any topic. */
  sent: number;
  /** QoS 1 publishes the broker acknowledged (PUBACK). */
  acknowledged: number;
  errors: number;
  commandsReceived: number;
  /** Messages on the commands topic that were not a valid command. */
  invalidCommands: number;
  reconnectAttempts: number;
}

export type CommandMatch = ((command: Command) => boolean) | { type?: CommandType; eventId?: string };

export interface SimulatedDeviceEvents {
  command: [Command];
  connect: [{ sessionPresent: boolean }];
  close: [];
  /** Anything that went wrong without a caller to reject: kept apart from 'error', which throws unheard. */
  fault: [Error];
}

/** The broker refused the connection; returnCode is the CONNACK code (5 = not authorized). */
export class ConnectRefusedError extends Error {
  constructor(
    readonly deviceId: string,
    readonly returnCode: number,
    reason: string,
  ) {
    super(`${deviceId}: connection refused, CONNACK return code ${returnCode} (${reason})`);
  }
}

interface InFlight {
  abandon(reason: Error): void;
  /** Give up when the connection drops, even if a reconnect would resend it (raw ACL probes). */
  abandonOnClose: boolean;
  done: Promise<unknown>;
}

const DEFAULT_BACKOFF: ReconnectBackoff = { minMs: 1000, maxMs: 30_000 };

export class SimulatedDevice extends EventEmitter<SimulatedDeviceEvents> {
  readonly deviceId: string;
  /** Every valid command received, in order of arrival (QoS 1 redeliveries included). */
  readonly commands: Command[] = [];
  /** Messages on any topic but our own commands: guarantee 3 says there must never be any. */
  readonly strayMessages: { topic: string; payload: Buffer }[] = [];
  readonly counters: DeviceCounters = {
    sent: 0,
    acknowledged: 0,
    errors: 0,
    commandsReceived: 0,
    invalidCommands: 0,
    reconnectAttempts: 0,
  };
  position: DevicePosition | null;
  lastError: Error | undefined;

  readonly #options: SimulatedDeviceOptions;
  readonly #backoff: ReconnectBackoff | null;
  readonly #inFlight = new Set<InFlight>();
  #client: MqttClient | undefined;

  constructor(options: SimulatedDeviceOptions) {
    super();
    this.#options = options;
    this.deviceId = options.deviceId;
    this.position = options.position === undefined ? { ...SOUTHPORT, acc: 15, batt: 90 } : options.position;
    const reconnect = options.reconnect ?? true;
    this.#backoff = reconnect === false ? null : reconnect === true ? DEFAULT_BACKOFF : reconnect;
  }

  #now(): number {
    return this.#options.now?.() ?? Date.now();
  }

  get connected(): boolean {
    return this.#client?.connected ?? false;
  }

  get commandsTopic(): string {
    return deviceTopic(this.deviceId, DeviceChannel.commands);
  }

  /**
   * Resolves once the CONNACK accepted us and the commands subscription is granted; rejects with
   * ConnectRefusedError on a refusal, or the network error, without retrying.
   */
  async connect(): Promise<{ sessionPresent: boolean }> {
    if (this.#client) throw new Error(`${this.deviceId}: connect() was already called; make a new SimulatedDevice`);
    const o = this.#options;
    const protocolVersion = o.protocolVersion ?? 4;
    const options: IClientOptions = {
      clientId: o.clientId ?? o.deviceId,
      username: o.deviceId,
      password: o.secret,
      protocolVersion,
      // MQTT 3.1 names its protocol differently; mqtt.js does not switch it by itself.
      protocolId: protocolVersion === 3 ? 'MQIsdp' : 'MQTT',
      clean: o.clean ?? false,
      keepalive: o.keepaliveS ?? 60,
      reconnectPeriod: this.#backoff?.minMs ?? 0,
      connectTimeout: o.connectTimeoutMs ?? 10_000,
      reconnectOnConnackError: Boolean(this.#backoff && o.retryRefusedReconnects),
    };
    if (o.fallbackUrls?.length) {
      // mqtt.js connects to servers[0] first and to the next one on each reconnect.
      options.servers = [o.url, ...o.fallbackUrls].map((u) => {
        const url = new URL(u);
        return { host: url.hostname, port: Number(url.port), protocol: url.protocol.replace(':', '') as 'mqtt' };
      });
    }
    const client = connectMqtt(o.url, options);
    this.#client = client;
    this.#watch(client);

    const connack = await new Promise<{ sessionPresent: boolean }>((resolve, reject) => {
      const settle = (outcome: () => void) => {
        client.off('connect', onConnect).off('error', onError).off('close', onClose);
        outcome();
      };
      const fail = (err: Error) =>
        settle(() => {
          // No retrying a first connection: the caller decides (wrong secret, broker down).
          client.end(true);
          reject(err);
        });
      const onConnect = (packet: { sessionPresent: boolean }) =>
        settle(() => resolve({ sessionPresent: packet.sessionPresent }));
      const onError = (err: Error) => fail(this.#describeConnectError(err));
      const onClose = () => fail(new Error(`${this.deviceId}: connection to ${o.url} closed before CONNACK`));
      client.on('connect', onConnect).on('error', onError).on('close', onClose);
    });

    const granted = await this.subscribeRaw(this.commandsTopic, 1);
    if (granted[0] === undefined || granted[0] >= 0x80) {
      await this.close({ force: true });
      throw new Error(`${this.deviceId}: subscription to its own commands topic refused (SUBACK ${granted[0]})`);
    }
    return connack;
  }

  /**
   * Publishes an event (QoS 1) carrying the current position unless `extra` overrides it (pass
   * `lat: undefined` to send none); resolves with the event once the broker acknowledged it.
   */
  async sendEvent(type: string, extra: Record<string, unknown> = {}): Promise<SentEvent> {
    const event: SentEvent = { id: randomUUID(), ts: this.#now(), type, ...this.position, ...extra };
    await this.#publish(DeviceChannel.events, JSON.stringify(event), 1);
    return event;
  }

  /** Anything at all on the events topic: malformed-input tests. */
  async sendRawEvent(payload: string | Buffer, qos: 0 | 1 = 1): Promise<void> {
    await this.#publish(DeviceChannel.events, payload, qos);
  }

  /** A fix (QoS 1); without one, the current position now. The fix becomes the current position. */
  async sendFix(fix?: Fix): Promise<Fix> {
    const sent = fix ?? this.#fixHere();
    // The device knows where it is as soon as it has the fix, acknowledged or not.
    this.#moveTo(sent);
    await this.#publish(DeviceChannel.location, JSON.stringify(sent), 1);
    return sent;
  }

  /** A store-and-forward batch (spec: up to 100 fixes); the newest becomes the current position. */
  async sendFixes(fixes: Fix[]): Promise<Fix[]> {
    // Spec: the current position is the newest fix, not the last one in the batch.
    const newest = fixes.reduce<Fix | undefined>((a, b) => (a && a.ts >= b.ts ? a : b), undefined);
    if (newest) this.#moveTo(newest);
    await this.#publish(DeviceChannel.location, JSON.stringify(fixes), 1);
    return fixes;
  }

  async sendStatus(status: Partial<Status> = {}): Promise<Status> {
    const batt = this.position?.batt;
    const sent: Status = {
      ts: this.#now(),
      ...(batt === undefined ? {} : { batt: Math.round(batt) }),
      charging: false,
      rssi: -71,
      fw: this.#options.fw ?? '2.4.1',
      ...status,
    };
    await this.#publish(DeviceChannel.status, JSON.stringify(sent), 1);
    return sent;
  }

  /**
   * Any topic, any payload: ACL tests. Rejects when the connection drops before the PUBACK (a
   * forbidden publish closes it) and is then forgotten, so a reconnect does not resend it.
   */
  async publishRaw(topic: string, payload: string | Buffer, qos: 0 | 1 | 2 = 1): Promise<void> {
    await this.#send(topic, payload, qos, true);
  }

  /** Resolves with the granted QoS per topic; 128 (0x80) means refused. */
  async subscribeRaw(topic: string, qos: 0 | 1 | 2 = 1): Promise<number[]> {
    const client = this.#requireClient();
    return new Promise((resolve, reject) => {
      client.subscribe(topic, { qos }, (err, _grants, suback) => {
        // mqtt.js reports a refusal as an error, but the SUBACK codes are the answer we want.
        // MQTT 3.1.1 SUBACKs carry plain return codes; the Object[] form belongs to MQTT 5.
        if (suback?.granted)
          resolve(suback.granted.map((g) => (typeof g === 'number' ? g : (g as { qos: number }).qos)));
        else reject(err ?? new Error(`${this.deviceId}: no SUBACK for ${topic}`));
      });
    });
  }

  /** The first command matching, whether it already arrived or arrives within timeoutMs. */
  waitForCommand(match: CommandMatch, timeoutMs = 5000): Promise<Command> {
    const matches =
      typeof match === 'function'
        ? match
        : (c: Command) =>
            (match.type === undefined || c.type === match.type) &&
            (match.eventId === undefined || c.eventId === match.eventId);
    const already = this.commands.find(matches);
    if (already) return Promise.resolve(already);
    return new Promise((resolve, reject) => {
      const onCommand = (command: Command) => {
        if (!matches(command)) return;
        clearTimeout(timer);
        this.off('command', onCommand);
        resolve(command);
      };
      const timer = setTimeout(() => {
        this.off('command', onCommand);
        const seen = this.commands.map((c) => `${c.type}${c.eventId ? ` ${c.eventId}` : ''}`).join(', ') || 'none';
        reject(new Error(`${this.deviceId}: no matching command within ${timeoutMs} ms (received: ${seen})`));
      }, timeoutMs);
      this.on('command', onCommand);
    });
  }

  /**
   * Waits up to graceMs for unacknowledged publishes, then disconnects. `force` drops the
   * connection without DISCONNECT, as a device losing coverage would.
   */
  async close({ force = false, graceMs = 1000 }: { force?: boolean; graceMs?: number } = {}): Promise<void> {
    const client = this.#client;
    if (!client) return;
    if (!force && this.#inFlight.size > 0) {
      await Promise.race([Promise.allSettled([...this.#inFlight].map((f) => f.done)), delay(graceMs)]);
    }
    for (const flight of this.#inFlight)
      flight.abandon(new Error(`${this.deviceId}: closed before the broker acknowledged`));
    const graceful = !force && client.connected;
    await Promise.race([
      new Promise<void>((resolve) => client.end(!graceful, () => resolve())),
      // end() waits on the network; a dead socket must not hold the caller.
      delay(2000).then(() => client.stream?.destroy()),
    ]);
  }

  #watch(client: MqttClient): void {
    client.on('connect', (connack) => {
      // mqtt.js leaves Nagle on; a device's small, urgent packets should not wait for it.
      if (client.stream instanceof Socket) client.stream.setNoDelay(true);
      if (this.#backoff) client.options.reconnectPeriod = this.#backoff.minMs;
      this.emit('connect', { sessionPresent: connack.sessionPresent });
    });
    client.on('reconnect', () => {
      this.counters.reconnectAttempts++;
      if (!this.#backoff) return;
      // Jittered doubling, so a fleet dropped by a broker restart does not return in one wave.
      const doubled = Math.min(this.#backoff.maxMs, (client.options.reconnectPeriod ?? this.#backoff.minMs) * 2);
      client.options.reconnectPeriod = Math.round(doubled * (0.75 + Math.random() * 0.5));
    });
    client.on('close', () => {
      for (const flight of this.#inFlight) {
        if (!this.#backoff || flight.abandonOnClose) {
          flight.abandon(new Error(`${this.deviceId}: connection closed before the broker acknowledged`));
        }
      }
      this.emit('close');
    });
    client.on('error', (err) => this.#fault(err));
    client.on('message', (topic, payload) => this.#receive(topic, payload));
  }

  #receive(topic: string, payload: Buffer): void {
    if (topic !== this.commandsTopic) {
      this.strayMessages.push({ topic, payload });
      this.#fault(new Error(`${this.deviceId}: received a message on a foreign topic ${topic}`));
      return;
    }
    const json = parseJsonPayload(payload);
    const command = json.ok ? Command.safeParse(json.value) : undefined;
    if (!command?.success) {
      this.counters.invalidCommands++;
      this.#fault(new Error(`${this.deviceId}: invalid command: ${payload.toString('utf8').slice(0, 200)}`));
      return;
    }
    this.counters.commandsReceived++;
    this.commands.push(command.data);
    this.emit('command', command.data);
  }

  #publish(channel: DeviceChannel, payload: string | Buffer, qos: 0 | 1): Promise<void> {
    return this.#send(deviceTopic(this.deviceId, channel), payload, qos, false);
  }

  /** Settles on mqtt.js's callback: the PUBACK for QoS 1, the write for QoS 0. */
  #send(topic: string, payload: string | Buffer, qos: 0 | 1 | 2, abandonOnClose: boolean): Promise<void> {
    const client = this.#requireClient();
    this.counters.sent++;
    let flight!: InFlight;
    const done = new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (err?: Error | null) => {
        if (settled) return;
        settled = true;
        this.#inFlight.delete(flight);
        if (err) {
          this.#fault(err);
          reject(err);
          return;
        }
        if (qos > 0) this.counters.acknowledged++;
        resolve();
      };
      const callback = (err?: Error | null) => settle(err);
      flight = {
        abandonOnClose,
        done: Promise.resolve(),
        abandon: (reason) => {
          settle(reason);
          // mqtt.js keeps QoS 1 messages of a persistent session to resend after a reconnect.
          const entry = Object.entries(client.outgoing).find(([, e]) => e.cb === callback);
          if (entry) client.removeOutgoingMessage(Number(entry[0]));
        },
      };
      this.#inFlight.add(flight);
      try {
        client.publish(topic, payload, { qos }, callback);
      } catch (err) {
        settle(err instanceof Error ? err : new Error(String(err)));
      }
    });
    flight.done = done.catch(() => undefined);
    return done;
  }

  #requireClient(): MqttClient {
    if (!this.#client) throw new Error(`${this.deviceId}: not connected; call connect() first`);
    return this.#client;
  }

  #fault(err: Error): void {
    this.counters.errors++;
    this.lastError = err;
    this.emit('fault', err);
  }

  #describeConnectError(err: Error): Error {
    const code = (err as Error & { code?: unknown }).code;
    if (typeof code === 'number') {
      const reason = err.message.replace(/^Connection refused:\s*/, '') || 'refused';
      return new ConnectRefusedError(this.deviceId, code, reason.toLowerCase());
    }
    return new Error(`${this.deviceId}: cannot connect to ${this.#options.url}: ${err.message}`, { cause: err });
  }

  #fixHere(): Fix {
    if (!this.position) throw new Error(`${this.deviceId}: no position to send; pass a fix`);
    return { ts: this.#now(), ...this.position, src: 'gnss' };
  }

  #moveTo(fix: Fix): void {
    this.position = { lat: fix.lat, lon: fix.lon, acc: fix.acc, batt: fix.batt ?? this.position?.batt };
  }
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
