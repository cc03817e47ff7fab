// Bulk provisioning: an administrator creates many devices in one call (a fleet roll-out, or the
// benchmarks' thousands of simulated pendants). Secrets are hashed in parallel on the libuv pool
// and rows go in one statement per batch; each secret is returned this once, like POST
// /api/devices. POST /api/devices/bulk (api/routes/bulk-device-routes.ts) calls
// provisionDevicesAudited; bench/seed-devices.ts seeds a data directory through provisionDeviceBatch.
import type { Sql, TransactionSql } from 'postgres';
import { z } from 'zod';
import { DEVICE_ID_PATTERN } from '../../protocol/device-topics.js';
import { generateSecret, hashDeviceSecret, hashSecret } from '../auth/secret-hash.js';
import { audit, type Actor } from '../store/audit-log.js';
import { WearerProfile } from '../domain/wearer-profile.js';
import { existingDeviceIds, insertDeviceBatch, insertWearerBatch } from '../store/device-batch-store.js';
import { defaultOrganisationId } from '../store/tenancy-store.js';
import { inTransaction } from '../store/in-transaction.js';

/** One call may hash for minutes (tens of ms per secret per core): keep it bounded. */
export const MAX_BULK_DEVICES = 10_000;
/** Rows per INSERT: one round trip each, well under PostgreSQL's 65,535 parameters. */
const ROWS_PER_STATEMENT = 500;

const Pin = z.string().regex(/^[0-9]{4,8}$/, 'a PIN is 4 to 8 digits');

export const DeviceBatch = z
  .object({
    /** Ids are `<prefix>-<number>`, the number zero-padded to `digits`. */
    prefix: z.string().regex(/^[A-Za-z0-9_-]{1,50}$/, 'a prefix is 1 to 50 of A-Z a-z 0-9 _ -'),
    count: z.number().int().min(1).max(MAX_BULK_DEVICES),
    first: z
      .number()
      .int()
      .min(0)
      .max(Number.MAX_SAFE_INTEGER - MAX_BULK_DEVICES)
      .default(1),
    digits: z.number().int().min(1).max(10).default(5),
    label: z.string().max(200).default(''),
    heartbeatS: z.number().int().min(10).max(86400).default(300),
    /** Give each device a wearer of its own, profiles in turn, so every response plan is exercised. */
    wearers: z.boolean().default(false),
    /** The wearers' PINs; one salted hash per PIN is shared by the whole batch. */
    safePin: Pin.optional(),
    duressPin: Pin.optional(),
    /** The organisation the devices and their wearers belong to; the default organisation when not given. */
    organisationId: z.uuid().optional(),
  })
  .refine((b) => !b.safePin || b.safePin !== b.duressPin, {
    message: 'The duress PIN must differ from the safe PIN',
    path: ['duressPin'],
  })
  // zod runs refinements after non-fatal issues too: a digits of 1e308 (already refused above)
  // must not reach padStart, which throws for it (issue 12: a 500).
  .refine(
    (b) =>
      !(b.digits <= 10 && Number.isSafeInteger(b.first + b.count)) ||
      DEVICE_ID_PATTERN.test(deviceIdOf(b, b.first + b.count - 1)),
    {
      message: 'the ids would be longer than 64 characters',
      path: ['prefix'],
    },
  );
export type DeviceBatch = z.input<typeof DeviceBatch>;

export interface ProvisionedDevice {
  deviceId: string;
  secret: string;
  wearerId: string | null;
}

export interface BatchResult {
  created: ProvisionedDevice[];
  /** Ids that already existed: left as they were, no secret. */
  skipped: string[];
}

export function deviceIdOf(batch: { prefix: string; digits?: number }, n: number): string {
  return `${batch.prefix}-${String(n).padStart(batch.digits ?? 5, '0')}`;
}

/**
 * Creates the devices of a batch that do not exist yet, with their wearers if asked. `onProgress`
 * hears how many are done after each statement.
 */
export async function provisionDeviceBatch(
  sql: Sql | TransactionSql,
  input: DeviceBatch,
  onProgress?: (done: number, total: number) => void,
): Promise<BatchResult> {
  const batch = DeviceBatch.parse(input);
  const ids = Array.from({ length: batch.count }, (_, i) => deviceIdOf(batch, batch.first + i));
  const existing = new Set(await existingDeviceIds(sql, ids));
  const missing = ids.filter((id) => !existing.has(id));
  const indexOf = new Map(ids.map((id, i) => [id, i]));
  const organisationId = batch.organisationId ?? (await defaultOrganisationId(sql));
  const [safePinHash, duressPinHash] = await Promise.all([
    batch.safePin ? hashSecret(batch.safePin) : null,
    batch.duressPin ? hashSecret(batch.duressPin) : null,
  ]);

  const created: ProvisionedDevice[] = [];
  for (let start = 0; start < missing.length; start += ROWS_PER_STATEMENT) {
    const chunk = missing.slice(start, start + ROWS_PER_STATEMENT);
    const secrets = chunk.map(() => generateSecret());
    const hashes = secrets.map((s) => hashDeviceSecret(s));
    const { inserted, wearerIds } = await inTransaction(sql, async (tx) => {
      let wearerIds: (string | null)[] = chunk.map(() => null);
      if (batch.wearers) {
        const wearers = chunk.map((id) => ({
          name: `Simulated wearer ${id}`,
          profile: WearerProfile[indexOf.get(id)! % WearerProfile.length],
          notes: 'Created by bulk provisioning; not a real person.',
          safePinHash,
          duressPinHash,
          organisationId,
        }));
        wearerIds = await insertWearerBatch(tx, wearers);
      }
      const devices = chunk.map((id, i) => ({
        id,
        label: batch.label || `Pendant ${id}`,
        wearerId: wearerIds[i],
        heartbeatS: batch.heartbeatS,
        secretHash: hashes[i],
        organisationId,
      }));
      return { inserted: new Set(await insertDeviceBatch(tx, devices)), wearerIds };
    });
    chunk.forEach((id, i) => {
      if (inserted.has(id)) created.push({ deviceId: id, secret: secrets[i], wearerId: wearerIds[i] });
      else existing.add(id); // created by someone else meanwhile; its wearer is left over, visible
    });
    onProgress?.(start + chunk.length, missing.length);
  }
  return { created, skipped: ids.filter((id) => existing.has(id)) };
}

/**
 * A batch and its audit entry in one transaction: a batch that fails half-way leaves no devices
 * whose secrets were never shown.
 */
export async function provisionDevicesAudited(sql: Sql, actor: Actor, batch: DeviceBatch): Promise<BatchResult> {
  return inTransaction(sql, async (tx) => {
    const parsed = DeviceBatch.parse(batch);
    const done = await provisionDeviceBatch(tx, parsed);
    await audit(tx, actor, 'device.bulk_provisioned', parsed.prefix, {
      first: parsed.first,
      count: parsed.count,
      created: done.created.length,
      skipped: done.skipped.length,
      wearers: parsed.wearers,
      organisationId: parsed.organisationId ?? null,
    });
    return done;
  });
}
