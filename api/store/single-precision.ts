// The database keeps measurements (accuracy, altitude, speed, battery, signal) as `real`, single
// precision. PostgreSQL refuses a double too small for it ("value out of range: underflow")
// rather than rounding it to zero, so one fix with an accuracy of 1e-50 would fail its whole
// transaction. The protocol bounds the magnitude (MAX_MEASUREMENT); here the tiny ones become 0,
// which is what they are at this precision.
const SMALLEST_NORMAL_REAL = 1.1754944e-38;

export function asReal(value: number | undefined | null): number | null {
  if (value === undefined || value === null) return null;
  return Math.abs(value) < SMALLEST_NORMAL_REAL ? 0 : value;
}
