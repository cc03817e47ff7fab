// Builds the whole ARC around a database connection, without listening (STYLE habit 2):
// broker → intake → rules → store → console. main.ts listens; tests build their own.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import type { Sql } from 'postgres';
import type { Logger } from 'pino';
import { createMqttBroker, type MqttBroker } from '../broker/mqtt-broker.js';
import type { Config } from './config.js';
import { Metrics } from './metrics.js';
import { createPrometheusExposition } from './prometheus.js';
import { prometheusRoutes } from './routes/prometheus-routes.js';
import { openApiRoutes } from './routes/openapi-routes.js';
import { CONSOLE_DIST, consoleBuilt } from './console-build.js';
import { createDeviceAuthenticator } from './auth/device-credentials.js';
import { warmAlarmPath } from './intake/alarm-path-warm-up.js';
import { createDeviceIntake, type IntakeResult } from './intake/device-intake.js';
import { createOsmAndListener } from './intake/osmand-listener.js';
import { ownTracksRoutes } from './routes/owntracks-routes.js';
import { createDeviceAuthThrottle } from './auth/device-auth-throttle.js';
import {
  closeCommandsNotTaken,
  markCommandDelivered,
  markCommandUndeliverable,
  pendingCommands,
} from './store/command-store.js';
import { OSMAND_CANNOT_TAKE, OWNTRACKS_CANNOT_TAKE, createCommandDispatcher } from './intake/command-dispatcher.js';
import { ownTracksCommand } from '../protocol/owntracks.js';
import { devicesWithPendingCommands } from './store/command-store.js';
import { attachOperatorFeed, type OperatorFeed } from './live/operator-feed.js';
import { acrossNodes } from './live/cluster-feed.js';
import { createRedisLink, type RedisLink } from './cluster/redis-link.js';
import { answerConnectedOf, connectedElsewhere } from './cluster/connected-devices.js';
import { createAlarmNotifier } from './live/alarm-notifier.js';
import { attachCarerFeed, withCarerFeed, type CarerFeed } from './live/carer-feed.js';
import { createEndedSessions } from './live/ended-sessions.js';
import { installErrorHandler } from './routes/error-handler.js';
import { ArcError } from './errors.js';
import { installForgeryGuard } from './routes/forgery-guard.js';
import { installSecurityHeaders } from './routes/security-headers.js';
import { allowedOrigins } from './auth/request-origin.js';
import { limitConnections, spoke } from './connection-limits.js';
import { createMqttListeners } from './mqtt-listeners.js';
import { roleGuard } from './routes/request-user.js';
import type { RouteDeps } from './routes/route-deps.js';
import { authRoutes } from './routes/auth-routes.js';
import { deviceRoutes } from './routes/device-routes.js';
import { wearerRoutes } from './routes/wearer-routes.js';
import { organisationRoutes } from './routes/organisation-routes.js';
import { organisationSettingsRoutes } from './routes/organisation-settings-routes.js';
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
import { insightRoutes } from './routes/insight-routes.js';
import { bulkDeviceRoutes } from './routes/bulk-device-routes.js';
import { subjectAccessRoutes } from './routes/subject-access-routes.js';
import { createRetentionSweep } from './clock/retention-sweep.js';
import { createInsightRollupSweep } from './clock/insight-rollup-sweep.js';
import { createPresenceSweep } from './clock/presence-sweep.js';
import { createDeadlineClock, type DeadlineClock } from './clock/deadline-clock.js';
import { createNotificationWorker, type NotificationWorker } from './notify/notification-worker.js';
import { createZoneWatch } from './handling/zone-watch.js';
import type { AlarmRaising } from './handling/raise-alarm.js';
import { createFixBatcher } from './intake/fix-batcher.js';
import { placeRoutes } from './routes/place-routes.js';
import { handoverRoutes } from './routes/handover-routes.js';
import { createReverseGeocoder } from './places/reverse-geocoder.js';
import {
  advanceAfterOutcome,
  mandatoryStepsOpen,
  runDueSteps,
  startResponsePlan,
} from './handling/response-plan-runner.js';
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
  /** Traccar Client's listener (OsmAnd protocol), or null when ARC_OSMAND_PORT is unset. */
  osmand: string | null;
}

export interface Arc {
  http: FastifyInstance;
  /** Cluster mode only (ARC_REDIS_URL): the connections to Redis this node shares with the others. */
  cluster: RedisLink | null;
  broker: MqttBroker;
  metrics: Metrics;
  clock: DeadlineClock;
  notifications: NotificationWorker;
  listen(): Promise<ArcAddresses>;
  /** Every HTTP route (method and URL pattern), as registered: the fuzz test walks them all. */
  routes: { method: string; url: string }[];
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
  // Cluster mode (docs/guides/cluster.md): without ARC_REDIS_URL nothing below touches Redis.
  const cluster = config.ARC_REDIS_URL
    ? createRedisLink(config.ARC_REDIS_URL, logger.child({ component: 'cluster' }))
    : null;
  if (cluster) {
    // A node starts without Redis too (its devices can still raise alarms into PostgreSQL); it
    // waits a little so that a normal start is a connected one.
    const up = await Promise.race([
      cluster.connected().then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), 5000).unref()),
    ]);
    if (up) logger.info({ nodeId: cluster.nodeId }, 'cluster mode: sharing Redis with the other ARC nodes');
    else
      logger.error(
        { nodeId: cluster.nodeId },
        'cluster mode: Redis unreachable at start; serving this node alone until it answers',
      );
  }

  const http = Fastify({
    loggerInstance: logger.child({ component: 'http' }) as FastifyBaseLogger,
    bodyLimit: HTTP_BODY_LIMIT,
    // Bodies are small: a request still arriving after a minute is a slow-loris, not a client.
    requestTimeout: 60_000,
  });
  // Headers must be complete within the connect timeout (Node checks every 30 s by default).
  http.server.headersTimeout = Math.min(config.ARC_CONNECT_TIMEOUT_MS, 60_000);
  let feed: OperatorFeed | null = null;
  let carerFeed: CarerFeed | null = null;
  let clustered: ReturnType<typeof acrossNodes> | null = null;
  // Operator consoles and carers' pages get the same positions and alarm changes.
  let feeds: OperatorFeed | null = null;
  const endedSessions = createEndedSessions(() => ({ operators: feed, carers: carerFeed }), logger);
  const closeEndedSessions = endedSessions.close;
  const alarms = createAlarmNotifier(
    sql,
    () => feeds,
    logger,
    (seconds) => metrics.observeAlarmLatency('pushed', seconds),
  );
  let broker: MqttBroker | null = null;
  const dispatcher = createCommandDispatcher(
    sql,
    {
      commandRoute: (id) => broker!.commandRoute(id),
      sendCommand: (id, payload, route) => broker!.sendCommand(id, payload, route),
    },
    logger,
    now,
  );
  // A command row is committed before this runs. The device may be connected to another node: that
  // node is told to flush it (it reads the pending rows itself, so a notice lost while Redis is
  // down costs nothing but time: the next subscription flushes again).
  const commands = {
    ...dispatcher,
    flush(deviceId: string) {
      if (!cluster || broker?.isConnected(deviceId)) dispatcher.flush(deviceId);
      else cluster.notify('flush-commands', deviceId);
    },
  };
  const planOptions = { webhookUrl: config.ARC_WEBHOOK_URL ?? null };
  // What every new alarm gets in the transaction that raised it, whoever raised it.
  const deadlines = config.ARC_ACCEPT_DEADLINES;
  const raising: AlarmRaising = {
    deadlines,
    onRaised: async (tx, alarmId) => {
      await startResponsePlan(tx, alarmId, now(), planOptions);
      await notifyCarers(tx, alarmId, now(), config.ARC_PUBLIC_URL);
    },
  };
  const fixBatcher = createFixBatcher(sql, (messages, ms) => {
    metrics.increment('intake_fix_batches');
    metrics.increment('intake_fix_batch_messages', {}, messages);
    metrics.increment('intake_fix_batch_ms', {}, Math.round(ms));
  });
  const zones = createZoneWatch(sql, raising, fixBatcher);
  const intake = createDeviceIntake({
    sql,
    logger: logger.child({ component: 'intake' }),
    metrics,
    now,
    alarms,
    commands,
    zones,
    raising,
    positionSeen: (deviceId, position) => feeds?.deviceMoved({ deviceId, position }),
  });
  const clock = createDeadlineClock({
    sql,
    logger: logger.child({ component: 'clock' }),
    now,
    deadlines,
    noCommGraceS: config.ARC_NO_COMM_GRACE_S,
    raising,
    notifySupervisors: (tx, alarmId, at) =>
      notifySupervisors(tx, alarmId, at, {
        publicUrl: config.ARC_PUBLIC_URL,
        webhookUrl: config.ARC_WEBHOOK_URL ?? null,
      }),
    publish: (effect) => alarms[effect.change](effect.alarmId),
    extraSweeps: [
      [
        'response plan steps',
        async (ctx) =>
          (await runDueSteps(ctx.tx, ctx.now, planOptions)).map((alarmId) => ({ change: 'updated' as const, alarmId })),
      ],
      // The overnight insight rollup (docs/guides/insight.md): closed days and nights, in small batches.
      [
        'insight rollup',
        createInsightRollupSweep(
          { timeZone: config.ARC_INSIGHT_TIME_ZONE, night: config.ARC_INSIGHT_NIGHT_HOURS },
          (pass) =>
            logger.debug(
              { component: 'insight', days: pass.days, night: pass.night, signals: pass.signals },
              'insight rollup pass',
            ),
        ),
      ],
      // Staff on a console, a sample a minute, for the capacity view's staff on shift.
      ['staff presence', createPresenceSweep(async () => (await feed?.onConsole()) ?? [])],
      // Last: the purge of what is past its retention period (docs/reference/data-protection.md).
      [
        'retention',
        createRetentionSweep((purged) =>
          logger.info({ component: 'retention', purged }, 'purged data past its retention period'),
        ),
      ],
    ],
  });
  // A message delivered or failed for good changes the alarm's plan: pushed, not left to the next action.
  const notifications = createNotificationWorker({
    sql,
    config,
    logger: logger.child({ component: 'notify' }),
    now,
    settled: (alarmId) => alarms.updated(alarmId),
  });

  const intakeUnderWay = new Set<Promise<unknown>>();
  /** Every message under way, whichever listener took it, so that idle() and close() wait for it. */
  const underWay = (work: Promise<IntakeResult>) => {
    intakeUnderWay.add(work);
    void work.catch(() => {}).finally(() => intakeUnderWay.delete(work));
    return work;
  };
  const authenticateDevice = createDeviceAuthenticator(sql);
  // One throttle for every door a device may knock at with a wrong credential: MQTT's CONNECT,
  // OwnTracks' POST and the OsmAnd port (an address failing at one is failing at all).
  const deviceAuthThrottle = createDeviceAuthThrottle();
  broker = await createMqttBroker(
    {
      authenticateDevice,
      onDevicePublish: (message) => underWay(intake(message)),
      // The device is connected here: this node's dispatcher sends (cluster mode included).
      onCommandsReady: (deviceId) => {
        // Subscribed to our commands topic: a device of our protocol (again), whatever it spoke before.
        if (broker?.commandRoute(deviceId) === 'v1') {
          intake
            .heardThrough(deviceId, null)
            .catch((err) => logger.error({ err, deviceId }, 'could not record the device as speaking protocol v1'));
        }
        dispatcher.flush(deviceId);
      },
      onCommandAcknowledged: (deviceId, payload, via) => dispatcher.acknowledged(deviceId, payload, via),
      onDeviceGone: (deviceId) => dispatcher.deviceGone(deviceId),
    },
    logger.child({ component: 'broker' }),
    metrics,
    {
      connectTimeoutMs: config.ARC_CONNECT_TIMEOUT_MS,
      throttle: { throttle: deviceAuthThrottle, now },
      ...(cluster && { id: cluster.nodeId, mq: cluster.mq }),
    },
  );
  cluster?.onNotice((notice) => {
    if (notice.kind === 'zones-changed') return zones.zonesChanged();
    // Only the node that holds the device's connection acts; the others have nothing to do.
    if (!broker!.isConnected(notice.deviceId)) return;
    if (notice.kind === 'flush-commands') dispatcher.flush(notice.deviceId);
    else broker!.disconnect(notice.deviceId);
  });

  const routes: { method: string; url: string }[] = [];
  http.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, url: route.url });
  });
  await http.register(fastifyCookie);
  if (!consoleBuilt()) throw new Error('the console is not built: run `npm run build:console` (npm install does it)');
  await http.register(fastifyStatic, { root: CONSOLE_DIST, prefix: '/', index: 'index.html' });
  installErrorHandler(http);
  // Every answer's Date header is the ARC's clock, not the machine's: the pages count ages from
  // it, so the browser, the ARC and its tests agree on one clock (issue 10).
  http.addHook('onSend', async (_request, reply) => {
    reply.header('date', now().toUTCString());
  });
  installSecurityHeaders(http, config.ARC_MAP_TILES_URL);
  const origins = allowedOrigins(config.ARC_ALLOWED_ORIGINS, config.ARC_PUBLIC_URL);
  installForgeryGuard(http, origins);
  const routeDeps: RouteDeps = {
    sql,
    config,
    metrics,
    now,
    isDeviceConnected: (id) => broker!.isConnected(id),
    commandsQueued: (id) => commands.flush(id),
    ...(cluster && {
      connectedElsewhere: (ids: string[]) => connectedElsewhere(cluster, feed!.serverSide, ids, logger),
    }),
    zonesChanged() {
      zones.zonesChanged();
      cluster?.notify('zones-changed', '*');
    },
    disconnectDevice(id) {
      broker!.disconnect(id);
      cluster?.notify('disconnect', id);
    },
    staffOnConsole: async () => (await feed?.onConsole()) ?? [],
    disconnectUser: (id) => {
      feed?.disconnectUser(id);
      carerFeed?.disconnectUser(id);
    },
    sessionEnded: () => (clustered ? clustered.sessionEnded() : void closeEndedSessions()),
    allow: roleGuard(sql, now),
    // Answers within a second: a database that hangs (frozen, unreachable) is "not ready" now,
    // not when the load balancer's own timeout fires.
    databaseReady: () =>
      Promise.race([
        sql`select 1`.then(
          () => true,
          () => false,
        ),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1000).unref()),
      ]),
    ...(cluster && { redisReady: () => cluster.ready() }),
  };
  const routeModules = [
    authRoutes,
    deviceRoutes,
    bulkDeviceRoutes,
    wearerRoutes,
    subjectAccessRoutes,
    organisationRoutes,
    organisationSettingsRoutes,
    contactRoutes,
    responsePlanRoutes,
    geofenceRoutes,
    userRoutes,
    alarmRoutes,
    carerRoutes,
    shiftRoutes,
    reportRoutes,
    insightRoutes,
    opsRoutes,
    handoverRoutes,
  ];
  for (const routes of routeModules) routes(http, routeDeps);
  ownTracksRoutes(http, {
    authenticateDevice,
    throttle: deviceAuthThrottle,
    now,
    intake: (message) => underWay(intake(message)),
    async takeCommands(deviceId) {
      const answer: object[] = [];
      for (const command of await pendingCommands(sql, deviceId)) {
        const translated = ownTracksCommand(command);
        if (!translated) {
          await markCommandUndeliverable(sql, deviceId, command.id, OWNTRACKS_CANNOT_TAKE);
          continue;
        }
        await markCommandDelivered(sql, deviceId, command.id, now());
        // Two locates pending are one request for a position.
        if (!answer.includes(translated)) answer.push(translated);
      }
      return answer;
    },
  });
  // Traccar Client pointed at this port by mistake would get the console page and a 200, and
  // believe its position delivered (issue 11): a request that looks like OsmAnd is refused here.
  http.addHook('onRequest', async (request) => {
    const query = request.query as Record<string, unknown> | undefined;
    if (request.url.startsWith('/?') && query && 'id' in query && ('lat' in query || 'location' in query)) {
      throw new ArcError('ARC_ERR_OSMAND_WRONG_PORT');
    }
  });
  const osmand =
    config.ARC_OSMAND_PORT === undefined
      ? null
      : createOsmAndListener({
          sql,
          now,
          logger: logger.child({ component: 'osmand' }),
          throttle: deviceAuthThrottle,
          // Traccar Client reads nothing from the answer: what was queued for it cannot reach it.
          commandsNotTaken: (deviceId) => closeCommandsNotTaken(sql, deviceId, OSMAND_CANNOT_TAKE),
          translated: (deviceId, source, translation) => underWay(intake.translated(deviceId, source, translation)),
        });
  placeRoutes(http, {
    ...routeDeps,
    geocoder: createReverseGeocoder({
      url: config.ARC_GEOCODER_URL,
      logger: logger.child({ component: 'geocoder' }),
      now,
    }),
  });
  prometheusRoutes(http, {
    ...routeDeps,
    prometheus: createPrometheusExposition({ metrics, sql, connectedDevices: () => broker!.connectedCount() }),
  });
  alarmActionRoutes(http, {
    ...routeDeps,
    alarmChanged: (alarm) => alarms.publish('updated', alarm),
    afterOutcome: (tx, alarmId, at) => advanceAfterOutcome(tx, alarmId, at, planOptions),
    mandatoryStepsOpen: (tx, alarmId, at) => mandatoryStepsOpen(tx, alarmId, at, planOptions),
    commandsQueued: (deviceId) => commands.flush(deviceId),
  });
  openApiRoutes(http, routes);

  // Socket.IO and MQTT over WebSocket share the HTTP server; /mqtt upgrades go to the broker.
  feed = attachOperatorFeed(http.server, sql, logger.child({ component: 'feed' }), now, {
    origins,
    adapter: cluster?.socketAdapter('arc-operator'),
  });
  carerFeed = attachCarerFeed(http.server, sql, logger.child({ component: 'carer-feed' }), now, {
    origins,
    adapter: cluster?.socketAdapter('arc-carer'),
  });
  feeds = withCarerFeed(feed, carerFeed);
  if (cluster) {
    answerConnectedOf(feed.serverSide, (id) => broker!.isConnected(id));
    clustered = acrossNodes(
      feeds,
      feed.serverSide,
      () => void closeEndedSessions(),
      logger.child({ component: 'cluster-feed' }),
    );
    feeds = clustered;
    // Pushes between nodes sent while Redis was unreachable are lost: this node's consoles and
    // pages are closed, reconnect at once and reload their snapshot (REST resynchronises).
    // A node that died between storing an alarm and pushing it: its alarm never reaches the
    // consoles here, which stay connected (found by `npm run bench -- cluster`). They reload their
    // snapshot, as after a Redis outage.
    cluster.onPeerGone((nodes) => {
      logger.warn(
        { nodes },
        'a cluster node stopped answering: live feeds on this node reconnect to reload what it may not have pushed',
      );
      feed?.reconnectAll();
      carerFeed?.reconnectAll();
    });
    cluster.onRecovered(() => {
      logger.warn('redis is back: live feeds on this node reconnect to reload what they may have missed');
      feed?.reconnectAll();
      carerFeed?.reconnectAll();
      // Notices sent while Redis was away ("flush this device") are lost: every device connected
      // here with a command waiting is flushed now.
      devicesWithPendingCommands(sql).then(
        (ids) => ids.filter((id) => broker!.isConnected(id)).forEach((id) => dispatcher.flush(id)),
        (err) => logger.error({ err }, 'could not re-send pending commands after Redis came back'),
      );
    });
  }
  // After the feeds attach (engine.io wraps the 'request' listeners it finds): every request and
  // upgrade, the feeds' included, marks its connection as one that has spoken.
  limitConnections(
    http.server,
    {
      name: 'http',
      max: config.ARC_HTTP_MAX_CONNECTIONS,
      perAddress: config.ARC_HTTP_MAX_CONNECTIONS_PER_ADDRESS,
      silentMs: config.ARC_CONNECT_TIMEOUT_MS,
    },
    logger,
    metrics,
  );
  http.server.on('request', (request) => spoke(request.socket));
  http.server.on('upgrade', (request) => spoke(request.socket));
  const mqtt = createMqttListeners(http.server, () => broker!, {
    config,
    logger,
    metrics,
    maxPayload: HTTP_BODY_LIMIT,
  });

  const idle = async () => {
    while (intakeUnderWay.size) await Promise.allSettled([...intakeUnderWay]);
    await fixBatcher.idle();
    await alarms.idle();
    await carerFeed?.idle();
    await commands.idle();
  };

  return {
    http,
    cluster,
    broker,
    metrics,
    clock,
    notifications,
    routes,
    idle,
    async listen() {
      // Before the first device can connect: the first alarm on each database connection is as
      // quick as the hundredth (api/intake/alarm-path-warm-up.ts).
      await warmAlarmPath({
        sql,
        now,
        acceptDeadlines: deadlines,
        onRaised: raising.onRaised,
        logger: logger.child({ component: 'warm-up' }),
      });
      if (deps.startTimers !== false) {
        clock.start(config.ARC_CLOCK_TICK_MS);
        notifications.start(1000);
        endedSessions.start();
      }
      const host = config.ARC_HOST;
      const httpAddress = await http.listen({ port: config.ARC_HTTP_PORT, host });
      const { mqttPort, mqttsPort } = await mqtt.listen(host);
      const osmandAddress = osmand ? await osmand.listen({ port: config.ARC_OSMAND_PORT, host }) : null;
      // Addresses to connect to: the HTTP one fastify reports (loopback when bound to all).
      const httpUrl = new URL(httpAddress);
      return {
        http: httpAddress,
        mqtt: `mqtt://${httpUrl.hostname}:${mqttPort}`,
        mqttWebSocket: `ws://${httpUrl.host}/mqtt`,
        mqtts: mqttsPort === null ? null : `mqtts://${httpUrl.hostname}:${mqttsPort}`,
        osmand: osmandAddress,
      };
    },
    closeEndedSessions,
    async close() {
      endedSessions.stop();
      mqtt.close();
      await clock.stop();
      await notifications.stop();
      await broker!.close();
      await idle();
      await carerFeed?.close();
      await feed?.close();
      await osmand?.close();
      await http.close();
      await cluster?.close();
    },
  };
}
