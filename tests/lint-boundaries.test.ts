// The import boundaries of eslint.config.js hold: each forbidden import is an error where it is
// forbidden, and the imports the layers make today pass (so `npm run lint` keeps the shape).
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

async function errors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.filter((m) => m.severity === 2).map((m) => m.ruleId ?? m.message);
}

const RESTRICTED = '@typescript-eslint/no-restricted-imports';

describe('import boundaries', () => {
  it('the rules import nothing with effects', async () => {
    expect(await errors('api/rules/x.ts', "import postgres from 'postgres';\nexport const a = postgres;\n")).toContain(RESTRICTED);
    expect(await errors('api/rules/x.ts', "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;\n")).toContain(RESTRICTED);
    expect(await errors('api/rules/x.ts', "import { listAlarms } from '../store/alarm-store.js';\nexport const a = listAlarms;\n")).toContain(RESTRICTED);
    expect(await errors('api/rules/x.ts', "import { createAlarmNotifier } from '../live/alarm-notifier.js';\nexport const a = createAlarmNotifier;\n")).toContain(RESTRICTED);
    expect(await errors('api/rules/x.ts', "import pino from 'pino';\nexport const a = pino;\n")).toContain(RESTRICTED);
    // What they may import: zod, the protocol, each other, and (debt) types.
    expect(await errors('api/rules/x.ts', "import { z } from 'zod';\nimport { decideEvent } from './event-rules.js';\nimport type { Role } from '../store/user-store.js';\nexport const a = [z, decideEvent] as unknown as Role;\n")).toEqual([]);
  });

  it('the store does not import the live feeds or the layers above it', async () => {
    expect(await errors('api/store/x.ts', "import { attachOperatorFeed } from '../live/operator-feed.js';\nexport const a = attachOperatorFeed;\n")).toContain(RESTRICTED);
    expect(await errors('api/store/x.ts', "import { createZoneWatch } from '../handling/zone-watch.js';\nexport const a = createZoneWatch;\n")).toContain(RESTRICTED);
    expect(await errors('api/store/x.ts', "import type { AlarmView } from '../live/console-contract.js';\nexport type A = AlarmView;\n")).toEqual([]);
  });

  it('routes reach feeds, broker and clock through their deps', async () => {
    expect(await errors('api/routes/x.ts', "import { attachOperatorFeed } from '../live/operator-feed.js';\nexport const a = attachOperatorFeed;\n")).toContain(RESTRICTED);
    expect(await errors('api/routes/x.ts', "import { createDeadlineClock } from '../clock/deadline-clock.js';\nexport const a = createDeadlineClock;\n")).toContain(RESTRICTED);
    expect(await errors('api/routes/x.ts', "import { TrailQuery } from '../live/carer-contract.js';\nexport const a = TrailQuery;\n")).toEqual([]);
  });
});
