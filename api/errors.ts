// The one table of error codes (STYLE habit 7). Routes throw ArcError; one handler turns it into
// `{ error: { code, message } }` with the status below. Tests assert on codes, not wording.
export const ErrorCodes = {
  ARC_ERR_VALIDATION: { status: 400, message: 'The request is not valid' },
  ARC_ERR_AUTH_REQUIRED: { status: 401, message: 'Log in first' },
  ARC_ERR_AUTH_INVALID: { status: 401, message: 'Wrong email or password' },
  ARC_ERR_AUTH_THROTTLED: { status: 429, message: 'Too many failed logins; wait before trying again' },
  ARC_ERR_FORBIDDEN: { status: 403, message: 'Your role may not do this' },
  ARC_ERR_ORIGIN_REFUSED: { status: 403, message: "The request did not come from the ARC's own address" },
  ARC_ERR_CONTENT_TYPE: { status: 415, message: 'The API reads JSON bodies only (content-type: application/json)' },
  ARC_ERR_NOT_FOUND: { status: 404, message: 'No such thing' },
  ARC_ERR_DEVICE_EXISTS: { status: 409, message: 'A device with that id already exists' },
  ARC_ERR_DEVICE_NOT_FOUND: { status: 404, message: 'No such device' },
  ARC_ERR_DEVICE_AUTH: { status: 401, message: 'Unknown device or wrong device credentials' },
  ARC_ERR_DEVICE_AUTH_THROTTLED: {
    status: 429,
    message: 'Too many wrong device credentials from this address; details.retryAfterS says when to try again',
  },
  ARC_ERR_DEVICE_APP_CANNOT_SHOW: {
    status: 409,
    message:
      "The wearer's phone runs an app that cannot show messages (details.app: OwnTracks or Traccar Client): call the wearer instead",
  },
  ARC_ERR_DEVICE_MESSAGE_REJECTED: { status: 400, message: 'The device message was rejected; details.reason says why' },
  ARC_ERR_OSMAND_WRONG_PORT: {
    status: 400,
    message: 'Traccar Client and OsmAnd send to the OsmAnd port (ARC_OSMAND_PORT), not to this one',
  },
  ARC_ERR_DEVICE_DECOMMISSIONED: {
    status: 409,
    message: 'This device is decommissioned: it cannot be changed or brought back',
  },
  ARC_ERR_WEARER_NOT_FOUND: { status: 404, message: 'No such wearer' },
  ARC_ERR_WEARER_OPEN_ALARM: { status: 409, message: 'This wearer has an open alarm: resolve it before erasing them' },
  ARC_ERR_USER_EXISTS: { status: 409, message: 'A user with that email already exists' },
  ARC_ERR_USER_NOT_FOUND: { status: 404, message: 'No such user' },
  ARC_ERR_USER_OWN_ACCOUNT: {
    status: 409,
    message: 'An administrator cannot disable their own account or change their own role',
  },
  ARC_ERR_LAST_ADMINISTRATOR: {
    status: 409,
    message: 'This is the last active administrator: make another administrator first',
  },
  ARC_ERR_ORGANISATION_NOT_FOUND: { status: 404, message: 'No such organisation' },
  ARC_ERR_ORGANISATION_EXISTS: { status: 409, message: 'An organisation with that name already exists' },
  ARC_ERR_ALARM_NOT_FOUND: { status: 404, message: 'No such alarm' },
  ARC_ERR_ALARM_ALREADY_ACCEPTED: { status: 409, message: 'Another operator has already accepted this alarm' },
  ARC_ERR_ALARM_NOT_ACCEPTED: { status: 409, message: 'Accept the alarm before acting on it' },
  ARC_ERR_ALARM_NOT_YOURS: {
    status: 409,
    message: 'This alarm is held by another operator; a supervisor can reassign it',
  },
  ARC_ERR_ALARM_RESOLVED: { status: 409, message: 'A resolved alarm cannot be changed, only annotated' },
  ARC_ERR_ALARM_POLICE_WITHDRAWN: { status: 409, message: 'Police response has been withdrawn for this wearer' },
  ARC_ERR_ALARM_TEST_MODE: { status: 409, message: 'This alarm is from a device on test: no contacts, no police' },
  ARC_ERR_ALARM_SILENT: { status: 409, message: "A duress alarm is silent: nothing is sent to the wearer's device" },
  ARC_ERR_PLAN_STEPS_OPEN: {
    status: 409,
    message: 'Mandatory plan steps are not logged: log them, or give a reason to override',
  },
  ARC_ERR_ALARM_NOT_GROUPABLE: { status: 409, message: 'These alarms are not a flood: handle them one by one' },
  ARC_ERR_ALARM_NO_URN: { status: 409, message: 'This wearer has no police URN' },
  ARC_ERR_CLOSURE_NOTE_REQUIRED: { status: 400, message: 'A genuine alarm needs a note saying what was done' },
  ARC_ERR_REASSIGN_TARGET: {
    status: 400,
    message: 'An alarm can only be given to an active operator, supervisor or administrator',
  },
  ARC_ERR_REASSIGN_OTHER_ORGANISATION: {
    status: 409,
    message: "That colleague does not serve this alarm's organisation: give it to someone who does",
  },
  ARC_ERR_GEOFENCE_NOT_FOUND: { status: 404, message: 'No such geofence' },
  ARC_ERR_CONTACT_NOT_FOUND: { status: 404, message: 'No such contact' },
  ARC_ERR_METRICS_TOKEN: { status: 401, message: 'GET /metrics needs the bearer token set in ARC_METRICS_TOKEN' },
  ARC_ERR_METRICS_LOOPBACK: {
    status: 403,
    message: 'Without ARC_METRICS_TOKEN, GET /metrics answers only to this machine (loopback)',
  },
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
