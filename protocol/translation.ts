// What a parser of another app's protocol (owntracks.ts, osmand.ts) hands the intake: the same
// message in protocol v1 terms, one or more of our location / events / status payloads, or the
// reason it could not be read. The intake then validates, decides and stores these exactly as it
// does a v1 message (one intake, STYLE "one path for each job").
import type { DeviceChannel } from './device-topics.js';

export type UplinkChannel = Exclude<DeviceChannel, 'commands'>;

/** One protocol v1 payload (a fix, an event or a status) the foreign message amounts to. */
export interface TranslatedMessage {
  channel: UplinkChannel;
  /** A payload of ours; a location may be a list of fixes (spec, "Location fix"). */
  value: Record<string, unknown> | Record<string, unknown>[];
}

export type Translation =
  /** `messages` may be empty: a message the ARC has no use for (accepted, nothing stored). */
  { ok: true; messages: TranslatedMessage[]; ignored?: string } | { ok: false; reason: string };

export const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
