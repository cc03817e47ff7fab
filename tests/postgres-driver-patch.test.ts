// The `postgres` driver is mended at install (scripts/patch-postgres-driver.mjs): without it a
// deferred write on a closed connection throws from a timer and the ARC exits when its database
// stops (bench:faults, PostgreSQL outage). The mend must be in place in both builds of the driver.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MARKER, patchedFiles } from '../scripts/patch-postgres-driver.mjs';

describe('the postgres driver as installed', () => {
  it.each(patchedFiles())("%s forgets a closed connection's deferred write", (file) => {
    const text = readFileSync(file, 'utf8');
    expect(text).toContain(MARKER);
    expect(text.match(/chunk = nextWriteTimer = null/g)?.length).toBeGreaterThanOrEqual(4);
  });
});
