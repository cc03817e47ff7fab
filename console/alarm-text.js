// How an alarm reads on the console: its type in words, who, how long ago, where, and the marks
// an operator must not miss. Pure; the page puts these strings in with textContent only.

/** @typedef {import('../api/live/console-contract.js').AlarmView} AlarmView */
/** @typedef {import('../api/live/console-contract.js').Position} Position */

/** Alarm types (api/rules/event-rules.ts) in an operator's words. */
const TYPE_WORDS = {
  sos: 'SOS',
  duress: 'Duress (silent)',
  fall: 'Fall',
  no_motion: 'No motion',
  tamper: 'Tamper',
  'power.off': 'Power off',
  'battery.low': 'Low battery',
};

/** @param {AlarmView} alarm */
export function alarmTypeText(alarm) {
  if (alarm.type === 'unrecognised') {
    const eventType = alarm.flags.eventType;
    return typeof eventType === 'string' && eventType ? `Unrecognised event: ${eventType}` : 'Unrecognised event';
  }
  // A type newer than this page still shows, as the ARC named it.
  return Object.hasOwn(TYPE_WORDS, alarm.type) ? TYPE_WORDS[/** @type {keyof typeof TYPE_WORDS} */ (alarm.type)] : alarm.type;
}

/** @param {AlarmView} alarm */
export function wearerText(alarm) {
  return alarm.wearerName ?? `Unassigned device ${alarm.deviceId}`;
}

/** @param {AlarmView} alarm */
export function statusText(alarm) {
  return alarm.status === 'accepted' ? 'Accepted' : 'New';
}

/**
 * "0:42", "12:05", "1:02:05". A receive time slightly ahead of this clock reads 0:00.
 * @param {number} ms
 */
export function ageText(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/**
 * "53.64580, -3.01010 ±8 m": five decimals is about a metre, finer than any fix's accuracy.
 * @param {Position | null} position
 */
export function positionText(position) {
  if (!position) return 'no position';
  const at = `${position.lat.toFixed(5)}, ${position.lon.toFixed(5)}`;
  return position.acc === null || position.acc === undefined ? at : `${at} ±${Math.round(position.acc)} m`;
}

/**
 * The marks that change how an operator responds, most important first.
 * @param {AlarmView} alarm
 * @returns {{ kind: 'duress' | 'discreet' | 'warning', text: string }[]}
 */
export function alarmMarks(alarm) {
  /** @type {{ kind: 'duress' | 'discreet' | 'warning', text: string }[]} */
  const marks = [];
  // Spec, "PINs": nothing about a duress alarm may reach the device or the person holding it.
  if (alarm.type === 'duress' || alarm.flags.silent === true) marks.push({ kind: 'duress', text: 'Duress: act silently' });
  // Spec, `sos.discreet`: the wearer raised it covertly.
  if (alarm.discreet) marks.push({ kind: 'discreet', text: 'Do not call back audibly' });
  const warnings = alarm.flags.warnings;
  if (Array.isArray(warnings) && warnings.length > 0) marks.push({ kind: 'warning', text: `Device data: ${warnings.join(', ')}` });
  return marks;
}
