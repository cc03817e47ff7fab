// Group commit of location messages against the real PostgreSQL: many messages, few round trips,
// every message acknowledged only once its fixes are committed, and one bad message failing alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FIXES_PER_BATCH, createFixBatcher } from '../api/intake/fix-batcher.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

let db: TestDatabase;
const DEVICES = Array.from({ length: 50 }, (_, i) => `batch-${i}`);

beforeAll(async () => {
  db = await createTestDatabase();
  for (const id of DEVICES) await db.sql`insert into devices (id, secret_hash) values (${id}, 'x')`;
});
afterAll(async () => {
  await db?.drop();
});

describe('the fix batcher', () => {
  it('stores 1,000 messages from 50 devices in far fewer round trips, each device at its newest fix', async () => {
    let batches = 0;
    const batcher = createFixBatcher(db.sql, () => batches++);
    const t0 = Date.UTC(2026, 10, 23, 12);
    const receivedAt = new Date();
    const messages = Array.from({ length: 1000 }, (_, i) => ({
      deviceId: DEVICES[i % 50],
      // Out of order on purpose: the newest ts is not the last one sent.
      fixes: [{ ts: t0 + ((i * 7919) % 1000) * 1000, lat: 53 + i / 10_000, lon: -3, acc: 5 }],
      receivedAt,
    }));
    const results = await Promise.all(messages.map((m) => batcher.store(m)));
    expect(results.every((r) => r === null)).toBe(true);
    expect(batches).toBeGreaterThan(0);
    expect(batches).toBeLessThan(100);
    const [{ n }] = await db.sql`select count(*)::int as n from fixes`;
    expect(n).toBe(1000);
    for (const id of DEVICES.slice(0, 5)) {
      const newest = messages
        .filter((m) => m.deviceId === id)
        .reduce((a, b) => (b.fixes[0].ts > a.fixes[0].ts ? b : a));
      const [device] = await db.sql`select fix_ts, fix_lat from devices where id = ${id}`;
      expect(Number(device.fixTs)).toBe(newest.fixes[0].ts);
      expect(device.fixLat).toBeCloseTo(newest.fixes[0].lat, 8);
    }
  });

  it('a message that cannot be stored fails alone; the rest of its batch is stored', async () => {
    const batcher = createFixBatcher(db.sql);
    const fix = { ts: Date.UTC(2026, 10, 23, 13), lat: 53.1, lon: -3.1 };
    const outcomes = await Promise.allSettled([
      batcher.store({ deviceId: DEVICES[0], fixes: [fix], receivedAt: new Date() }),
      batcher.store({ deviceId: 'no-such-device', fixes: [fix], receivedAt: new Date() }),
      batcher.store({ deviceId: DEVICES[1], fixes: [fix], receivedAt: new Date() }),
      batcher.store({ deviceId: DEVICES[2], fixes: [fix], receivedAt: new Date() }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    const stored = await db.sql`select device_id from fixes where ts = ${fix.ts} order by device_id`;
    expect(stored.map((r) => r.deviceId)).toEqual([DEVICES[0], DEVICES[1], DEVICES[2]].sort());
  });

  it('caps a batch by fixes, not messages: a full queue goes in a few statements, none over the cap', async () => {
    const sizes: number[] = [];
    const batcher = createFixBatcher(db.sql, (messages) => sizes.push(messages));
    const t0 = Date.UTC(2026, 10, 23, 14);
    const receivedAt = new Date();
    // 100-fix messages (store and forward after a gap) fill a batch fifty at a time.
    const perMessage = 100;
    const messages = Array.from({ length: 120 }, (_, i) => ({
      deviceId: DEVICES[i % 50],
      fixes: Array.from({ length: perMessage }, (_, j) => ({ ts: t0 + i * perMessage + j, lat: 53, lon: -3 })),
      receivedAt,
    }));
    await Promise.all(messages.map((m) => batcher.store(m)));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(120);
    expect(Math.max(...sizes) * perMessage).toBeLessThanOrEqual(MAX_FIXES_PER_BATCH);
    expect(sizes.length).toBeLessThanOrEqual(1 + Math.ceil((120 * perMessage) / MAX_FIXES_PER_BATCH));
    const [{ n }] =
      await db.sql`select count(*)::int as n from fixes where ts >= ${t0} and ts < ${t0 + 120 * perMessage}`;
    expect(n).toBe(120 * perMessage);
  });

  it('takes a message larger than the cap on its own rather than never', async () => {
    const batcher = createFixBatcher(db.sql);
    const t0 = Date.UTC(2026, 10, 23, 15);
    const fixes = Array.from({ length: MAX_FIXES_PER_BATCH + 1 }, (_, j) => ({ ts: t0 + j, lat: 53, lon: -3 }));
    await expect(batcher.store({ deviceId: DEVICES[3], fixes, receivedAt: new Date() })).resolves.toBeNull();
    const [{ n }] = await db.sql`select count(*)::int as n from fixes where device_id = ${DEVICES[3]} and ts >= ${t0}`;
    expect(n).toBe(MAX_FIXES_PER_BATCH + 1);
  });
});
