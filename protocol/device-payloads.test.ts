// The intake's hand-written checks (isFix, isStatus, isLocationPayload) must give exactly the
// verdict of the zod schemas, which are the rules: every boundary of every field, then many
// random payloads built from the same values.
import { describe, expect, it } from 'vitest';
import {
  Fix,
  LocationPayload,
  Status,
  checkFixTimes,
  checkStatusTime,
  isFix,
  isLocationPayload,
  isStatus,
  parseJsonPayload,
  parseLocationPayload,
  parseStatus,
  plausibleFixTs,
} from './device-payloads.js';
import {
  EARLIEST_PLAUSIBLE_TS,
  FIX_AHEAD_TOLERANCE_MS,
  MAX_CLOCK_AHEAD_MS,
  MAX_FIXES_PER_MESSAGE,
  MAX_PAYLOAD_BYTES,
} from './payload-limits.js';

const TS = Date.UTC(2026, 10, 23, 12);
const FIX = { ts: TS, lat: 53.6458, lon: -3.0101, acc: 8, alt: 12, speed: 1.2, heading: 270, batt: 84, src: 'gnss' };
const STATUS = { ts: TS, batt: 84, charging: false, rssi: -71, fw: '2.4.1' };

/** Values no number field may take (JSON.parse turns 1e400 into Infinity). */
const NOT_NUMBERS = [null, '1', true, [], {}, [1], Infinity, -Infinity, NaN];
const ABSENT = undefined;

/** Field → values that zod must accept or reject; the check must say the same of each. */
const FIX_FIELDS: Record<string, unknown[]> = {
  ts: [
    TS,
    EARLIEST_PLAUSIBLE_TS,
    EARLIEST_PLAUSIBLE_TS - 1,
    0,
    -1,
    TS + 0.5,
    Number.MAX_SAFE_INTEGER,
    2 ** 53,
    1e300,
    '1763800000000',
    ABSENT,
    ...NOT_NUMBERS,
  ],
  lat: [0, -0, 90, -90, 90.0000001, -90.0000001, 53.6458, ABSENT, ...NOT_NUMBERS],
  lon: [0, 180, -180, 180.0000001, -180.0000001, -3.0101, ABSENT, ...NOT_NUMBERS],
  acc: [0, -0, 8, 0.5, -0.0001, 1e9, 1e9 + 1, 1e-50, ABSENT, ...NOT_NUMBERS],
  alt: [0, -430, 8848.86, 1e9, -1e9, 1e9 + 1, -1e9 - 1, 1e300, -1e300, ABSENT, ...NOT_NUMBERS],
  speed: [0, 1.2, -0.1, 1e9, 1e9 + 1, ABSENT, ...NOT_NUMBERS],
  heading: [0, 360, 360.0001, -0.0001, 270, ABSENT, ...NOT_NUMBERS],
  batt: [0, 100, 100.5, -1, 84, ABSENT, ...NOT_NUMBERS],
  src: ['gnss', 'wifi', 'cell', 'manual', 'GNSS', '', 'gps', 1, ABSENT, null, true, ['gnss']],
  extra: ['kept', null, 1, { nested: true }, ABSENT],
};
const STATUS_FIELDS: Record<string, unknown[]> = {
  ts: FIX_FIELDS.ts,
  batt: FIX_FIELDS.batt,
  charging: [true, false, 'true', 0, 1, null, ABSENT, []],
  rssi: [-71, 0, 12.5, 1e9, -1e9, -1e9 - 1, -1e300, ABSENT, ...NOT_NUMBERS],
  fw: ['2.4.1', '', 'x'.repeat(64), 'x'.repeat(65), '😀'.repeat(32), '😀'.repeat(33), 2, null, ABSENT, ['2.4.1']],
  extra: FIX_FIELDS.extra,
};

const NOT_OBJECTS = [null, 1, 'fix', true, [], [[]], Infinity];

function withField(base: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const copy = { ...base };
  if (value === ABSENT) delete copy[key];
  else copy[key] = value;
  return copy;
}

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

function randomPayload(fields: Record<string, unknown[]>, next: () => number): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  for (const [key, values] of Object.entries(fields)) {
    // Mostly valid-looking values, so that most payloads get past the first field.
    const value = next() < 0.7 ? values[0] : values[Math.floor(next() * values.length)];
    if (value !== ABSENT) payload[key] = value;
  }
  return payload;
}

describe('the hand-written checks agree with the zod schemas', () => {
  it.each(Object.entries(FIX_FIELDS).flatMap(([key, values]) => values.map((value) => [key, value] as const)))(
    'fix %s = %j',
    (key, value) => {
      const payload = withField(FIX, key, value);
      expect(isFix(payload)).toBe(Fix.safeParse(payload).success);
      expect(isLocationPayload(payload)).toBe(LocationPayload.safeParse(payload).success);
      expect(isLocationPayload([FIX, payload])).toBe(LocationPayload.safeParse([FIX, payload]).success);
    },
  );

  it.each(Object.entries(STATUS_FIELDS).flatMap(([key, values]) => values.map((value) => [key, value] as const)))(
    'status %s = %j',
    (key, value) => {
      const payload = withField(STATUS, key, value);
      expect(isStatus(payload)).toBe(Status.safeParse(payload).success);
    },
  );

  it.each(NOT_OBJECTS)('not an object: %j', (value) => {
    expect(isFix(value)).toBe(false);
    expect(isStatus(value)).toBe(false);
    expect(isLocationPayload(value)).toBe(LocationPayload.safeParse(value).success);
    expect(Fix.safeParse(value).success).toBe(false);
    expect(Status.safeParse(value).success).toBe(false);
  });

  it('the minimal payloads pass both', () => {
    expect(isFix({ ts: TS, lat: 0, lon: 0 })).toBe(true);
    expect(Fix.safeParse({ ts: TS, lat: 0, lon: 0 }).success).toBe(true);
    expect(isStatus({ ts: TS })).toBe(true);
    expect(Status.safeParse({ ts: TS }).success).toBe(true);
  });

  it.each([0, 1, 2, MAX_FIXES_PER_MESSAGE, MAX_FIXES_PER_MESSAGE + 1])('an array of %i fixes', (n) => {
    const fixes = Array.from({ length: n }, (_, i) => ({ ...FIX, ts: TS + i }));
    expect(isLocationPayload(fixes)).toBe(LocationPayload.safeParse(fixes).success);
    if (n > 1) {
      fixes[n - 1] = { ...FIX, lat: 91 };
      expect(isLocationPayload(fixes)).toBe(false);
      expect(LocationPayload.safeParse(fixes).success).toBe(false);
    }
  });

  it('agree on 20,000 random fixes, arrays of fixes and statuses', () => {
    const next = random(5);
    let accepted = 0;
    for (let i = 0; i < 10_000; i++) {
      const fix = randomPayload(FIX_FIELDS, next);
      const verdict = Fix.safeParse(fix).success;
      expect(isFix(fix), JSON.stringify(fix)).toBe(verdict);
      const batch = [randomPayload(FIX_FIELDS, next), fix];
      expect(isLocationPayload(batch), JSON.stringify(batch)).toBe(LocationPayload.safeParse(batch).success);
      const status = randomPayload(STATUS_FIELDS, next);
      expect(isStatus(status), JSON.stringify(status)).toBe(Status.safeParse(status).success);
      if (verdict) accepted++;
    }
    // Both verdicts occur often enough for the comparison to mean something.
    expect(accepted).toBeGreaterThan(1000);
    expect(accepted).toBeLessThan(9000);
  });
});

describe('the intake parsers', () => {
  it('pass a well-formed payload through as it is, unknown fields kept', () => {
    const fix = { ...FIX, firmwareNote: 'kept' };
    expect(parseLocationPayload(fix)).toEqual({ success: true, data: fix });
    expect(parseStatus(STATUS)).toEqual({ success: true, data: STATUS });
  });

  it('leave a bad payload to zod, which says why', () => {
    const parsed = parseLocationPayload({ ...FIX, lat: 200 });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.length).toBeGreaterThan(0);
    const status = parseStatus({ ts: 'yesterday' });
    expect(status.success).toBe(false);
    expect(status.error?.issues[0].path).toEqual(['ts']);
  });

  it('read a payload as UTF-8 JSON of at most 16 KiB, from a Buffer or a view into a larger one', () => {
    const text = JSON.stringify({ ...FIX, note: 'café ☕' });
    const framed = Buffer.concat([Buffer.from('xx'), Buffer.from(text), Buffer.from('yy')]);
    const view = new Uint8Array(framed.buffer, framed.byteOffset + 2, framed.length - 4);
    expect(parseJsonPayload(view)).toEqual({ ok: true, value: JSON.parse(text), textReplaced: false });
    expect(parseJsonPayload(Buffer.from(text))).toEqual({ ok: true, value: JSON.parse(text), textReplaced: false });
    expect(parseJsonPayload(Buffer.from('{"ts":'))).toEqual({ ok: false, reason: 'payload_not_json' });
    expect(parseJsonPayload(Buffer.alloc(MAX_PAYLOAD_BYTES + 1, 0x20))).toEqual({
      ok: false,
      reason: 'payload_too_large',
    });
  });
});

describe('device times of fixes and statuses (issue 10)', () => {
  const received = TS;
  it.each([
    ['at the receive time', received, received, 0],
    ['behind it (a late batch)', received - 3600_000, received - 3600_000, 0],
    ['within the tolerance ahead', received + FIX_AHEAD_TOLERANCE_MS, received + FIX_AHEAD_TOLERANCE_MS, 0],
    ['just past the tolerance: taken at the receive time', received + FIX_AHEAD_TOLERANCE_MS + 1, received, 1],
    ['a day ahead: taken at the receive time', received + MAX_CLOCK_AHEAD_MS, received, 1],
  ])('a fix %s', (_what, ts, storedTs, heldBack) => {
    const fixes = [{ ...FIX, ts }];
    expect(checkFixTimes(fixes as Fix[], received)).toEqual({ ok: true, heldBack });
    expect(fixes[0].ts).toBe(storedTs);
    expect((fixes[0] as Record<string, unknown>).deviceTs).toBe(heldBack ? ts : undefined);
    expect(plausibleFixTs(ts, received)).toBe(storedTs);
  });

  it('one fix more than a day ahead makes the whole message invalid, and changes nothing', () => {
    const fixes = [
      { ...FIX, ts: received + FIX_AHEAD_TOLERANCE_MS + 5 },
      { ...FIX, ts: received + MAX_CLOCK_AHEAD_MS + 1 },
    ];
    expect(checkFixTimes(fixes as Fix[], received)).toEqual({ ok: false, reason: 'ts_too_far_ahead' });
    expect(fixes[0].ts).toBe(received + FIX_AHEAD_TOLERANCE_MS + 5);
  });

  it('a status is held to the same rule', () => {
    const ahead = { ...STATUS, ts: received + 3600_000 };
    expect(checkStatusTime(ahead, received)).toEqual({ ok: true, heldBack: 1 });
    expect(ahead.ts).toBe(received);
    expect(checkStatusTime({ ...STATUS, ts: Date.UTC(3000, 0, 1) }, received)).toEqual({
      ok: false,
      reason: 'ts_too_far_ahead',
    });
    expect(checkStatusTime({ ...STATUS }, received)).toEqual({ ok: true, heldBack: 0 });
  });
});

describe('text made storable at the edge (issue 10)', () => {
  const parse = (text: string) => parseJsonPayload(Buffer.from(text));
  it.each([
    ['a NUL', '{"a":"boot\\u0000"}', { a: 'boot\uFFFD' }],
    ['an unpaired high surrogate', '{"a":"x\\ud800y"}', { a: 'x\uFFFDy' }],
    ['an unpaired low surrogate', '{"a":"\\udc00"}', { a: '\uFFFD' }],
    ['a key', '{"k\\u0000":1}', { 'k\uFFFD': 1 }],
    ['a nested array', '{"a":[{"b":["\\u0000"]}]}', { a: [{ b: ['\uFFFD'] }] }],
    ['a bare string', '"\\ud800"', '\uFFFD'],
  ])('%s is replaced with U+FFFD and flagged', (_what, text, value) => {
    expect(parse(text)).toEqual({ ok: true, value, textReplaced: true });
  });

  it.each([
    ['a surrogate pair', '{"a":"\\ud83d\\ude00"}', { a: '😀' }],
    ['other escapes', '{"a":"\\u00e9\\n\\u0001"}', { a: 'é\n\u0001' }],
    ['no escape at all', '{"a":"plain","n":[1,2]}', { a: 'plain', n: [1, 2] }],
  ])('%s is kept as it is, unflagged', (_what, text, value) => {
    expect(parse(text)).toEqual({ ok: true, value, textReplaced: false });
  });

  it('a key "__proto__" stays a plain field when its value is replaced', () => {
    const parsed = parse('{"__proto__":"\\u0000"}');
    expect(parsed.ok && Object.getOwnPropertyDescriptor(parsed.value, '__proto__')?.value).toBe('\uFFFD');
    expect(parsed.ok && Object.getPrototypeOf(parsed.value)).toBe(Object.prototype);
  });

  it('nesting thousands deep is walked without recursion', () => {
    const text = '['.repeat(8000) + '"\\u0000"' + ']'.repeat(8000);
    const parsed = parse(text);
    expect(parsed.ok && parsed.textReplaced).toBe(true);
  });
});
