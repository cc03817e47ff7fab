# ArcAngel ARC: one Node.js process (MQTT broker, HTTP API, Socket.IO feed, console page).
# In production it uses the PostgreSQL named by DATABASE_URL (see docker-compose.yml).
FROM node:20-bookworm-slim

WORKDIR /app

# The whole tree first: an install script may need the sources (the console build).
COPY . .
# tsx (which runs the TypeScript) and vite (which builds the console) are runtime dependencies;
# the dev ones (vitest, typescript, playwright-core) are left out.
RUN npm ci --omit=dev && npm cache clean --force
# The console must be built now (npm's postinstall does it; this makes sure): at run time the
# ARC runs as `node` and cannot write console/dist.
RUN npx vite build --config console/vite.config.ts
# Without DATABASE_URL the ARC would start an embedded PostgreSQL with its data in ./data, which
# must then be writable by the user below.
RUN mkdir -p /app/data && chown node:node /app/data

USER node
ENV ARC_HOST=0.0.0.0
# 8080: console, HTTP API, Socket.IO and MQTT over WebSocket (/mqtt); 1883: MQTT;
# 8883: MQTT over TLS, only when ARC_TLS_CERT_FILE and ARC_TLS_KEY_FILE are set;
# 5055: Traccar Client (OsmAnd protocol), only when ARC_OSMAND_PORT=5055 is set.
EXPOSE 8080 1883 8883 5055

# Readiness: the ARC answers and reaches its database (on the default ARC_HTTP_PORT, 8080).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# The same as `npx tsx api/main.ts`, but node itself is PID 1. npx and npm do not pass SIGTERM on
# to their child, so `docker stop` would never reach the ARC's clean shutdown (stop taking
# connections, finish in-flight writes) and it would be killed after the grace period.
# --max-semi-space-size=64: a larger young generation; see "Memory and the garbage collector" in docs/guides/getting-started.md.
CMD ["node", "--max-semi-space-size=64", "--import", "tsx", "api/main.ts"]
