// The open alarms of a console session, kept the traccar-web way (STYLE habit 4): the REST
// snapshot on every (re)connect, the Socket.IO pushes for changes between. The server stores no
// socket events, so nothing here trusts the socket alone. Pushes are parsed with the contract's
// schemas (STYLE habit 6): anything else is dropped rather than drawn half.
import {
  AlarmView,
  DeviceMoved,
  FOLLOW_BATCH_MAX,
  OPERATOR_NAMESPACE,
  alarmObjectsOf,
} from '../../../api/live/console-contract.js';
import { callApi } from '../shared/api-client.js';
import { openLiveSocket, type ConnectionState, type RefusalCode } from '../shared/live-socket.js';
import { applyAlarm, type AlarmQueue } from './alarm-queue.js';

const RETRY_MS = 3000;
/** Below this, a difference between our clock and the ARC's is the Date header's rounding. */
const CLOCK_SKEW_IGNORED_MS = 2000;

export interface QueueChange {
  /** Alarms new to the queue: flash them and sound the alert. */
  arrived: Set<string>;
  /** Alarms just escalated (not accepted in time): announced again. */
  escalated: Set<string>;
  /** Every alarm pushed, resolved ones included (the queue no longer holds those). */
  changed: AlarmView[];
  /** A whole snapshot was loaded: anything shown may be out of date. */
  resynced: boolean;
}

export interface AlarmFeedHandlers {
  onState(state: ConnectionState): void;
  onChange(change: QueueChange): void;
  onMoved(moved: DeviceMoved): void;
  onRefused(code: RefusalCode): void;
}

export interface AlarmFeed {
  readonly alarms: AlarmQueue;
  /** The ARC's time in ms: our clock, corrected by the snapshot's Date header when far off. */
  now(): number;
  /** Live positions of a device (device:follow), kept across reconnects. */
  follow(deviceId: string): void;
  unfollow(deviceId: string): void;
  /** Many devices at once (devices:follow, a message per FOLLOW_BATCH_MAX ids), kept across reconnects. */
  followMany(deviceIds: Iterable<string>): void;
  unfollowMany(deviceIds: Iterable<string>): void;
  /** An alarm as an action's answer returned it: shown at once, before its push arrives. */
  apply(alarm: AlarmView): void;
  stop(): void;
}

export function startAlarmFeed(handlers: AlarmFeedHandlers): AlarmFeed {
  const alarms: AlarmQueue = new Map();
  /** Pushes that arrive while a snapshot loads, replayed on top of it. */
  let pending: { alarm: AlarmView; escalated: boolean }[] | null = null;
  let generation = 0;
  let loadedOnce = false;
  let stopped = false;
  let clockOffsetMs = 0;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const live = openLiveSocket({
    namespace: OPERATOR_NAMESPACE,
    followEvents: {
      follow: 'device:follow',
      unfollow: 'device:unfollow',
      many: { follow: 'devices:follow', unfollow: 'devices:unfollow', batch: FOLLOW_BATCH_MAX },
    },
    onState: handlers.onState,
    onConnect: () => void resync(),
    onRefused: handlers.onRefused,
  });

  /** Loads the snapshot, then replays what was pushed meanwhile; retries until it succeeds. */
  async function resync(): Promise<void> {
    const mine = ++generation;
    clearTimeout(retry);
    pending = [];
    // The compact form: each field's name once, not once per alarm (issue 14: 2.5 MB at 4,000).
    const result = await callApi<unknown>('GET', '/api/alarms?form=rows');
    if (stopped || mine !== generation) return;
    if (!result.ok) {
      if (result.error.code === 'ARC_ERR_AUTH_REQUIRED' || result.error.code === 'ARC_ERR_FORBIDDEN')
        return handlers.onRefused(result.error.code);
      handlers.onState('offline');
      retry = setTimeout(() => mine === generation && !stopped && void resync(), RETRY_MS);
      return;
    }
    if (result.date !== null) {
      const offset = result.date - Date.now();
      clockOffsetMs = Math.abs(offset) > CLOCK_SKEW_IGNORED_MS ? offset : 0;
    }
    const before = new Set(alarms.keys());
    alarms.clear();
    for (const raw of alarmObjectsOf(result.body)) {
      const parsed = AlarmView.safeParse(raw);
      if (parsed.success) alarms.set(parsed.data.id, parsed.data);
    }
    const replayed = pending;
    pending = null;
    for (const { alarm } of replayed) applyAlarm(alarms, alarm);
    // The first snapshot is the queue as found, not news; later ones may bring missed alarms.
    const arrived = loadedOnce ? new Set([...alarms.keys()].filter((id) => !before.has(id))) : new Set<string>();
    const escalated = new Set(replayed.filter((p) => p.escalated).map((p) => p.alarm.id));
    loadedOnce = true;
    handlers.onChange({ arrived, escalated, changed: replayed.map((p) => p.alarm), resynced: true });
    if (live.connected) handlers.onState('connected');
  }

  function onPush(raw: unknown, escalated: boolean): void {
    const parsed = AlarmView.safeParse(raw);
    if (!parsed.success) return;
    const alarm = parsed.data;
    if (pending) {
      pending.push({ alarm, escalated });
      return;
    }
    const isNew = applyAlarm(alarms, alarm);
    handlers.onChange({
      arrived: new Set(isNew ? [alarm.id] : []),
      escalated: new Set(escalated && alarms.has(alarm.id) ? [alarm.id] : []),
      changed: [alarm],
      resynced: false,
    });
  }

  live.on('alarm:raised', (raw) => onPush(raw, false));
  live.on('alarm:updated', (raw) => onPush(raw, false));
  live.on('alarm:escalated', (raw) => onPush(raw, true));
  live.on('device:moved', (raw) => {
    const parsed = DeviceMoved.safeParse(raw);
    if (parsed.success) handlers.onMoved(parsed.data);
  });

  // The snapshot and the connection start together; every connect loads the snapshot again,
  // which covers whatever was raised between the two.
  void resync();

  return {
    alarms,
    now: () => Date.now() + clockOffsetMs,
    follow: (deviceId) => live.follow(deviceId),
    unfollow: (deviceId) => live.unfollow(deviceId),
    followMany: (deviceIds) => live.followMany(deviceIds),
    unfollowMany: (deviceIds) => live.unfollowMany(deviceIds),
    apply(alarm) {
      if (pending) pending.push({ alarm, escalated: false });
      else {
        applyAlarm(alarms, alarm);
        handlers.onChange({ arrived: new Set(), escalated: new Set(), changed: [alarm], resynced: false });
      }
    },
    stop() {
      stopped = true;
      clearTimeout(retry);
      live.stop();
    },
  };
}
