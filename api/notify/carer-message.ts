// What a carer (a relative, a friend) is told about an alarm, in words they understand.
// Pure: the caller passes the alarm's facts and the link; nothing else can leak in, so operator
// notes, medical notes and other people's details never reach a carer.

import { carerAlarmReason } from '../rules/carer-alarm-words.js';
import { dateTimeFormat } from '../rules/date-time-format.js';

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

const clockTime = (at: Date, timeZone: string) =>
  dateTimeFormat({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).format(at);

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

  // An exclusion zone can be near the person the wearer must be kept from (who may be a carer):
  // its alarm is told only as "an alarm", like the carer page does.
  const reason = carerAlarmReason(alarmType);
  const look = position
    ? `See where ${name} is: ${carerViewUrl}`
    : `We do not know where ${name} is yet. Follow the alarm here: ${carerViewUrl}`;
  return {
    subject: reason ? `Alarm for ${name}: ${reason}` : `Alarm for ${name}`,
    body: `The alarm centre is dealing with an alarm for ${name}${reason ? ` (${reason})` : ''} since ${since}. ${look}`,
  };
}
