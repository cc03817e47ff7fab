import { createServer } from 'node:net';
import pino from 'pino';
import { createMqttBroker } from '../broker/mqtt-broker.js';
import { SimulatedDevice } from './simulated-device.js';

const received: string[] = [];
const broker = await createMqttBroker(
  {
    authenticateDevice: async (id, secret) => secret.toString() === `s-${id}`,
    onDevicePublish: async (m) => { received.push(`${m.deviceId} ${m.channel} ${m.payload.toString().slice(0, 80)}`); },
    onCommandsReady: (id) => console.log('commands ready', id),
    onCommandAcknowledged: () => {},
    onDeviceGone: (id) => console.log('gone', id),
  },
  pino({ level: 'warn' }),
  { increment: (n) => console.log('counter', n) },
);
const server = createServer((s) => broker.handle(s));
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const port = (server.address() as { port: number }).port;
const url = `mqtt://127.0.0.1:${port}`;

const bad = new SimulatedDevice({ deviceId: 'dev-bad', secret: 'nope', url, reconnect: false });
await bad.connect().then(() => console.log('BAD CONNECTED?!'), (e) => console.log('refused ok:', e.message, e.returnCode));

const d = new SimulatedDevice({ deviceId: 'dev-001', secret: 's-dev-001', url, reconnect: false });
console.log('connack', await d.connect());
const ev = await d.sendEvent('sos');
console.log('event acked', ev);
await d.sendFix();
await d.sendFixes([{ ts: Date.now() - 1000, lat: 53.6, lon: -3.0 }, { ts: Date.now(), lat: 53.61, lon: -3.01 }]);
await d.sendStatus();
await d.sendRawEvent('not json');
console.log('position', d.position);
setTimeout(() => broker.sendCommand('dev-001', JSON.stringify({ id: 'c-1', type: 'alarm.received', eventId: ev.id })), 100);
console.log('command', await d.waitForCommand({ type: 'alarm.received', eventId: ev.id }));
console.log('again', await d.waitForCommand({ type: 'alarm.received' }, 10));
console.log('subscribe other', await d.subscribeRaw('arc/v1/devices/dev-002/commands'));
console.log('subscribe #', await d.subscribeRaw('#'));
const t0 = Date.now();
await d.publishRaw('arc/v1/devices/dev-002/events', '{"type":"sos"}', 1).then(() => console.log('forbidden publish ACKED?!'), (e) => console.log('forbidden publish rejected:', e.message, Date.now() - t0, 'ms'));
console.log('connected after forbidden', d.connected);
await d.waitForCommand({ type: 'locate' }, 50).catch((e) => console.log('timeout ok:', e.message));
await d.close();
console.log('counters', d.counters);

// reconnect with back-off, resend after drop
const r = new SimulatedDevice({ deviceId: 'dev-003', secret: 's-dev-003', url, reconnect: { minMs: 200, maxMs: 1000 } });
await r.connect();
r.on('connect', (c) => console.log('reconnected', c));
await r.publishRaw('arc/v1/devices/dev-002/events', 'x', 1).catch((e) => console.log('forbidden (reconnecting) rejected:', e.message));
await new Promise((res) => setTimeout(res, 800));
console.log('r connected', r.connected, r.counters);
await r.sendEvent('checkin');
await r.close({ force: true });
console.log('received', received);
await broker.close();
server.close();
