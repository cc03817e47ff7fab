// The live feed to operator consoles: Socket.IO on the HTTP port, namespace /operator, staff only.
// The server stores no events (Socket.IO docs): a console that connects late or reconnects loads
// the REST snapshot (GET /api/alarms) and then applies what is pushed here.
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { Sql } from 'postgres';
import type { Logger } from 'pino';
import { tokenFrom, userForToken } from '../auth/session-token.js';
import { STAFF_ROLES } from '../store/user-store.js';
import {
  OPERATOR_NAMESPACE,
  type AlarmView,
  type OperatorClientEvents,
  type OperatorServerEvents,
} from './console-contract.js';

export interface OperatorFeed {
  alarmRaised(alarm: AlarmView): void;
  alarmUpdated(alarm: AlarmView): void;
  alarmEscalated(alarm: AlarmView): void;
  close(): Promise<void>;
}

const STAFF_ROOM = 'staff';

export function attachOperatorFeed(httpServer: HttpServer, sql: Sql, logger: Logger): OperatorFeed {
  const io = new Server(httpServer, {
    serveClient: true,
    // MQTT over WebSocket shares this HTTP server at /mqtt: leave upgrades that are not ours alone.
    destroyUpgrade: false,
  });
  // Nothing is served on the default namespace.
  io.of('/').use((_socket, next) => next(Object.assign(new Error('ARC_ERR_NOT_FOUND'), { data: { code: 'ARC_ERR_NOT_FOUND' } })));

  const operators = io.of(OPERATOR_NAMESPACE) as unknown as import('socket.io').Namespace<OperatorClientEvents, OperatorServerEvents>;
  operators.use(async (socket, next) => {
    try {
      const user = await userForToken(sql, tokenFrom(socket.handshake.headers, socket.handshake.auth?.token));
      if (!user) return next(Object.assign(new Error('ARC_ERR_AUTH_REQUIRED'), { data: { code: 'ARC_ERR_AUTH_REQUIRED' } }));
      if (!STAFF_ROLES.includes(user.role)) {
        logger.warn({ userId: user.id, role: user.role }, 'non-staff user refused the operator feed');
        return next(Object.assign(new Error('ARC_ERR_FORBIDDEN'), { data: { code: 'ARC_ERR_FORBIDDEN' } }));
      }
      socket.data.user = user;
      next();
    } catch (err) {
      logger.error({ err }, 'operator feed authentication failed');
      next(Object.assign(new Error('ARC_ERR_NOT_READY'), { data: { code: 'ARC_ERR_NOT_READY' } }));
    }
  });
  operators.on('connection', (socket) => {
    void socket.join(STAFF_ROOM);
    logger.info({ userId: socket.data.user?.id }, 'operator console connected');
  });

  return {
    alarmRaised: (alarm) => operators.to(STAFF_ROOM).emit('alarm:raised', alarm),
    alarmUpdated: (alarm) => operators.to(STAFF_ROOM).emit('alarm:updated', alarm),
    alarmEscalated: (alarm) => operators.to(STAFF_ROOM).emit('alarm:escalated', alarm),
    close: () => new Promise((resolve) => io.close(() => resolve())),
  };
}
