import postgres, { type Sql } from 'postgres';

export type { Sql };

/**
 * One pool for the process. snake_case columns arrive as camelCase fields and go back as
 * snake_case; JSON values are left exactly as stored (postgres.camel would rename their keys too,
 * and a device's payload must be kept as sent).
 */
export function connectDatabase(url: string, max = 10): Sql {
  return postgres(url, {
    max,
    transform: { column: { from: postgres.toCamel, to: postgres.fromCamel } },
    onnotice: () => {},
    connection: { application_name: 'arc' },
  });
}
