// fake ARC for manual CLI testing: broker on 18830, HTTP on 18080
import { createServer } from 'node:net';
import { createServer as createHttp } from 'node:http';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { createMqttBroker } from '../broker/mqtt-broker.js';

const secrets = new Map<string, string>();
let wearers = 0; let n = 0;
const counts: Record<string, number> = {};
const broker = await createMqttBroker(
  {
    authenticateDevice: async (id, secret) => secrets.get(id) === secret.toString(),
    onDevicePublish: async (m) => {
      counts[m.channel] = (counts[m.channel] ?? 0) + 1;
      if (m.channel === 'events') {
        const e = JSON.parse(m.payload.toString());
        console.log('EVENT', m.deviceId, e.type, JSON.stringify(e));
        return { afterAck: () => void broker.sendCommand(m.deviceId, JSON.stringify({ id: `c-${++n}`, type: 'alarm.received', eventId: e.id })).then(() => broker.sendCommand(m.deviceId, JSON.stringify({ id: `c-${++n}`, type: 'locate', everyS: 1, forS: 3 }))) };
      }
    },
    onCommandsReady: () => {}, onCommandAcknowledged: () => {}, onDeviceGone: () => {},
  },
  pino({ level: 'error' }), { increment: () => {} },
);
createServer((s) => broker.handle(s)).listen(18830, '127.0.0.1');
createHttp(async (req, res) => {
  let body = '';
  for await (const c of req) body += c;
  const json = JSON.parse(body || '{}');
  const send = (status: number, obj: unknown) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(obj)); };
  if (req.url === '/api/auth/login') return json.password === 'correct horse battery' ? send(200, { user: { id: 1 }, token: 'tok' }) : send(401, { error: { code: 'ARC_ERR_AUTH_INVALID', message: 'Wrong email or password' } });
  if (req.headers.authorization !== 'Bearer tok') return send(401, { error: { code: 'ARC_ERR_AUTH_REQUIRED', message: 'Log in first' } });
  if (req.url === '/api/wearers') return send(201, { wearer: { id: `w-${++wearers}`, ...json } });
  if (req.url === '/api/devices') {
    if (secrets.has(json.id)) return send(409, { error: { code: 'ARC_ERR_DEVICE_EXISTS', message: 'exists' } });
    const secret = randomBytes(16).toString('hex'); secrets.set(json.id, secret);
    console.log('DEVICE', JSON.stringify(json));
    return send(201, { device: { id: json.id }, secret });
  }
  send(404, { error: { code: 'ARC_ERR_NOT_FOUND', message: 'No such thing' } });
}).listen(18080, '127.0.0.1');
setInterval(() => console.log('COUNTS', JSON.stringify(counts)), 5000);
console.log('fake arc up');
