// In-process counters (messages rejected, refusals, warnings): read at GET /api/metrics (JSON, for
// staff) and at GET /metrics (Prometheus, for operations teams: api/prometheus.ts renders them).
import { Histogram, Registry } from 'prom-client';

/** Where an alarm's latency is measured: arrival → committed ("stored"), committed → pushed to the consoles ("pushed"). */
export type AlarmLatencyStage = 'stored' | 'pushed';

/** One counter series: its name, its labels, its count. */
export interface CounterSeries {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export class Metrics {
  private readonly counts = new Map<string, number>();
  /** The name and labels behind each key, kept once per series for the Prometheus text. */
  private readonly series = new Map<string, { name: string; labels: Record<string, string> }>();
  /** This ARC's own Prometheus metrics (the process's are shared: api/prometheus.ts). */
  readonly registry = new Registry();
  // BS 8484 counts in seconds (10 s to answer): the buckets are fine below a second, where a
  // healthy ARC lives, and reach to the deadline.
  private readonly alarmLatency = new Histogram({
    name: 'arc_alarm_latency_seconds',
    help: 'Alarm latency by stage: stored = device message arrived → alarm committed; pushed = committed → pushed to the operator consoles',
    labelNames: ['stage'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  // Called for every device message: the key is built without intermediate arrays.
  increment(name: string, labels?: Record<string, string>, by = 1): void {
    let key = name;
    if (labels) {
      let inner = '';
      for (const k in labels) inner += `${inner ? ',' : ''}${k}="${labels[k]}"`;
      if (inner) key = `${name}{${inner}}`;
    }
    const count = this.counts.get(key);
    if (count === undefined) this.series.set(key, { name, labels: labels ? { ...labels } : {} });
    this.counts.set(key, (count ?? 0) + by);
  }

  observeAlarmLatency(stage: AlarmLatencyStage, seconds: number): void {
    this.alarmLatency.observe({ stage }, seconds);
  }

  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  /** Every counter series, with its labels apart (the Prometheus exposition). */
  counters(): CounterSeries[] {
    return [...this.series.entries()].map(([key, { name, labels }]) => ({
      name,
      labels,
      value: this.counts.get(key) ?? 0,
    }));
  }
}
