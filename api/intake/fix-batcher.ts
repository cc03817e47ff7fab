// Group commit for location messages: while one batch is being written, the next gathers; when
// the write commits, each of its messages is acknowledged. At low load a batch is one message
// (no added wait); under load one round trip carries thousands (issue 5: one awaited insert per
// row ≈ 3k rows/s here, 100-row batches ≈ 50k rows/s). The broker reads a device's next packets
// only once those it holds are acknowledged, but a read can hold many: past the ingest ceiling
// tens of thousands of messages wait here.
import type { Sql } from 'postgres';
import { storeFixBatch, type FixMessage } from '../store/fix-store.js';

/**
 * Rows in one statement. At 500 messages a batch the ARC, once past its ceiling, stored fewer
 * per second than below it (each round trip slowed by the load, the queue grew); batches of
 * thousands cost PostgreSQL and this process about a fifth less per fix, and took 0.1–0.3 s here
 * (issue 5). At least one message goes, however many fixes it holds.
 */
export const MAX_FIXES_PER_BATCH = 5000;

// The message is held, not spread into this object: copying it cost more than the rest of store().
interface Waiting {
  message: FixMessage;
  resolve(commAlarmId: string | null): void;
  reject(err: unknown): void;
}

export interface FixBatcher {
  /** Resolves once the message's fixes are committed, with the device's open no-comm alarm. */
  store(message: FixMessage): Promise<string | null>;
  idle(): Promise<void>;
}

export function createFixBatcher(sql: Sql, onBatch?: (messages: number, ms: number) => void): FixBatcher {
  const queue: Waiting[] = [];
  let writing: Promise<void> | null = null;

  function nextBatch(): Waiting[] {
    let messages = 1;
    let fixes = queue[0].message.fixes.length;
    while (messages < queue.length && fixes + queue[messages].message.fixes.length <= MAX_FIXES_PER_BATCH)
      fixes += queue[messages++].message.fixes.length;
    return queue.splice(0, messages);
  }

  async function writeBatches(): Promise<void> {
    while (queue.length) {
      const batch = nextBatch();
      const started = performance.now();
      try {
        const commAlarms = await storeFixBatch(
          sql,
          batch.map((w) => w.message),
        );
        for (const w of batch) w.resolve(commAlarms.get(w.message.deviceId) ?? null);
      } catch (err) {
        // Nothing of the batch was stored. One bad message must not fail the others (guarantee
        // 4): write each on its own; what still fails is not acknowledged and its device resends.
        if (batch.length === 1) batch[0].reject(err);
        else
          await Promise.all(
            batch.map((w) =>
              storeFixBatch(sql, [w.message]).then((c) => w.resolve(c.get(w.message.deviceId) ?? null), w.reject),
            ),
          );
      }
      onBatch?.(batch.length, performance.now() - started);
    }
  }

  return {
    store(message) {
      return new Promise((resolve, reject) => {
        queue.push({ message, resolve, reject });
        writing ??= writeBatches().finally(() => (writing = null));
      });
    },
    async idle() {
      while (writing) await writing;
    },
  };
}
