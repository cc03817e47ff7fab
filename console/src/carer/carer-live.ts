// The carer page's live connection: the carer feed's own Socket.IO path, namespace /carer. The
// server decides which people this socket hears about; the page asks for nothing. The server
// stores no events, so every (re)connect reloads the REST snapshot (onConnect) and the socket
// carries only the changes between (STYLE habit 4).
import { io, type Socket } from 'socket.io-client';
import {
  CARER_NAMESPACE,
  CARER_SOCKET_PATH,
  WearerAlarm,
  WearerMoved,
  type CarerClientEvents,
  type CarerServerEvents,
} from '../../../api/live/carer-contract.js';

export type LiveState = 'connecting' | 'connected' | 'reconnecting' | 'offline';

export const LIVE_TEXT: Record<LiveState, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting… what you see may be out of date',
  offline: 'Offline: retrying… what you see may be out of date',
};

export interface CarerLiveOptions {
  onState(state: LiveState): void;
  /** Every connect and reconnect: load the snapshot; "Connected" shows once it resolves. */
  onConnect(): Promise<void>;
  onMoved(moved: WearerMoved): void;
  onAlarm(alarm: WearerAlarm): void;
  onRefused(code: 'ARC_ERR_AUTH_REQUIRED' | 'ARC_ERR_FORBIDDEN'): void;
}

const RETRY_MS = 3000;

export function openCarerLive(options: CarerLiveOptions): { stop(): void } {
  const socket: Socket<CarerServerEvents, CarerClientEvents> = io(CARER_NAMESPACE, {
    path: CARER_SOCKET_PATH,
    autoConnect: false,
  });
  let stopped = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const later = () => {
    clearTimeout(retry);
    retry = setTimeout(() => !stopped && socket.connect(), RETRY_MS);
  };

  socket.on('connect', () => {
    options.onState('connecting');
    // "Connected" only once the snapshot is in: from then on, pushes are applied to it.
    options.onConnect().then(
      () => !stopped && socket.connected && options.onState('connected'),
      () => !stopped && options.onState('offline'),
    );
  });
  socket.on('disconnect', (reason) => {
    if (stopped) return;
    options.onState('reconnecting');
    if (reason === 'io server disconnect') later();
  });
  socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
    const code = err.data?.code;
    if (code === 'ARC_ERR_AUTH_REQUIRED' || code === 'ARC_ERR_FORBIDDEN') return options.onRefused(code);
    options.onState('offline');
    if (!socket.active) later();
  });
  // Parsed at the edge like any other input (STYLE habit 6); a push that does not parse is dropped.
  socket.on('wearer:moved', (payload) => {
    const moved = WearerMoved.safeParse(payload);
    if (moved.success) options.onMoved(moved.data);
  });
  socket.on('wearer:alarm', (payload) => {
    const alarm = WearerAlarm.safeParse(payload);
    if (alarm.success) options.onAlarm(alarm.data);
  });

  options.onState('connecting');
  socket.connect();
  return {
    stop() {
      stopped = true;
      clearTimeout(retry);
      socket.removeAllListeners();
      socket.disconnect();
    },
  };
}
