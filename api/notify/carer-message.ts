// What a carer (a relative, a friend) is told about an alarm, in words they understand.
// Pure: the caller passes the alarm's facts and the link; nothing else can leak in, so operator
// notes, medical notes and other people's details never reach a carer.

export interface CarerMessageInput {
  wearerName: string;
  alarmType: string;
  receivedAt: Date;
  /** Only whether it is known: the place is shown behind the link, where each look is audited. */
  position: { lat: number; lon: number } | null;
  carerViewUrl: string;
  /** IANA zone the carer reads clock times in; the ARC serves the UK (BS 8484). */
  timeZone?: string;
}

export interface CarerMessage {
  subject: string;
  body: string;
}

/** What happened, as it fits in "an alarm for Mum (…)". */
const REASONS: Record<string, string> = {
  sos: 'SOS button pressed',
  fall: 'a fall was detected',
  no_motion: 'no movement for a while',
  tamper: 'the alarm may have been removed or tampered with',
  'power.off': 'the alarm was switched off',
  'amber.expired': 'a safety timer ran out before they checked in safe',
  'checkin.missed': 'a check-in was missed',
  no_comm: 'the alarm has stopped reporting',
  'geofence.left': 'left a safe area',
  'geofence.entered': 'entered an area to avoid',
  unrecognised: 'the alarm sent a signal we could not read',
};

const clockTime = (at: Date, timeZone: string) =>
  new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).format(at);

/**
 * The message for a carer, or null when carers must not be told. A duress alarm is never told
 * to carers: the wearer signalled that someone with them is a danger, and that person may be a
 * carer (duress-PIN rule of the device protocol).
 */
export function carerMessage(input: CarerMessageInput): CarerMessage | null {
  const { wearerName: name, alarmType, receivedAt, position, carerViewUrl } = input;
  if (alarmType === 'duress') return null;
  const since = clockTime(receivedAt, input.timeZone ?? 'Europe/London');

  if (alarmType === 'battery.low') {
    return {
      subject: `${name}'s alarm battery is low`,
      body: `${name}'s alarm battery is low (since ${since}). Please help ${name} charge it soon so the alarm keeps working. ${name}'s page: ${carerViewUrl}`,
    };
  }

  const reason = REASONS[alarmType] ?? REASONS.unrecognised;
  const look = position ? `See where ${name} is: ${carerViewUrl}` : `We do not know where ${name} is yet. Follow the alarm here: ${carerViewUrl}`;
  return {
    subject: `Alarm for ${name}: ${reason}`,
    body: `The alarm centre is dealing with an alarm for ${name} (${reason}) since ${since}. ${look}`,
  };
}
