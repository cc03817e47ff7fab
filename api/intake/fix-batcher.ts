// Group commit for location messages: while one batch is being written, the next gathers; when
// the write commits, each of its messages is acknowledged. At low load a batch is one message
// (no added wait); under load one round trip carries hundreds (issue 5: one awaited insert per
// row ≈ 3k rows/s here, 100-row batches ≈ 50k rows/s). The broker holds each device's next
// message until this one is acknowledged, so no backlog forms inside the broker.
import type { Sql } from 'postgres';
import { storeFixBatch, type FixMessage } from '../store/fix-store.js';

/** Enough to keep one statement quick (fix rows can be up to 100 per message). */
export const MAX_MESSAGES_PER_BATCH = 500;

interface Waiting extends FixMessage {
  resolve(commAlarmId: string | null): void;
  reject(err: unknown): void;
}

export interface FixBatcher {
  /** Resolves once the message's fixes are committed, with the device's open no-comm alarm. */
  store(message: FixMessage): Promise<string | null>;
  idle(): Promise<void>;
}

export function createFixBatcher(sql: Sql, onBatch?: (messages: number, ms: number) => void): FixBatcher {
  let queue: Waiting[] = [];
  let writing: Promise<void> | null = null;

  async function writeBatches(): Promise<void> {
    while (queue.length) {
      const batch = queue.slice(0, MAX_MESSAGES_PER_BATCH);
      queue = queue.slice(batch.length);
      const started = performance.now();
      try {
        const commAlarms = await storeFixBatch(sql, batch);
        for (const m of batch) m.resolve(commAlarms.get(m.deviceId) ?? null);
      } catch (err) {
        // Nothing of the batch was stored. One bad message must not fail the others (guarantee
        // 4): write each on its own; what still fails is not acknowledged and its device resends.
        if (batch.length === 1) batch[0].reject(err);
        else await Promise.all(batch.map((m) => storeFixBatch(sql, [m]).then((c) => m.resolve(c.get(m.deviceId) ?? null), m.reject)));
      }
      onBatch?.(batch.length, performance.now() - started);
    }
  }

  return {
    store(message) {
      return new Promise((resolve, reject) => {
        queue.push({ ...message, resolve, reject });
        writing ??= writeBatches().finally(() => (writing = null));
      });
    },
    async idle() {
      while (writing) await writing;
    },
  };
}
