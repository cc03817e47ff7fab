// The few ARC HTTP API calls the simulator needs to provision devices. Responses are parsed
// with zod here, at the edge, because the API is written by someone else and may drift.
import { z } from 'zod';

export class ArcApiError extends Error {
  constructor(
    readonly status: number,
    /** The API's error code (ARC_ERR_...), or ours when the reply was not an API error. */
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(`${code} (HTTP ${status}): ${message}`);
  }
}

const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
const LoginReply = z.object({ token: z.string().min(1) });
const WearerId = z.union([z.string().min(1), z.number()]);
export type WearerId = z.infer<typeof WearerId>;
const WearerReply = z.object({ wearer: z.looseObject({ id: WearerId }) });
const DeviceReply = z.object({ device: z.looseObject({}), secret: z.string().min(1) });

export const WearerProfile = z.enum(['lone_worker', 'dementia', 'domestic_abuse', 'older_person', 'child']);
export type WearerProfile = z.infer<typeof WearerProfile>;

export interface NewWearer {
  name: string;
  profile?: WearerProfile;
  notes?: string;
  safePin?: string;
  duressPin?: string;
}

export interface NewDevice {
  id: string;
  label?: string;
  wearerId?: WearerId;
  heartbeatS?: number;
}

export interface ArcApiClient {
  createWearer(wearer: NewWearer): Promise<{ id: WearerId }>;
  /** The secret is shown only this once (spec, "Connection"). */
  createDevice(device: NewDevice): Promise<{ secret: string }>;
  /** Out of service for good; the ARC keeps its history. */
  decommissionDevice(deviceId: string, reason: string): Promise<void>;
}

export async function logIn(api: string, email: string, password: string): Promise<ArcApiClient> {
  const { token } = await call(api, 'POST', '/api/auth/login', { email, password }, LoginReply);
  const authorization = `Bearer ${token}`;
  return {
    createWearer: async (wearer) =>
      (await call(api, 'POST', '/api/wearers', wearer, WearerReply, authorization)).wearer,
    createDevice: async (device) => call(api, 'POST', '/api/devices', device, DeviceReply, authorization),
    decommissionDevice: async (deviceId, reason) => {
      await call(
        api,
        'POST',
        `/api/devices/${encodeURIComponent(deviceId)}/decommission`,
        { reason },
        z.looseObject({}),
        authorization,
      );
    },
  };
}

async function call<T>(
  api: string,
  method: string,
  path: string,
  body: unknown,
  reply: z.ZodType<T>,
  authorization?: string,
): Promise<T> {
  const url = api.replace(/\/+$/, '') + path;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (err) {
    throw new ArcApiError(0, 'SIM_API_UNREACHABLE', `${method} ${url}: ${(err as Error).message}`);
  }
  const text = await response.text();
  const json = parseJson(text);
  if (!response.ok) {
    const error = ErrorBody.safeParse(json);
    if (error.success)
      throw new ArcApiError(response.status, error.data.error.code, error.data.error.message, error.data.error.details);
    throw new ArcApiError(response.status, 'SIM_API_UNEXPECTED_ERROR', `${method} ${url}: ${text.slice(0, 200)}`);
  }
  const parsed = reply.safeParse(json);
  if (!parsed.success) {
    throw new ArcApiError(
      response.status,
      'SIM_API_UNEXPECTED_REPLY',
      `${method} ${url}: ${z.prettifyError(parsed.error)}`,
    );
  }
  return parsed.data;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
