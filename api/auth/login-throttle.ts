// Repeated failed logins are slowed down: after FREE_ATTEMPTS failures, each further attempt must
// wait twice as long as the last, up to MAX_WAIT_MS. Pure: failures and time in, wait out.
export const FREE_ATTEMPTS = 5;
/** Many people can share one address (an ARC behind one NAT): allow more from an address. */
export const FREE_ATTEMPTS_PER_ADDRESS = 20;
export const MAX_WAIT_MS = 15 * 60 * 1000;

/** Milliseconds still to wait before the next attempt is heard; 0 when it may go ahead. */
export function loginWaitMs(failures: number, lastFailureAt: Date | null, now: Date, freeAttempts = FREE_ATTEMPTS): number {
  if (failures < freeAttempts || !lastFailureAt) return 0;
  const wait = Math.min(MAX_WAIT_MS, 1000 * 2 ** (failures - freeAttempts));
  return Math.max(0, lastFailureAt.getTime() + wait - now.getTime());
}

/** The same rule per client address, in memory, so unknown emails are slowed down too. */
export class AddressFailures {
  private readonly failures = new Map<string, { count: number; last: Date }>();

  waitMs(address: string, now: Date): number {
    const entry = this.failures.get(address);
    return entry ? loginWaitMs(entry.count, entry.last, now, FREE_ATTEMPTS_PER_ADDRESS) : 0;
  }

  failed(address: string, now: Date): void {
    const entry = this.failures.get(address);
    // A quiet hour forgives the past.
    const stale = entry && now.getTime() - entry.last.getTime() > 60 * 60 * 1000;
    this.failures.set(address, { count: entry && !stale ? entry.count + 1 : 1, last: now });
    if (this.failures.size > 100_000) this.failures.clear();
  }

  succeeded(address: string): void {
    this.failures.delete(address);
  }
}
