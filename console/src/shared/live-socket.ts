// A page's Socket.IO connection, kept the traccar-web way (STYLE habit 4): the server stores no
// events, so on every (re)connect the page reloads its REST snapshot (onConnect), and the socket
// only carries changes between. It also says, at all times, what state the connection is in,
// retries where Socket.IO would give up, and repeats follow requests on every new connection
// (rooms belong to a connection: a reconnect starts with none).
import { io, type Socket } from 'socket.io-client';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'offline';

export const CONNECTION_TEXT: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting… the list may be out of date',
  offline: 'Offline: the ARC cannot be reached. Retrying… the list may be out of date',
};

/** Codes the server refuses a connection with that retrying cannot cure. */
export type RefusalCode = 'ARC_ERR_AUTH_REQUIRED' | 'ARC_ERR_FORBIDDEN';

export interface LiveSocketOptions {
  namespace: string;
  /**
   * Events that ask the server to join and leave a room, e.g. device:follow / device:unfollow;
   * `many`: the same for a list of keys in one message, at most `batch` keys each (devices:follow).
   */
  followEvents?: { follow: string; unfollow: string; many?: { follow: string; unfollow: string; batch: number } };
  onState(state: ConnectionState): void;
  /** Every connect and reconnect: load the snapshot here. */
  onConnect(): void;
  onRefused(code: RefusalCode): void;
  retryMs?: number;
}

export interface LiveSocket {
  /** Listen to a server event; the payload is unknown until the caller parses it. */
  on(event: string, listener: (payload: unknown) => void): void;
  follow(key: string): void;
  unfollow(key: string): void;
  /** Many keys at once: in as few messages as the server takes (one per key without `many`). */
  followMany(keys: Iterable<string>): void;
  unfollowMany(keys: Iterable<string>): void;
  readonly connected: boolean;
  stop(): void;
}

export function openLiveSocket(options: LiveSocketOptions): LiveSocket {
  const retryMs = options.retryMs ?? 3000;
  const socket: Socket = io(options.namespace, { autoConnect: false });
  const following = new Set<string>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let stopped = false;
  const later = (fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!stopped) fn();
    }, retryMs);
    timers.add(timer);
  };

  socket.on('connect', () => {
    options.onState('connecting');
    send('follow', [...following]);
    options.onConnect();
  });
  socket.on('disconnect', (reason) => {
    if (stopped) return;
    options.onState('reconnecting');
    // The client only retries by itself after a lost connection, not after the server let go.
    if (reason === 'io server disconnect') later(() => socket.connect());
  });
  socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
    const code = err.data?.code;
    if (code === 'ARC_ERR_AUTH_REQUIRED' || code === 'ARC_ERR_FORBIDDEN') return options.onRefused(code);
    options.onState('offline');
    // Refused by the namespace for another reason (ARC_ERR_NOT_READY): the client will not retry.
    if (!socket.active) later(() => socket.connect());
  });
  /** Asks the server to join or leave these keys' rooms, in batches where it takes them. */
  function send(what: 'follow' | 'unfollow', keys: string[]): void {
    const events = options.followEvents;
    if (!events || !socket.connected || keys.length === 0) return;
    if (!events.many || keys.length === 1) {
      for (const key of keys) socket.emit(events[what], key);
      return;
    }
    for (let i = 0; i < keys.length; i += events.many.batch)
      socket.emit(events.many[what], keys.slice(i, i + events.many.batch));
  }
  const onOffline = () => options.onState('offline');
  const onOnline = () => socket.connected || socket.connect();
  window.addEventListener('offline', onOffline);
  window.addEventListener('online', onOnline);

  options.onState('connecting');
  socket.connect();

  return {
    on: (event, listener) => void socket.on(event, listener),
    follow(key) {
      if (following.has(key)) return;
      following.add(key);
      if (socket.connected && options.followEvents) socket.emit(options.followEvents.follow, key);
    },
    unfollow(key) {
      if (!following.delete(key)) return;
      if (socket.connected && options.followEvents) socket.emit(options.followEvents.unfollow, key);
    },
    followMany(keys) {
      const added = [...keys].filter((key) => !following.has(key));
      for (const key of added) following.add(key);
      send('follow', added);
    },
    unfollowMany(keys) {
      send(
        'unfollow',
        [...keys].filter((key) => following.delete(key)),
      );
    },
    get connected() {
      return socket.connected;
    },
    stop() {
      stopped = true;
      socket.removeAllListeners();
      socket.disconnect();
      for (const timer of timers) clearTimeout(timer);
      window.removeEventListener('offline', onOffline);
      window.removeEventListener('online', onOnline);
    },
  };
}
