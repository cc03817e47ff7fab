// Prepares the alarm path's statements on every pool connection before the ARC says it is ready.
//
// postgres.js prepares each statement on a connection the first time that connection runs it:
// one more round trip (Parse/Describe) per statement, and an SOS runs about twenty. The first
// alarm on each connection paid 60–140 ms for it under load (docs/guides/scale.md), and with ten
// connections in the pool that was the first ten or so alarms after every start: the very moment
// a restarted ARC's fleet reconnects and presses again.
//
// The statements are not listed here (a copy would drift from the stores): each connection
// rehearses the alarm path itself, through the same store functions the intake calls, in one
// transaction that is rolled back. A rehearsal wearer and device are created in it, then an SOS
// with a position is stored (raising an alarm, its response plan and carers' messages), a
// second SOS without one (joining the open alarm), the first again (a duplicate), the device's
// credentials read of a CONNECT, and what runs after the commit (the console's alarm view, the device's pending commands and their delivery
// mark). Nothing of it is committed; the prepared statements outlive the rollback (they belong to
// the connection, not the transaction).
//
// postgres.js has no hook for a new connection (porsager/postgres#240: it connects lazily), so a
// connection the pool opens later (after a database outage) prepares on its first use as before;
// connectDatabase() keeps connections for the life of the process (no max_lifetime) so that this
// is the exception, not every 30–60 minutes.
import { randomUUID } from 'node:crypto';
import type { Sql, TransactionSql } from 'postgres';
import type { Logger } from 'pino';
import { parseDeviceEvent, type DeviceEvent } from '../../protocol/device-event.js';
import type { AcceptDeadline } from '../config.js';
import { decideEvent } from '../rules/event-rules.js';
import { getAlarmView } from '../store/alarm-views.js';
import { markCommandDelivered, pendingCommands } from '../store/command-store.js';
import { getDeviceCredentials, getEventContext, insertDevice } from '../store/device-store.js';
import { takeDeviceEventIn } from '../handling/raise-alarm.js';
import { insertWearer } from '../store/wearer-store.js';

export interface AlarmPathWarmUpDeps {
  sql: Sql;
  now: () => Date;
  acceptDeadlines: Record<number, AcceptDeadline>;
  onRaised(tx: TransactionSql, alarmId: string): Promise<void>;
  logger: Logger;
}

export interface WarmUpResult {
  /** Pool connections rehearsed. */
  connections: number;
  /** The fewest statements prepared on one of them afterwards. */
  statements: number;
  ms: number;
}

/**
 * Opens every connection of the pool (all reserved at once, so each is a different one) and
 * rehearses the alarm path on each. Never throws: a failed warm-up leaves a slower first alarm,
 * not an ARC that will not start.
 */
export async function warmAlarmPath(deps: AlarmPathWarmUpDeps): Promise<WarmUpResult | null> {
  const started = performance.now();
  const size = Math.max(1, Number(deps.sql.options.max) || 1);
  const reserved = await Promise.allSettled(Array.from({ length: size }, () => deps.sql.reserve()));
  try {
    const counts = await Promise.all(
      reserved.map(async (r) => {
        if (r.status === 'rejected') throw r.reason;
        const conn = r.value;
        // A reserved connection has no begin(): the transaction is opened and rolled back by
        // hand; the stores only need what a transaction and a reserved connection share.
        await conn.unsafe('begin');
        try {
          await rehearse(conn as unknown as TransactionSql, deps);
        } finally {
          await conn.unsafe('rollback');
        }
        const [row] = await conn<{ n: number }[]>`select count(*)::int as n from pg_prepared_statements`;
        return row.n;
      }),
    );
    const result = {
      connections: counts.length,
      statements: Math.min(...counts),
      ms: Math.round(performance.now() - started),
    };
    deps.logger.info(result, 'alarm path statements prepared on every database connection');
    return result;
  } catch (err) {
    deps.logger.warn(
      { err },
      'could not prepare the alarm path on every database connection: the first alarms will prepare them',
    );
    return null;
  } finally {
    for (const r of reserved) if (r.status === 'fulfilled') r.value.release();
  }
}

async function rehearse(tx: TransactionSql, deps: AlarmPathWarmUpDeps): Promise<void> {
  const at = deps.now();
  const wearer = await insertWearer(tx, { name: 'statement warm-up (rolled back)' });
  const deviceId = `warm-up-${randomUUID()}`;
  await insertDevice(tx, {
    id: deviceId,
    label: 'statement warm-up',
    wearerId: wearer.id,
    heartbeatS: 60,
    secretHash: 'none',
  });
  // A restarted ARC's fleet connects first: the CONNECT's credentials read.
  await getDeviceCredentials(tx, deviceId);

  const sos = (fields: Record<string, unknown>): DeviceEvent => {
    const parsed = parseDeviceEvent({ type: 'sos', ts: at.getTime(), ...fields }, deviceId, at.getTime());
    if (!parsed.ok) throw new Error(`the warm-up's SOS does not parse: ${parsed.reason}`);
    return parsed.event;
  };
  const store = async (event: DeviceEvent) => {
    // As the intake does: the context read outside the store's transaction, the rule inside it.
    const context = await getEventContext(tx, deviceId);
    return takeDeviceEventIn(
      tx,
      { deadlines: deps.acceptDeadlines, onRaised: deps.onRaised },
      {
        deviceId,
        wearerId: context.wearerId,
        event,
        warnings: [],
        receivedAt: at,
        decide: (known) => decideEvent(event, 'not_required', known, at),
      },
    );
  };

  const first = sos({ id: `warm-up-${randomUUID()}`, lat: 51.5, lon: -0.12, acc: 10, batt: 80 });
  const raised = await store(first);
  await store(sos({ id: `warm-up-${randomUUID()}` }));
  await store(first);
  // After the commit: the consoles' push, the reply's flush and its delivery mark.
  const alarmId = !raised.duplicate ? raised.raised : null;
  if (alarmId) await getAlarmView(tx, alarmId);
  const pending = await pendingCommands(tx, deviceId);
  if (pending[0]) await markCommandDelivered(tx, deviceId, pending[0].id, at);
}
