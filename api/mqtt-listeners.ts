// Where devices connect over MQTT: plain TCP, TLS when a certificate is configured, and WebSocket
// on the HTTP server's /mqtt path. Every connection goes to the broker; each listener has the
// connection limits of api/connection-limits.ts.
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { readFileSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import { WebSocketServer, createWebSocketStream } from 'ws';
import type { Logger } from 'pino';
import type { MqttBroker } from '../broker/mqtt-broker.js';
import type { Config } from './config.js';
import type { Metrics } from './metrics.js';
import { limitConnections } from './connection-limits.js';

// A fleet reconnects at once after a restart. Node's default accept queue (511) overflowed
// at 10,000 devices: the kernel dropped handshakes, and some devices got a reset a minute later
// instead of a CONNACK (issue 5, TcpExtListenOverflows). The kernel caps it at net.core.somaxconn.
const LISTEN_BACKLOG = 8192;

export interface MqttListeners {
  /** Listens on the TCP port (and the TLS one if configured); resolves with the ports bound. */
  listen(host: string): Promise<{ mqttPort: number; mqttsPort: number | null }>;
  close(): void;
}

export function createMqttListeners(
  http: HttpServer,
  broker: () => MqttBroker,
  deps: { config: Config; logger: Logger; metrics: Metrics; maxPayload: number },
): MqttListeners {
  const { config, logger, metrics } = deps;
  const mqttWebSockets = new WebSocketServer({ noServer: true, maxPayload: deps.maxPayload });
  // No Origin check here (issue 12): the broker reads no cookie, only the id and secret in the
  // CONNECT, so a page holding a victim's session gains nothing; and a device's WebSocket library
  // may send any Origin it likes, which must never cost an alarm.
  http.on('upgrade', (request, socket, head) => {
    if (new URL(request.url ?? '/', 'http://x').pathname !== '/mqtt') return;
    mqttWebSockets.handleUpgrade(request, socket, head, (ws) => {
      (socket as Socket).setNoDelay?.(true);
      broker().handle(createWebSocketStream(ws), request);
    });
  });

  const servers: TcpServer[] = [];
  // Neither Aedes nor MQTT.js sets TCP_NODELAY; without it small packets wait tens of ms.
  const serveMqtt = (socket: Socket) => {
    socket.setNoDelay(true);
    broker().handle(socket);
  };

  return {
    async listen(host) {
      const listenOn = (server: TcpServer, port: number) =>
        new Promise<number>((resolve, reject) => {
          server.once('error', reject);
          server.listen({ port, host, backlog: LISTEN_BACKLOG }, () =>
            resolve((server.address() as { port: number }).port),
          );
        });
      const mqttLimits = {
        name: 'mqtt' as const,
        max: config.ARC_MQTT_MAX_CONNECTIONS,
        perAddress: config.ARC_MQTT_MAX_CONNECTIONS_PER_ADDRESS,
      };
      const tcp = createTcpServer(serveMqtt);
      limitConnections(tcp, mqttLimits, logger, metrics);
      servers.push(tcp);
      const mqttPort = await listenOn(tcp, config.ARC_MQTT_PORT);
      let mqttsPort: number | null = null;
      if (config.ARC_TLS_CERT_FILE && config.ARC_TLS_KEY_FILE) {
        const tls = createTlsServer(
          {
            cert: readFileSync(config.ARC_TLS_CERT_FILE),
            key: readFileSync(config.ARC_TLS_KEY_FILE),
            handshakeTimeout: config.ARC_CONNECT_TIMEOUT_MS,
          },
          (socket) => serveMqtt(socket as unknown as Socket),
        );
        limitConnections(tls as unknown as TcpServer, mqttLimits, logger, metrics);
        servers.push(tls as unknown as TcpServer);
        mqttsPort = await listenOn(tls as unknown as TcpServer, config.ARC_MQTTS_PORT);
      }
      return { mqttPort, mqttsPort };
    },
    close() {
      for (const server of servers) server.close();
      mqttWebSockets.close();
    },
  };
}
