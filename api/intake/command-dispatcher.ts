// Sends stored commands to devices. A command row is written in the transaction that decided
// it; here it is published (QoS 1) when the device is connected and subscribed, and marked
// delivered when the device acknowledges it. Delivery is at least once: a device recognises a
// repeat by the command's `id`.
import type { Sql } from 'postgres';
import type { Logger } from 'pino';
import { Command } from '../../protocol/device-payloads.js';
import { parseJsonPayload } from '../../protocol/device-payloads.js';
import { markCommandDelivered, pendingCommands } from '../store/command-store.js';

export interface CommandSender {
  sendCommand(deviceId: string, payload: string): Promise<boolean>;
}

export interface CommandDispatcher {
  /** Publish this device's pending commands, if it can take them now. Never throws. */
  flush(deviceId: string): void;
  acknowledged(deviceId: string, payload: Buffer): void;
  deviceGone(deviceId: string): void;
  /** Resolves when every flush and acknowledgement under way has finished (for shutdown and tests). */
  idle(): Promise<void>;
}

export function createCommandDispatcher(sql: Sql, sender: CommandSender, logger: Logger, now: () => Date): CommandDispatcher {
  /** Commands published on the device's current connection and not yet acknowledged. */
  const inFlight = new Map<string, Set<string>>();
  const running = new Set<Promise<void>>();
  const track = (work: Promise<void>) => {
    const p = work.catch((err) => logger.error({ err }, 'command dispatch failed')).finally(() => running.delete(p));
    running.add(p);
  };
  /** One flush at a time per device keeps commands in order. */
  const chains = new Map<string, Promise<void>>();

  async function flushNow(deviceId: string): Promise<void> {
    const sent = inFlight.get(deviceId) ?? new Set<string>();
    inFlight.set(deviceId, sent);
    const pending = await pendingCommands(sql, deviceId);
    // An id leaves the set only once PostgreSQL no longer lists it as pending (its delivery mark
    // committed). Dropping it at the PUBACK instead let a flush that read the rows just before the
    // mark committed send it a second time (seen with two nodes flushing on a notice).
    const stillPending = new Set(pending.map((command) => command.id));
    for (const id of sent) if (!stillPending.has(id)) sent.delete(id);
    for (const command of pending) {
      if (sent.has(command.id)) continue;
      // Not connected, or not subscribed yet: the next connect or subscription flushes again.
      if (!(await sender.sendCommand(deviceId, JSON.stringify(command)))) return;
      sent.add(command.id);
    }
  }

  function inOrder(deviceId: string, work: () => Promise<void>): void {
    const next = (chains.get(deviceId) ?? Promise.resolve()).then(work);
    const settled = next.catch(() => {});
    chains.set(deviceId, settled);
    settled.finally(() => chains.get(deviceId) === settled && chains.delete(deviceId));
    track(next);
  }

  return {
    flush: (deviceId) => inOrder(deviceId, () => flushNow(deviceId)),
    acknowledged(deviceId, payload) {
      const json = parseJsonPayload(payload);
      const command = json.ok ? Command.safeParse(json.value) : null;
      if (!command?.success) return;
      track(markCommandDelivered(sql, deviceId, command.data.id, now()));
    },
    deviceGone(deviceId) {
      inFlight.delete(deviceId);
    },
    async idle() {
      while (running.size) await Promise.all([...running]);
    },
  };
}
