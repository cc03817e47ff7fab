// Cluster mode (ARC_REDIS_URL): the Redis connections every node shares. Redis carries no state
// the ARC cannot lose: alarms, events, commands and deadlines live in PostgreSQL. Through it go
// Aedes' routing between brokers (mqemitter-redis), the Socket.IO Redis adapter, and one channel of
// device notices ("flush this device's commands", "drop this device") for the node that holds
// the device's connection. docs/guides/cluster.md says why these pieces and what happens when Redis is down.
import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import MQEmitterRedis from 'mqemitter-redis';
import type { MQEmitter } from 'mqemitter';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Logger } from 'pino';
import { z } from 'zod';

/**
 * What one node asks of the others: of the node that holds a device's connection, to flush its
 * commands or drop it; of every node, to forget its cache of which devices have zones (deviceId "*").
 */
export const DeviceNotice = z.object({
  kind: z.enum(['flush-commands', 'disconnect', 'zones-changed']),
  deviceId: z.string().min(1).max(64),
  from: z.string(),
});
export type DeviceNotice = z.infer<typeof DeviceNotice>;

export interface RedisLink {
  /** This node's id: Aedes' broker id and the sender of notices. */
  nodeId: string;
  /** Aedes' message emitter: routes commands and Aedes' own $SYS messages between nodes. */
  mq: MQEmitter;
  /** The Socket.IO Redis adapter for one Socket.IO server (key: its channel prefix). */
  socketAdapter(key: string): ReturnType<typeof createAdapter>;
  /** Tell the other nodes (never this one) about a device. Fire and forget: never throws. */
  notify(kind: DeviceNotice['kind'], deviceId: string): void;
  onNotice(handler: (notice: DeviceNotice) => void): void;
  /** Every connection to Redis is up. */
  ready(): boolean;
  /** Called once each time Redis comes back after being unreachable (pushes may have been missed). */
  onRecovered(handler: () => void): void;
  /**
   * Called with the ids of other nodes that stopped beating (killed, hung, or cut off from Redis):
   * what they committed but had not pushed yet never reaches this node's consoles.
   */
  onPeerGone(handler: (nodeIds: string[]) => void): void;
  /** The other nodes seen alive at the last beat. */
  peers(): string[];
  /** Resolves once every connection is up (the first connect at start). */
  connected(): Promise<void>;
  close(): Promise<void>;
}

const NOTICES = 'arc:device-notices';
/** Every node's id; each node's liveness is the key arc:node:<id>, refreshed every PEER_BEAT_MS. */
const NODES = 'arc:nodes';
const PEER_BEAT_MS = 1000;
/** A node silent this long is gone: three missed beats (a busy event loop can miss one or two). */
const PEER_TTL_MS = 3000;

/** QUIT when connected (replies under way arrive first); else drop the connection at once. */
const end = (client: Redis): Promise<unknown> =>
  client.status === 'ready' ? client.quit().catch(() => client.disconnect()) : Promise.resolve(client.disconnect());

export function createRedisLink(url: string, logger: Logger): RedisLink {
  const nodeId = `arc-${randomUUID()}`;
  const options: RedisOptions = {
    // Reconnect quickly and for ever: a node outlives Redis restarts (docs/guides/cluster.md, "Redis down").
    retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
    // A command waits at most a few reconnect attempts; the callers treat a failure as "not sent".
    maxRetriesPerRequest: 3,
    connectionName: nodeId,
    // CLIENT SETINFO is cosmetic and unknown before Redis 7.2 (Debian 12 ships 7.0).
    disableClientInfo: true,
  };
  // A subscription must not be given up while Redis is away: mqemitter-redis would count it as
  // made, and the device's commands would stop reaching it (ioredis resubscribes only what
  // succeeded). Subscribers wait for Redis instead; they send nothing else.
  const subscriber: RedisOptions = { maxRetriesPerRequest: null };
  const open = (name: string, extra: RedisOptions = {}) => {
    const client = new Redis(url, { ...options, ...extra });
    client.on('error', (err) => logger.debug({ redis: name, err: err.message }, 'redis connection error'));
    return client;
  };
  const clients = {
    mqPub: open('mq-pub', { enableAutoPipelining: true }),
    mqSub: open('mq-sub', subscriber),
    ioPub: open('io-pub', { enableAutoPipelining: true }),
    ioSub: open('io-sub', subscriber),
    noticePub: open('notice-pub'),
    noticeSub: open('notice-sub', subscriber),
  };
  // The Socket.IO adapter publishes without catching (@socket.io/redis-adapter 8.3): a publish that
  // fails while Redis is down would be an unhandled rejection, which ends a Node process.
  const publish = clients.ioPub.publish.bind(clients.ioPub) as (...args: unknown[]) => Promise<number>;
  (clients.ioPub as unknown as { publish: (...args: unknown[]) => Promise<number> }).publish = (...args) =>
    publish(...args).catch((err: Error) => {
      logger.warn({ err: err.message }, 'redis unreachable: a live-feed message for the other nodes was not sent');
      return 0;
    });

  // Subscriptions are sent without catching by the Socket.IO adapter (made when a namespace is
  // first used, dropped when it closes) and by ioredis itself (it subscribes again after Redis
  // comes back): one still waiting when its client is closed is rejected with no handler. Handled
  // and logged here; still rejected for a caller that waits for it.
  for (const [name, client] of [
    ['mq-sub', clients.mqSub],
    ['io-sub', clients.ioSub],
    ['notice-sub', clients.noticeSub],
  ] as const)
    for (const method of ['subscribe', 'psubscribe', 'unsubscribe', 'punsubscribe'] as const) {
      const send = client[method].bind(client) as (...args: unknown[]) => Promise<unknown>;
      (client as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[method] = (...args) => {
        const sent = send(...args);
        sent.catch((err: Error) =>
          logger.debug({ redis: name, command: method, err: err.message }, 'redis: subscription change failed'),
        );
        return sent;
      };
    }

  const mq = new (MQEmitterRedis as unknown as new (options: object) => MQEmitter & { state: NodeJS.EventEmitter })({
    pubConn: clients.mqPub,
    subConn: clients.mqSub,
  });
  // A subscription (a device's SUBSCRIBE to its commands) is acknowledged at once while Redis is
  // away: the device must not wait for Redis to raise an alarm; ioredis makes the Redis
  // subscription when it is back. Commands never need it (the broker writes them to the connection).
  // The same for an unsubscription: Aedes waits for them when it closes, and a node stopped while
  // Redis is away would never finish its shutdown.
  const subscribe = mq.on.bind(mq);
  const unsubscribe = mq.removeListener.bind(mq);
  (mq as unknown as { on: typeof mq.on }).on = (topic, listener, done) => {
    if (!done || clients.mqSub.status === 'ready') return subscribe(topic, listener, done);
    subscribe(topic, listener);
    setImmediate(done);
    return mq;
  };
  (mq as unknown as { removeListener: typeof mq.removeListener }).removeListener = (topic, listener, done) => {
    if (!done || clients.mqSub.status === 'ready') return unsubscribe(topic, listener, done);
    unsubscribe(topic, listener);
    setImmediate(done);
    return mq;
  };
  // mqemitter-redis closes by QUIT and waits for 'end'; a QUIT that cannot reach Redis waits for
  // ever, and the node's shutdown with it. A connection that is not up is dropped instead.
  const internals = mq as unknown as { closing: boolean; close(cb?: () => void): void; _close(cb?: () => void): void };
  internals.close = (cb) => {
    internals.closing = true;
    void Promise.all([clients.mqPub, clients.mqSub].map(end)).then(() => internals._close(cb));
  };
  // mqemitter-redis re-emits connection errors on `state`; an 'error' without a listener would throw.
  mq.state.on('error', (err: Error) => logger.debug({ err: err.message }, 'mqemitter-redis error'));

  const all = Object.values(clients);
  let wasDown = false;
  const recovered: (() => void)[] = [];
  for (const client of all) {
    client.on('close', () => {
      if (closed) return;
      if (!wasDown)
        logger.error(
          'redis unreachable: cluster routing and live feeds between nodes are down; devices still store into PostgreSQL',
        );
      wasDown = true;
    });
    client.on('ready', () => {
      if (!wasDown || !all.every((c) => c.status === 'ready')) return;
      wasDown = false;
      logger.warn('redis reachable again');
      for (const handler of recovered) handler();
    });
  }

  let closed = false;
  const noticeHandlers: ((notice: DeviceNotice) => void)[] = [];
  void clients.noticeSub
    .subscribe(NOTICES)
    .catch((err) => logger.error({ err }, 'could not subscribe to device notices'));
  clients.noticeSub.on('message', (_channel, message) => {
    let parsed;
    try {
      parsed = DeviceNotice.safeParse(JSON.parse(message));
    } catch {
      parsed = null;
    }
    if (!parsed?.success) return logger.warn({ message }, 'malformed device notice ignored');
    if (parsed.data.from === nodeId) return;
    for (const handler of noticeHandlers) handler(parsed.data);
  });

  // Liveness: each node refreshes a key that expires, and watches the others'. A peer whose key
  // expired (kill -9, a hung process, a lost network) is gone; a peer that was never seen does not
  // count. While Redis is away nothing is decided (onRecovered reloads the consoles anyway).
  const peerGone: ((nodeIds: string[]) => void)[] = [];
  let peers = new Set<string>();
  // After a beat that failed (Redis away, or emptied by a restart) the others' keys may be missing
  // only because they have not beaten since: the first good beat just learns who is there.
  let lastBeatOk = false;
  const beat = async () => {
    if (clients.noticePub.status !== 'ready') return void (lastBeatOk = false);
    try {
      const replies = await clients.noticePub
        .multi()
        .set(`arc:node:${nodeId}`, '1', 'PX', PEER_TTL_MS)
        .sadd(NODES, nodeId)
        .smembers(NODES)
        .exec();
      const others = ((replies?.[2]?.[1] as string[] | undefined) ?? []).filter((id) => id !== nodeId);
      const alive = others.length ? await clients.noticePub.mget(others.map((id) => `arc:node:${id}`)) : [];
      const now = new Set(others.filter((_, i) => alive[i] !== null));
      const dead = others.filter((id) => !now.has(id));
      if (dead.length) await clients.noticePub.srem(NODES, ...dead);
      const gone = lastBeatOk ? [...peers].filter((id) => !now.has(id)) : [];
      peers = now;
      lastBeatOk = true;
      if (gone.length && !closed) for (const handler of peerGone) handler(gone);
    } catch (err) {
      lastBeatOk = false;
      logger.debug({ err: (err as Error).message }, 'cluster liveness beat failed');
    }
  };
  const beating = setInterval(() => void beat(), PEER_BEAT_MS).unref();
  void beat();

  return {
    nodeId,
    mq,
    socketAdapter: (key) => createAdapter(clients.ioPub, clients.ioSub, { key, requestsTimeout: 1000 }),
    notify(kind, deviceId) {
      const notice: DeviceNotice = { kind, deviceId, from: nodeId };
      clients.noticePub
        .publish(NOTICES, JSON.stringify(notice))
        .catch((err: Error) =>
          logger.warn(
            { err: err.message, ...notice },
            'redis unreachable: device notice not sent (the device gets its commands when it next subscribes)',
          ),
        );
    },
    onNotice: (handler) => void noticeHandlers.push(handler),
    ready: () => all.every((client) => client.status === 'ready'),
    onRecovered: (handler) => void recovered.push(handler),
    onPeerGone: (handler) => void peerGone.push(handler),
    peers: () => [...peers],
    connected: () =>
      Promise.all(
        all.map((client) =>
          client.status === 'ready' ? undefined : new Promise<void>((resolve) => client.once('ready', () => resolve())),
        ),
      ).then(() => undefined),
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(beating);
      // A clean stop leaves at once (its pushes are done; the others still reload, which is harmless).
      await clients.noticePub
        .multi()
        .del(`arc:node:${nodeId}`)
        .srem(NODES, nodeId)
        .exec()
        .catch(() => {});
      // Aedes closes mq (and with it mqPub and mqSub) when the broker closes.
      await Promise.all([clients.ioPub, clients.ioSub, clients.noticePub, clients.noticeSub].map(end));
    },
  };
}
