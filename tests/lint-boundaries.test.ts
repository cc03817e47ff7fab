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
    expect(await errors('api/rules/x.ts', "import postgres from 'postgres';\nexport const a = postgres;\n")).toContain(
      RESTRICTED,
    );
    expect(
      await errors('api/rules/x.ts', "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;\n"),
    ).toContain(RESTRICTED);
    expect(
      await errors(
        'api/rules/x.ts',
        "import { listAlarms } from '../store/alarm-store.js';\nexport const a = listAlarms;\n",
      ),
    ).toContain(RESTRICTED);
    expect(
      await errors(
        'api/rules/x.ts',
        "import { createAlarmNotifier } from '../live/alarm-notifier.js';\nexport const a = createAlarmNotifier;\n",
      ),
    ).toContain(RESTRICTED);
    expect(await errors('api/rules/x.ts', "import pino from 'pino';\nexport const a = pino;\n")).toContain(RESTRICTED);
    // Not even a type: the core types are in api/domain/.
    expect(
      await errors(
        'api/rules/x.ts',
        "import type { Wearer } from '../store/wearer-store.js';\nexport type A = Wearer;\n",
      ),
    ).toContain(RESTRICTED);
    // What they may import: zod, the protocol, each other, and the core.
    expect(
      await errors(
        'api/rules/x.ts',
        "import { z } from 'zod';\nimport { decideEvent } from './event-rules.js';\nimport type { Role } from '../domain/role.js';\nexport const a = [z, decideEvent] as unknown as Role;\n",
      ),
    ).toEqual([]);
  });

  it('the core (api/domain) imports nothing of the ARC', async () => {
    expect(
      await errors('api/domain/x.ts', "import type { User } from '../store/user-store.js';\nexport type A = User;\n"),
    ).toContain(RESTRICTED);
    expect(
      await errors(
        'api/domain/x.ts',
        "import type { AlarmState } from '../rules/alarm-lifecycle.js';\nexport type A = AlarmState;\n",
      ),
    ).toContain(RESTRICTED);
    expect(await errors('api/domain/x.ts', "import type { Role } from './role.js';\nexport type A = Role;\n")).toEqual(
      [],
    );
  });

  it('the store does not import the live feeds or the layers above it', async () => {
    expect(
      await errors(
        'api/store/x.ts',
        "import { attachOperatorFeed } from '../live/operator-feed.js';\nexport const a = attachOperatorFeed;\n",
      ),
    ).toContain(RESTRICTED);
    expect(
      await errors(
        'api/store/x.ts',
        "import { createZoneWatch } from '../handling/zone-watch.js';\nexport const a = createZoneWatch;\n",
      ),
    ).toContain(RESTRICTED);
    expect(
      await errors(
        'api/store/x.ts',
        "import type { AlarmView } from '../live/console-contract.js';\nexport type A = AlarmView;\n",
      ),
    ).toEqual([]);
  });

  it('the contracts import nothing from the store (types flow downward)', async () => {
    expect(
      await errors(
        'api/live/console-contract.ts',
        "import type { Wearer } from '../store/wearer-store.js';\nexport type A = Wearer;\n",
      ),
    ).toContain(RESTRICTED);
    expect(
      await errors(
        'api/live/carer-contract.ts',
        "import { listWearers } from '../store/wearer-store.js';\nexport const a = listWearers;\n",
      ),
    ).toContain(RESTRICTED);
    expect(
      await errors(
        'api/live/console-contract.ts',
        "import type { PhoneAppSettings } from '../routes/device-connection.js';\nexport type A = PhoneAppSettings;\n",
      ),
    ).toContain(RESTRICTED);
    expect(
      await errors('api/live/console-contract.ts', "import postgres from 'postgres';\nexport const a = postgres;\n"),
    ).toContain(RESTRICTED);
    expect(
      await errors(
        'api/live/console-contract.ts',
        "import { notificationsForAlarm } from '../notify/outbox.js';\nexport const a = notificationsForAlarm;\n",
      ),
    ).toContain(RESTRICTED);
    // What they build on: the core, the pure rules, each other, and a notification's type.
    expect(
      await errors(
        'api/live/console-contract.ts',
        "import type { Wearer } from '../domain/wearer.js';\nimport { GeofenceShape } from '../rules/geofence-zone.js';\nimport { Position } from './carer-contract.js';\nimport type { NotificationView } from '../notify/outbox.js';\nexport const a = [GeofenceShape, Position] as unknown as [Wearer, NotificationView];\n",
      ),
    ).toEqual([]);
  });

  it('routes reach feeds, broker and clock through their deps', async () => {
    expect(
      await errors(
        'api/routes/x.ts',
        "import { attachOperatorFeed } from '../live/operator-feed.js';\nexport const a = attachOperatorFeed;\n",
      ),
    ).toContain(RESTRICTED);
    expect(
      await errors(
        'api/routes/x.ts',
        "import { createDeadlineClock } from '../clock/deadline-clock.js';\nexport const a = createDeadlineClock;\n",
      ),
    ).toContain(RESTRICTED);
    expect(
      await errors(
        'api/routes/x.ts',
        "import { TrailQuery } from '../live/carer-contract.js';\nexport const a = TrailQuery;\n",
      ),
    ).toEqual([]);
  });

  it('routes go through the layer that owns the logic', async () => {
    expect(
      await errors(
        'api/routes/x.ts',
        "import { updateAccount } from '../store/user-store.js';\nexport const a = updateAccount;\n",
      ),
    ).toContain(RESTRICTED);
    expect(
      await errors(
        'api/routes/x.ts',
        "import { setTestMode } from '../store/device-store.js';\nexport const a = setTestMode;\n",
      ),
    ).toContain(RESTRICTED);
    expect(
      await errors(
        'api/routes/x.ts',
        "import { insertDeviceBatch } from '../store/device-batch-store.js';\nexport const a = insertDeviceBatch;\n",
      ),
    ).toContain(RESTRICTED);
    expect(
      await errors(
        'api/routes/x.ts',
        "import { insertAlarm } from '../store/alarm-store.js';\nexport const a = insertAlarm;\n",
      ),
    ).toContain(RESTRICTED);
    // Reads stay open to routes.
    expect(
      await errors(
        'api/routes/x.ts',
        "import { listUsers } from '../store/user-store.js';\nexport const a = listUsers;\n",
      ),
    ).toEqual([]);
  });

  it('an alarm is written only by the one raise path', async () => {
    expect(
      await errors(
        'api/clock/x.ts',
        "import { insertAlarm } from '../store/alarm-store.js';\nexport const a = insertAlarm;\n",
      ),
    ).toContain(RESTRICTED);
    expect(
      await errors(
        'api/handling/x.ts',
        "import { attachActivation } from '../store/alarm-store.js';\nexport const a = attachActivation;\n",
      ),
    ).toContain(RESTRICTED);
    expect(
      await errors(
        'api/handling/raise-alarm.ts',
        "import { insertAlarm } from '../store/alarm-store.js';\nexport const a = insertAlarm;\n",
      ),
    ).toEqual([]);
    expect(
      await errors(
        'api/clock/x.ts',
        "import { recordAlarmAction } from '../store/alarm-store.js';\nexport const a = recordAlarmAction;\n",
      ),
    ).toEqual([]);
  });
});
