// Cluster mode: every node's consoles and carers' pages hear every change, whichever node made it.
// Each change is handed to this node's feeds and sent once to the other nodes (Socket.IO's
// serverSideEmit through the Redis adapter), whose feeds tell their own sockets. One message per
// change, in the order the node made them; the per-node decisions (who follows a device, which
// carers are linked) stay where the sockets are. Without a cluster this wrapper is not used.
import type { Logger } from 'pino';
import type { AlarmView, DeviceMoved } from './console-contract.js';
import type { OperatorFeed, ServerSideBus } from './operator-feed.js';

const EVENT = 'arc:feed';
type FeedChange =
  | ['deviceMoved', DeviceMoved]
  | ['alarmRaised', AlarmView]
  | ['alarmUpdated', AlarmView]
  | ['alarmEscalated', AlarmView]
  /** A session ended on that node (a log-out): check the sessions of the feeds here too. */
  | ['sessionEnded', null];

export function acrossNodes(
  feed: OperatorFeed,
  bus: ServerSideBus,
  sessionEnded: () => void,
  logger: Logger,
): OperatorFeed & { sessionEnded(): void } {
  bus.on(EVENT, (...args) => {
    const [change, value] = args as FeedChange;
    try {
      if (change === 'sessionEnded') sessionEnded();
      else if (
        change === 'deviceMoved' ||
        change === 'alarmRaised' ||
        change === 'alarmUpdated' ||
        change === 'alarmEscalated'
      ) {
        (feed[change] as (value: unknown) => void)(value);
      } else logger.warn({ change }, 'unknown feed change from another node ignored');
    } catch (err) {
      logger.error({ err, change }, 'could not pass on a feed change from another node');
    }
  });
  const send = (...change: FeedChange) => bus.emit(EVENT, ...change);
  return {
    ...feed,
    deviceMoved(moved) {
      feed.deviceMoved(moved);
      send('deviceMoved', moved);
    },
    alarmRaised(alarm) {
      feed.alarmRaised(alarm);
      send('alarmRaised', alarm);
    },
    alarmUpdated(alarm) {
      feed.alarmUpdated(alarm);
      send('alarmUpdated', alarm);
    },
    alarmEscalated(alarm) {
      feed.alarmEscalated(alarm);
      send('alarmEscalated', alarm);
    },
    sessionEnded() {
      sessionEnded();
      send('sessionEnded', null);
    },
  };
}
