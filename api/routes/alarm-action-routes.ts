// What an operator does with an alarm: accept, act (note, calls, police, ambulance, verify),
// resolve with a closure code, annotate; a supervisor reassigns. Each goes through the pure
// lifecycle rules (api/rules/alarm-lifecycle.ts) and is logged on the alarm and in the audit log.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TransactionSql } from 'postgres';
import { z } from 'zod';
import { ArcError } from '../errors.js';
import { CLOSURE_CODES, CLOSURE_CODE_NAMES, WEARER_MESSAGE_MAX, type AlarmAction } from '../rules/alarm-lifecycle.js';
import type { StaffRole } from '../domain/role.js';
import { performAlarmAction } from '../handling/alarm-actions.js';
import { findUserById } from '../store/user-store.js';
import { scopeAllows, scopeOfUser } from '../store/tenancy-store.js';
import { audit } from '../store/audit-log.js';
import { isGroupable } from '../rules/alarm-flood.js';
import { actorOf } from './request-user.js';
import type { AlarmView } from '../live/console-contract.js';
import { parseInput } from './parse-input.js';
import type { RouteDeps } from './route-deps.js';

const AlarmParams = z.object({ id: z.uuid() });
const Text = z.string().trim().min(1).max(5000);
const Outcome = z.enum(['answered', 'no_answer', 'voicemail', 'engaged']);
const Note = Text.optional();

export const OperatorAction = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('note'), text: Text }),
  z.object({ kind: z.literal('called_wearer'), outcome: Outcome, note: Note }),
  z.object({
    kind: z.literal('called_contact'),
    contactName: z.string().trim().min(1).max(200),
    contactId: z.uuid().optional(),
    outcome: Outcome,
    note: Note,
  }),
  // The URN is kept exactly as the police issued it: no case change, no reformatting.
  z.object({
    kind: z.literal('passed_to_police'),
    urn: z.string().trim().min(1).max(64).optional(),
    reference: z.string().max(200).optional(),
    note: Note,
  }),
  z.object({ kind: z.literal('passed_to_ambulance'), reference: z.string().max(200).optional(), note: Note }),
  z.object({
    kind: z.literal('contact_notified'),
    contactName: z.string().trim().min(1).max(200),
    how: z.string().trim().min(1).max(50),
    note: Note,
  }),
  z.object({ kind: z.literal('verified'), verdict: z.enum(['genuine', 'false']), note: Note }),
]);
/** override: the reason for closing a genuine alarm whose mandatory plan steps are not logged (audited). */
export const Resolve = z.object({
  closureCode: z.enum(CLOSURE_CODE_NAMES),
  note: Note,
  override: z.string().trim().min(1).max(1000).optional(),
});
export const Annotation = z.object({ text: Text });
export const Reassign = z.object({ userId: z.uuid() });
/** A flood acknowledged at once: one reason for all, each alarm still accepted, resolved and audited on its own. */
export const FloodAcknowledge = z.object({
  alarmIds: z.array(z.uuid()).min(1).max(500),
  closureCode: z
    .enum(CLOSURE_CODE_NAMES)
    .refine(
      (code) => !CLOSURE_CODES[code].genuine,
      'a flood is closed with a code that is not genuine: handle a genuine alarm on its own',
    ),
  reason: z.string().trim().min(3, 'say what the flood was').max(1000),
});
/** Spec command `message`: at most 160 characters, shown or spoken by the device. */
export const WearerMessage = z.object({ text: z.string().trim().min(1).max(WEARER_MESSAGE_MAX) });

export interface AlarmActionRouteDeps extends RouteDeps {
  alarmChanged(alarm: AlarmView): void;
  afterOutcome(tx: TransactionSql, alarmId: string, at: Date): Promise<void>;
  mandatoryStepsOpen(tx: TransactionSql, alarmId: string, at: Date): Promise<number[]>;
  commandsQueued(deviceId: string): void;
}

export function alarmActionRoutes(app: FastifyInstance, deps: AlarmActionRouteDeps): void {
  const staff = deps.allow('administrator', 'supervisor', 'operator');
  const managers = deps.allow('administrator', 'supervisor');
  const actionDeps = {
    sql: deps.sql,
    now: deps.now,
    published: deps.alarmChanged,
    afterOutcome: deps.afterOutcome,
    mandatoryStepsOpen: deps.mandatoryStepsOpen,
    commandsQueued: deps.commandsQueued,
  };

  const perform = async (request: FastifyRequest, action: AlarmAction) => {
    const { id } = parseInput(AlarmParams, request.params);
    const user = request.user!;
    return {
      alarm: await performAlarmAction(actionDeps, id, action, {
        id: user.id,
        name: user.name,
        email: user.email,
        role: user.role as StaffRole,
      }),
    };
  };

  app.get('/api/closure-codes', { preHandler: staff }, async () => ({
    closureCodes: Object.entries(CLOSURE_CODES).map(([code, c]) => ({
      code,
      label: c.label,
      genuine: c.genuine,
      noteRequired: c.genuine,
    })),
  }));

  app.post('/api/alarms/:id/accept', { preHandler: staff }, (request) => perform(request, { kind: 'accept' }));

  app.post('/api/alarms/:id/actions', { preHandler: staff }, (request) =>
    perform(request, parseInput(OperatorAction, request.body)),
  );

  app.post('/api/alarms/:id/resolve', { preHandler: staff }, (request) =>
    perform(request, { kind: 'resolve', ...parseInput(Resolve, request.body) }),
  );

  app.post('/api/alarms/:id/annotations', { preHandler: staff }, (request) =>
    perform(request, { kind: 'annotate', ...parseInput(Annotation, request.body) }),
  );

  // Tell the wearer: a short text sent to the alarm's device (refused for a silent duress alarm).
  app.post('/api/alarms/:id/messages', { preHandler: staff }, (request) =>
    perform(request, { kind: 'message_wearer', ...parseInput(WearerMessage, request.body) }),
  );

  app.post('/api/alarms/flood-acknowledge', { preHandler: managers }, async (request) => {
    const { alarmIds, closureCode, reason } = parseInput(FloodAcknowledge, request.body);
    const ids = [...new Set(alarmIds)];
    const found = await deps.sql<
      { id: string; type: string }[]
    >`select id, type from alarms where id in ${deps.sql(ids)}`;
    if (found.length !== ids.length) throw new ArcError('ARC_ERR_ALARM_NOT_FOUND');
    // SOS, duress, falls, zones…: a person may be in danger; never closed as part of a flood.
    const personal = found.filter((a) => !isGroupable(a.type));
    if (personal.length)
      throw new ArcError(
        'ARC_ERR_ALARM_NOT_GROUPABLE',
        `Not a flood cause: ${[...new Set(personal.map((a) => a.type))].join(', ')}; handle those alarms one by one`,
      );
    const user = request.user!;
    const acting = { id: user.id, name: user.name, email: user.email, role: user.role as StaffRole };
    const resolved: string[] = [];
    const skipped: { id: string; code: string }[] = [];
    for (const id of ids) {
      try {
        // Each alarm its own accept and resolve: its own history and audit entries.
        await performAlarmAction(actionDeps, id, { kind: 'accept' }, acting).catch((err: unknown) => {
          if (!(err instanceof ArcError && err.code === 'ARC_ERR_ALARM_ALREADY_ACCEPTED')) throw err;
        });
        await performAlarmAction(actionDeps, id, { kind: 'resolve', closureCode, note: `Flood: ${reason}` }, acting);
        resolved.push(id);
      } catch (err) {
        if (!(err instanceof ArcError)) throw err;
        skipped.push({ id, code: err.code });
      }
    }
    await audit(deps.sql, actorOf(request), 'alarm.flood_acknowledged', null, {
      reason,
      closureCode,
      resolved,
      skipped,
    });
    return { resolved, skipped };
  });

  app.post('/api/alarms/:id/reassign', { preHandler: managers }, async (request) => {
    const { userId } = parseInput(Reassign, request.body);
    const target = await findUserById(deps.sql, userId);
    const [account] = await deps.sql<{ disabled: boolean }[]>`select disabled from users where id = ${userId}`;
    if (!target || target.role === 'carer' || target.role === 'organisation_manager' || account?.disabled)
      throw new ArcError('ARC_ERR_REASSIGN_TARGET');
    // The colleague must be able to see the alarm they are given (docs/guides/organisations.md):
    // staff serving a set of organisations would otherwise own an alarm their queue never shows.
    const { id } = parseInput(AlarmParams, request.params);
    const [alarm] = await deps.sql<{ organisationId: string }[]>`select organisation_id from alarms where id = ${id}`;
    if (alarm && !scopeAllows(await scopeOfUser(deps.sql, target.id), alarm.organisationId))
      throw new ArcError('ARC_ERR_REASSIGN_OTHER_ORGANISATION');
    return perform(request, { kind: 'reassign', to: { id: target.id, name: target.name, role: target.role } });
  });
}
