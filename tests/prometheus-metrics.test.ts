// GET /metrics for operations teams: Prometheus text, standard names, and counters that move when
// an SOS is stored and pushed; closed to strangers by configuration (ARC_METRICS_TOKEN).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedDevice } from '../device-sim/simulated-device.js';
import { connected, nextEvent, startTestArc, type TestArc } from './support/test-arc.js';

let t: TestArc;
let withToken: TestArc;
const devices: SimulatedDevice[] = [];
const TOKEN = 'a-scraper-token-for-the-tests';

beforeAll(async () => {
  t = await startTestArc();
  withToken = await startTestArc({ ARC_METRICS_TOKEN: TOKEN });
});
afterAll(async () => {
  for (const d of devices) await d.close({ force: true });
  await t?.close();
  await withToken?.close();
});

async function scrape(arc: TestArc, headers: Record<string, string> = {}) {
  const response = await fetch(`${arc.httpUrl}/metrics`, { headers });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

/** The value of one sample line, e.g. `arc_intake_messages_total{channel="events"}`; 0 when absent. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('GET /metrics', () => {
  it('is Prometheus text with the process, intake, latency, queue, outbox and device metrics', async () => {
    const { status, type, text } = await scrape(t);
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'arc_alarm_latency_seconds',
      'arc_alarms_open',
      'arc_notifications_backlog',
      'arc_devices_connected',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(text).toContain('arc_alarms_open{status="raised"} ');
  });

  it('counts a stored SOS: intake counter, latency histogram (stored and pushed), open alarms, connected devices', async () => {
    const before = (await scrape(t)).text;
    const credentials = await t.provisionDevice();
    const device = new SimulatedDevice({ ...credentials, url: t.mqttUrl, reconnect: false });
    devices.push(device);
    await device.connect();
    const console = t.operatorSocket(t.adminToken);
    await connected(console);
    const raised = nextEvent(console, 'alarm:raised');
    await device.sendEvent('sos');
    await raised;
    await t.arc.idle();
    const after = (await scrape(t)).text;

    const grew = (series: string, by = 1) => expect(sample(after, series) - sample(before, series)).toBe(by);
    grew('arc_intake_messages_total{channel="events"}');
    grew('arc_intake_events_total{outcome="raised"}');
    grew('arc_alarm_latency_seconds_count{stage="stored"}');
    grew('arc_alarm_latency_seconds_count{stage="pushed"}');
    grew('arc_alarms_open{status="raised"}');
    expect(sample(after, 'arc_mqtt_connected_total')).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'arc_devices_connected')).toBeGreaterThanOrEqual(1);
    expect(after).toContain('# TYPE arc_intake_messages_total counter');
  });

  it('counts a rejected message by channel and reason', async () => {
    const credentials = await t.provisionDevice();
    const device = new SimulatedDevice({ ...credentials, url: t.mqttUrl, reconnect: false });
    devices.push(device);
    await device.connect();
    const before = (await scrape(t)).text;
    await device.sendRawEvent('not json');
    await t.arc.idle();
    const after = (await scrape(t)).text;
    const series = after.split('\n').filter((l) => l.startsWith('arc_intake_rejected_total{channel="events",reason="'));
    expect(series.length).toBeGreaterThan(0);
    const total = (text: string) => series.map((l) => l.split(' ')[0]).reduce((sum, s) => sum + sample(text, s), 0);
    expect(total(after) - total(before)).toBe(1);
  });

  it('without ARC_METRICS_TOKEN answers only to loopback addresses', async () => {
    const local = await t.arc.http.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1' });
    expect(local.statusCode).toBe(200);
    const remote = await t.arc.http.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.1.2.3' });
    expect(remote.statusCode).toBe(403);
    expect(remote.json().error.code).toBe('ARC_ERR_METRICS_LOOPBACK');
  });

  it('with ARC_METRICS_TOKEN needs that bearer token, from anywhere', async () => {
    expect((await scrape(withToken)).status).toBe(401);
    expect((await scrape(withToken, { authorization: 'Bearer wrong-token-of-the-same-size!' })).status).toBe(401);
    const ok = await scrape(withToken, { authorization: `Bearer ${TOKEN}` });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('# TYPE arc_alarms_open gauge');
    const remote = await withToken.arc.http.inject({
      method: 'GET',
      url: '/metrics',
      remoteAddress: '10.1.2.3',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(remote.statusCode).toBe(200);
  });

  it('leaves the JSON /api/metrics for staff as it was', async () => {
    const response = await t.api('GET', '/api/metrics');
    expect(response.status).toBe(200);
    expect(response.body.metrics['intake_messages{channel="events"}']).toBeGreaterThanOrEqual(1);
  });
});
