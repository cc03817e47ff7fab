// Saved device credentials, so a second simulator run reuses the devices the first one
// provisioned: the ARC shows a device secret only once, when the device is created.
import { chmod, readFile, rename, writeFile } from 'node:fs/promises';
import { z } from 'zod';

export const DeviceCredentials = z.object({
  deviceId: z.string().min(1),
  secret: z.string().min(1),
  wearerId: z.union([z.string(), z.number()]).optional(),
  safePin: z.string().optional(),
  duressPin: z.string().optional(),
});
export type DeviceCredentials = z.infer<typeof DeviceCredentials>;

const CredentialsFile = z.object({ devices: z.array(DeviceCredentials) });

/** The saved credentials by device id; an absent file is an empty one. */
export async function loadCredentials(path: string): Promise<Map<string, DeviceCredentials>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw err;
  }
  const parsed = CredentialsFile.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${path} is not a credentials file:\n${z.prettifyError(parsed.error)}`);
  return new Map(parsed.data.devices.map((d) => [d.deviceId, d]));
}

/** Written whole to a temporary file then renamed, so a crash never leaves half the secrets. */
export async function saveCredentials(path: string, credentials: Iterable<DeviceCredentials>): Promise<void> {
  const devices = [...credentials].sort((a, b) => a.deviceId.localeCompare(b.deviceId));
  const temporary = `${path}.${process.pid}.tmp`;
  // Device secrets: readable by the owner only.
  await writeFile(temporary, JSON.stringify({ devices }, null, 2) + '\n', { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, path);
}
