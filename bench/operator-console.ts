// An operator's console as the bench sees it: logged in over HTTP as the administrator, Socket.IO
// on /operator, stamping every `alarm:raised` as it arrives. It reconnects by itself after an ARC
// restart (its session is in PostgreSQL) and, like the real console, reloads the REST snapshot.
import { io, type Socket } from 'socket.io-client';
import { OPERATOR_NAMESPACE, type AlarmView } from '../api/live/console-contract.js';
import { clockMs } from './sim-protocol.js';
import { BENCH_ADMIN } from './seeded-data-dir.js';

export interface RaisedSeen {
  alarmId: string;
  deviceId: string;
  type: string;
  at: number;
}

export class OperatorConsole {
  readonly raised: RaisedSeen[] = [];
  /** The first alarm:raised per device, for matching presses. */
  readonly firstRaisedByDevice = new Map<string, RaisedSeen>();
  readonly #waiters = new Map<string, (seen: RaisedSeen) => void>();
  /**
   * Alarms first seen in the snapshot reloaded after the ARC closed this console (as the real
   * console does when a cluster node died or Redis came back), not in an alarm:raised push.
   */
  readonly reloadedByDevice = new Map<string, RaisedSeen>();
  disconnects = 0;

  private constructor(
    readonly http: string,
    readonly token: string,
    readonly socket: Socket,
  ) {
    socket.on('alarm:raised', (alarm: AlarmView) => {
      const seen = { alarmId: alarm.id, deviceId: alarm.deviceId, type: alarm.type, at: clockMs() };
      this.raised.push(seen);
      if (!this.firstRaisedByDevice.has(alarm.deviceId)) this.firstRaisedByDevice.set(alarm.deviceId, seen);
      const waiter = this.#waiters.get(alarm.deviceId);
      if (waiter) {
        this.#waiters.delete(alarm.deviceId);
        waiter(seen);
      }
    });
    socket.on('disconnect', (reason) => {
      this.disconnects++;
      // Closed by the ARC to make it reload: reconnect (Socket.IO does not by itself then).
      if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 100);
    });
    socket.on('connect', () => {
      if (this.disconnects === 0) return;
      void this.openAlarms().then(
        (alarms) => {
          for (const alarm of alarms) {
            if (this.firstRaisedByDevice.has(alarm.deviceId) || this.reloadedByDevice.has(alarm.deviceId)) continue;
            this.reloadedByDevice.set(alarm.deviceId, {
              alarmId: alarm.id,
              deviceId: alarm.deviceId,
              type: alarm.type,
              at: clockMs(),
            });
          }
        },
        () => {},
      );
    });
  }

  static async open(http: string): Promise<OperatorConsole> {
    const token = await logIn(http);
    const socket = io(http + OPERATOR_NAMESPACE, {
      auth: { token },
      transports: ['websocket'],
      reconnection: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: 2000,
      forceNew: true,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (err) => reject(err));
    });
    return new OperatorConsole(http, token, socket);
  }

  /** Resolves with the next alarm:raised of the device (or the one already seen), or null. */
  raisedFor(deviceId: string, timeoutMs: number): Promise<RaisedSeen | null> {
    const seen = this.firstRaisedByDevice.get(deviceId);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(deviceId);
        resolve(null);
      }, timeoutMs);
      this.#waiters.set(deviceId, (s) => {
        clearTimeout(timer);
        resolve(s);
      });
    });
  }

  /** The open alarms snapshot (GET /api/alarms), as a console loads it after a reconnect. */
  async openAlarms(): Promise<AlarmView[]> {
    const response = await fetch(`${this.http}/api/alarms`, {
      headers: { authorization: `Bearer ${this.token}` },
      signal: AbortSignal.timeout(30_000),
    });
    if (!response.ok) throw new Error(`GET /api/alarms: HTTP ${response.status}`);
    return ((await response.json()) as { alarms: AlarmView[] }).alarms;
  }

  connected(): boolean {
    return this.socket.connected;
  }

  close(): void {
    this.socket.close();
  }
}

export async function logIn(http: string): Promise<string> {
  const response = await fetch(`${http}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(BENCH_ADMIN),
    signal: AbortSignal.timeout(30_000),
  });
  if (!response.ok) throw new Error(`login as ${BENCH_ADMIN.email}: HTTP ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}
