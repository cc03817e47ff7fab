// The one table of error codes (STYLE habit 7). Routes throw ArcError; one handler turns it into
// `{ error: { code, message } }` with the status below. Tests assert on codes, not wording.
export const ErrorCodes = {
  ARC_ERR_VALIDATION: { status: 400, message: 'The request is not valid' },
  ARC_ERR_AUTH_REQUIRED: { status: 401, message: 'Log in first' },
  ARC_ERR_AUTH_INVALID: { status: 401, message: 'Wrong email or password' },
  ARC_ERR_AUTH_THROTTLED: { status: 429, message: 'Too many failed logins; wait before trying again' },
  ARC_ERR_FORBIDDEN: { status: 403, message: 'Your role may not do this' },
  ARC_ERR_NOT_FOUND: { status: 404, message: 'No such thing' },
  ARC_ERR_DEVICE_EXISTS: { status: 409, message: 'A device with that id already exists' },
  ARC_ERR_DEVICE_NOT_FOUND: { status: 404, message: 'No such device' },
  ARC_ERR_WEARER_NOT_FOUND: { status: 404, message: 'No such wearer' },
  ARC_ERR_USER_EXISTS: { status: 409, message: 'A user with that email already exists' },
  ARC_ERR_USER_NOT_FOUND: { status: 404, message: 'No such user' },
  ARC_ERR_NOT_READY: { status: 503, message: 'The ARC is not ready: the database is unreachable' },
  ARC_ERR_INTERNAL: { status: 500, message: 'Something went wrong inside the ARC' },
} as const;
export type ErrorCode = keyof typeof ErrorCodes;

export class ArcError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: unknown,
  ) {
    super(message ?? ErrorCodes[code].message);
    this.status = ErrorCodes[code].status;
  }
}
