// Whether PostgreSQL refused a statement for what it was asked to store, not because it could not
// be reached. A device message refused for its content would be refused again on every resend,
// so the intake rejects and acknowledges it (issue 10); any other failure (the database down,
// a connection lost) withholds the PUBACK and the device resends later.
import postgres from 'postgres';

/** SQLSTATE classes about the data: 22 data exception, 23 integrity constraint, 54 program limit (too deep, too large). */
const CONTENT_CLASSES = new Set(['22', '23', '54']);

export function isContentError(err: unknown): err is InstanceType<typeof postgres.PostgresError> {
  return err instanceof postgres.PostgresError && CONTENT_CLASSES.has(String(err.code).slice(0, 2));
}
