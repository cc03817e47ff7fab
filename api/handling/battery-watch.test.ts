import { describe, expect, it } from 'vitest';
import { batteryWorthWatching } from './battery-watch.js';

describe('batteryWorthWatching: which readings need the battery transaction', () => {
  it.each([
    [{ batt: 80 }, false, false],
    [{ batt: 49 }, false, true],
    [{}, false, false],
    [{ batt: 10, charging: true }, false, false],
    [{ batt: 10 }, true, true],
    [{ charging: true }, true, true],
    [{}, true, false],
  ] as const)('%j, raised this cycle %s → %s', (reading, raised, expected) => {
    expect(batteryWorthWatching(reading, raised)).toBe(expected);
  });
});
