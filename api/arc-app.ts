// Builds the whole ARC around a database connection, without listening (STYLE habit 2):
// broker → intake → rules → store → console. main.ts listens; tests build their own.
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import { WebSocketServer, createWebSocketStream } from 'ws';
import type { Sql, TransactionSql } from 'postgres';
import type { Logger } from 'pino';
import { createMqttBroker, type MqttBroker } from '../broker/mqtt-broker.js';
import type { Config } from './config.js';
import { Metrics } from './metrics.js';
import { CONSOLE_DIST, consoleBuilt } from './console-build.js';
import { createDeviceAuthenticator } from './auth/device-credentials.js';
import { createDeviceIntake } from './intake/device-intake.js';
import { createCommandDispatcher } from './intake/command-dispatcher.js';
import { attachOperatorFeed, type OperatorFeed } from './live/operator-feed.js';
import { createAlarmNotifier } from './live/alarm-notifier.js';
import { attachCarerFeed, withCarerFeed, type CarerFeed } from './live/carer-feed.js';
import { SESSION_RECHECK_MS } from './live/session-watch.js';
import { installErrorHandler } from './routes/error-handler.js';
import { roleGuard } from './routes/request-user.js';
import type { RouteDeps } from './routes/route-deps.js';
import { authRoutes } from './routes/auth-routes.js';
import { deviceRoutes } from './routes/device-routes.js';
import { wearerRoutes } from './routes/wearer-routes.js';
import { organisationRoutes } from './routes/organisation-routes.js';
import { userRoutes } from './routes/user-routes.js';
import { alarmRoutes } from './routes/alarm-routes.js';
import { carerRoutes } from './routes/carer-routes.js';
import { opsRoutes } from './routes/ops-routes.js';
import { alarmActionRoutes } from './routes/alarm-action-routes.js';
import { shiftRoutes } from './routes/shift-routes.js';
import { contactRoutes } from './routes/contact-routes.js';
import { responsePlanRoutes } from './routes/response-plan-routes.js';
import { geofenceRoutes } from './routes/geofence-routes.js';
import { reportRoutes } from './routes/report-routes.js';
import { bulkDeviceRoutes } from './routes/bulk-device-routes.js';
import { createDeadlineClock, type DeadlineClock } from './clock/deadline-clock.js';
import { createNotificationWorker, type NotificationWorker } from './notify/notification-worker.js';
import { createZoneWatch } from './handling/zone-watch.js';
import { createFixBatcher } from './intake/fix-batcher.js';
import { placeRoutes } from './routes/place-routes.js';
import { handoverRoutes } from './routes/handover-routes.js';
import { createReverseGeocoder } from './places/reverse-geocoder.js';
import { advanceAfterOutcome, mandatoryStepsOpen, runDueSteps, startResponsePlan } from './handling/response-plan-runner.js';
import { notifyCarers, notifySupervisors } from './handling/alarm-notifications.js';

/** A device payload is at most 16 KiB; an MQTT frame a little more. HTTP bodies are small too. */
const HTTP_BODY_LIMIT = 256 * 1024;

export interface ArcDeps {
  config: Config;
  sql: Sql;
  logger: Logger;
  now?: () => Date;
  /** Run the clock and the notification sender on their own (default); tests tick them by hand. */
  startTimers?: boolean;
}

export interface ArcAddresses {
  http: string;
  mqtt: string;
  mqttWebSocket: string;
  mqtts: string | null;
}

export interface Arc {
  http: FastifyInstance;
  broker: MqttBroker;
  metrics: Metrics;
  clock: DeadlineClock;
  notifications: NotificationWorker;
  listen(): Promise<ArcAddresses>;
  /** Resolves when every message under way has been stored and every push sent. */
  idle(): Promise<void>;
  /** Close the live feeds whose session has ended (also runs by itself with the timers). */
  closeEndedSessions(): Promise<number>;
  /** Stop taking connections, finish in-flight writes, close. The caller owns `sql`. */
  close(): Promise<void>;
}

export async function createArc(deps: ArcDeps): Promise<Arc> {
  const { config, sql, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const metrics = new Metrics();

  const http = Fastify({ loggerInstance: logger.child({ component: 'http' }) as FastifyBaseLogger, bodyLimit: HTTP_BODY_LIMIT });
  let feed: OperatorFeed | null = null;
  let carerFeed: CarerFeed | null = null;
  // Operator consoles and carers' pages get the same positions and alarm changes.
  let feeds: OperatorFeed | null = null;
  const alarms = createAlarmNotifier(sql, () => feeds, logger);
  let broker: MqttBroker | null = null;
  const commands = createCommandDispatcher(sql, { sendCommand: (id, payload) => broker!.sendCommand(id, payload) }, logger, now);
  const planOptions = { webhookUrl: config.ARC_WEBHOOK_URL ?? null };
  // What every new alarm gets in the transaction that raised it, whoever raised it.
  const onRaised = async (tx: TransactionSql, alarmId: string) => {
    await startResponsePlan(tx, alarmId, now(), planOptions);
    await notifyCarers(tx, alarmId, now(), config.ARC_PUBLIC_URL);
  };
  const deadlines = config.ARC_ACCEPT_DEADLINES;
  const fixBatcher = createFixBatcher(sql, (messages, ms) => {
    metrics.increment('intake_fix_batches');
    metrics.increment('intake_fix_batch_messages', {}, messages);
    metrics.increment('intake_fix_batch_ms', {}, Math.round(ms));
  });
  const zones = createZoneWatch(sql, deadlines, onRaised, fixBatcher);
  const intake = createDeviceIntake({
    sql,
    acceptDeadlines: deadlines,
    logger: logger.child({ component: 'intake' }),
    metrics,
    now,
    alarms,
    commands,
    zones,
    onRaised,
    positionSeen: (deviceId, position) => feeds?.deviceMoved({ deviceId, position }),
  });
  const clock = createDeadlineClock({
    sql,
    logger: logger.child({ component: 'clock' }),
    now,
    deadlines,
    noCommGraceS: config.ARC_NO_COMM_GRACE_S,
    onRaised,
    notifySupervisors: (tx, alarmId, at) =>
      notifySupervisors(tx, alarmId, at, { publicUrl: config.ARC_PUBLIC_URL, webhookUrl: config.ARC_WEBHOOK_URL ?? null }),
    publish: (effect) => alarms[effect.change](effect.alarmId),
    extraSweeps: [
      [
        'response plan steps',
        async (ctx) => (await runDueSteps(ctx.tx, ctx.now, planOptions)).map((alarmId) => ({ change: 'updated' as const, alarmId })),
      ],
    ],
  });
  // A message delivered or failed for good changes the alarm's plan: pushed, not left to the next action.
  const notifications = createNotificationWorker({ sql, config, logger: logger.child({ component: 'notify' }), now, settled: (alarmId) => alarms.updated(alarmId) });

  const intakeUnderWay = new Set<Promise<unknown>>();
  broker = await createMqttBroker(
    {
      authenticateDevice: createDeviceAuthenticator(sql),
      onDevicePublish(message) {
        const work = intake(message);
        intakeUnderWay.add(work);
        void work.catch(() => {}).finally(() => intakeUnderWay.delete(work));
        return work;
      },
      onCommandsReady: (deviceId) => commands.flush(deviceId),
      onCommandAcknowledged: (deviceId, payload) => commands.acknowledged(deviceId, payload),
      onDeviceGone: (deviceId) => commands.deviceGone(deviceId),
    },
    logger.child({ component: 'broker' }),
    metrics,
  );

  await http.register(fastifyCookie);
  if (!consoleBuilt()) throw new Error('the console is not built: run `npm run build:console` (npm install does it)');
  await http.register(fastifyStatic, { root: CONSOLE_DIST, prefix: '/', index: 'index.html' });
  installErrorHandler(http);
  const routeDeps: RouteDeps = {
    sql,
    config,
    metrics,
    now,
    isDeviceConnected: (id) => broker!.isConnected(id),
    zonesChanged: () => zones.zonesChanged(),
    disconnectDevice: (id) => broker!.disconnect(id),
    staffOnConsole: () => feed?.onConsole() ?? [],
    disconnectUser: (id) => {
      feed?.disconnectUser(id);
      carerFeed?.disconnectUser(id);
    },
    sessionEnded: () => void closeEndedSessions(),
    allow: roleGuard(sql, now),
    // Answers within a second: a database that hangs (frozen, unreachable) is "not ready" now,
    // not when the load balancer's own timeout fires.
    databaseReady: () =>
      Promise.race([
        sql`select 1`.then(() => true, () => false),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1000).unref()),
      ]),
  };
  const routeModules = [
    authRoutes,
    deviceRoutes,
    bulkDeviceRoutes,
    wearerRoutes,
    organisationRoutes,
    contactRoutes,
    responsePlanRoutes,
    geofenceRoutes,
    userRoutes,
    alarmRoutes,
    carerRoutes,
    shiftRoutes,
    reportRoutes,
    opsRoutes,
    handoverRoutes,
  ];
  for (const routes of routeModules) routes(http, routeDeps);
  placeRoutes(http, { ...routeDeps, geocoder: createReverseGeocoder({ url: config.ARC_GEOCODER_URL, logger: logger.child({ component: 'geocoder' }), now }) });
  alarmActionRoutes(http, {
    ...routeDeps,
    alarmChanged: (alarm) => alarms.publish('updated', alarm),
    afterOutcome: (tx, alarmId, at) => advanceAfterOutcome(tx, alarmId, at, planOptions),
    mandatoryStepsOpen: (tx, alarmId, at) => mandatoryStepsOpen(tx, alarmId, at, planOptions),
    commandsQueued: (deviceId) => commands.flush(deviceId),
  });

  // Socket.IO and MQTT over WebSocket share the HTTP server; /mqtt upgrades go to the broker.
  feed = attachOperatorFeed(http.server, sql, logger.child({ component: 'feed' }), now);
  carerFeed = attachCarerFeed(http.server, sql, logger.child({ component: 'carer-feed' }), now);
  feeds = withCarerFeed(feed, carerFeed);
  const mqttWebSockets = new WebSocketServer({ noServer: true, maxPayload: HTTP_BODY_LIMIT });
  http.server.on('upgrade', (request, socket, head) => {
    if (new URL(request.url ?? '/', 'http://x').pathname !== '/mqtt') return;
    mqttWebSockets.handleUpgrade(request, socket, head, (ws) => {
      (socket as Socket).setNoDelay?.(true);
      broker!.handle(createWebSocketStream(ws), request);
    });
  });

  const servers: TcpServer[] = [];
  // A fleet reconnects at once after a restart. Node's default accept queue (511) overflowed
  // at 10,000 devices: the kernel dropped handshakes, and some devices got a reset a minute later
  // instead of a CONNACK (issue 5, TcpExtListenOverflows). The kernel caps it at net.core.somaxconn.
  const LISTEN_BACKLOG = 8192;
  // Neither Aedes nor MQTT.js sets TCP_NODELAY; without it small packets wait tens of ms.
  const serveMqtt = (socket: Socket) => {
    socket.setNoDelay(true);
    broker!.handle(socket);
  };

  /** Live feeds whose session ended (log-out, expiry) are closed: at once on a log-out, else within SESSION_RECHECK_MS. */
  const closeEndedSessions = async () => {
    try {
      const [operators, carers] = await Promise.all([feed?.closeEndedSessions() ?? 0, carerFeed?.closeEndedSessions() ?? 0]);
      if (operators + carers) logger.info({ operators, carers }, 'live feeds of ended sessions closed');
      return operators + carers;
    } catch (err) {
      logger.error({ err }, 'could not check the sessions of the live feeds; next pass retries');
      return 0;
    }
  };
  let sessionRecheck: NodeJS.Timeout | null = null;

  const idle = async () => {
    while (intakeUnderWay.size) await Promise.allSettled([...intakeUnderWay]);
    await fixBatcher.idle();
    await alarms.idle();
    await carerFeed?.idle();
    await commands.idle();
  };

  return {
    http,
    broker,
    metrics,
    clock,
    notifications,
    idle,
    async listen() {
      if (deps.startTimers !== false) {
        clock.start(config.ARC_CLOCK_TICK_MS);
        notifications.start(1000);
        sessionRecheck = setInterval(() => void closeEndedSessions(), SESSION_RECHECK_MS).unref();
      }
      const host = config.ARC_HOST;
      const httpAddress = await http.listen({ port: config.ARC_HTTP_PORT, host });
      const listenOn = (server: TcpServer, port: number) =>
        new Promise<number>((resolve, reject) => {
          server.once('error', reject);
          server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => resolve((server.address() as { port: number }).port));
        });
      const tcp = createTcpServer(serveMqtt);
      servers.push(tcp);
      const mqttPort = await listenOn(tcp, config.ARC_MQTT_PORT);
      let mqtts: string | null = null;
      if (config.ARC_TLS_CERT_FILE && config.ARC_TLS_KEY_FILE) {
        const tls = createTlsServer(
          { cert: readFileSync(config.ARC_TLS_CERT_FILE), key: readFileSync(config.ARC_TLS_KEY_FILE) },
          (socket) => serveMqtt(socket as unknown as Socket),
        );
        servers.push(tls as unknown as TcpServer);
        mqtts = `mqtts://${host}:${await listenOn(tls as unknown as TcpServer, config.ARC_MQTTS_PORT)}`;
      }
      // Addresses to connect to: the HTTP one fastify reports (loopback when bound to all).
      const httpUrl = new URL(httpAddress);
      return {
        http: httpAddress,
        mqtt: `mqtt://${httpUrl.hostname}:${mqttPort}`,
        mqttWebSocket: `ws://${httpUrl.host}/mqtt`,
        mqtts: mqtts && mqtts.replace(`//${host}:`, `//${httpUrl.hostname}:`),
      };
    },
    closeEndedSessions,
    async close() {
      if (sessionRecheck) clearInterval(sessionRecheck);
      for (const server of servers) server.close();
      await clock.stop();
      await notifications.stop();
      mqttWebSockets.close();
      await broker!.close();
      await idle();
      await carerFeed?.close();
      await feed?.close();
      await http.close();
    },
  };
}
