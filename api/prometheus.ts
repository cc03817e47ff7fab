// GET /metrics in the Prometheus text exposition format: the process (prom-client's default
// metrics), the intake's counters by outcome (api/metrics.ts, as arc_<name>_total), the alarm
// latency histogram, and gauges read at scrape time (open alarms, notification backlog, devices).
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Sql } from 'postgres';
import type { Metrics } from './metrics.js';

/** What each counter counts; a counter missing here is still exposed, with a generic help line. */
const COUNTER_HELP: Record<string, string> = {
  intake_messages: 'Device messages taken in, by channel',
  intake_rejected: 'Device messages rejected (counted, logged, acknowledged), by channel and reason',
  intake_text_replaced: 'Device messages taken with characters PostgreSQL cannot hold replaced',
  intake_event_warnings: 'Events taken with protocol warnings, by warning',
  intake_events:
    'Events by outcome: raised (a new alarm), updated (an open alarm changed), stored (no alarm change), duplicate (a resend)',
  intake_event_duplicates: 'Events already stored (a resend): not raised again',
  intake_foreign_ignored: 'Translated messages (OwnTracks, OsmAnd) that carried nothing to store, by source and type',
  intake_fix_held_back: 'Position fixes held back for a timestamp too far ahead',
  intake_fix_batches: 'Batches of position fixes written',
  intake_fix_batch_messages: 'Position messages written in batches',
  intake_fix_batch_ms: 'Milliseconds spent writing batches of position fixes',
  mqtt_connected: 'MQTT connections accepted',
  mqtt_connect_refused: 'MQTT connections refused, by reason',
  mqtt_publish_refused: 'MQTT publishes refused by the topic ACL',
  mqtt_subscribe_refused: 'MQTT subscriptions refused by the topic ACL',
  connections_refused: 'Connections refused by the connection limits, by server and reason',
  connections_closed_silent: 'Connections closed for saying nothing within ARC_CONNECT_TIMEOUT_MS, by server',
  login_password_checks: 'Password checks made at log-in',
};

/** The process's metrics are one per process, however many ARCs it builds (the tests build many). */
let processRegistry: Registry | null = null;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

export interface PrometheusSources {
  metrics: Metrics;
  sql: Sql;
  connectedDevices: () => number;
}

export interface PrometheusExposition {
  contentType: string;
  render(): Promise<string>;
}

export function createPrometheusExposition({
  metrics,
  sql,
  connectedDevices,
}: PrometheusSources): PrometheusExposition {
  const registry = metrics.registry;
  new Gauge({
    name: 'arc_alarms_open',
    help: 'Alarms not yet resolved (the operators queue), by status: raised (waiting for an operator) or accepted',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const rows = await sql<{ status: string; n: number }[]>`
        select status, count(*)::int as n from alarms where status <> 'resolved' group by status`;
      this.reset();
      this.set({ status: 'raised' }, 0);
      this.set({ status: 'accepted' }, 0);
      for (const row of rows) this.set({ status: row.status }, row.n);
    },
  });
  new Gauge({
    name: 'arc_notifications_backlog',
    help: 'Notifications in the outbox neither delivered nor given up on, by channel',
    labelNames: ['channel'],
    registers: [registry],
    async collect() {
      const rows = await sql<{ channel: string; n: number }[]>`
        select channel, count(*)::int as n from notifications where delivered_at is null and failed_at is null group by channel`;
      this.reset();
      for (const channel of ['email', 'sms', 'webhook']) this.set({ channel }, 0);
      for (const row of rows) this.set({ channel: row.channel }, row.n);
    },
  });
  new Gauge({
    name: 'arc_devices_connected',
    help: 'Devices connected to this node over MQTT',
    registers: [registry],
    collect() {
      this.set(connectedDevices());
    },
  });

  return {
    contentType: registry.contentType,
    async render() {
      return (await processMetrics().metrics()) + (await registry.metrics()) + counterText(metrics);
    },
  };
}

/** The counters of api/metrics.ts as Prometheus counters: arc_<name>_total{labels}. */
function counterText(metrics: Metrics): string {
  const byName = new Map<string, string[]>();
  for (const { name, labels, value } of metrics.counters()) {
    const metric = `arc_${name.replace(/[^a-zA-Z0-9_]/g, '_')}_total`;
    const pairs = Object.entries(labels).map(([k, v]) => `${k.replace(/[^a-zA-Z0-9_]/g, '_')}="${escapeLabel(v)}"`);
    const lines = byName.get(name) ?? [];
    lines.push(`${metric}${pairs.length ? `{${pairs.join(',')}}` : ''} ${value}`);
    byName.set(name, lines);
  }
  let text = '';
  for (const name of [...byName.keys()].sort()) {
    const metric = `arc_${name.replace(/[^a-zA-Z0-9_]/g, '_')}_total`;
    text += `# HELP ${metric} ${COUNTER_HELP[name] ?? `Count of ${name.replace(/_/g, ' ')}`}\n# TYPE ${metric} counter\n`;
    text += byName.get(name)!.join('\n') + '\n';
  }
  return text;
}

/** Label values escape backslash, double quote and newline (the exposition format). */
function escapeLabel(value: string): string {
  return String(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
