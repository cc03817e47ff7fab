// The REST snapshot of alarms: a console that connects late or reconnects loads this, then
// applies what the Socket.IO feed pushes (STYLE habit 4).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ArcError } from '../errors.js';
import { getAlarmView, listOpenAlarms } from '../store/alarm-views.js';
import { alarmRowsOf } from '../live/console-contract.js';
import { getAlarmDetail } from '../store/alarm-detail-store.js';
import { planForConsole } from '../handling/response-plan-runner.js';
import { notificationsForAlarm } from '../notify/outbox.js';
import { audit } from '../store/audit-log.js';
import { parseInput } from './parse-input.js';
import { sendCompactJson } from './compact-json.js';
import { actorOf, scopeOf } from './request-user.js';
import type { RouteDeps } from './route-deps.js';

export const AlarmParams = z.object({ id: z.uuid() });
/** `rows`: the console's compact snapshot (AlarmRows); default a list of AlarmView objects. */
export const AlarmListQuery = z.object({ form: z.enum(['objects', 'rows']).default('objects') });

export function alarmRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const staff = deps.allow('administrator', 'supervisor', 'operator');
  // Organisation managers read their own alarms; acting on one is the ARC's.
  const readers = deps.allow('administrator', 'supervisor', 'operator', 'organisation_manager');

  app.get('/api/alarms', { preHandler: readers }, async (request, reply) => {
    const { form } = parseInput(AlarmListQuery, request.query);
    const alarms = await listOpenAlarms(deps.sql, scopeOf(request));
    if (form === 'objects') return { alarms };
    // The console's snapshot in a flood: compact, and gzipped when large.
    return sendCompactJson(request, reply, alarmRowsOf(alarms));
  });

  app.get('/api/alarms/:id', { preHandler: readers }, async (request) => {
    const alarm = await getAlarmView(deps.sql, parseInput(AlarmParams, request.params).id);
    if (!alarm) throw new ArcError('ARC_ERR_ALARM_NOT_FOUND');
    const [detail, plan, notifications] = await Promise.all([
      getAlarmDetail(deps.sql, alarm.id, alarm.wearerId, alarm.deviceId, new Date(alarm.receivedAt)),
      planForConsole(deps.sql, alarm.id, deps.now(), { webhookUrl: deps.config.ARC_WEBHOOK_URL ?? null }),
      notificationsForAlarm(deps.sql, alarm.id),
    ]);
    // Staff reads of an alarm's detail (the trail, medical notes) are audited: one row per look.
    await audit(deps.sql, actorOf(request), 'alarm.viewed', alarm.id, {
      wearerId: alarm.wearerId,
      deviceId: alarm.deviceId,
    });
    return { alarm, ...detail, plan, notifications };
  });

  // Access information (key safe code, door entry, pets, hazards) is restricted: shown only on an
  // open alarm of that wearer, and every showing is audited (who, which alarm, when). A POST: it
  // is an action, not a read a browser may repeat or cache.
  app.post('/api/alarms/:id/access-info', { preHandler: staff }, async (request) => {
    const alarm = await getAlarmView(deps.sql, parseInput(AlarmParams, request.params).id);
    if (!alarm) throw new ArcError('ARC_ERR_ALARM_NOT_FOUND');
    if (alarm.status === 'resolved')
      throw new ArcError('ARC_ERR_ALARM_RESOLVED', 'Access information is shown only on an open alarm');
    if (!alarm.wearerId) throw new ArcError('ARC_ERR_WEARER_NOT_FOUND', 'This alarm has no wearer');
    const [wearer] = await deps.sql<
      { accessInfo: string }[]
    >`select access_info from wearers where id = ${alarm.wearerId}`;
    await audit(deps.sql, actorOf(request), 'wearer.access_info_shown', alarm.wearerId, { alarmId: alarm.id });
    return { accessInfo: wearer?.accessInfo || null };
  });
}
