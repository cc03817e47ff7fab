// A live feed's socket is authenticated once, when it connects; the session behind it can end
// later: a log-out, its expiry, an administrator disabling the account. Without this check a
// console left open after a log-out would go on receiving every alarm. Each pass asks the
// database which of the open sockets' sessions are still valid and closes the others.
import type { Sql } from 'postgres';
import { liveSessions } from '../store/user-store.js';

/** How often the open sockets' sessions are checked again (a log-out closes its sockets at once). */
export const SESSION_RECHECK_MS = 30_000;

export interface WatchedSocket {
  /** sessionHash: the stored form of its session token (sessionTokenHash), kept when it connects. */
  data: { sessionHash?: string };
  disconnect(close: boolean): unknown;
}

/** Closes the sockets whose session has ended; resolves with how many. */
export async function closeEndedSessions(sql: Sql, sockets: Iterable<WatchedSocket>, now: Date): Promise<number> {
  const open = [...sockets].filter((socket) => socket.data.sessionHash);
  if (!open.length) return 0;
  const live = await liveSessions(sql, [...new Set(open.map((socket) => socket.data.sessionHash!))], now);
  const ended = open.filter((socket) => !live.has(socket.data.sessionHash!));
  for (const socket of ended) socket.disconnect(true);
  return ended.length;
}
