// Every call to the ARC's HTTP API from a page. The session cookie goes along by itself (same
// origin). Never throws: a network failure is a result like any refusal.

export interface ApiError {
  code: string;
  message: string;
  details?: unknown;
}

export type ApiResult<T> =
  | { ok: true; status: number; body: T; /** The ARC's clock (Date header), ms. */ date: number | null }
  | { ok: false; status: number; error: ApiError; date: number | null };

export const NETWORK_ERROR = 'NETWORK';

/** The ARC's clock minus this browser's, from the Date header of the last answer (one clock, issue 10). */
let arcClockOffsetMs = 0;
/** Below this, the two clocks are taken to agree: a header has a resolution of one second. */
const CLOCK_SKEW_IGNORED_MS = 2000;

/** Now, by the ARC's clock: ages and "last seen" are counted from the ARC's times, so by its clock. */
export function arcNow(): number {
  return Date.now() + arcClockOffsetMs;
}

export async function callApi<T = unknown>(method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: { accept: 'application/json', ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    return { ok: false, status: 0, date: null, error: { code: NETWORK_ERROR, message: 'The ARC cannot be reached' } };
  }
  const date = Date.parse(response.headers.get('date') ?? '') || null;
  if (date !== null) {
    const offset = date - Date.now();
    arcClockOffsetMs = Math.abs(offset) > CLOCK_SKEW_IGNORED_MS ? offset : 0;
  }
  const json: unknown = await response.json().catch(() => null);
  if (response.ok) return { ok: true, status: response.status, date, body: json as T };
  const error = (json as { error?: ApiError } | null)?.error;
  return {
    ok: false,
    status: response.status,
    date,
    error: error?.code ? error : { code: `HTTP_${response.status}`, message: `The ARC answered ${response.status}` },
  };
}

/** A validation error's `details` ([{field, message}]) by field, for showing next to each one. */
export function fieldErrors(error: ApiError): Map<string, string> {
  const byField = new Map<string, string>();
  if (!Array.isArray(error.details)) return byField;
  for (const detail of error.details as unknown[]) {
    const { field, message } = (detail ?? {}) as { field?: unknown; message?: unknown };
    if (typeof field === 'string' && typeof message === 'string' && !byField.has(field)) byField.set(field, message);
  }
  return byField;
}
