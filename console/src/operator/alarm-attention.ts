// When the console calls for attention, as values (pure): an alarm nobody has accepted keeps
// sounding, more often the more urgent it is, until someone accepts it; a lost connection
// sounds too. The page owns the AudioContext, the timers and the DOM (main.ts).
import type { AlarmView } from '../../../api/live/console-contract.js';

/** How often an unaccepted alarm sounds again, by priority (1 = most urgent). */
export const REPEAT_MS: Record<number, number> = { 1: 10_000, 2: 20_000, 3: 30_000, 4: 60_000, 5: 120_000 };
/** How often a lost connection sounds again while it stays lost. */
export const CONNECTION_LOST_REPEAT_MS = 30_000;

export const waitingForAccept = (alarm: AlarmView) => alarm.status === 'raised' && alarm.owner === null;

/** The most urgent priority among alarms nobody has accepted, or null when there are none. */
export function mostUrgentWaiting(alarms: Iterable<AlarmView>): number | null {
  let best: number | null = null;
  for (const alarm of alarms)
    if (waitingForAccept(alarm) && (best === null || alarm.priority < best)) best = alarm.priority;
  return best;
}

/**
 * Whether to sound now: an alarm is waiting and the most urgent one's interval has passed since
 * the last sound (whatever made it), or the connection is lost and its interval has passed.
 */
export function shouldSound(input: {
  alarms: Iterable<AlarmView>;
  connected: boolean;
  lastSoundAt: number;
  now: number;
}): boolean {
  const since = input.now - input.lastSoundAt;
  if (!input.connected) return since >= CONNECTION_LOST_REPEAT_MS;
  const priority = mostUrgentWaiting(input.alarms);
  return priority !== null && since >= (REPEAT_MS[priority] ?? REPEAT_MS[5]);
}

/** The arrivals bar: alarms nobody has accepted, most urgent then oldest first. */
export function waitingAlarms(alarms: Iterable<AlarmView>): AlarmView[] {
  return [...alarms]
    .filter(waitingForAccept)
    .sort((a, b) => a.priority - b.priority || Date.parse(a.receivedAt) - Date.parse(b.receivedAt));
}
