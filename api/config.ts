// All configuration, from environment variables, parsed in one place (STYLE habit 9).
// A bad value stops the start with a message naming the variable. README.md documents each key.
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const optionalText = z.string().min(1).optional();
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const ConfigSchema = z.object({
  DATABASE_URL: z.url().optional(),
  ARC_DATA_DIR: z.string().min(1).default('./data'),
  ARC_EMBEDDED_PG_PORT: port.default(54329),
  ARC_HOST: z.string().min(1).default('0.0.0.0'),
  ARC_HTTP_PORT: port.default(8080),
  ARC_MQTT_PORT: port.default(1883),
  ARC_MQTTS_PORT: port.default(8883),
  ARC_TLS_CERT_FILE: optionalText,
  ARC_TLS_KEY_FILE: optionalText,
  ARC_ADMIN_EMAIL: z.email().optional(),
  ARC_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  ARC_SESSION_HOURS: z.coerce.number().positive().max(24 * 30).default(12),
  ARC_COOKIE_SECURE: bool.default(false),
  ARC_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {}

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
  if (Boolean(config.ARC_ADMIN_EMAIL) !== Boolean(config.ARC_ADMIN_PASSWORD)) {
    throw new ConfigError('Invalid configuration:\n  ARC_ADMIN_EMAIL and ARC_ADMIN_PASSWORD must be set together');
  }
  return config;
}
