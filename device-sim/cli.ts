// `npm run sim -- [flags]`: the process around a fleet of simulated devices. Reads flags, finds
// or provisions credentials, runs the fleet until --duration or Ctrl-C, prints progress to
// stderr and a JSON summary to stdout. It connects only to the --mqtt and --api URLs given.
import { USAGE, parseCli } from './cli-options.js';
import { type DeviceCredentials, loadCredentials, saveCredentials } from './credentials-file.js';
import { provisionDevices } from './provision.js';
import { decommissionDevices } from './decommission.js';
import { type FleetProgress, startFleet } from './run-fleet.js';
import { stopSignal } from './stop-signal.js';

const PROGRESS_EVERY_MS = 5000;

async function main(): Promise<number> {
  const cli = parseCli(process.argv.slice(2), process.env);
  if (!cli.ok) {
    if (cli.help) {
      console.log(USAGE);
      return 0;
    }
    console.error(`device-sim: ${cli.message}\n\n${USAGE}`);
    return 2;
  }
  const { flags, deviceIds } = cli;
  const log = (line: string) => console.error(line);

  const known = flags.credentials ? await loadCredentials(flags.credentials) : new Map<string, DeviceCredentials>();
  if (flags.decommission) {
    // Every device the file holds, whatever --devices says: the simulator removes all it made.
    const result = await decommissionDevices({
      api: flags.api,
      email: flags.email!,
      password: flags.password!,
      deviceIds: [...known.keys()],
      log,
    });
    for (const id of result.removed) known.delete(id);
    await saveCredentials(flags.credentials!, known.values());
    for (const failure of result.failures.slice(0, 5)) log(`device-sim: ${failure.deviceId}: ${failure.error.message}`);
    console.log(JSON.stringify({ decommissioned: result.removed.length, failed: result.failures.length }));
    return result.failures.length > 0 ? 1 : 0;
  }
  let credentials: DeviceCredentials[];
  if (flags.provision) {
    const result = await provisionDevices({
      api: flags.api,
      email: flags.email!,
      password: flags.password!,
      deviceIds,
      known,
      heartbeatS: flags.heartbeat,
      log,
    });
    if (result.created > 0) {
      // Saved even when some failed: the secrets of the devices that were created exist nowhere else.
      if (flags.credentials) {
        const all = new Map(known);
        for (const c of result.credentials) all.set(c.deviceId, c);
        await saveCredentials(flags.credentials, all.values());
        log(`saved credentials of ${all.size} devices to ${flags.credentials}`);
      } else {
        log(
          'note: no --credentials file, so the new device secrets are not saved and a later run cannot reuse these ids',
        );
      }
    }
    for (const failure of result.failures.slice(0, 5)) log(`device-sim: ${failure.error.message}`);
    if (result.failures.length > 5) log(`device-sim: ... and ${result.failures.length - 5} more devices failed`);
    if (result.failures.length > 0) return 1;
    credentials = result.credentials;
  } else {
    const missing = deviceIds.filter((id) => !known.has(id));
    if (missing.length > 0) {
      const more = missing.length > 1 ? ` and ${missing.length - 1} more` : '';
      log(
        `device-sim: no credentials for ${missing[0]}${more}: pass --provision, or the --credentials file of a run that provisioned them`,
      );
      return 1;
    }
    credentials = deviceIds.map((id) => known.get(id)!);
  }

  const interrupted = new AbortController();
  process.once('SIGINT', () => {
    log('stopping (Ctrl-C again to quit at once)');
    interrupted.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  const startedAt = Date.now();
  const fleet = startFleet(credentials, {
    mqtt: flags.mqtt,
    scenario: flags.scenario,
    signal: stopSignal({ signal: interrupted.signal, afterS: flags.duration }),
    seed: flags.seed,
    fixEveryS: flags.fixEvery,
    heartbeatS: flags.heartbeat,
    amberDurationS: flags.amberDuration,
    // Walk a little first, but let even a short run reach its sos, fall or amber session.
    leadInS: Math.min(10, flags.duration / 3),
    log,
  });
  log(`${flags.scenario}: ${credentials.length} devices to ${flags.mqtt} for ${flags.duration} s`);
  const ticker = setInterval(() => log(progressLine(fleet.progress(), startedAt)), PROGRESS_EVERY_MS);
  const summary = await fleet.finished.finally(() => clearInterval(ticker));
  console.log(JSON.stringify(summary, null, 2));
  return summary.connectFailures.length > 0 ? 1 : 0;
}

function progressLine(p: FleetProgress, startedAt: number): string {
  const seconds = String(Math.round((Date.now() - startedAt) / 1000)).padStart(4);
  return (
    `[${seconds} s] connected ${p.connected}/${p.devices}  sent ${p.sent}  acknowledged ${p.acknowledged}  ` +
    `commands ${p.commandsReceived}  errors ${p.errors}`
  );
}

main().then(
  (code) => exit(code),
  (err: Error) => {
    console.error(`device-sim: ${err.message}`);
    exit(1);
  },
);

function exit(code: number): void {
  process.exitCode = code;
  // Lets stdout drain; fires only if some handle would otherwise keep the process running.
  setTimeout(() => process.exit(code), 1000).unref();
}
