// A fleet of simulated devices playing one scenario together until a signal stops them:
// connect them all (a few at a time), play, disconnect, and total up what happened.
import { setMaxListeners } from 'node:events';
import type { CommandType } from '../protocol/device-payloads.js';
import { settleWithConcurrency } from './bounded-concurrency.js';
import type { DeviceCredentials } from './credentials-file.js';
import { type ScenarioName, type ScenarioReport, playScenario } from './scenarios.js';
import { type DeviceCounters, SimulatedDevice } from './simulated-device.js';

export interface FleetOptions {
  mqtt: string;
  scenario: ScenarioName;
  signal: AbortSignal;
  seed: number;
  fixEveryS: number;
  heartbeatS: number;
  amberDurationS: number;
  /** Walking time before the scenario's activation (sos, fall, amber.start). */
  leadInS?: number;
  /** Connections opened at once: a broker under a connect storm is not what we measure. */
  connectConcurrency?: number;
  log?: (line: string) => void;
}

export interface FleetProgress extends DeviceCounters {
  devices: number;
  connected: number;
}

export interface FleetSummary extends FleetProgress {
  scenario: ScenarioName;
  seconds: number;
  connectFailures: { deviceId: string; error: string }[];
  commandTypes: Partial<Record<CommandType, number>>;
  fixes: number;
  statuses: number;
  /** Activations (sos, fall, amber.start) the broker acknowledged. */
  events: { deviceId: string; type: string; id: string }[];
}

export interface Fleet {
  progress(): FleetProgress;
  /** Resolves when the signal has stopped every device and all are disconnected. */
  finished: Promise<FleetSummary>;
}

export function startFleet(credentials: readonly DeviceCredentials[], options: FleetOptions): Fleet {
  const startedAt = Date.now();
  // Every device's scenario listens on the one signal; that is many listeners, not a leak.
  setMaxListeners(credentials.length + 10, options.signal);
  const devices = credentials.map(
    (c) => new SimulatedDevice({ deviceId: c.deviceId, secret: c.secret, url: options.mqtt, keepaliveS: 60 }),
  );
  const progress = (): FleetProgress => {
    const totals: FleetProgress = {
      devices: devices.length,
      connected: 0,
      sent: 0,
      acknowledged: 0,
      errors: 0,
      commandsReceived: 0,
      invalidCommands: 0,
      reconnectAttempts: 0,
    };
    for (const d of devices) {
      if (d.connected) totals.connected++;
      for (const key of Object.keys(d.counters) as (keyof DeviceCounters)[]) totals[key] += d.counters[key];
    }
    return totals;
  };

  const finished = (async (): Promise<FleetSummary> => {
    const connectFailures: FleetSummary['connectFailures'] = [];
    const playing: Promise<ScenarioReport | undefined>[] = [];
    // Connecting is bounded; playing is not: each device starts its scenario once connected.
    await settleWithConcurrency(devices, options.connectConcurrency ?? 50, async (device, index) => {
      if (options.signal.aborted) return;
      try {
        await device.connect();
      } catch (err) {
        connectFailures.push({ deviceId: device.deviceId, error: (err as Error).message });
        options.log?.((err as Error).message);
        return;
      }
      // Distinct, reproducible seeds per device: adjacent seeds would walk in step.
      const seed = (Math.imul(options.seed, 0x9e3779b1) + index) | 0;
      const report = playScenario(options.scenario, device, {
        signal: options.signal,
        seed,
        fixEveryS: options.fixEveryS,
        heartbeatS: options.heartbeatS,
        amberDurationS: options.amberDurationS,
        leadInS: options.leadInS,
        log: options.log,
      });
      playing[index] = report.catch((err: Error) => {
        options.log?.(`${device.deviceId}: scenario failed: ${err.message}`);
        return undefined;
      });
    });
    const reports = await Promise.all(devices.map((_, i) => playing[i] ?? Promise.resolve(undefined)));
    await Promise.all(devices.map((d) => d.close({ graceMs: 2000 })));

    const commandTypes: FleetSummary['commandTypes'] = {};
    for (const c of devices.flatMap((d) => d.commands)) commandTypes[c.type] = (commandTypes[c.type] ?? 0) + 1;
    const played = reports.flatMap((report, i) => (report ? [{ deviceId: devices[i].deviceId, report }] : []));
    return {
      scenario: options.scenario,
      seconds: Math.round((Date.now() - startedAt) / 100) / 10,
      ...progress(),
      // Everyone is disconnected by now; count those that were connected and played.
      connected: played.length,
      connectFailures,
      commandTypes,
      fixes: played.reduce((n, p) => n + p.report.fixes, 0),
      statuses: played.reduce((n, p) => n + p.report.statuses, 0),
      events: played.flatMap((p) => p.report.events.map((e) => ({ deviceId: p.deviceId, type: e.type, id: e.id }))),
    };
  })();

  return { progress, finished };
}
