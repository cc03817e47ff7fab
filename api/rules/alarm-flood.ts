// Floods: many alarms of one cause arriving together (a mobile network outage makes every
// device "silent" at once; a power cut, every device "power off") are one incident for the
// operator. Pure: the open alarms and nothing else in, the groups out. Alarms that may be a
// person in danger (SOS, duress, a fall, a zone, an amber session, a missed check-in) are never
// grouped: each is handled on its own.

/** The causes a flood can share; everything else is always its own alarm. */
export const GROUPABLE_TYPES: ReadonlySet<string> = new Set([
  'no_comm',
  'battery.low',
  'power.off',
  'tamper',
  'unrecognised',
]);
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
  // Linear in the alarms, each time parsed once: the console runs this on every frame of a flood.
  const byType = new Map<string, { alarm: FloodCandidate; at: number }[]>();
  for (const alarm of alarms) {
    if (alarm.status !== 'raised' || !isGroupable(alarm.type)) continue;
    let list = byType.get(alarm.type);
    if (!list) byType.set(alarm.type, (list = []));
    list.push({ alarm, at: Date.parse(alarm.receivedAt) });
  }
  const groups: FloodGroup[] = [];
  for (const [type, list] of byType) {
    list.sort((a, b) => a.at - b.at);
    let run: typeof list = [];
    const close = () => {
      if (run.length >= FLOOD_MIN)
        groups.push({
          type,
          alarmIds: run.map((r) => r.alarm.id),
          firstAt: run[0].alarm.receivedAt,
          lastAt: run.at(-1)!.alarm.receivedAt,
        });
      run = [];
    };
    for (const entry of list) {
      if (run.length && entry.at - run.at(-1)!.at > FLOOD_GAP_MS) close();
      run.push(entry);
    }
    close();
  }
  return groups.sort((a, b) => b.alarmIds.length - a.alarmIds.length);
}
