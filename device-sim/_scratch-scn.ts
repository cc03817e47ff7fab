import { createServer } from 'node:net';
import pino from 'pino';
import { createMqttBroker } from '../broker/mqtt-broker.js';
import { SimulatedDevice } from './simulated-device.js';
import { playScenario } from './scenarios.js';

const fixes: any[] = [];
const events: any[] = [];
const broker = await createMqttBroker({
  authenticateDevice: async () => true,
  onDevicePublish: async (m) => { const p = JSON.parse(m.payload.toString()); if (m.channel === 'location') fixes.push(p); if (m.channel === 'events') events.push(p); },
  onCommandsReady: () => {}, onCommandAcknowledged: () => {}, onDeviceGone: () => {},
}, pino({ level: 'error' }), { increment: () => {} });
const server = createServer((s) => broker.handle(s));
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const url = `mqtt://127.0.0.1:${(server.address() as any).port}`;
const d = new SimulatedDevice({ deviceId: 'scn-1', secret: 'x', url, reconnect: false });
await d.connect();
const t0 = Date.now();
setTimeout(() => broker.sendCommand('scn-1', JSON.stringify({ id: 'c1', type: 'locate', everyS: 1, forS: 3 })), 2500);
const report = await playScenario('fall', d, { seed: 5, durationS: 7, fixEveryS: 30, heartbeatS: 60, leadInS: 2, log: console.log });
console.log('report', report.fixes, report.statuses, report.events.map((e) => e.type));
console.log('fix times', fixes.map((f) => f.ts - t0), 'positions', new Set(fixes.slice(1).map((f) => `${f.lat.toFixed(4)},${f.lon.toFixed(4)}`)).size);
console.log('events', events);
const r2 = await playScenario('discreet-sos', d, { seed: 6, durationS: 1.5, leadInS: 1 });
await new Promise((r) => setTimeout(r, 100));
console.log('discreet', events.at(-1), r2.events.length);
await d.close();
await broker.close(); server.close();
