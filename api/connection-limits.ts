// Connections that say nothing, and too many connections, must not exhaust the process (issue 12,
// item 4): 20,000 silent TCP connections to the HTTP port reached the file limit, and devices then
// got no CONNACK. Each listening server gets a cap in total and per address, and a connection
// must say something (an HTTP request, an MQTT CONNECT) within the connect timeout. HTTP and
// MQTT have caps of their own, so a flood on one port leaves the other's room to the devices.
import type { Server, Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Metrics } from './metrics.js';

export interface ConnectionLimits {
  name: 'http' | 'mqtt';
  max: number;
  perAddress: number;
  /** For HTTP: close a connection that has not sent its first request within this long. */
  silentMs?: number;
}

/** Applies the limits to a server; returns how many connections each address holds now (for tests). */
export function limitConnections(
  server: Server,
  limits: ConnectionLimits,
  logger: Logger,
  metrics: Metrics,
): Map<string, number> {
  server.maxConnections = limits.max; // Node closes any connection beyond this at once
  const byAddress = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '?';
    const held = byAddress.get(address) ?? 0;
    if (held >= limits.perAddress) {
      metrics.increment('connections_refused', { server: limits.name, reason: 'per_address' });
      if (held === limits.perAddress)
        logger.warn({ address, held, server: limits.name }, 'too many connections from one address: new ones closed');
      socket.destroy();
      return;
    }
    byAddress.set(address, held + 1);
    socket.once('close', () => {
      const left = (byAddress.get(address) ?? 1) - 1;
      if (left > 0) byAddress.set(address, left);
      else byAddress.delete(address);
    });
    if (limits.silentMs) {
      // Cleared when the first request (or upgrade) arrives: from then on Node's own timeouts
      // (headers, request, keep-alive) and the WebSocket's pings look after the connection.
      socket.setTimeout(limits.silentMs);
      socket.once('timeout', () => {
        if ((socket as Socket & { arcSpoke?: boolean }).arcSpoke) return;
        metrics.increment('connections_closed_silent', { server: limits.name });
        socket.destroy();
      });
    }
  });
  return byAddress;
}

/** The HTTP server heard a request (or an upgrade) on this socket: no longer silent. */
export function spoke(socket: Socket): void {
  if ((socket as Socket & { arcSpoke?: boolean }).arcSpoke) return;
  (socket as Socket & { arcSpoke?: boolean }).arcSpoke = true;
  socket.setTimeout(0);
}
