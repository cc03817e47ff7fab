// What an operator does with an alarm: accept, act (note, calls, police, ambulance, verify),
// resolve with a closure code, annotate; a supervisor reassigns. Each goes through the pure
// lifecycle rules (api/rules/alarm-lifecycle.ts) and is logged on the alarm and in the audit log.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TransactionSql } from 'postgres';
import { z } from 'zod';
import { ArcError } from '../errors.js';
import { CLOSURE_CODES, CLOSURE_CODE_NAMES, type AlarmAction, type StaffRole } from '../rules/alarm-lifecycle.js';
import { performAlarmAction } from '../handling/alarm-actions.js';
import { findUserById } from '../store/user-store.js';
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
  z.object({ kind: z.literal('called_contact'), contactName: z.string().trim().min(1).max(200), contactId: z.uuid().optional(), outcome: Outcome, note: Note }),
  // The URN is kept exactly as the police issued it: no case change, no reformatting.
  z.object({ kind: z.literal('passed_to_police'), urn: z.string().trim().min(1).max(64).optional(), reference: z.string().max(200).optional(), note: Note }),
  z.object({ kind: z.literal('passed_to_ambulance'), reference: z.string().max(200).optional(), note: Note }),
  z.object({ kind: z.literal('contact_notified'), contactName: z.string().trim().min(1).max(200), how: z.string().trim().min(1).max(50), note: Note }),
  z.object({ kind: z.literal('verified'), verdict: z.enum(['genuine', 'false']), note: Note }),
]);
export const Resolve = z.object({ closureCode: z.enum(CLOSURE_CODE_NAMES), note: Note });
export const Annotation = z.object({ text: Text });
export const Reassign = z.object({ userId: z.uuid() });

export interface AlarmActionRouteDeps extends RouteDeps {
  alarmChanged(alarm: AlarmView): void;
  afterOutcome(tx: TransactionSql, alarmId: string, at: Date): Promise<void>;
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
    commandsQueued: deps.commandsQueued,
  };

  const perform = async (request: FastifyRequest, action: AlarmAction) => {
    const { id } = parseInput(AlarmParams, request.params);
    const user = request.user!;
    return {
      alarm: await performAlarmAction(actionDeps, id, action, { id: user.id, name: user.name, email: user.email, role: user.role as StaffRole }),
    };
  };

  app.get('/api/closure-codes', { preHandler: staff }, async () => ({
    closureCodes: Object.entries(CLOSURE_CODES).map(([code, c]) => ({ code, label: c.label, genuine: c.genuine, noteRequired: c.genuine })),
  }));

  app.post('/api/alarms/:id/accept', { preHandler: staff }, (request) => perform(request, { kind: 'accept' }));

  app.post('/api/alarms/:id/actions', { preHandler: staff }, (request) => perform(request, parseInput(OperatorAction, request.body)));

  app.post('/api/alarms/:id/resolve', { preHandler: staff }, (request) =>
    perform(request, { kind: 'resolve', ...parseInput(Resolve, request.body) }),
  );

  app.post('/api/alarms/:id/annotations', { preHandler: staff }, (request) =>
    perform(request, { kind: 'annotate', ...parseInput(Annotation, request.body) }),
  );

  app.post('/api/alarms/:id/reassign', { preHandler: managers }, async (request) => {
    const { userId } = parseInput(Reassign, request.body);
    const target = await findUserById(deps.sql, userId);
    const [account] = await deps.sql<{ disabled: boolean }[]>`select disabled from users where id = ${userId}`;
    if (!target || target.role === 'carer' || account?.disabled) throw new ArcError('ARC_ERR_REASSIGN_TARGET');
    return perform(request, { kind: 'reassign', to: { id: target.id, name: target.name, role: target.role } });
  });
}
