// Sends stored commands to devices. A command row is written in the transaction that decided
// it; here it is published (QoS 1) when the device is connected and subscribed, and marked
// delivered when the device acknowledges it. Delivery is at least once: a device recognises a
// repeat by the command's `id`. A phone running OwnTracks over MQTT takes them on its own cmd
// topic, in OwnTracks' words (protocol/owntracks.ts): `locate` as reportLocation; the rest it
// cannot take, so they stop waiting (undeliverable, with the reason) instead of queueing forever.
import type { Sql } from 'postgres';
import type { Logger } from 'pino';
import { Command } from '../../protocol/device-payloads.js';
import { parseJsonPayload } from '../../protocol/device-payloads.js';
import { ownTracksCommand } from '../../protocol/owntracks.js';
import type { CommandRoute } from '../../broker/mqtt-broker.js';
import { markCommandDelivered, markCommandUndeliverable, pendingCommands } from '../store/command-store.js';

export interface CommandSender {
  /** How the device takes commands now (null: not connected and subscribed). Without it: our protocol. */
  commandRoute?(deviceId: string): CommandRoute | null;
  sendCommand(deviceId: string, payload: string, route?: CommandRoute): Promise<boolean>;
}

/** Why a command stopped waiting: the device's app has no way to take it. */
export const OWNTRACKS_CANNOT_TAKE = 'owntracks_cannot_take';
/** Traccar Client (OsmAnd protocol) has no way back from the ARC at all. */
export const OSMAND_CANNOT_TAKE = 'osmand_cannot_take';

export interface CommandDispatcher {
  /** Publish this device's pending commands, if it can take them now. Never throws. */
  flush(deviceId: string): void;
  acknowledged(deviceId: string, payload: Buffer, via?: CommandRoute): void;
  deviceGone(deviceId: string): void;
  /** Resolves when every flush and acknowledgement under way has finished (for shutdown and tests). */
  idle(): Promise<void>;
}

export function createCommandDispatcher(
  sql: Sql,
  sender: CommandSender,
  logger: Logger,
  now: () => Date,
): CommandDispatcher {
  /** Commands published on the device's current connection and not yet acknowledged. */
  const inFlight = new Map<string, Set<string>>();
  /**
   * OwnTracks' cmd carries no id of ours: the ids of those published, in order. A client
   * acknowledges QoS 1 publishes in the order it received them ([MQTT-4.6.0-2]).
   */
  const ownTracksAwaiting = new Map<string, string[]>();
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
    const route = sender.commandRoute ? sender.commandRoute(deviceId) : 'v1';
    // Not connected, or not subscribed yet: the next connect or subscription flushes again.
    if (!route) return;
    const pending = await pendingCommands(sql, deviceId);
    // An id leaves the set only once PostgreSQL no longer lists it as pending (its delivery mark
    // committed). Dropping it at the PUBACK instead let a flush that read the rows just before the
    // mark committed send it a second time (seen with two nodes flushing on a notice).
    const stillPending = new Set(pending.map((command) => command.id));
    for (const id of sent) if (!stillPending.has(id)) sent.delete(id);
    for (const command of pending) {
      if (sent.has(command.id)) continue;
      if (route === 'owntracks') {
        const translated = ownTracksCommand(command);
        if (!translated) {
          if (await markCommandUndeliverable(sql, deviceId, command.id, OWNTRACKS_CANNOT_TAKE)) {
            logger.warn(
              { deviceId, commandId: command.id, type: command.type },
              'OwnTracks cannot take this command: it no longer waits',
            );
          }
          continue;
        }
        if (!(await sender.sendCommand(deviceId, JSON.stringify(translated), 'owntracks'))) return;
        const awaiting = ownTracksAwaiting.get(deviceId) ?? [];
        awaiting.push(command.id);
        ownTracksAwaiting.set(deviceId, awaiting);
      } else if (!(await sender.sendCommand(deviceId, JSON.stringify(command)))) {
        // The connection went meanwhile: the next connect or subscription flushes again.
        return;
      }
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
    acknowledged(deviceId, payload, via = 'v1') {
      if (via === 'owntracks') {
        const id = ownTracksAwaiting.get(deviceId)?.shift();
        if (id) track(markCommandDelivered(sql, deviceId, id, now()));
        return;
      }
      const json = parseJsonPayload(payload);
      const command = json.ok ? Command.safeParse(json.value) : null;
      if (!command?.success) return;
      track(markCommandDelivered(sql, deviceId, command.data.id, now()));
    },
    deviceGone(deviceId) {
      inFlight.delete(deviceId);
      ownTracksAwaiting.delete(deviceId);
    },
    async idle() {
      while (running.size) await Promise.all([...running]);
    },
  };
}
