// The open-alarm queue as values: which alarms are open and the order an operator sees them in.
// Pure (STYLE habit 3): console.js owns the DOM, the socket and the clock.

/** @typedef {import('../api/live/console-contract.js').AlarmView} AlarmView */
/** @typedef {Map<string, AlarmView>} AlarmQueue */

/**
 * Most urgent first (priority 1), then longest waiting first: the order GET /api/alarms uses.
 * @param {AlarmView} a
 * @param {AlarmView} b
 */
export function compareAlarms(a, b) {
  return a.priority - b.priority || Date.parse(a.receivedAt) - Date.parse(b.receivedAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** @param {AlarmQueue} queue */
export function orderedAlarms(queue) {
  return [...queue.values()].sort(compareAlarms);
}

/**
 * Puts a pushed alarm (`alarm:raised` or `alarm:updated`) into the queue, or takes it out once
 * resolved. Returns true when the alarm was not in the queue before and is now.
 * @param {AlarmQueue} queue
 * @param {AlarmView} alarm
 */
export function applyAlarm(queue, alarm) {
  const isNew = !queue.has(alarm.id);
  if (alarm.status === 'resolved') {
    queue.delete(alarm.id);
    return false;
  }
  queue.set(alarm.id, alarm);
  return isNew;
}

/**
 * The shape the queue relies on; anything else pushed is dropped rather than drawn half.
 * @param {unknown} value
 * @returns {value is AlarmView}
 */
export function isAlarmView(value) {
  if (typeof value !== 'object' || value === null) return false;
  const a = /** @type {Record<string, unknown>} */ (value);
  return (
    typeof a.id === 'string' &&
    typeof a.type === 'string' &&
    typeof a.priority === 'number' &&
    typeof a.status === 'string' &&
    typeof a.deviceId === 'string' &&
    typeof a.receivedAt === 'string' &&
    !Number.isNaN(Date.parse(a.receivedAt)) &&
    typeof a.flags === 'object' &&
    a.flags !== null
  );
}
