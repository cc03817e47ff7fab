// Single SOS presses from random devices while something else runs, each timed three ways from
// the device's publish: PUBACK (the ARC committed it), `alarm.received` back at the device, and
// `alarm:raised` at an operator's console.
import { LatencyHistogram, type LatencySummary } from './latency-histogram.js';
import type { OperatorConsole } from './operator-console.js';
import { pickRandom, sleep } from './scenario-kit.js';
import type { SimFleet } from './sim-fleet.js';
import type { PressResult } from './sim-protocol.js';

export interface TimedPress extends PressResult {
  raisedAt: number | null;
}

export interface PressLatencies {
  presses: number;
  acked: number;
  /** Presses with every one of the three answers. */
  complete: number;
  errors: Record<string, number>;
  puback: LatencySummary;
  alarmReceived: LatencySummary;
  alarmRaised: LatencySummary;
}

export class AlarmPresser {
  readonly presses: Promise<TimedPress>[] = [];
  #stopped = false;
  #loop: Promise<void> | null = null;

  constructor(
    private readonly fleet: SimFleet,
    private readonly operator: OperatorConsole,
    /** Devices that may press; each presses at most once (a second SOS would join its open alarm). */
    private readonly candidates: string[],
    private readonly everyMs: number,
    private readonly timeoutMs = 30_000,
  ) {}

  start(): this {
    const order = pickRandom(this.candidates, this.candidates.length);
    this.#loop = (async () => {
      let next = performance.now();
      for (let i = 0; i < order.length && !this.#stopped; i++) {
        this.presses.push(this.#press(i, order[i]));
        // Random gaps averaging everyMs: presses do not line up with anything periodic.
        next += this.everyMs * (0.5 + Math.random());
        await sleep(Math.max(0, next - performance.now()));
      }
    })();
    return this;
  }

  async #press(i: number, deviceId: string): Promise<TimedPress> {
    const [press, raised] = await Promise.all([
      this.fleet.press(i, deviceId, this.timeoutMs),
      this.operator.raisedFor(deviceId, this.timeoutMs),
    ]);
    return { ...press, raisedAt: raised?.at ?? null };
  }

  /** Stops pressing and waits for the presses under way to be answered or time out. */
  async stop(): Promise<TimedPress[]> {
    this.#stopped = true;
    await this.#loop;
    return Promise.all(this.presses);
  }
}

export function summarisePresses(presses: TimedPress[]): PressLatencies {
  const errors: Record<string, number> = {};
  for (const p of presses) if (p.error) errors[p.error] = (errors[p.error] ?? 0) + 1;
  const since = (pick: (p: TimedPress) => number | null) =>
    LatencyHistogram.of(presses.flatMap((p) => (pick(p) === null ? [] : [pick(p)! - p.publishedAt]))).summary();
  return {
    presses: presses.length,
    acked: presses.filter((p) => p.ackedAt !== null).length,
    complete: presses.filter((p) => p.ackedAt !== null && p.receivedAt !== null && p.raisedAt !== null).length,
    errors,
    puback: since((p) => p.ackedAt),
    alarmReceived: since((p) => p.receivedAt),
    alarmRaised: since((p) => p.raisedAt),
  };
}
