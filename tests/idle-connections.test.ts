// Issue 12, item 4: connections that say nothing are closed (HTTP without a request, MQTT without
// a CONNECT), and one address cannot hold more than its share; devices and staff still get in.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedDevice } from '../device-sim/simulated-device.js';
import { connected, startTestArc, type TestArc } from './support/test-arc.js';

const TIMEOUT_MS = 600;
let t: TestArc;
const devices: SimulatedDevice[] = [];
const sockets: net.Socket[] = [];

beforeAll(async () => {
  t = await startTestArc({
    ARC_CONNECT_TIMEOUT_MS: String(TIMEOUT_MS),
    ARC_HTTP_MAX_CONNECTIONS_PER_ADDRESS: '20',
    ARC_MQTT_MAX_CONNECTIONS_PER_ADDRESS: '20',
  });
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  for (const d of devices) await d.close({ force: true });
  await t?.close();
});

/** A TCP connection that sends nothing; resolves with when it was closed by the ARC (ms after opening), or null. */
function silent(url: string, localAddress = '127.0.0.1', waitMs = 10_000): Promise<number | null> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const opened = Date.now();
    const socket = net.connect({ host: hostname, port: Number(port), localAddress });
    sockets.push(socket);
    const timer = setTimeout(() => resolve(null), waitMs);
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - opened);
    });
  });
}

describe('silent connections', () => {
  it('an HTTP connection that sends nothing is closed within the connect timeout', async () => {
    const closedAfter = await silent(t.httpUrl);
    expect(closedAfter).not.toBeNull();
    expect(t.arc.metrics.get('connections_closed_silent{server="http"}')).toBeGreaterThanOrEqual(1);
  });

  it('an MQTT connection that sends no CONNECT is closed within the connect timeout', async () => {
    expect(await silent(t.mqttUrl)).not.toBeNull();
  });

  it('a connection that has spoken is not cut by the connect timeout: a live feed stays open', async () => {
    const socket = t.operatorSocket(t.adminToken);
    await connected(socket);
    await new Promise((resolve) => setTimeout(resolve, 3 * TIMEOUT_MS));
    expect(socket.connected).toBe(true);
    const device = new SimulatedDevice({ ...(await t.provisionDevice()), url: t.mqttUrl, reconnect: false });
    devices.push(device);
    await device.connect();
    await new Promise((resolve) => setTimeout(resolve, 3 * TIMEOUT_MS));
    await device.sendEvent('checkin'); // still connected, still acknowledged
  });
});

describe('caps per address', () => {
  it('one address cannot hold more than its share of HTTP or MQTT connections; others still get in', async () => {
    // 30 silent connections from one address, each way: the ones beyond 20 are closed at once.
    const http = Array.from({ length: 30 }, () => silent(t.httpUrl, '127.0.0.9', 300));
    const mqtt = Array.from({ length: 30 }, () => silent(t.mqttUrl, '127.0.0.9', 300));
    const httpClosed = (await Promise.all(http)).filter((at) => at !== null).length;
    const mqttClosed = (await Promise.all(mqtt)).filter((at) => at !== null).length;
    expect(httpClosed).toBeGreaterThanOrEqual(10);
    expect(mqttClosed).toBeGreaterThanOrEqual(10);
    expect(t.arc.metrics.get('connections_refused{server="http",reason="per_address"}')).toBeGreaterThanOrEqual(10);
    // Meanwhile staff and devices from elsewhere are served.
    expect((await t.api('GET', '/api/auth/me')).status).toBe(200);
    const device = new SimulatedDevice({ ...(await t.provisionDevice()), url: t.mqttUrl, reconnect: false });
    devices.push(device);
    await device.connect();
    await device.sendEvent('checkin');
  });
});
