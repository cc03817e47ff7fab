// The live feed to operator consoles: Socket.IO on the HTTP port, namespace /operator, staff only.
// The server stores no events (Socket.IO docs): a console that connects late or reconnects loads
// the REST snapshot (GET /api/alarms) and then applies what is pushed here.
import type { Server as HttpServer } from 'node:http';
import { Server, type ServerOptions } from 'socket.io';
import type { Sql } from 'postgres';
import type { Logger } from 'pino';
import { tokenFrom, userForToken } from '../auth/session-token.js';
import { isStaffRole } from '../domain/role.js';
import { sessionTokenHash } from '../store/user-store.js';
import { closeEndedSessions } from './session-watch.js';
import { engineOriginCheck, handshakeOriginRefusal } from './feed-origin.js';
import { isDeviceId } from '../../protocol/device-topics.js';
import {
  OPERATOR_NAMESPACE,
  type DeviceMoved,
  type AlarmView,
  type OperatorClientEvents,
  type OperatorServerEvents,
  FOLLOW_BATCH_MAX,
} from './console-contract.js';
import { audit, auditEach } from '../store/audit-log.js';
import { organisationsOf, scopeAllows, scopeOfUser } from '../store/tenancy-store.js';

export interface OperatorFeed {
  /** Push a device's newest position to the consoles following it (cheap when none do). */
  deviceMoved(moved: DeviceMoved): void;
  alarmRaised(alarm: AlarmView): void;
  alarmUpdated(alarm: AlarmView): void;
  alarmEscalated(alarm: AlarmView): void;
  /** Close every console of this user, on every node: their sessions were ended (disabled, new role or password). */
  disconnectUser(userId: string): void;
  /** Staff with a console connected now, on any node, and since when: who is on shift, as the ARC sees it. */
  onConsole(): Promise<StaffPresence[]>;
  /** Messages between the nodes of a cluster, through the Socket.IO adapter (cluster-feed.ts). */
  serverSide: ServerSideBus;
  /** Close this node's consoles; they reconnect and reload their snapshot (after missed pushes). */
  reconnectAll(): void;
  /** Close the consoles whose session has ended (log-out, expiry); resolves with how many. */
  closeEndedSessions(): Promise<number>;
  close(): Promise<void>;
}

export interface StaffPresence {
  userId: string;
  /** When their first console still open connected. */
  since: Date;
  consoles: number;
}

/** serverSideEmit and its listener: to every other node's operator namespace (nothing without a cluster adapter). */
export interface ServerSideBus {
  emit(event: string, ...args: unknown[]): void;
  /** Ask every other node; resolves with their answers (rejects when one does not answer in time). */
  request(event: string, ...args: unknown[]): Promise<unknown[]>;
  /** A request's listener gets an answer callback as its last argument. */
  on(event: string, listener: (...args: unknown[]) => void): void;
}

export interface FeedOptions {
  /** The pages' own origins: a handshake from any other is refused (issue 12). */
  origins: Set<string>;
  /** The Socket.IO adapter (cluster mode: @socket.io/redis-adapter); the in-memory one otherwise. */
  adapter?: ServerOptions['adapter'];
}

// Alarms go to the room of their organisation and to the room of staff serving every
// organisation; staff serving a chosen set join those organisations' rooms (docs organisations.md).
const ALL_ORGANISATIONS_ROOM = 'staff';
const organisationRoom = (organisationId: string) => `organisation:${organisationId}`;
const alarmRooms = (alarm: AlarmView) => [ALL_ORGANISATIONS_ROOM, organisationRoom(alarm.organisationId)];
const followRoom = (deviceId: string) => `device:${deviceId}`;
const userRoom = (userId: string) => `user:${userId}`;

/** A `devices:follow` payload, parsed: its device ids, once each; nothing when it is not a list of at most FOLLOW_BATCH_MAX. */
function deviceIdsOf(payload: unknown): string[] {
  if (!Array.isArray(payload) || payload.length > FOLLOW_BATCH_MAX) return [];
  return [...new Set(payload.filter((id): id is string => typeof id === 'string' && isDeviceId(id)))];
}

export function attachOperatorFeed(
  httpServer: HttpServer,
  sql: Sql,
  logger: Logger,
  now: () => Date,
  options: FeedOptions,
): OperatorFeed {
  const { origins } = options;
  const io = new Server(httpServer, {
    ...(options.adapter && { adapter: options.adapter }),
    serveClient: true,
    // MQTT over WebSocket shares this HTTP server at /mqtt: leave upgrades that are not ours alone.
    destroyUpgrade: false,
    allowRequest: engineOriginCheck(origins),
  });
  // Nothing is served on the default namespace.
  io.of('/').use((_socket, next) =>
    next(Object.assign(new Error('ARC_ERR_NOT_FOUND'), { data: { code: 'ARC_ERR_NOT_FOUND' } })),
  );

  const operators = io.of(OPERATOR_NAMESPACE) as unknown as import('socket.io').Namespace<
    OperatorClientEvents,
    OperatorServerEvents
  >;
  operators.use(async (socket, next) => {
    try {
      const originRefused = handshakeOriginRefusal(socket, origins);
      if (originRefused) {
        logger.warn(
          { origin: socket.handshake.headers.origin ?? null },
          "operator feed refused: not from the ARC's own origin",
        );
        return next(Object.assign(new Error(originRefused), { data: { code: originRefused } }));
      }
      const token = tokenFrom(socket.handshake.headers, socket.handshake.auth?.token);
      const user = await userForToken(sql, token, now());
      if (!user)
        return next(Object.assign(new Error('ARC_ERR_AUTH_REQUIRED'), { data: { code: 'ARC_ERR_AUTH_REQUIRED' } }));
      if (!isStaffRole(user.role)) {
        logger.warn({ userId: user.id, role: user.role }, 'non-staff user refused the operator feed');
        return next(Object.assign(new Error('ARC_ERR_FORBIDDEN'), { data: { code: 'ARC_ERR_FORBIDDEN' } }));
      }
      socket.data.user = user;
      socket.data.scope = await scopeOfUser(sql, user.id);
      socket.data.sessionHash = sessionTokenHash(token!);
      // Presence is what is connected right now, on every node: read from the sockets themselves.
      socket.data.connectedAt = now().toISOString();
      next();
    } catch (err) {
      logger.error({ err }, 'operator feed authentication failed');
      next(Object.assign(new Error('ARC_ERR_NOT_READY'), { data: { code: 'ARC_ERR_NOT_READY' } }));
    }
  });
  operators.on('connection', (socket) => {
    const userId: string = socket.data.user.id;
    const served: string[] | null = socket.data.scope.organisationIds;
    void socket.join([
      ...(served === null ? [ALL_ORGANISATIONS_ROOM] : served.map(organisationRoom)),
      userRoom(userId),
    ]);
    // Client messages are parsed at the edge like any other input (STYLE habit 6).
    // The devices this console follows or is about to: claimed at once, before the scope query,
    // so that two messages naming one device (device:follow beside devices:follow) follow and
    // audit it once.
    const claimed = new Set<string>();
    const follow = (deviceIds: string[]) => {
      const wanted = deviceIds.filter((id) => !claimed.has(id));
      if (wanted.length === 0) return;
      for (const id of wanted) claimed.add(id);
      const run = async () => {
        let allowed = wanted;
        // Staff serving a chosen set follow only those organisations' devices (silently: as if absent).
        if (served !== null) {
          const owners = await organisationsOf(sql, 'device', wanted);
          allowed = wanted.filter((id) => {
            const owner = owners.get(id);
            return owner !== undefined && scopeAllows(socket.data.scope, owner);
          });
          const kept = new Set(allowed);
          for (const id of wanted) if (!kept.has(id)) claimed.delete(id);
          // Unfollowed meanwhile: not joined.
          allowed = allowed.filter((id) => claimed.has(id));
        }
        if (allowed.length === 0) return;
        await socket.join(allowed.map(followRoom));
        // Following a device is watching a person move: audited once per follow and device, off
        // the push path; many at once in one statement.
        const user = socket.data.user;
        if (allowed.length === 1) await audit(sql, { id: user.id, name: user.email }, 'device.followed', allowed[0]);
        else await auditEach(sql, { id: user.id, name: user.email }, 'device.followed', allowed);
      };
      run().catch((err) => {
        for (const id of wanted) claimed.delete(id);
        logger.error({ err, devices: wanted.length }, 'could not follow devices');
      });
    };
    const unfollow = (deviceIds: string[]) => {
      for (const id of deviceIds) {
        claimed.delete(id);
        void socket.leave(followRoom(id));
      }
    };
    socket.on('device:follow', (deviceId) => {
      if (typeof deviceId === 'string' && isDeviceId(deviceId)) follow([deviceId]);
    });
    socket.on('device:unfollow', (deviceId) => {
      if (typeof deviceId === 'string' && isDeviceId(deviceId)) unfollow([deviceId]);
    });
    // The devices view follows every device it lists: one message per page of ids, one scope
    // query and one audit statement for them all, rather than one of each per device (issue 14).
    socket.on('devices:follow', (deviceIds) => follow(deviceIdsOf(deviceIds)));
    socket.on('devices:unfollow', (deviceIds) => unfollow(deviceIdsOf(deviceIds)));
    logger.info({ userId: socket.data.user?.id }, 'operator console connected');
  });

  // Pushes go to this node's consoles only (`local`): in a cluster each node is told every change
  // once (cluster-feed.ts) and tells its own, so the adapter does not send each push twice.
  const local = operators.local;
  return {
    deviceMoved(moved) {
      const room = followRoom(moved.deviceId);
      if (operators.adapter.rooms.get(room)?.size) local.to(room).emit('device:moved', moved);
    },
    alarmRaised: (alarm) => local.to(alarmRooms(alarm)).emit('alarm:raised', alarm),
    alarmUpdated: (alarm) => local.to(alarmRooms(alarm)).emit('alarm:updated', alarm),
    alarmEscalated: (alarm) => local.to(alarmRooms(alarm)).emit('alarm:escalated', alarm),
    disconnectUser(userId) {
      // A socket is checked once, when it connects: without this it would keep receiving alarms.
      // Not `local`: with the Redis adapter this reaches the user's consoles on every node.
      operators.in(userRoom(userId)).disconnectSockets(true);
    },
    async onConsole() {
      const sockets = await operators.fetchSockets().catch((err: Error) => {
        // A node that does not answer (Redis down, a node dying): say who is seen here.
        logger.warn({ err: err.message }, 'presence from the other nodes unavailable: this node only');
        return local.fetchSockets();
      });
      const presence = new Map<string, StaffPresence>();
      for (const socket of sockets) {
        const userId: string = socket.data.user.id;
        const since = new Date(socket.data.connectedAt);
        const seen = presence.get(userId);
        presence.set(
          userId,
          seen
            ? { userId, since: seen.since < since ? seen.since : since, consoles: seen.consoles + 1 }
            : { userId, since, consoles: 1 },
        );
      }
      return [...presence.values()];
    },
    serverSide: {
      emit: (event, ...args) => operators.serverSideEmit(event as never, ...(args as never[])),
      request: (event, ...args) =>
        (operators.serverSideEmitWithAck as (event: string, ...args: unknown[]) => Promise<unknown[]>)(event, ...args),
      on: (event, listener) =>
        void (operators as unknown as { on(event: string, listener: (...args: unknown[]) => void): void }).on(
          event,
          listener,
        ),
    },
    reconnectAll: () => local.disconnectSockets(true),
    closeEndedSessions: () => closeEndedSessions(sql, operators.sockets.values(), now()),
    close: () => new Promise((resolve) => io.close(() => resolve())),
  };
}
