// A small discrete-event simulation of the alarm queue, to check Erlang C where it is blind:
// alarms come in priority classes and the most urgent waiting one is taken first, and a caller
// may give up (a wearer who cancels, a call that drops) before an operator answers. Pure and
// seeded (STYLE habit 3): the same inputs give the same result on every machine.
import { exponential, seededRandom } from './seeded-random.js';

export interface QueueClass {
  /** 1 is the most urgent; lower numbers are answered first, then the oldest. */
  priority: number;
  /** Arrivals per second of this class. */
  ratePerS: number;
}

export interface QueueSimulationInput {
  operators: number;
  classes: readonly QueueClass[];
  meanHandleS: number;
  /** Mean time a waiting caller holds on before giving up; null: nobody gives up (Erlang C's case). */
  meanPatienceS: number | null;
  /** Simulated seconds (after warmUpS, which is run and not counted). */
  durationS: number;
  warmUpS?: number;
  /** The answer times to report the share within. */
  answerWithinS: readonly number[];
  seed: number;
}

export interface QueueSimulationResult {
  arrived: number;
  answered: number;
  abandoned: number;
  /** Share of arrivals answered within each answer time (abandoned ones count as not answered). */
  withinShare: number[];
  /** Share that had to wait at all. */
  waitedShare: number;
  meanWaitS: number;
  /** Per priority: arrivals and the share answered within each answer time. */
  byPriority: { priority: number; arrived: number; withinShare: number[] }[];
}

interface Waiting {
  priority: number;
  arrivedAt: number;
  givesUpAt: number;
  counted: boolean;
}

/**
 * Event by event: the next arrival, the next operator coming free, or a waiting caller giving up,
 * whichever is soonest. The queue is kept sorted (priority, arrival); sizes here are small.
 */
export function simulateQueue(input: QueueSimulationInput): QueueSimulationResult {
  if (!Number.isInteger(input.operators) || input.operators < 1) throw new RangeError('at least one operator');
  const random = seededRandom(input.seed);
  const warmUp = input.warmUpS ?? 0;
  const end = warmUp + input.durationS;
  const totalRate = input.classes.reduce((s, c) => s + c.ratePerS, 0);
  const pickClass = () => {
    let u = random() * totalRate;
    for (const c of input.classes) {
      u -= c.ratePerS;
      if (u < 0) return c;
    }
    return input.classes[input.classes.length - 1];
  };
  const freeAt: number[] = new Array(input.operators).fill(0);
  const queue: Waiting[] = [];
  const priorities = [...new Set(input.classes.map((c) => c.priority))].sort((a, b) => a - b);
  const tally = new Map(priorities.map((p) => [p, { arrived: 0, within: input.answerWithinS.map(() => 0) }]));
  let arrived = 0;
  let answered = 0;
  let abandoned = 0;
  let waited = 0;
  let waitSum = 0;

  const answer = (w: Waiting, at: number, operator: number) => {
    freeAt[operator] = at + exponential(random, input.meanHandleS);
    if (!w.counted) return;
    const wait = at - w.arrivedAt;
    answered += 1;
    waitSum += wait;
    if (wait > 0) waited += 1;
    const t = tally.get(w.priority)!;
    input.answerWithinS.forEach((limit, i) => {
      if (wait <= limit) t.within[i] += 1;
    });
  };

  let nextArrival = totalRate > 0 ? exponential(random, 1 / totalRate) : Number.POSITIVE_INFINITY;
  for (;;) {
    const nextFree = queue.length > 0 ? Math.min(...freeAt) : Number.POSITIVE_INFINITY;
    const nextGiveUp = queue.reduce((soonest, w) => Math.min(soonest, w.givesUpAt), Number.POSITIVE_INFINITY);
    const now = Math.min(nextArrival, nextFree, nextGiveUp);
    if (now >= end) break;
    if (now === nextGiveUp) {
      const i = queue.findIndex((w) => w.givesUpAt === now);
      const [gone] = queue.splice(i, 1);
      if (gone.counted) {
        abandoned += 1;
        waited += 1;
        waitSum += now - gone.arrivedAt;
      }
    } else if (now === nextFree) {
      const operator = freeAt.indexOf(nextFree);
      answer(queue.shift()!, now, operator);
    } else {
      const c = pickClass();
      const counted = now >= warmUp;
      const w: Waiting = {
        priority: c.priority,
        arrivedAt: now,
        givesUpAt:
          input.meanPatienceS === null ? Number.POSITIVE_INFINITY : now + exponential(random, input.meanPatienceS),
        counted,
      };
      if (counted) {
        arrived += 1;
        tally.get(c.priority)!.arrived += 1;
      }
      const idle = freeAt.findIndex((t) => t <= now);
      if (idle >= 0 && queue.length === 0) answer(w, now, idle);
      else {
        let at = queue.findIndex((q) => q.priority > w.priority);
        if (at < 0) at = queue.length;
        queue.splice(at, 0, w);
      }
      nextArrival = now + exponential(random, 1 / totalRate);
    }
  }
  const share = (n: number, of: number) => (of === 0 ? 1 : n / of);
  const byPriority = priorities.map((p) => {
    const t = tally.get(p)!;
    return { priority: p, arrived: t.arrived, withinShare: t.within.map((n) => share(n, t.arrived)) };
  });
  const withinAll = input.answerWithinS.map((_, i) => byPriority.reduce((s, p) => s + p.withinShare[i] * p.arrived, 0));
  return {
    arrived,
    answered,
    abandoned,
    withinShare: withinAll.map((n) => share(n, arrived)),
    waitedShare: share(waited, arrived),
    meanWaitS: arrived === 0 ? 0 : waitSum / arrived,
    byPriority,
  };
}
