import postgres, { type Sql } from 'postgres';

export type { Sql };

/**
 * One pool for the process. snake_case columns arrive as camelCase fields and go back as
 * snake_case; JSON values are left exactly as stored (postgres.camel would rename their keys too,
 * and a device's payload must be kept as sent).
 *
 * Connections live as long as the process (max_lifetime off; postgres.js otherwise replaces each
 * after 30–60 minutes): every statement is prepared per connection, and the ARC prepares the
 * alarm path on each at start (api/intake/alarm-path-warm-up.ts); a replaced connection would
 * make the next alarm on it prepare them again.
 */
export function connectDatabase(url: string, max = 10): Sql {
  return postgres(url, {
    max,
    max_lifetime: null,
    transform: { column: { from: postgres.toCamel, to: postgres.fromCamel } },
    onnotice: () => {},
    connection: { application_name: 'arc' },
  });
}
