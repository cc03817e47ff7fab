// Limits the device protocol sets on every payload (spec, "Topics").
export const MAX_PAYLOAD_BYTES = 16 * 1024;
export const MAX_FIXES_PER_MESSAGE = 100;
export const MAX_EVENT_ID_LENGTH = 64;
export const MAX_NOTE_LENGTH = 1000;
/** Earliest device time we believe: anything before 2000-01-01 is a clock that was never set. */
export const EARLIEST_PLAUSIBLE_TS = Date.UTC(2000, 0, 1);
/** A device clock this far ahead of ours is wrong, not early. */
export const MAX_CLOCK_AHEAD_MS = 24 * 60 * 60 * 1000;
/**
 * A measurement (accuracy, altitude, speed, signal) beyond this magnitude is impossible, and would
 * overflow the database's single-precision columns: such a field is invalid.
 */
export const MAX_MEASUREMENT = 1e9;
/**
 * A fix or status may be this far ahead of the ARC's receive time (clocks drift) and keep its own
 * time. Further ahead, up to MAX_CLOCK_AHEAD_MS, it is taken at the receive time instead: a device
 * cannot have seen something after the ARC received it, and one fix dated ahead would otherwise
 * stay "newest" and pin the current position and the zone states (issue 10).
 */
export const FIX_AHEAD_TOLERANCE_MS = 10_000;
