// Scenarios a SimulatedDevice can play: a wearer walking around town, sending fixes and
// heartbeats, and in most scenarios doing one thing that matters (an SOS, a fall, an amber
// session). Every scenario stops by itself when its signal aborts or its duration is up.
import type { Command } from '../protocol/device-payloads.js';
import { mulberry32 } from './mulberry32.js';
import { stopSignal } from './stop-signal.js';
import type { SentEvent, SimulatedDevice } from './simulated-device.js';
import { type LatLon, type Walker, fixOf, startWalk, stepWalk } from './town-walk.js';

export interface ScenarioOptions {
  /** Stops the scenario; combined with durationS when both are given. */
  signal?: AbortSignal;
  durationS?: number;
  /** Seeds both the walk and the timing jitter: the same seed replays the same run. */
  seed: number;
  fixEveryS?: number;
  heartbeatS?: number;
  /** Walking time before the activation; the actual moment is jittered within its second half. */
  leadInS?: number;
  amberDurationS?: number;
  amberNote?: string;
  centre?: LatLon;
  log?: (line: string) => void;
}

export interface ScenarioReport {
  /** Activations the broker acknowledged. */
  events: SentEvent[];
  fixes: number;
  statuses: number;
}

interface Activation {
  type: string;
  extra?: (options: ScenarioOptions) => Record<string, unknown>;
  /** After a fall the wearer is on the ground: fixes keep coming from the same spot. */
  stillAfterwards?: boolean;
}

/** What each scenario does after its lead-in walk; `walk` does nothing but walk. */
export const SCENARIOS = {
  walk: null,
  sos: { type: 'sos' },
  // Spec: a discreet SOS must never be called back audibly; the wearer may be hiding.
  'discreet-sos': { type: 'sos', extra: () => ({ discreet: true }) },
  fall: { type: 'fall', stillAfterwards: true },
  // Never ended: the session is meant to run out so the ARC raises the overdue alarm.
  amber: {
    type: 'amber.start',
    extra: (o) => ({ durationS: o.amberDurationS ?? 60, note: o.amberNote ?? 'Visiting 12 Acacia Avenue' }),
  },
} as const satisfies Record<string, Activation | null>;
export type ScenarioName = keyof typeof SCENARIOS;
export const SCENARIO_NAMES = Object.keys(SCENARIOS) as [ScenarioName, ...ScenarioName[]];

export async function playScenario(
  name: ScenarioName,
  device: SimulatedDevice,
  options: ScenarioOptions,
): Promise<ScenarioReport> {
  const stop = stopSignal({ signal: options.signal, afterS: options.durationS });
  const log = options.log ?? (() => {});
  const random = mulberry32(options.seed);
  const report: ScenarioReport = { events: [], fixes: 0, statuses: 0 };
  const activation: Activation | null = SCENARIOS[name];

  let fixEveryMs = (options.fixEveryS ?? 30) * 1000;
  let heartbeatMs = (options.heartbeatS ?? 60) * 1000;
  let walker: Walker = startWalk(options.seed, { centre: options.centre });
  let walkedUntil = Date.now();
  let still = false;
  // A `locate` command asks for fixes every everyS for forS (spec, "Commands").
  let tracking: { everyMs: number; until: number } | null = null;

  const start = Date.now();
  const leadInMs = (options.leadInS ?? 10) * 1000;
  let activateAt = activation ? start + leadInMs * (0.5 + 0.5 * random()) : Infinity;
  let fixAt = start;
  let statusAt = start;
  let wake: (() => void) | undefined;

  const onCommand = (command: Command) => {
    if (command.type === 'locate' && command.everyS && command.forS) {
      tracking = { everyMs: command.everyS * 1000, until: Date.now() + command.forS * 1000 };
      fixAt = Date.now();
    } else if (command.type === 'config') {
      const { heartbeatS, locationS } = command as { heartbeatS?: unknown; locationS?: unknown };
      if (isPositiveNumber(heartbeatS)) heartbeatMs = heartbeatS * 1000;
      if (isPositiveNumber(locationS)) fixEveryMs = locationS * 1000;
    } else if (command.type === 'message') {
      // What a real device would show or speak to the wearer (spec v1.1).
      log(`${device.deviceId} tells the wearer: “${command.text ?? ''}”`);
      return;
    } else if (command.type === 'alarm.accepted') {
      log(`${device.deviceId} tells the wearer: an operator has taken your alarm (${command.eventId ?? ''})`);
      return;
    } else return;
    log(`${device.deviceId} ${command.type} command: ${JSON.stringify(command)}`);
    wake?.();
  };
  device.on('command', onCommand);

  // Sends are not awaited: a slow broker must not stall the walk; failures are logged and
  // counted on the device.
  const sendFix = () => {
    const now = Date.now();
    walker = stepWalk(walker, (now - walkedUntil) / 1000, { still });
    walkedUntil = now;
    report.fixes++;
    device.sendFix(fixOf(walker, now)).catch((err: Error) => log(`${device.deviceId} fix failed: ${err.message}`));
    const active = tracking && now < tracking.until ? tracking : null;
    fixAt = now + (active ? active.everyMs : jittered(fixEveryMs));
  };
  const sendStatus = () => {
    report.statuses++;
    device.sendStatus().catch((err: Error) => log(`${device.deviceId} status failed: ${err.message}`));
    statusAt = Date.now() + heartbeatMs;
  };
  const activate = (a: Activation) => {
    sendFix(); // so the event carries where the wearer is now, not where they were
    activateAt = Infinity;
    still = Boolean(a.stillAfterwards);
    device.sendEvent(a.type, a.extra?.(options)).then(
      (event) => {
        report.events.push(event);
        log(`${device.deviceId} ${a.type} acknowledged (event ${event.id})`);
      },
      (err: Error) => log(`${device.deviceId} ${a.type} failed: ${err.message}`),
    );
  };
  const jittered = (ms: number) => ms * (0.8 + 0.4 * random());

  try {
    while (!stop.aborted) {
      const now = Date.now();
      if (activation && now >= activateAt) activate(activation);
      if (now >= fixAt) sendFix();
      if (now >= statusAt) sendStatus();
      const nextAt = Math.min(activateAt, fixAt, statusAt);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.max(0, nextAt - Date.now()));
        stop.addEventListener('abort', done, { once: true });
        wake = done;
        function done() {
          clearTimeout(timer);
          stop.removeEventListener('abort', done);
          wake = undefined;
          resolve();
        }
      });
    }
  } finally {
    device.off('command', onCommand);
  }
  return report;
}

const isPositiveNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;
