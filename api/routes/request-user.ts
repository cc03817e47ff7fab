// Who is asking: every /api route but login names the roles it serves.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Sql } from 'postgres';
import { ArcError } from '../errors.js';
import { tokenFrom, userForToken } from '../auth/session-token.js';
import type { Role } from '../domain/role.js';
import type { User } from '../store/user-store.js';
import type { Actor } from '../store/audit-log.js';
import { scopeOfUser, type Scope } from '../store/tenancy-store.js';
import { refuseOutsideScope } from './tenant-scope.js';

declare module 'fastify' {
  interface FastifyRequest {
    user: User | null;
    /** The organisations the user may see (set with user by the role guard). */
    scope: Scope;
  }
}

export type RoleGuard = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

export function roleGuard(sql: Sql, now: () => Date) {
  return (...roles: Role[]): RoleGuard =>
    async (request) => {
      const user = await userForToken(sql, tokenFrom(request.headers), now());
      if (!user) throw new ArcError('ARC_ERR_AUTH_REQUIRED');
      if (!roles.includes(user.role)) throw new ArcError('ARC_ERR_FORBIDDEN', `Only ${roles.join(', ')} may do this`);
      request.user = user;
      request.scope = await scopeOfUser(sql, user.id);
      await refuseOutsideScope(sql, user, request.scope, request);
    };
}

/** The scope the role guard set: every route that reads a list or a report passes it to the store. */
export function scopeOf(request: FastifyRequest): Scope {
  if (!request.user) throw new ArcError('ARC_ERR_AUTH_REQUIRED');
  return request.scope;
}

export function actorOf(request: FastifyRequest): Actor {
  if (!request.user) throw new ArcError('ARC_ERR_AUTH_REQUIRED');
  return { id: request.user.id, name: request.user.email };
}
