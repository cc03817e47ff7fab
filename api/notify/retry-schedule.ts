// When to try a notification again: pure, so the table in the test is the whole policy.
// Exponential back-off (5 s, 15 s, 45 s, … ×3) rides out a gateway restart within a minute and
// a longer outage without hammering it; the cap keeps a late message from waiting for hours.
// No jitter: one ARC's worker is the only sender, so there is no herd to spread.

const FIRST_DELAY_MS = 5_000;
const FACTOR = 3;
export const MAX_DELAY_MS = 15 * 60_000;

/** How long to wait after the `attempts`-th failed attempt (1 for the first) before the next. */
export function nextAttemptDelayMs(attempts: number): number {
  const exponent = Math.max(0, attempts - 1);
  return Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * FACTOR ** exponent);
}

/** After `attempts` failed attempts, has the notification had all it gets? */
export function isFinalFailure(attempts: number, maxAttempts: number): boolean {
  return attempts >= maxAttempts;
}
