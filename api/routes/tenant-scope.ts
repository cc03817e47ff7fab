// The tenant wall (issue 16, item 2): every id a request names (in its path, its query or its
// body) must belong to an organisation the caller may see, or the request is answered 404, as if
// the thing did not exist (a 403 would say that it does). One check here, run by the role guard
// before any handler, so a new route is covered by naming its ids the usual way; the lists and
// reports filter with the same scope in their SQL (api/store/tenancy-store.ts).
import type { FastifyRequest } from 'fastify';
import type { Sql } from 'postgres';
import { ArcError, type ErrorCode } from '../errors.js';
import { organisationsOf, scopeAllows, type OwnedKind, type Scope } from '../store/tenancy-store.js';
import type { User } from '../store/user-store.js';

/** Path parameters, by the route's URL: which kind of thing `:param` names. */
const PATH_PARAMS: { prefix: string; param: string; kind: OwnedKind }[] = [
  { prefix: '/api/alarms/:id', param: 'id', kind: 'alarm' },
  { prefix: '/api/devices/:id', param: 'id', kind: 'device' },
  { prefix: '/api/wearers/:id', param: 'id', kind: 'wearer' },
  { prefix: '/api/contacts/:id', param: 'id', kind: 'contact' },
  { prefix: '/api/geofences/:id', param: 'id', kind: 'geofence' },
  { prefix: '/api/organisations/:id', param: 'id', kind: 'organisation' },
  { prefix: '/api/users/:id', param: 'id', kind: 'user' },
  { prefix: '/api/insight/review/:wearerId', param: 'wearerId', kind: 'wearer' },
];

/** Fields of a query or JSON body, wherever they appear at its top level. */
const NAMED_FIELDS: Record<string, OwnedKind> = {
  organisationId: 'organisation',
  servedOrganisationIds: 'organisation',
  wearerId: 'wearer',
  deviceId: 'device',
  alarmIds: 'alarm',
  carerId: 'user',
  contactId: 'contact',
  userId: 'user',
};

const NOT_FOUND: Record<OwnedKind, ErrorCode> = {
  wearer: 'ARC_ERR_WEARER_NOT_FOUND',
  device: 'ARC_ERR_DEVICE_NOT_FOUND',
  alarm: 'ARC_ERR_ALARM_NOT_FOUND',
  contact: 'ARC_ERR_CONTACT_NOT_FOUND',
  geofence: 'ARC_ERR_GEOFENCE_NOT_FOUND',
  organisation: 'ARC_ERR_ORGANISATION_NOT_FOUND',
  user: 'ARC_ERR_USER_NOT_FOUND',
};

const asIds = (value: unknown): string[] =>
  typeof value === 'string'
    ? [value]
    : Array.isArray(value)
      ? value.filter((v): v is string => typeof v === 'string')
      : [];

/** What a request names, by kind. */
function namedIds(request: FastifyRequest): Map<OwnedKind, string[]> {
  const named = new Map<OwnedKind, string[]>();
  const add = (kind: OwnedKind, ids: string[]) => ids.length && named.set(kind, [...(named.get(kind) ?? []), ...ids]);
  const url = request.routeOptions.url ?? '';
  const params = (request.params ?? {}) as Record<string, unknown>;
  for (const { prefix, param, kind } of PATH_PARAMS) {
    if (url === prefix || url.startsWith(prefix + '/')) add(kind, asIds(params[param]));
  }
  for (const source of [request.query, request.body]) {
    if (!source || typeof source !== 'object' || Array.isArray(source)) continue;
    for (const [field, kind] of Object.entries(NAMED_FIELDS))
      add(kind, asIds((source as Record<string, unknown>)[field]));
  }
  return named;
}

/**
 * Refuses (404) a request naming anything outside the caller's organisations. A user account
 * without an organisation is ARC staff: staff may name one (reassigning an alarm to a colleague),
 * organisation managers may not. Something that does not exist is left for the route to refuse.
 */
export async function refuseOutsideScope(sql: Sql, user: User, scope: Scope, request: FastifyRequest): Promise<void> {
  if (scope.organisationIds === null) return;
  const isStaff = user.role !== 'organisation_manager' && user.role !== 'carer';
  for (const [kind, ids] of namedIds(request)) {
    const owners = await organisationsOf(sql, kind, ids);
    for (const [, org] of owners) {
      if (org === null && kind === 'user' && isStaff) continue;
      if (!scopeAllows(scope, org)) throw new ArcError(NOT_FOUND[kind]);
    }
  }
}

/**
 * The one organisation a scoped caller's filter is about: the one asked for (already checked to
 * be theirs), or their only one. null: every organisation (unscoped, nothing asked).
 */
export function organisationFilter(scope: Scope, asked: string | undefined): string | null {
  if (asked) return asked;
  if (scope.organisationIds === null) return null;
  if (scope.organisationIds.length === 1) return scope.organisationIds[0];
  throw new ArcError('ARC_ERR_VALIDATION', 'You serve several organisations: choose one (organisationId)', [
    { field: 'organisationId', message: 'required: you serve several organisations' },
  ]);
}
