// The open-alarm queue as values: which alarms are open, the order an operator sees them in, and
// the filters. Pure (STYLE habit 3): the feed owns the socket, the views own the DOM.
import type { AlarmView } from '../../../api/live/console-contract.js';

export type AlarmQueue = Map<string, AlarmView>;

export const QueueFilter = { all: 'all', unassigned: 'unassigned', mine: 'mine' } as const;
export type QueueFilter = (typeof QueueFilter)[keyof typeof QueueFilter];

const held = (alarm: AlarmView) => (alarm.owner === null ? 0 : 1);

/**
 * Most urgent first (priority 1); within a priority, alarms nobody holds before those someone
 * holds (an overdue unaccepted alarm never sits under one being handled); then longest waiting first.
 */
export function compareAlarms(a: AlarmView, b: AlarmView): number {
  return (
    a.priority - b.priority ||
    held(a) - held(b) ||
    Date.parse(a.receivedAt) - Date.parse(b.receivedAt) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

export function orderedAlarms(queue: AlarmQueue): AlarmView[] {
  return [...queue.values()].sort(compareAlarms);
}

/** Where `alarm` goes in `sorted` (by compareAlarms): the first place not before it. Binary search. */
export function sortedIndex(sorted: readonly AlarmView[], alarm: AlarmView): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compareAlarms(sorted[mid], alarm) < 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * Keeps `sorted` in order as one alarm changes: `before` (the version in the list, if any) is
 * taken out and `after` (the version now, if still open) put in its place. compareAlarms ends
 * on the id, so every alarm has exactly one place and a change costs a search, not a sort.
 */
export function resortOne(sorted: AlarmView[], before: AlarmView | undefined, after: AlarmView | undefined): void {
  if (before) {
    const at = sortedIndex(sorted, before);
    if (sorted[at]?.id === before.id) sorted.splice(at, 1);
  }
  if (after) sorted.splice(sortedIndex(sorted, after), 0, after);
}

/**
 * Puts a pushed alarm (raised, updated or escalated) into the queue, or takes it out once
 * resolved. Returns true when the alarm was not in the queue before and is now.
 */
export function applyAlarm(queue: AlarmQueue, alarm: AlarmView): boolean {
  const isNew = !queue.has(alarm.id);
  if (alarm.status === 'resolved') {
    queue.delete(alarm.id);
    return false;
  }
  queue.set(alarm.id, alarm);
  return isNew;
}

export function filterAlarms(alarms: AlarmView[], filter: QueueFilter, myId: string): AlarmView[] {
  if (filter === 'unassigned') return alarms.filter((a) => a.owner === null);
  if (filter === 'mine') return alarms.filter((a) => a.owner?.id === myId);
  return alarms;
}

/** What the accept shortcut takes: the first alarm shown that nobody holds. */
export function topUnaccepted(alarms: AlarmView[]): AlarmView | null {
  return alarms.find((a) => a.owner === null && a.status === 'raised') ?? null;
}
