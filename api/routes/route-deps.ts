import type { Sql } from 'postgres';
import type { Config } from '../config.js';
import type { Metrics } from '../metrics.js';
import type { RoleGuard } from './request-user.js';
import type { Role } from '../domain/role.js';

/** What every route module is given: nothing global, so tests can build an app of their own. */
export interface RouteDeps {
  sql: Sql;
  config: Config;
  metrics: Metrics;
  now: () => Date;
  isDeviceConnected: (deviceId: string) => boolean;
  /** Cluster mode: which of these devices are connected to another node. */
  connectedElsewhere?: (deviceIds: string[]) => Promise<Set<string>>;
  /** Drop a device's live connection: after it is disabled or its secret rotated. */
  disconnectDevice: (deviceId: string) => void;
  /** Drop a user's live feeds (operator and carer): after their sessions were ended. */
  disconnectUser: (userId: string) => void;
  /** A session was ended (log-out): close the live feeds it had open. */
  sessionEnded: () => void;
  /** Staff with an operator console connected now, on any node (the supervisor's "on shift"). */
  staffOnConsole: () => Promise<{ userId: string; since: Date; consoles: number }[]>;
  /** Whether Redis answers (cluster mode only; GET /health/ready). */
  redisReady?: () => boolean;
  allow: (...roles: Role[]) => RoleGuard;
  /** After commit: a command was queued for this device (a `config`): send it if the device can take it now. */
  commandsQueued?: (deviceId: string) => void;
  /** A geofence was created, changed or deleted: the intake's cache of who has zones is stale. */
  zonesChanged?: () => void;
  /** Whether the database answers (GET /health/ready). */
  databaseReady: () => Promise<boolean>;
}
