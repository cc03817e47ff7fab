// `npm run bench:insight` end to end with a small history: it seeds its own embedded PostgreSQL,
// builds the rollups, answers every insight route and cleans up. The full-size run is not a test.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('bench/insight.ts', () => {
  it('times every insight route over a seeded history', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'bench/insight.ts', '--wearers', '60', '--alarms', '3000', '--runs', '1'],
      { timeout: 120_000 },
    );
    expect(stdout).toMatch(/^seeded 60 wearers and \d+ alarms/m);
    expect(stdout).toMatch(/^built the rollups/m);
    expect(stdout).toMatch(/^built 3 nights of night-time activity from \d+ fixes of 60 devices/m);
    for (const route of [
      'arrivals heat map',
      'response-time distributions',
      'forecast from 52 weeks',
      'staffing, 52 weeks',
      'staffing what-if',
      'early-help review list',
      'one wearer month by month',
      'review list as CSV',
    ]) {
      expect(stdout).toContain(`| ${route}`);
    }
  }, 180_000);
});
