import { createServer, type Server } from 'node:net';
import { WebSocketServer, createWebSocketStream } from 'ws';
import pino from 'pino';
import { createMqttBroker } from '../broker/mqtt-broker.js';
import { SimulatedDevice } from './simulated-device.js';

let stored = 0;
const broker = await createMqttBroker(
  {
    authenticateDevice: async (id, secret) => secret.toString() === `s-${id}`,
    onDevicePublish: async (m) => { stored++; console.log('stored', m.channel, m.payload.toString().slice(0, 60)); },
    onCommandsReady: () => {}, onCommandAcknowledged: () => {}, onDeviceGone: () => {},
  },
  pino({ level: 'error' }), { increment: () => {} },
);
const wss = new WebSocketServer({ port: 0, path: '/mqtt' });
wss.on('connection', (ws, req) => broker.handle(createWebSocketStream(ws) as any, req));
await new Promise((r) => wss.on('listening', r));
const wsUrl = `ws://127.0.0.1:${(wss.address() as any).port}/mqtt`;
const w = new SimulatedDevice({ deviceId: 'ws-dev', secret: 's-ws-dev', url: wsUrl, reconnect: false });
console.log('ws connack', await w.connect());
console.log('ws event', (await w.sendEvent('test')).type);
await w.close();
wss.close();

// TCP: broker goes away, event sent while down, delivered after it comes back
const sockets = new Set<any>();
let server: Server = createServer((s) => { sockets.add(s); broker.handle(s); });
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const port = (server.address() as { port: number }).port;
const d = new SimulatedDevice({ deviceId: 'tcp-dev', secret: 's-tcp-dev', url: `mqtt://127.0.0.1:${port}`, reconnect: { minMs: 100, maxMs: 400 } });
await d.connect();
await new Promise((r) => setTimeout(r, 50));
server.close();
// kill existing connections
for (const s of sockets) s.destroy();
(d as any); 
await new Promise((r) => setTimeout(r, 100));
console.log('connected while down?', d.connected);
const p = d.sendEvent('sos');
await new Promise((r) => setTimeout(r, 1000));
console.log('attempts while down', d.counters.reconnectAttempts, 'last error', d.lastError?.message);
server = createServer((s) => broker.handle(s));
await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
const ev = await p;
console.log('delivered after outage', ev.id, d.counters);
await d.close();
server.close();
await broker.close();
