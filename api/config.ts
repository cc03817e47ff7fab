// All configuration, from environment variables, parsed in one place (STYLE habit 9).
// A bad value stops the start with a message naming the variable. docs/reference/configuration.md documents each key.
import { z } from 'zod';
import { commonPasswordReason } from './auth/common-passwords.js';

const port = z.coerce.number().int().min(0).max(65535);
const optionalText = z.string().min(1).optional();
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
/** An IANA time zone name this Node knows (Europe/London, UTC). */
const TimeZone = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'expected an IANA time zone, e.g. Europe/London');

export interface AcceptDeadline {
  overdueS: number;
  supervisorsS: number;
}
const DEFAULT_ACCEPT_DEADLINES = '1:10/40,2:30/60,3:60/180,4:120/300,5:300/900';
const acceptDeadlines = z
  .string()
  .regex(/^[1-5]:\d+\/\d+(,[1-5]:\d+\/\d+)*$/, 'expected "priority:overdueS/supervisorsS,…", e.g. "1:10/40,2:30/60"')
  .transform((text) => {
    const table: Record<number, AcceptDeadline> = {};
    for (const part of text.split(',')) {
      const [priority, times] = part.split(':');
      const [overdueS, supervisorsS] = times.split('/').map(Number);
      table[Number(priority)] = { overdueS, supervisorsS };
    }
    return table;
  })
  .refine((table) => [1, 2, 3, 4, 5].every((p) => table[p]), 'every priority 1 to 5 needs a deadline')
  .refine(
    (table) => Object.values(table).every((d) => d.overdueS > 0 && d.supervisorsS > d.overdueS),
    'each supervisors deadline must come after its overdue deadline',
  );

export const ConfigSchema = z.object({
  DATABASE_URL: z.url().optional(),
  ARC_DATA_DIR: z.string().min(1).default('./data'),
  ARC_EMBEDDED_PG_PORT: port.default(54329),
  ARC_HOST: z.string().min(1).default('0.0.0.0'),
  ARC_HTTP_PORT: port.default(8080),
  ARC_MQTT_PORT: port.default(1883),
  ARC_MQTTS_PORT: port.default(8883),
  /**
   * Traccar Client and other OsmAnd-protocol apps (HTTP). Off when unset: an ARC without such
   * phones opens no port it does not use. 5055 is the port those apps expect.
   */
  ARC_OSMAND_PORT: port.optional(),
  ARC_TLS_CERT_FILE: optionalText,
  ARC_TLS_KEY_FILE: optionalText,
  ARC_ADMIN_EMAIL: z.email().optional(),
  ARC_ADMIN_PASSWORD: z
    .string()
    .min(12, 'must be at least 12 characters')
    // The first administrator's password is held to the same list as every other (issue 12).
    .superRefine((password, ctx) => {
      const reason = commonPasswordReason(password);
      if (reason) ctx.addIssue({ code: 'custom', message: reason });
    })
    .optional(),
  ARC_SESSION_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(12),
  ARC_COOKIE_SECURE: bool.default(false),
  ARC_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Where people reach this ARC from outside: links in carers' notifications point here. */
  ARC_PUBLIC_URL: z.url().default('http://localhost:8080'),
  /**
   * Origins whose pages may use the session cookie to change things or open a live feed,
   * comma-separated (e.g. "https://arc.example.org,https://arc2.example.org"). Unset: the origin of
   * ARC_PUBLIC_URL. The address a request was sent to (its Host) is always accepted as well.
   */
  ARC_ALLOWED_ORIGINS: z
    .string()
    .refine(
      (text) =>
        text.split(',').every((o) => !o.trim() || (/^https?:\/\/[^/]+\/?$/.test(o.trim()) && URL.canParse(o.trim()))),
      'expected "http(s)://host[:port]" origins, comma-separated',
    )
    .optional(),
  /**
   * Where devices and phone apps connect (given with a new secret), e.g. mqtts://arc.example.org:8883.
   * Unset: ARC_PUBLIC_URL's host with the MQTT TLS port when TLS is configured, else the MQTT port.
   */
  ARC_DEVICE_MQTT_URL: z
    .url({ protocol: /^(mqtts?|wss?)$/, error: 'expected an mqtt://, mqtts://, ws:// or wss:// URL' })
    .optional(),
  /** Map tiles for the consoles ({z}/{x}/{y}); "none" for a plain background (offline ARCs). */
  ARC_MAP_TILES_URL: z.string().min(1).default('https://tile.openstreetmap.org/{z}/{x}/{y}.png'),
  ARC_MAP_ATTRIBUTION: z.string().default('© OpenStreetMap contributors'),
  /** Every phone number on the console is a link made from this ({number}: digits and a leading +), e.g. sip:{number}@pbx.example.org. */
  ARC_CALL_URI_TEMPLATE: z
    .string()
    .regex(/\{number\}/, 'must contain {number}')
    .default('tel:{number}'),
  /** How often the clock looks for deadlines that fell due (accept, amber, check-in, silence). */
  ARC_CLOCK_TICK_MS: z.coerce.number().int().min(50).max(10_000).default(250),
  /**
   * Accept deadlines per priority, "priority:overdueS/supervisorsS" comma-separated. Defaults
   * follow BS 8484 for the highest priority (answer within 10 s; 40 s is the 98.5 % line).
   */
  ARC_ACCEPT_DEADLINES: acceptDeadlines.prefault(DEFAULT_ACCEPT_DEADLINES),
  /** A device silent for its heartbeat interval plus this long raises "no communication". */
  ARC_NO_COMM_GRACE_S: z.coerce.number().int().min(0).max(86400).default(120),
  /** Default grace after a missed lone-worker check-in before the alarm is raised. */
  ARC_CHECKIN_GRACE_S: z.coerce.number().int().min(0).max(3600).default(120),
  /** Notification channels; each is off until configured. */
  ARC_SMTP_URL: z.url().optional(),
  ARC_SMTP_FROM: z.string().min(3).default('ArcAngel ARC <arc@localhost>'),
  ARC_SMS_GATEWAY_URL: z.url().optional(),
  ARC_SMS_GATEWAY_TOKEN: optionalText,
  ARC_WEBHOOK_URL: z.url().optional(),
  /** A Nominatim-compatible reverse geocoder (its base URL); unset = off. */
  ARC_GEOCODER_URL: z.url().optional(),
  ARC_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  /**
   * A connection that says nothing is closed after this long: HTTP without a complete request
   * line and headers, MQTT without a CONNECT (and TLS without its handshake).
   */
  ARC_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** HTTP connections (pages, API, live feeds, MQTT over WebSocket) at once, and from one address. */
  ARC_HTTP_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(1_000_000).default(4000),
  ARC_HTTP_MAX_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(1).max(1_000_000).default(500),
  /** MQTT connections (TCP and TLS) at once, and from one address (mobile networks put many devices behind one). */
  ARC_MQTT_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(10_000_000).default(100_000),
  ARC_MQTT_MAX_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(1).max(10_000_000).default(5000),
  /**
   * Bearer token a Prometheus scraper sends to GET /metrics. Unset: /metrics answers only to
   * loopback addresses (a scraper on the same machine, or through a local proxy).
   */
  ARC_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  ARC_NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  /** The zone the insight views count hours of the week, nights and months in (IANA name). */
  ARC_INSIGHT_TIME_ZONE: TimeZone.default('Europe/London'),
  /** The zone the monthly reports (statistics, billing) start and end their months in (IANA name). */
  ARC_REPORT_TIME_ZONE: TimeZone.default('Europe/London'),
  /** Night hours for "away from home at night", "HH-HH" local, may wrap midnight (22-06). */
  ARC_INSIGHT_NIGHT_HOURS: z
    .string()
    .regex(/^([01]\d|2[0-3])-([01]\d|2[0-3])$/, 'expected "HH-HH", e.g. 22-06')
    .refine((text) => text.slice(0, 2) !== text.slice(3), 'night must not start and end at the same hour')
    .transform((text) => ({ from: Number(text.slice(0, 2)), to: Number(text.slice(3)) }))
    .prefault('22-06'),
  /**
   * Cluster mode: every ARC node given the same Redis (or Valkey) and the same DATABASE_URL shares
   * device routing and the live feeds. Unset: one process, nothing more to run (docs/guides/cluster.md).
   */
  ARC_REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'expected a redis:// or rediss:// URL' }).optional(),
});
export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {}

/** Whether MQTT over TLS is served (both files set; loadConfig refuses one without the other). */
export const mqttTlsConfigured = (config: Config) => Boolean(config.ARC_TLS_CERT_FILE && config.ARC_TLS_KEY_FILE);

/** The broker address a device or phone app is given: ARC_DEVICE_MQTT_URL, else derived (see there). */
export function deviceMqttUrl(config: Config): string {
  if (config.ARC_DEVICE_MQTT_URL) return config.ARC_DEVICE_MQTT_URL;
  const host = new URL(config.ARC_PUBLIC_URL).hostname;
  return mqttTlsConfigured(config)
    ? `mqtts://${host}:${config.ARC_MQTTS_PORT}`
    : `mqtt://${host}:${config.ARC_MQTT_PORT}`;
}

/** Where Traccar Client is told to send (the OsmAnd listener on ARC_PUBLIC_URL's host), or null when it is off. */
export function osmandUrl(config: Config): string | null {
  if (config.ARC_OSMAND_PORT === undefined) return null;
  const url = new URL(config.ARC_PUBLIC_URL);
  return `${url.protocol}//${url.hostname}:${config.ARC_OSMAND_PORT}`;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty variable means "not set", as in most shells' `FOO= cmd`.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = ConfigSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const config = parsed.data;
  if (Boolean(config.ARC_TLS_CERT_FILE) !== Boolean(config.ARC_TLS_KEY_FILE)) {
    throw new ConfigError('Invalid configuration:\n  ARC_TLS_CERT_FILE and ARC_TLS_KEY_FILE must be set together');
  }
  if (config.ARC_WEBHOOK_URL && !config.ARC_WEBHOOK_SECRET) {
    throw new ConfigError(
      'Invalid configuration:\n  ARC_WEBHOOK_SECRET must be set with ARC_WEBHOOK_URL (webhooks are signed)',
    );
  }
  if (Boolean(config.ARC_ADMIN_EMAIL) !== Boolean(config.ARC_ADMIN_PASSWORD)) {
    throw new ConfigError('Invalid configuration:\n  ARC_ADMIN_EMAIL and ARC_ADMIN_PASSWORD must be set together');
  }
  if (config.ARC_REDIS_URL && !config.DATABASE_URL) {
    // The embedded PostgreSQL belongs to one process: nodes of a cluster must share one database.
    throw new ConfigError(
      'Invalid configuration:\n  ARC_REDIS_URL (cluster mode) needs DATABASE_URL: every node must use the same PostgreSQL',
    );
  }
  return config;
}
