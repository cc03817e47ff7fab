// A carer page's live connection, as the page opens it: the carer feed's own path, namespace /carer.
import { io, type Socket } from 'socket.io-client';
import {
  CARER_NAMESPACE,
  CARER_SOCKET_PATH,
  type CarerClientEvents,
  type CarerServerEvents,
} from '../../api/live/carer-contract.js';

export type CarerSocket = Socket<CarerServerEvents, CarerClientEvents>;

export function carerSocket(httpUrl: string, token: string | null): CarerSocket {
  return io(httpUrl + CARER_NAMESPACE, {
    path: CARER_SOCKET_PATH,
    auth: token ? { token } : {},
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
}

/** Everything a carer socket is pushed, in order of arrival. */
export function recordPushes(
  socket: CarerSocket,
): { event: keyof CarerServerEvents; wearerId: string; payload: any }[] {
  const seen: { event: keyof CarerServerEvents; wearerId: string; payload: any }[] = [];
  socket.on('wearer:moved', (payload) => seen.push({ event: 'wearer:moved', wearerId: payload.wearerId, payload }));
  socket.on('wearer:alarm', (payload) => seen.push({ event: 'wearer:alarm', wearerId: payload.wearerId, payload }));
  return seen;
}
