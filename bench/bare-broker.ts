// The yardstick for the ingest ceiling: Aedes as the ARC configures it (TCP_NODELAY, QoS 1), but
// no authentication, no ACL and a subscriber, in the same process, that counts each message and
// stores nothing. Whatever the ARC does beyond this is the cost of storing.
import { createServer } from 'node:net';
import { Aedes } from 'aedes';
import { TOPIC_ROOT } from '../protocol/device-topics.js';

const aedes = await Aedes.createBroker({ maxClientsIdLength: 64, heartbeatInterval: 60_000 });
let received = 0;
// QoS 1 like a device's publish; the callback is the subscriber's acknowledgement.
await new Promise<void>((resolve) =>
  aedes.subscribe(
    `${TOPIC_ROOT}/+/location`,
    (_packet, callback) => {
      received++;
      callback();
    },
    resolve,
  ),
);

const server = createServer((socket) => {
  socket.setNoDelay(true);
  aedes.handle(socket);
});
// The same accept queue as the ARC's (api/arc-app.ts): the connect storms must compare like with like.
server.listen({ port: 0, host: '127.0.0.1', backlog: 8192 }, () =>
  process.send!({ ready: (server.address() as { port: number }).port }),
);

process.on('message', () => process.send!({ received }));
process.on('SIGTERM', () => {
  server.close();
  aedes.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
});
process.on('disconnect', () => process.exit(0));
