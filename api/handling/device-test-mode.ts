// Test mode: a device's alarms are flagged test, go to no contact and no police, count in no SLA
// figure. The change and its audit entry commit together or not at all (issue 12, item 5).
import type { Sql } from 'postgres';
import { ArcError } from '../errors.js';
import { audit, type Actor } from '../store/audit-log.js';
import { setTestMode } from '../store/device-store.js';
import { inTransaction } from '../store/in-transaction.js';

export async function startTestMode(
  sql: Sql,
  actor: Actor,
  deviceId: string,
  until: Date,
  reason: string,
): Promise<void> {
  await inTransaction(sql, async (tx) => {
    if (!(await setTestMode(tx, deviceId, { until, reason, byId: actor.id })))
      throw new ArcError('ARC_ERR_DEVICE_NOT_FOUND');
    await audit(tx, actor, 'device.test_mode_started', deviceId, { until: until.toISOString(), reason });
  });
}

export async function endTestMode(sql: Sql, actor: Actor, deviceId: string): Promise<void> {
  await inTransaction(sql, async (tx) => {
    if (!(await setTestMode(tx, deviceId, null))) throw new ArcError('ARC_ERR_DEVICE_NOT_FOUND');
    await audit(tx, actor, 'device.test_mode_ended', deviceId);
  });
}
