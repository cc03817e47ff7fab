// Operators needed per hour of the week, beside what was seen and achieved. Pure (STYLE habit 3).
// The store counts; this turns counts into rates, erlangs and staffing by Erlang C, and checks
// the busiest hour with the queue simulation (its own mix of priorities, callers who give up).
import { offeredErlangs, operatorsNeeded, serviceLevel, STAFFING_TARGETS } from './erlang-c.js';
import { simulateQueue } from './queue-simulation.js';

export interface SlotCounts {
  day: number;
  hour: number;
  arrivals: number;
  within10: number;
  within40: number;
  within60: number;
  within180: number;
  operatorHours: number;
}

export interface StaffingRow {
  /** ISO day 1 (Monday) … 7, local hour 0 … 23. */
  day: number;
  hour: number;
  /** Mean alarms in this hour of the week (extra devices included). */
  arrivalsPerHour: number;
  erlangs: number;
  /** Operators needed, by target id (bs8484, tsa). */
  needed: Record<string, number>;
  /** Mean operators seen accepting alarms in this hour (a floor on who was working: idle staff accept nothing). */
  operatorsSeen: number;
  /** Mean staff on a console in this hour (staff-minutes / 60 / weeks), the whole ARC; null when presence was not recorded. */
  staffOnShift: number | null;
  /** Shares answered within 10, 40, 60, 180 s; null with no alarms. */
  achieved: { within10: number; within40: number; within60: number; within180: number } | null;
}

export interface StaffingPlan {
  weeks: number;
  meanHandleS: number;
  rows: StaffingRow[];
  /** The hour of the week with the most traffic, simulated at the BS 8484 staffing. */
  peakCheck: {
    day: number;
    hour: number;
    operators: number;
    erlangC: { within10: number; within40: number };
    simulated: {
      within10: number;
      within40: number;
      abandonedShare: number;
      byPriority: { priority: number; within10: number }[];
    };
  } | null;
}

export interface StaffingInput {
  slots: readonly SlotCounts[];
  /** How many weeks the counts span (arrivals / weeks = mean per hour of the week). */
  weeks: number;
  meanHandleS: number;
  /** Extra arrivals per hour of the week, keyed "day-hour" (the what-if). */
  extraPerHour?: ReadonlyMap<string, number>;
  /** Mean patience of a waiting caller for the simulation check, seconds. */
  meanPatienceS?: number;
  /** Staff-minutes on a console per hour of the week (keyed "day-hour"); absent when presence was not recorded. */
  staffMinutes?: ReadonlyMap<string, number>;
  /** Alarms per priority in each hour of the week (keyed "day-hour"): the simulation's classes. */
  priorityMix?: ReadonlyMap<string, readonly { priority: number; arrivals: number }[]>;
}

export const slotKey = (day: number, hour: number) => `${day}-${hour}`;

export function staffingPlan(input: StaffingInput): StaffingPlan {
  const bySlot = new Map(input.slots.map((s) => [slotKey(s.day, s.hour), s]));
  const rows: StaffingRow[] = [];
  for (let day = 1; day <= 7; day += 1) {
    for (let hour = 0; hour < 24; hour += 1) {
      const s = bySlot.get(slotKey(day, hour));
      const arrivalsPerHour = (s?.arrivals ?? 0) / input.weeks + (input.extraPerHour?.get(slotKey(day, hour)) ?? 0);
      const erlangs = offeredErlangs(arrivalsPerHour, 3600, input.meanHandleS);
      const needed = Object.fromEntries(
        STAFFING_TARGETS.map((t) => [t.id, operatorsNeeded(erlangs, input.meanHandleS, t.lines)]),
      );
      rows.push({
        day,
        hour,
        arrivalsPerHour,
        erlangs,
        needed,
        operatorsSeen: (s?.operatorHours ?? 0) / input.weeks,
        staffOnShift: input.staffMinutes ? (input.staffMinutes.get(slotKey(day, hour)) ?? 0) / 60 / input.weeks : null,
        achieved:
          s && s.arrivals > 0
            ? {
                within10: s.within10 / s.arrivals,
                within40: s.within40 / s.arrivals,
                within60: s.within60 / s.arrivals,
                within180: s.within180 / s.arrivals,
              }
            : null,
      });
    }
  }
  const peak = rows.reduce<StaffingRow | null>((best, r) => (r.erlangs > (best?.erlangs ?? 0) ? r : best), null);
  let peakCheck: StaffingPlan['peakCheck'] = null;
  if (peak) {
    const operators = Math.max(1, peak.needed.bs8484);
    // The peak hour's own mix of priorities, scaled to its rate (what-if included); one class without it.
    const mix = input.priorityMix?.get(slotKey(peak.day, peak.hour)) ?? [];
    const mixTotal = mix.reduce((s, m) => s + m.arrivals, 0);
    const classes =
      mixTotal > 0
        ? mix.map((m) => ({ priority: m.priority, ratePerS: (peak.arrivalsPerHour * (m.arrivals / mixTotal)) / 3600 }))
        : [{ priority: 1, ratePerS: peak.arrivalsPerHour / 3600 }];
    const sim = simulateQueue({
      operators,
      classes,
      meanHandleS: input.meanHandleS,
      meanPatienceS: input.meanPatienceS ?? 120,
      durationS: 500 * 3600,
      warmUpS: 3600,
      answerWithinS: [10, 40],
      seed: 8484,
    });
    peakCheck = {
      day: peak.day,
      hour: peak.hour,
      operators,
      erlangC: {
        within10: serviceLevel(operators, peak.erlangs, input.meanHandleS, 10),
        within40: serviceLevel(operators, peak.erlangs, input.meanHandleS, 40),
      },
      simulated: {
        within10: sim.withinShare[0],
        within40: sim.withinShare[1],
        abandonedShare: sim.arrived === 0 ? 0 : sim.abandoned / sim.arrived,
        byPriority: sim.byPriority.map((p) => ({ priority: p.priority, within10: p.withinShare[0] })),
      },
    };
  }
  return { weeks: input.weeks, meanHandleS: input.meanHandleS, rows, peakCheck };
}
