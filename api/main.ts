// The process entry: read config, start (or reach) PostgreSQL, migrate, listen, and shut down
// cleanly on SIGINT/SIGTERM: stop taking connections, finish in-flight writes, stop PostgreSQL.
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { startEmbeddedPostgres, type RunningPostgres } from './db/embedded-postgres.js';
import { DataDirInUseError } from './db/data-dir-owner.js';
import { connectDatabase } from './db/connect.js';
import { migrate } from './db/migrate.js';
import { ensureAdministrator } from './auth/bootstrap-admin.js';
import { createArc } from './arc-app.js';
import { buildConsole, consoleBuilt } from './console-build.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.ARC_LOG_LEVEL);
  if (!consoleBuilt()) {
    logger.info('building the console (first start)');
    await buildConsole();
  }
  let embedded: RunningPostgres | null = null;
  if (!config.DATABASE_URL) {
    try {
      embedded = await startEmbeddedPostgres(config.ARC_DATA_DIR, config.ARC_EMBEDDED_PG_PORT, logger);
    } catch (err) {
      if (!(err instanceof DataDirInUseError)) throw err;
      logger.fatal({ ownerPid: err.ownerPid, dataDir: err.dataDir }, err.message);
      logger.flush();
      console.error(err.message);
      process.exit(2);
    }
  }
  const sql = connectDatabase(config.DATABASE_URL ?? embedded!.url);
  const applied = await migrate(sql);
  if (applied.length) logger.info({ applied }, 'database migrated');
  await ensureAdministrator(sql, config, logger);

  const arc = await createArc({ config, sql, logger });
  const addresses = await arc.listen();
  logger.info(
    { ...addresses, database: embedded ? 'embedded' : 'DATABASE_URL' },
    `ARC ready: console ${addresses.http}/ · MQTT ${addresses.mqtt} · MQTT over WebSocket ${addresses.mqttWebSocket}` +
      (addresses.mqtts ? ` · MQTT over TLS ${addresses.mqtts}` : '') +
      (addresses.osmand ? ` · Traccar Client (OsmAnd) ${addresses.osmand}` : ''),
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: no new connections, finishing writes');
    try {
      await arc.close();
      await sql.end({ timeout: 5 });
      await embedded?.stop();
      logger.info('stopped');
      logger.flush();
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'unclean shutdown');
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err) => {
  console.error('ARC failed to start:', err);
  process.exit(1);
});
