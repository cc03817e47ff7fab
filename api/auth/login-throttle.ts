// Repeated login attempts are slowed down: after `free` attempts, each further one must wait twice
// as long after the last as the one before, up to `maxWaitMs`; a quiet hour forgives the past.
// Attempts are counted before the password is checked, atomically (store/login-throttle-store.ts),
// so parallel guesses get no more tries than serial ones (issue 12, item 2). Pure: numbers in.
export interface ThrottleRule {
  free: number;
  maxWaitMs: number;
}

/**
 * Per account (by its email, whether or not it exists, so the answer says nothing about that).
 * An attacker elsewhere fills this bucket; the account's owner at an address they have logged in
 * from before uses a bucket of their own there (KNOWN_ADDRESS), so they are not locked out.
 */
export const ACCOUNT: ThrottleRule = { free: 5, maxWaitMs: 15 * 60 * 1000 };
export const KNOWN_ADDRESS: ThrottleRule = { free: 5, maxWaitMs: 5 * 60 * 1000 };
/**
 * Per address, for guesses spread over many accounts. Generous, and short: a whole control room
 * may share one NAT address, and its members who have logged in from it before are not held by it.
 */
export const ADDRESS: ThrottleRule = { free: 50, maxWaitMs: 60 * 1000 };
/** An hour without attempts forgives the past. */
export const FORGIVE_AFTER_MS = 60 * 60 * 1000;
/** 2^20 s is beyond any cap: keeps the exponent (and the SQL's power()) bounded. */
export const MAX_DOUBLINGS = 20;

/** Milliseconds still to wait before the next attempt is heard; 0 when it may go ahead. */
export function loginWaitMs(attempts: number, lastAt: Date | null, now: Date, rule: ThrottleRule = ACCOUNT): number {
  if (attempts < rule.free || !lastAt) return 0;
  if (now.getTime() - lastAt.getTime() >= FORGIVE_AFTER_MS) return 0;
  const wait = Math.min(rule.maxWaitMs, 1000 * 2 ** Math.min(MAX_DOUBLINGS, attempts - rule.free));
  return Math.max(0, lastAt.getTime() + wait - now.getTime());
}
