// Removes what the simulator provisioned: every device in the --credentials file is
// decommissioned through the ARC's HTTP API (no more "Device silent" for a fleet that has
// stopped), and dropped from the file. The ARC keeps each device's history.
import { ArcApiError, logIn } from './arc-api-client.js';
import { settleWithConcurrency } from './bounded-concurrency.js';

export const SIM_DECOMMISSION_REASON = 'removed by the device simulator (--decommission)';

export interface DecommissionResult {
  /** Decommissioned now, or already gone from service (decommissioned before, or unknown to the ARC). */
  removed: string[];
  failures: { deviceId: string; error: Error }[];
}

export async function decommissionDevices(options: {
  api: string;
  email: string;
  password: string;
  deviceIds: readonly string[];
  concurrency?: number;
  log?: (line: string) => void;
}): Promise<DecommissionResult> {
  const client = await logIn(options.api, options.email, options.password);
  const results = await settleWithConcurrency(options.deviceIds, options.concurrency ?? 8, (deviceId) =>
    client.decommissionDevice(deviceId, SIM_DECOMMISSION_REASON).catch((err: unknown) => {
      // Nothing left to remove: the file may outlive the ARC's database.
      if (
        err instanceof ArcApiError &&
        (err.code === 'ARC_ERR_DEVICE_DECOMMISSIONED' || err.code === 'ARC_ERR_DEVICE_NOT_FOUND')
      )
        return;
      throw err;
    }),
  );
  const removed: string[] = [];
  const failures: DecommissionResult['failures'] = [];
  results.forEach((result, i) => {
    if (result.status === 'fulfilled') removed.push(options.deviceIds[i]);
    else
      failures.push({
        deviceId: options.deviceIds[i],
        error: result.reason instanceof Error ? result.reason : new Error(String(result.reason)),
      });
  });
  options.log?.(`decommissioned ${removed.length} of ${options.deviceIds.length} devices`);
  return { removed, failures };
}
