// The live feed to carers' pages: Socket.IO namespace /carer, carers only. Each socket is in one
// room per person linked to its carer, joined here on the server; the page asks for nothing.
// Links are read again before every push, so unlinking a carer stops their pushes at once and a
// new link starts them. Like the operator feed, it stores no events: a page that connects loads
// GET /api/my/wearers and then applies what is pushed here.
import type { Server as HttpServer } from 'node:http';
import { Server, type Namespace, type Socket } from 'socket.io';
import type { Sql } from 'postgres';
import type { Logger } from 'pino';
import { tokenFrom, userForToken } from '../auth/session-token.js';
import { audit } from '../store/audit-log.js';
import {
  CARER_VIEWED_LOCATIONS,
  linkedCarerIds,
  linkedWearerIds,
  wearerAlarmStatus,
  wearerOfDevice,
} from '../store/carer-view-store.js';
import { sessionTokenHash, type User } from '../store/user-store.js';
import type { AlarmView, DeviceMoved } from './console-contract.js';
import type { FeedOptions, OperatorFeed } from './operator-feed.js';
import { closeEndedSessions } from './session-watch.js';
import { engineOriginCheck, handshakeOriginRefusal } from './feed-origin.js';
import {
  CARER_NAMESPACE,
  CARER_SOCKET_PATH,
  type CarerClientEvents,
  type CarerServerEvents,
} from './carer-contract.js';

export interface CarerFeed {
  /** A device stored a newer position: tell the carers of its wearer, if any are watching. */
  deviceMoved(moved: DeviceMoved): void;
  /** An alarm changed: tell its wearer's carers how the sentence reads now (never duress or test). */
  alarmChanged(alarm: AlarmView): void;
  /** Close every page of this carer, on every node: their sessions were ended (disabled, new role or password). */
  disconnectUser(userId: string): void;
  /** Close this node's pages; they reconnect and reload what they show (after missed pushes). */
  reconnectAll(): void;
  /** Close the pages whose session has ended (log-out, expiry); resolves with how many. */
  closeEndedSessions(): Promise<number>;
  /** Resolves when every push under way has been sent. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

interface SocketData {
  user: User;
  sessionHash: string;
  wearerIds: string[];
}
type CarerSocket = Socket<CarerClientEvents, CarerServerEvents, Record<string, never>, SocketData>;

const wearerRoom = (wearerId: string) => `wearer:${wearerId}`;
const carerRoom = (userId: string) => `carer:${userId}`;

const refusal = (code: string) => Object.assign(new Error(code), { data: { code } });

/** Must never be shown to a carer (duress-PIN rule of the device protocol; tests are not alarms). */
export const hiddenFromCarers = (alarm: Pick<AlarmView, 'isTest' | 'flags'>) =>
  alarm.isTest || alarm.flags.silent === true;

export function attachCarerFeed(
  httpServer: HttpServer,
  sql: Sql,
  logger: Logger,
  now: () => Date,
  options: FeedOptions,
): CarerFeed {
  const { origins } = options;
  // A Socket.IO server of its own on its own path: the operator feed keeps its server to itself.
  const io = new Server(httpServer, {
    path: CARER_SOCKET_PATH,
    serveClient: false,
    destroyUpgrade: false,
    allowRequest: engineOriginCheck(origins),
    ...(options.adapter && { adapter: options.adapter }),
  });
  io.of('/').use((_socket, next) => next(refusal('ARC_ERR_NOT_FOUND')));
  const carers = io.of(CARER_NAMESPACE) as unknown as Namespace<
    CarerClientEvents,
    CarerServerEvents,
    Record<string, never>,
    SocketData
  >;
  /** The connected sockets of each carer: a new link joins them without a reconnect. */
  const byCarer = new Map<string, Set<CarerSocket>>();
  const running = new Set<Promise<void>>();

  const liveViewAudited = (user: User, wearerIds: string[]) =>
    audit(
      sql,
      { id: user.id, name: user.email },
      CARER_VIEWED_LOCATIONS,
      wearerIds.length === 1 ? wearerIds[0] : null,
      { wearerIds, view: 'live' },
    ).catch((err) => logger.error({ err, userId: user.id }, 'could not audit a carer live view'));

  carers.use(async (socket, next) => {
    try {
      const originRefused = handshakeOriginRefusal(socket, origins);
      if (originRefused) {
        logger.warn(
          { origin: socket.handshake.headers.origin ?? null },
          "carer feed refused: not from the ARC's own origin",
        );
        return next(refusal(originRefused));
      }
      const token = tokenFrom(socket.handshake.headers, socket.handshake.auth?.token);
      const user = await userForToken(sql, token, now());
      if (!user) return next(refusal('ARC_ERR_AUTH_REQUIRED'));
      if (user.role !== 'carer') {
        logger.warn({ userId: user.id, role: user.role }, 'non-carer user refused the carer feed');
        return next(refusal('ARC_ERR_FORBIDDEN'));
      }
      // Read before the connection is granted, so the rooms are joined before the page is told it
      // is connected and loads its snapshot: nothing falls between the two.
      socket.data.user = user;
      socket.data.sessionHash = sessionTokenHash(token!);
      socket.data.wearerIds = await linkedWearerIds(sql, user.id);
      next();
    } catch (err) {
      logger.error({ err }, 'carer feed authentication failed');
      next(refusal('ARC_ERR_NOT_READY'));
    }
  });

  carers.on('connection', (socket) => {
    const { user, wearerIds } = socket.data;
    void socket.join([carerRoom(user.id), ...wearerIds.map(wearerRoom)]);
    const mine = byCarer.get(user.id) ?? new Set();
    byCarer.set(user.id, mine.add(socket));
    if (wearerIds.length) void liveViewAudited(user, wearerIds);
    socket.on('disconnect', () => {
      mine.delete(socket);
      if (!mine.size) byCarer.delete(user.id);
    });
    logger.info({ userId: user.id, wearers: wearerIds.length }, 'carer page connected');
  });

  // This node's pages only: in a cluster every node is told each change once (cluster-feed.ts)
  // and tells the carers connected to it.
  const local = carers.local;

  /**
   * Makes the room of a wearer hold exactly the sockets of the carers linked now (an unlinked or
   * disabled carer leaves, a newly linked one joins); true when anyone is left to tell.
   */
  async function roomOf(wearerId: string): Promise<boolean> {
    const room = wearerRoom(wearerId);
    const linked = new Set(await linkedCarerIds(sql, wearerId));
    for (const socket of await local.in(room).fetchSockets()) {
      if (!linked.has(socket.data.user.id)) {
        socket.leave(room);
        logger.info(
          { userId: socket.data.user.id, wearerId },
          'carer no longer linked: pushes for this wearer stopped',
        );
      }
    }
    for (const carerId of linked) {
      for (const socket of byCarer.get(carerId) ?? []) {
        if (socket.rooms.has(room)) continue;
        void socket.join(room);
        void liveViewAudited(socket.data.user, [wearerId]);
      }
    }
    return (carers.adapter.rooms.get(room)?.size ?? 0) > 0;
  }

  function track(work: Promise<void>, what: string, detail: Record<string, unknown>) {
    const tracked = work
      .catch((err) => logger.error({ err, ...detail }, `could not push ${what} to carers`))
      .finally(() => running.delete(tracked));
    running.add(tracked);
  }

  return {
    deviceMoved(moved) {
      // Cheap when no carer is connected: the hot path of every fix.
      if (!byCarer.size) return;
      track(
        (async () => {
          const wearerId = await wearerOfDevice(sql, moved.deviceId);
          if (!wearerId || !(await roomOf(wearerId))) return;
          local
            .to(wearerRoom(wearerId))
            .emit('wearer:moved', { wearerId, position: moved.position, seenAt: now().toISOString() });
        })(),
        'a position',
        { deviceId: moved.deviceId },
      );
    },
    alarmChanged(alarm) {
      if (!byCarer.size || !alarm.wearerId || hiddenFromCarers(alarm)) return;
      const wearerId = alarm.wearerId;
      track(
        (async () => {
          if (!(await roomOf(wearerId))) return;
          const status = await wearerAlarmStatus(sql, wearerId, now());
          if (status) local.to(wearerRoom(wearerId)).emit('wearer:alarm', { wearerId, alarm: status });
        })(),
        'an alarm change',
        { alarmId: alarm.id },
      );
    },
    disconnectUser(userId) {
      // Not `local`: with the Redis adapter this reaches the carer's pages on every node.
      carers.in(carerRoom(userId)).disconnectSockets(true);
    },
    reconnectAll: () => local.disconnectSockets(true),
    closeEndedSessions: () => closeEndedSessions(sql, carers.sockets.values(), now()),
    async idle() {
      while (running.size) await Promise.all([...running]);
    },
    async close() {
      await this.idle();
      local.disconnectSockets(true); // this node's pages only: the others go on
      // io.close() would also close the HTTP server, which the ARC closes itself.
      io.engine.close();
    },
  };
}

/**
 * The operator feed, with every position and alarm change also given to the carer feed. The
 * alarm notifier and the intake see one feed; the operators' behaviour is unchanged.
 */
export function withCarerFeed(operators: OperatorFeed, carerFeed: CarerFeed): OperatorFeed {
  return {
    ...operators,
    deviceMoved(moved) {
      operators.deviceMoved(moved);
      carerFeed.deviceMoved(moved);
    },
    alarmRaised(alarm) {
      operators.alarmRaised(alarm);
      carerFeed.alarmChanged(alarm);
    },
    alarmUpdated(alarm) {
      operators.alarmUpdated(alarm);
      carerFeed.alarmChanged(alarm);
    },
    alarmEscalated(alarm) {
      operators.alarmEscalated(alarm);
      carerFeed.alarmChanged(alarm);
    },
  };
}
