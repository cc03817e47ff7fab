// Floods: many alarms of one cause arriving together (a mobile network outage makes every
// device "silent" at once; a power cut, every device "power off") are one incident for the
// operator. Pure: the open alarms and nothing else in, the groups out. Alarms that may be a
// person in danger (SOS, duress, a fall, a zone, an amber session, a missed check-in) are never
// grouped: each is handled on its own.

/** The causes a flood can share; everything else is always its own alarm. */
export const GROUPABLE_TYPES: ReadonlySet<string> = new Set(['no_comm', 'battery.low', 'power.off', 'tamper', 'unrecognised']);
/** Alarms of one cause within this long of the previous one belong to the same flood. */
export const FLOOD_GAP_MS = 5 * 60_000;
/** Fewer than this is not a flood. */
export const FLOOD_MIN = 3;

export interface FloodCandidate {
  id: string;
  type: string;
  status: string;
  receivedAt: string;
  isTest?: boolean;
}

export interface FloodGroup {
  type: string;
  alarmIds: string[];
  firstAt: string;
  lastAt: string;
}

export const isGroupable = (type: string) => GROUPABLE_TYPES.has(type);

/** Groups of unaccepted alarms of one groupable type arriving within FLOOD_GAP_MS of each other. */
export function floodGroups(alarms: Iterable<FloodCandidate>): FloodGroup[] {
  const byType = new Map<string, FloodCandidate[]>();
  for (const alarm of alarms) {
    if (alarm.status !== 'raised' || !isGroupable(alarm.type)) continue;
    byType.set(alarm.type, [...(byType.get(alarm.type) ?? []), alarm]);
  }
  const groups: FloodGroup[] = [];
  for (const [type, list] of byType) {
    list.sort((a, b) => Date.parse(a.receivedAt) - Date.parse(b.receivedAt));
    let run: FloodCandidate[] = [];
    const close = () => {
      if (run.length >= FLOOD_MIN) groups.push({ type, alarmIds: run.map((a) => a.id), firstAt: run[0].receivedAt, lastAt: run.at(-1)!.receivedAt });
      run = [];
    };
    for (const alarm of list) {
      if (run.length && Date.parse(alarm.receivedAt) - Date.parse(run.at(-1)!.receivedAt) > FLOOD_GAP_MS) close();
      run.push(alarm);
    }
    close();
  }
  return groups.sort((a, b) => b.alarmIds.length - a.alarmIds.length);
}
