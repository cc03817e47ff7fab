// What the bench process and its simulator workers (bench/sim-worker.ts, forked) say to each
// other over IPC. Times are epoch milliseconds with sub-millisecond precision from `clockMs`, so
// a publish stamped in a worker and an `alarm:raised` stamped in the bench compare directly.
import type { HistogramData } from './latency-histogram.js';

export const clockMs = (): number => performance.timeOrigin + performance.now();

export interface DeviceLogin {
  deviceId: string;
  secret: string;
}

export interface Backoff {
  minMs: number;
  maxMs: number;
}

export interface TrackOptions {
  fixEveryS: number;
  /** 0 for no heartbeats. */
  heartbeatS: number;
  /** Each interval is drawn from ±jitter of its value (0.2: 80 % to 120 %). */
  jitter: number;
  /** First fix at a random moment within this, first heartbeat within heartbeatS: no wave. */
  firstWithinS: number;
  /** Keep (deviceId, ts) of every acknowledged fix, to look each one up in PostgreSQL later. */
  recordAcked?: boolean;
}

export type FloodKind = 'garbage-publishes' | 'huge-payloads' | 'raw-bytes';

export interface FloodOptions {
  url: string;
  device: DeviceLogin;
  kinds: FloodKind[];
  /** Publishes per second attempted by the garbage publisher (QoS 0, random bytes). */
  publishRate: number;
  /** Size and interval of the oversized publishes. */
  hugeBytes: number;
  hugeEveryMs: number;
  /** New TCP connections per second that send random bytes and hang up. */
  rawConnectionsPerS: number;
}

export type WorkerRequest =
  | {
      op: 'connect';
      url: string;
      fallbackUrls?: string[];
      devices: DeviceLogin[];
      connectTimeoutMs: number;
      reconnect: Backoff | false;
      openPerTick: number;
    }
  | { op: 'track'; options: TrackOptions }
  | { op: 'stop-tracking' }
  | { op: 'sos'; pressId: number; deviceId: string; timeoutMs: number }
  | { op: 'storm'; deviceIds: string[]; startAt: number; windowMs: number; settleTimeoutMs: number }
  | { op: 'stats'; reset: boolean }
  | { op: 'acked-fixes' }
  | { op: 'disconnect'; deviceIds: string[] }
  | { op: 'flood-start'; options: FloodOptions }
  | { op: 'flood-stop' }
  | { op: 'close' };

export interface ConnectResult {
  connected: number;
  /** Milliseconds from the start of this request until each device was connected and subscribed. */
  connectMs: number[];
  refused: { deviceId: string; returnCode: number }[];
  failed: { deviceId: string; error: string }[];
}

export interface PressResult {
  pressId: number;
  deviceId: string;
  eventId: string;
  /** When the device published. */
  publishedAt: number;
  /** PUBACK: the ARC committed the event (or nothing, null, within the timeout). */
  ackedAt: number | null;
  /** The `alarm.received` command for this event arrived at the device. */
  receivedAt: number | null;
  error: string | null;
}

export interface WorkerStats {
  devices: number;
  connected: number;
  reconnectAttempts: number;
  errors: number;
  fixesSent: number;
  fixesAcked: number;
  fixErrors: number;
  statusSent: number;
  statusAcked: number;
  eventsSent: number;
  eventsAcked: number;
  /** Fix publish → PUBACK, since the last reset. */
  fixAck: HistogramData;
  statusAck: HistogramData;
  /** Acknowledgements received since the last reset (any channel). */
  ackedSinceReset: number;
  cpuSeconds: number;
  rssBytes: number;
  flood?: FloodStats;
}

export interface FloodStats {
  garbagePublishes: number;
  hugePublishes: number;
  hugeBytesSent: number;
  rawConnections: number;
  reconnects: number;
  errors: string[];
}

export type WorkerReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
