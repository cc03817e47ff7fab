// The simulator's command line, parsed and validated in one place (STYLE habit 9): a bad flag
// stops the run before anything connects, with a message naming the flag.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { isDeviceId } from '../protocol/device-topics.js';
import { SCENARIO_NAMES } from './scenarios.js';

export const USAGE = `Usage: npm run sim -- [flags]

Simulated personal-safety devices walking around Southport, speaking MQTT to the ARC.

  --mqtt URL             broker: mqtt://, mqtts://, ws:// or wss:// (default mqtt://127.0.0.1:1883)
  --api URL              ARC HTTP API, for --provision (default http://127.0.0.1:8080)
  --devices N            how many devices (default 1)
  --prefix P             device ids are P-0001, P-0002, ... (default sim)
  --provision            create a wearer and a device for each id missing from --credentials,
                         logging in as ARC_ADMIN_EMAIL / ARC_ADMIN_PASSWORD (or --email/--password)
  --decommission         remove what the simulator provisioned: decommission every device in
                         --credentials (the ARC keeps their history), drop them from the file, exit
  --email E              admin email for --provision (default: $ARC_ADMIN_EMAIL)
  --password P           admin password for --provision (default: $ARC_ADMIN_PASSWORD)
  --credentials FILE     device secrets: read if it exists, written after --provision
  --scenario S           ${SCENARIO_NAMES.join(' | ')} (default walk)
  --duration S           stop after this many seconds (default 60)
  --fix-every S          seconds between location fixes, jittered ±20% (default 30)
  --heartbeat S          seconds between status messages (default 60)
  --amber-duration S     amber session length, 60..86400 (default 60, so it runs out)
  --seed N               same seed, same walks and timings (default 1)
  --help                 this text

Progress goes to stderr every 5 s; a JSON summary goes to stdout at the end.
Exit status: 0 done, 1 a device could not be provisioned or connected, 2 bad flags.`;

// Only the not-a-number case gets our wording; range checks keep zod's, which state the limit.
const number = () =>
  z.coerce.number({ error: (issue) => (issue.code === 'invalid_type' ? 'must be a number' : undefined) });

const CliFlags = z.object({
  mqtt: z.url({ protocol: /^(mqtt|mqtts|ws|wss)$/, error: 'must be an mqtt://, mqtts://, ws:// or wss:// URL' }),
  api: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
  devices: number().int().min(1).max(10_000),
  prefix: z.string().regex(/^[A-Za-z0-9_-]+$/, 'may hold only A-Z a-z 0-9 _ -'),
  provision: z.boolean(),
  decommission: z.boolean(),
  email: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  credentials: z.string().min(1).optional(),
  scenario: z.enum(SCENARIO_NAMES, { error: `must be one of ${SCENARIO_NAMES.join(', ')}` }),
  duration: number()
    .positive()
    .max(7 * 24 * 3600),
  fixEvery: number().positive(),
  heartbeat: number().int().positive(),
  amberDuration: number().int().min(60).max(86_400), // the spec's durationS range
  seed: number().int(),
});
export type CliFlags = z.infer<typeof CliFlags>;

export type CliParse =
  | { ok: true; flags: CliFlags; deviceIds: string[] }
  | { ok: false; help: true }
  | { ok: false; help: false; message: string };

const AdminEnv = z.object({
  ARC_ADMIN_EMAIL: z.string().min(1).optional(),
  ARC_ADMIN_PASSWORD: z.string().min(1).optional(),
});

export function parseCli(argv: string[], env: Record<string, string | undefined>): CliParse {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        mqtt: { type: 'string', default: 'mqtt://127.0.0.1:1883' },
        api: { type: 'string', default: 'http://127.0.0.1:8080' },
        devices: { type: 'string', default: '1' },
        prefix: { type: 'string', default: 'sim' },
        provision: { type: 'boolean', default: false },
        decommission: { type: 'boolean', default: false },
        email: { type: 'string' },
        password: { type: 'string' },
        credentials: { type: 'string' },
        scenario: { type: 'string', default: 'walk' },
        duration: { type: 'string', default: '60' },
        'fix-every': { type: 'string', default: '30' },
        heartbeat: { type: 'string', default: '60' },
        'amber-duration': { type: 'string', default: '60' },
        seed: { type: 'string', default: '1' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    return { ok: false, help: false, message: (err as Error).message };
  }
  if (values.help) return { ok: false, help: true };

  const admin = AdminEnv.parse(env);
  const parsed = CliFlags.safeParse({
    ...values,
    fixEvery: values['fix-every'],
    amberDuration: values['amber-duration'],
    email: values.email ?? admin.ARC_ADMIN_EMAIL,
    password: values.password ?? admin.ARC_ADMIN_PASSWORD,
  });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `--${flagName(String(i.path[0]))}: ${i.message}`);
    return { ok: false, help: false, message: lines.join('\n') };
  }
  const flags = parsed.data;

  if (flags.provision && (!flags.email || !flags.password)) {
    return {
      ok: false,
      help: false,
      message: '--provision needs ARC_ADMIN_EMAIL and ARC_ADMIN_PASSWORD (or --email and --password)',
    };
  }
  if (flags.decommission) {
    if (flags.provision)
      return { ok: false, help: false, message: '--decommission and --provision cannot be used together' };
    if (!flags.credentials)
      return {
        ok: false,
        help: false,
        message: '--decommission needs the --credentials file of the run that provisioned the devices',
      };
    if (!flags.email || !flags.password) {
      return {
        ok: false,
        help: false,
        message: '--decommission needs ARC_ADMIN_EMAIL and ARC_ADMIN_PASSWORD (or --email and --password)',
      };
    }
  }
  const deviceIds = Array.from(
    { length: flags.devices },
    (_, i) => `${flags.prefix}-${String(i + 1).padStart(4, '0')}`,
  );
  const badId = deviceIds.find((id) => !isDeviceId(id));
  if (badId)
    return {
      ok: false,
      help: false,
      message: `--prefix makes device id ${badId}, which is not 3 to 64 characters of A-Z a-z 0-9 _ -`,
    };
  return { ok: true, flags, deviceIds };
}

/** The flag as typed: fixEvery is --fix-every. */
const flagName = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
