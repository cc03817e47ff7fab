// The readable copy of a subject access export: the same content as the JSON file, as plain
// text a person can read (or print and post) without tools. Pure: the export in, text out.

type Row = Record<string, unknown>;

const value = (v: unknown): string => {
  if (v === null || v === undefined || v === '') return '-';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
};

/** camelCase keys as words: "receivedAt" → "received at". */
const words = (key: string) => key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();

function section(title: string, rows: Row[], note = ''): string {
  const head = `${title} (${rows.length})\n${'='.repeat(title.length + String(rows.length).length + 3)}\n${note ? note + '\n' : ''}`;
  if (rows.length === 0) return `${head}None held.\n`;
  return (
    head +
    rows
      .map((row) =>
        Object.entries(row)
          .map(([k, v]) => `  ${words(k)}: ${value(v)}`)
          .join('\n'),
      )
      .join('\n  --\n') +
    '\n'
  );
}

export function subjectAccessText(data: {
  exportedAt: string;
  wearer: Row;
  organisation: Row | null;
  devices: Row[];
  carers: Row[];
  contacts: Row[];
  responsePlan: unknown;
  zones: Row[];
  positions: Row[];
  amberSessions: Row[];
  checkinShifts: Row[];
  alarms: Row[];
  events: Row[];
  actions: Row[];
  notifications: Row[];
  earlyHelpReviews: Row[];
  nightsAway?: Row[];
  signalMonths?: Row[];
  audit: Row[];
}): string {
  return [
    `Everything the alarm receiving centre holds on ${value(data.wearer.name)}\nExported ${data.exportedAt}\n`,
    section(
      'Profile',
      [data.wearer],
      'PINs are stored only as one-way hashes: whether one is set is shown, never the PIN.',
    ),
    section('Organisation', data.organisation ? [data.organisation] : []),
    section('Devices', data.devices),
    section('Carers who may see them', data.carers),
    section('Contacts', data.contacts),
    section('Response plan', data.responsePlan ? [{ plan: data.responsePlan }] : []),
    section('Safe and exclusion zones', data.zones),
    section(
      'Positions',
      data.positions,
      'Times: ts is the device time in ms since 1970; received at is when the centre stored it.',
    ),
    section('Amber sessions', data.amberSessions),
    section('Lone-worker shifts', data.checkinShifts),
    section('Alarms', data.alarms),
    section('Device events of the alarms', data.events),
    section('Actions on the alarms', data.actions),
    section('Messages sent about the alarms', data.notifications),
    section('Early-help reviews', data.earlyHelpReviews),
    section(
      'Nights away from home',
      data.nightsAway ?? [],
      'Counted for the early-help review: fixes taken at night, and how many were outside every safe zone. No positions are kept here.',
    ),
    section(
      'Alarms counted by month',
      data.signalMonths ?? [],
      'Counted for the early-help review from the alarms above.',
    ),
    section('Audit: who looked at or changed their records', data.audit),
  ].join('\n');
}
