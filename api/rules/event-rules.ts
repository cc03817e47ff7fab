// What one device event does: pure, no I/O (STYLE habit 3). The shell (intake/ and store/) gathers
// the inputs (the parsed event, the PIN check, the wearer's open alarms and sessions), applies the
// decision in one transaction, and acknowledges and notifies after commit.
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
  amberExpired: 'amber.expired',
  checkinMissed: 'checkin.missed',
  noComm: 'no_comm',
  geofenceLeft: 'geofence.left',
  geofenceEntered: 'geofence.entered',
} as const;
export type AlarmType = (typeof AlarmType)[keyof typeof AlarmType];

/**
 * 1 is the most urgent. Duress and SOS come first: a person in danger pressed a button
 * (BS 8484 treats both as the highest-priority activation), and so does entering an exclusion
 * zone (near a perpetrator's address). A fall, a silent wearer whose amber session or check-in
 * ran out, and a vulnerable person leaving a safe zone come next. An event type this ARC does
 * not know sits in the middle (spec: "an unrecognised event alarm of middle priority"); a device
 * that went quiet is lower; a low battery is shown at the lowest priority.
 */
export const ALARM_PRIORITY: Record<AlarmType, 1 | 2 | 3 | 4 | 5> = {
  duress: 1,
  sos: 1,
  'geofence.entered': 1,
  fall: 2,
  no_motion: 2,
  'amber.expired': 2,
  'checkin.missed': 2,
  'geofence.left': 2,
  tamper: 3,
  unrecognised: 3,
  'power.off': 3,
  no_comm: 4,
  'battery.low': 5,
};

/** An amber session with no usable duration still watches the wearer, for this long. */
export const DEFAULT_AMBER_SECONDS = 30 * 60;

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

export interface OpenAlarm {
  id: string;
  type: string;
  priority: number;
  ownerId: string | null;
  linkedTo: string | null;
}

/** What the ARC already knows about the wearer and device when the event arrives. */
export interface EventContext {
  /** The wearer's open (not resolved) alarms, most urgent first. */
  openAlarms: OpenAlarm[];
  amberSessionOpen: boolean;
  /** A low-battery alarm was already raised in this charge cycle. */
  batteryLowRaised: boolean;
}

export type AmberChange =
  | { kind: 'start'; dueAt: Date; note: string | null }
  | { kind: 'extend'; dueAt: Date }
  | { kind: 'end'; reason: 'safe_pin' | 'duress' };

export interface EventDecision {
  /** A new alarm… */
  alarm: RaiseAlarm | null;
  /** …or one more activation of an open alarm of the same kind (never both), at this priority. */
  attachTo: { alarmId: string; priority: number } | null;
  /** A new alarm goes to the operator already holding this wearer, linked to that alarm. */
  routeTo: { ownerId: string; linkedTo: string } | null;
  /** The command the device gets back once the event is stored, if any. */
  reply: CommandType | null;
  /** Ask the device for fixes while the ARC deals with it (spec command `locate`). */
  locate: { everyS: number; forS: number } | null;
  amber: AmberChange | null;
  /** A lone worker said "I'm OK": the shift's check-in timer starts again. */
  checkin: boolean;
  /** The wearer cancelled this SOS with the safe PIN: marked, still for an operator to verify. */
  cancelledByWearer: string | null;
}

const NOTHING: EventDecision = {
  alarm: null,
  attachTo: null,
  routeTo: null,
  reply: null,
  locate: null,
  amber: null,
  checkin: false,
  cancelledByWearer: null,
};

/**
 * After a person's own activation the operator needs to see them move: a fix every 15 s for
 * 15 minutes. Never after a duress PIN: the device must see exactly what a normal cancel gets.
 */
export const TRACK_AFTER_ACTIVATION = { everyS: 15, forS: 15 * 60 } as const;

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

/**
 * A raise decision in the light of the wearer's open alarms: a repeat of an open alarm's kind is
 * one more activation of it (a second SOS is not a second incident); anything else is a new
 * alarm, routed to the operator who already holds this wearer.
 */
export function placeAlarm(
  alarm: RaiseAlarm,
  openAlarms: OpenAlarm[],
): Pick<EventDecision, 'alarm' | 'attachTo' | 'routeTo'> {
  const same = openAlarms.find((a) => a.type === alarm.type);
  if (same) return { alarm: null, attachTo: { alarmId: same.id, priority: alarm.priority }, routeTo: null };
  const held = openAlarms.find((a) => a.ownerId !== null);
  return {
    alarm,
    attachTo: null,
    routeTo: held ? { ownerId: held.ownerId!, linkedTo: held.linkedTo ?? held.id } : null,
  };
}

export function decideEvent(
  event: Pick<DeviceEvent, 'type' | 'known' | 'discreet' | 'durationS' | 'note'>,
  pin: PinCheck,
  context: EventContext,
  receivedAt: Date,
): EventDecision {
  const place = (alarm: RaiseAlarm, reply: CommandType | null): EventDecision => ({
    ...NOTHING,
    ...placeAlarm(alarm, context.openAlarms),
    reply,
  });
  // Deadlines count from the ARC's receive time, never the device clock (spec, "Times").
  const after = (seconds: number) => new Date(receivedAt.getTime() + seconds * 1000);

  if (!event.known) return place(raise(AlarmType.unrecognised), 'alarm.received');

  const alarmType = ALARMING[event.type];
  if (alarmType) {
    const decision = place(raise(alarmType, alarmType === AlarmType.sos && event.discreet === true), 'alarm.received');
    const tracks = alarmType === AlarmType.sos || alarmType === AlarmType.fall || alarmType === AlarmType.noMotion;
    return tracks ? { ...decision, locate: { ...TRACK_AFTER_ACTIVATION } } : decision;
  }

  switch (event.type) {
    case 'battery.low':
      // At most once per charge cycle.
      return context.batteryLowRaised ? NOTHING : place(raise(AlarmType.batteryLow), null);
    case 'test':
      // A test activation is recorded and reported, never an alarm (spec); the reply proves
      // the path from the button to the ARC works.
      return { ...NOTHING, reply: 'alarm.received' };
    case 'checkin':
      return { ...NOTHING, checkin: true };
    case 'amber.start':
      return {
        ...NOTHING,
        amber: { kind: 'start', dueAt: after(event.durationS ?? DEFAULT_AMBER_SECONDS), note: event.note ?? null },
      };
    case 'amber.extend':
      // Extending a session the ARC does not know of starts one: the wearer expects to be watched.
      return {
        ...NOTHING,
        amber: context.amberSessionOpen
          ? { kind: 'extend', dueAt: after(event.durationS ?? DEFAULT_AMBER_SECONDS) }
          : { kind: 'start', dueAt: after(event.durationS ?? DEFAULT_AMBER_SECONDS), note: event.note ?? null },
      };
    case 'amber.end':
    case 'sos.cancel': {
      // Spec, "PINs": the duress PIN gets exactly the reply a normal cancel gets, while the
      // ARC raises a silent duress alarm of the highest priority. A wrong PIN ends nothing.
      const reply: CommandType = event.type === 'amber.end' ? 'session.ended' : 'alarm.received';
      const amber: AmberChange | null =
        event.type === 'amber.end' && context.amberSessionOpen
          ? { kind: 'end', reason: pin === 'duress' ? 'duress' : 'safe_pin' }
          : null;
      if (pin === 'duress') return { ...place(raise(AlarmType.duress, true, true), reply), amber };
      if (pin === 'safe' || pin === 'not_required') {
        const sos = event.type === 'sos.cancel' ? context.openAlarms.find((a) => a.type === AlarmType.sos) : undefined;
        return { ...NOTHING, reply, amber, cancelledByWearer: sos?.id ?? null };
      }
      return NOTHING;
    }
    default:
      return NOTHING;
  }
}
