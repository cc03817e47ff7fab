// Cluster mode: "which of these devices are connected to you?", asked of every other node (the
// device list shows a device online whichever node holds its connection), and answered here.
import type { Logger } from 'pino';
import type { ServerSideBus } from '../live/operator-feed.js';
import type { RedisLink } from './redis-link.js';

const CONNECTED_OF = 'arc:connected-of';

/** The devices among `ids` that another node holds; this node alone when Redis is down or a node is slow. */
export async function connectedElsewhere(
  cluster: RedisLink,
  bus: ServerSideBus,
  ids: string[],
  logger: Logger,
): Promise<Set<string>> {
  // The adapter (8.3) never answers a request it could not send (Redis down: the node count
  // fails inside it), so a request is made only with Redis up, and never waited on for long.
  const thisNodeOnly = (why: string) => {
    logger.warn({ why }, 'the other nodes did not say which devices they hold: this node only');
    return [];
  };
  const answers = cluster.ready()
    ? await Promise.race([
        bus.request(CONNECTED_OF, ids).catch((err: Error) => thisNodeOnly(err.message)),
        new Promise<never[]>((resolve) => setTimeout(() => resolve(thisNodeOnly('no answer in 1.5 s')), 1500).unref()),
      ])
    : thisNodeOnly('redis unreachable');
  return new Set((answers as string[][]).flat());
}

/** Answers the other nodes' question with the devices connected to this one. */
export function answerConnectedOf(bus: ServerSideBus, isConnected: (deviceId: string) => boolean): void {
  bus.on(CONNECTED_OF, (ids, answer) =>
    (answer as (held: string[]) => void)(
      Array.isArray(ids) ? ids.filter((id) => typeof id === 'string' && isConnected(id)) : [],
    ),
  );
}
