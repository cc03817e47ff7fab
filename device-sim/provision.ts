// Provisions simulated devices through the ARC's HTTP API: one wearer and one device each,
// reusing any device whose credentials are already known (a saved --credentials file).
import { ArcApiError, type ArcApiClient, type WearerProfile, logIn } from './arc-api-client.js';
import { settleWithConcurrency } from './bounded-concurrency.js';
import type { DeviceCredentials } from './credentials-file.js';

export interface ProvisionOptions {
  api: string;
  email: string;
  password: string;
  deviceIds: readonly string[];
  /** Credentials already known, by device id; those devices are not created again. */
  known: ReadonlyMap<string, DeviceCredentials>;
  heartbeatS?: number;
  concurrency?: number;
  log?: (line: string) => void;
}

export interface ProvisionResult {
  /** For every device that has credentials now, known or new, in deviceIds order. */
  credentials: DeviceCredentials[];
  created: number;
  failures: { deviceId: string; error: Error }[];
}

/** Simulated wearers get fixed PINs so tests and demos can end sessions, or raise duress. */
export const SIM_SAFE_PIN = '2468';
export const SIM_DURESS_PIN = '1357';

// Every kind of wearer the ARC supports, in turn, so a fleet exercises every response plan.
const PROFILES: readonly WearerProfile[] = ['lone_worker', 'older_person', 'dementia', 'child', 'domestic_abuse'];

export async function provisionDevices(options: ProvisionOptions): Promise<ProvisionResult> {
  const missing = options.deviceIds.filter((id) => !options.known.has(id));
  const fresh = new Map<string, DeviceCredentials>();
  const failures: ProvisionResult['failures'] = [];

  if (missing.length > 0) {
    const client = await logIn(options.api, options.email, options.password);
    const results = await settleWithConcurrency(missing, options.concurrency ?? 8, (deviceId) =>
      createSimulatedDevice(client, deviceId, options.deviceIds.indexOf(deviceId), options.heartbeatS),
    );
    results.forEach((result, i) => {
      if (result.status === 'fulfilled') fresh.set(missing[i], result.value);
      else failures.push({ deviceId: missing[i], error: explainFailure(missing[i], result.reason) });
    });
    options.log?.(`provisioned ${fresh.size} of ${missing.length} new devices`);
  }

  const credentials = options.deviceIds.flatMap((id) => {
    const found = options.known.get(id) ?? fresh.get(id);
    return found ? [found] : [];
  });
  return { credentials, created: fresh.size, failures };
}

async function createSimulatedDevice(
  client: ArcApiClient,
  deviceId: string,
  index: number,
  heartbeatS?: number,
): Promise<DeviceCredentials> {
  // The wearer comes first because a device is linked to its wearer when created. Should the
  // device id then turn out to be taken, the wearer is left over: harmless, and visible.
  const wearer = await client.createWearer({
    name: `Simulated wearer ${deviceId}`,
    profile: PROFILES[index % PROFILES.length],
    notes: 'Created by the device simulator (device-sim); not a real person.',
    safePin: SIM_SAFE_PIN,
    duressPin: SIM_DURESS_PIN,
  });
  const { secret } = await client.createDevice({
    id: deviceId,
    label: `Simulated pendant ${deviceId}`,
    wearerId: wearer.id,
    ...(heartbeatS === undefined ? {} : { heartbeatS }),
  });
  return { deviceId, secret, wearerId: wearer.id, safePin: SIM_SAFE_PIN, duressPin: SIM_DURESS_PIN };
}

function explainFailure(deviceId: string, reason: unknown): Error {
  if (reason instanceof ArcApiError && reason.code === 'ARC_ERR_DEVICE_EXISTS') {
    return new Error(
      `${deviceId} already exists in the ARC and its secret is not in the credentials file ` +
        '(the ARC shows a secret only once): use another --prefix, or the --credentials file of the run that created it',
    );
  }
  return reason instanceof Error ? reason : new Error(String(reason));
}
