// Where a request's session token comes from: the httpOnly cookie the login sets (browsers), or
// `Authorization: Bearer <token>` (scripts, the simulator). Shared by HTTP routes and Socket.IO.
import type { Sql } from 'postgres';
import { findSessionUser, type User } from '../store/user-store.js';

export const SESSION_COOKIE = 'arc_session';

export function tokenFrom(headers: { authorization?: string; cookie?: string }, authToken?: unknown): string | null {
  if (typeof authToken === 'string' && authToken) return authToken;
  const bearer = headers.authorization?.match(/^Bearer\s+(\S+)$/i);
  if (bearer) return bearer[1];
  for (const part of headers.cookie?.split(';') ?? []) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE && value.length) {
      // A cookie we did not set (`arc_session=%E0%A4%A`) is no session, not a 500 (issue 12).
      try {
        return decodeURIComponent(value.join('='));
      } catch {
        return null;
      }
    }
  }
  return null;
}

/** The user of a session valid at `now` (the ARC's clock). */
export async function userForToken(sql: Sql, token: string | null, now: Date): Promise<User | null> {
  return token ? findSessionUser(sql, token, now) : null;
}
