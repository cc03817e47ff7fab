// What one device event does: pure, no I/O (STYLE habit 3). The shell (intake/) gathers the
// inputs (the parsed event, the PIN check), applies the decision in one transaction, and
// acknowledges and notifies after commit.
import type { CommandType } from '../../protocol/device-payloads.js';
import type { DeviceEvent } from '../../protocol/device-event.js';

export const AlarmType = {
  sos: 'sos',
  duress: 'duress',
  fall: 'fall',
  noMotion: 'no_motion',
  tamper: 'tamper',
  powerOff: 'power.off',
  batteryLow: 'battery.low',
  unrecognised: 'unrecognised',
} as const;
export type AlarmType = (typeof AlarmType)[keyof typeof AlarmType];

/**
 * 1 is the most urgent. Duress and SOS come first: a person in danger pressed a button
 * (BS 8484 treats both as the highest-priority activation). An event type this ARC does not
 * know sits in the middle (spec: "an unrecognised event alarm of middle priority"); a low
 * battery is shown at the lowest priority.
 */
export const ALARM_PRIORITY: Record<AlarmType, 1 | 2 | 3 | 4 | 5> = {
  duress: 1,
  sos: 1,
  fall: 2,
  no_motion: 2,
  tamper: 3,
  unrecognised: 3,
  'power.off': 3,
  'battery.low': 5,
};

/** How a PIN sent with amber.end or sos.cancel compares with the wearer's stored PINs. */
export type PinCheck = 'safe' | 'duress' | 'wrong' | 'missing' | 'not_required';

export interface RaiseAlarm {
  type: AlarmType;
  priority: number;
  /** Raised covertly: the ARC must not call the device back audibly (spec, `sos.discreet`). */
  discreet: boolean;
  /** Silent duress: nothing about it may reach the device (spec, "PINs"). */
  silent: boolean;
}

export interface EventDecision {
  alarm: RaiseAlarm | null;
  /** The command the device gets back once the event is stored, if any. */
  reply: CommandType | null;
}

const raise = (type: AlarmType, discreet = false, silent = false): RaiseAlarm => ({
  type,
  priority: ALARM_PRIORITY[type],
  discreet,
  silent,
});

/** Event types that raise an alarm of their own name and tell the device "help knows". */
const ALARMING: Partial<Record<string, AlarmType>> = {
  sos: AlarmType.sos,
  fall: AlarmType.fall,
  no_motion: AlarmType.noMotion,
  tamper: AlarmType.tamper,
  'power.off': AlarmType.powerOff,
};

export function decideEvent(event: Pick<DeviceEvent, 'type' | 'known' | 'discreet'>, pin: PinCheck): EventDecision {
  if (!event.known) return { alarm: raise(AlarmType.unrecognised), reply: 'alarm.received' };

  const alarmType = ALARMING[event.type];
  if (alarmType) return { alarm: raise(alarmType, alarmType === AlarmType.sos && event.discreet === true), reply: 'alarm.received' };

  switch (event.type) {
    case 'battery.low':
      return { alarm: raise(AlarmType.batteryLow), reply: null };
    case 'test':
      // A test activation is recorded and reported, never an alarm (spec); the reply proves
      // the path from the button to the ARC works.
      return { alarm: null, reply: 'alarm.received' };
    case 'amber.end':
    case 'sos.cancel': {
      // Spec, "PINs": the duress PIN gets exactly the reply a normal cancel gets, while the
      // ARC raises a silent duress alarm of the highest priority. A wrong PIN ends nothing.
      const reply: CommandType = event.type === 'amber.end' ? 'session.ended' : 'alarm.received';
      if (pin === 'duress') return { alarm: raise(AlarmType.duress, true, true), reply };
      if (pin === 'safe' || pin === 'not_required') return { alarm: null, reply };
      return { alarm: null, reply: null };
    }
    default:
      // amber.start, amber.extend, checkin: recorded; their timers are the alarm-handling work.
      return { alarm: null, reply: null };
  }
}
