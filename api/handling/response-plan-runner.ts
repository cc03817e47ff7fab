// Runs an alarm's response plan (api/rules/response-plan.ts decides): the plan is copied onto
// the alarm when it is raised, so a later change to the wearer's plan does not move an alarm
// under an operator's feet; automatic steps write their message to the outbox in the same
// transaction; operator steps wait for the operator's outcome.
import type { TransactionSql } from 'postgres';
import { enqueueNotification } from '../notify/outbox.js';
import {
  ResponsePlan,
  nextStep,
  planProgress,
  reachStep,
  startStep,
  stepDecision,
  stepGuidance,
  type PlanContext,
  type PlanProgress,
  type StepEntry,
  type StepGuidance,
  type StepMessage,
  type StepRecord,
} from '../rules/response-plan.js';
import {
  clearPlanStepDue,
  copyPlanOntoAlarm,
  enterPlanStep,
  markPlanComplete,
  markPlanStepDone,
  markPlanStepOverdue,
  recordAlarmAction,
} from '../store/alarm-store.js';
import { getResponseContext } from '../store/response-plan-store.js';
import type { Sql } from 'postgres';
import { ARC_ACTOR } from '../domain/actor.js';

export interface PlanOptions {
  webhookUrl: string | null;
}

interface AlarmForPlanRow {
  id: string;
  type: string;
  discreet: boolean;
  isTest: boolean;
  wearerId: string | null;
  deviceId: string;
  plan: unknown;
  planStep: number;
  stepDueAt: Date | null;
  status: string;
  /** The operator logged the outcome of the plan's last step. */
  planComplete: boolean;
}

async function contextFor(
  sql: Sql | TransactionSql,
  alarm: AlarmForPlanRow,
  now: Date,
  options: PlanOptions,
): Promise<PlanContext | null> {
  if (!alarm.wearerId) return null;
  const context = await getResponseContext(sql, alarm.wearerId);
  if (!context) return null;
  const copied = alarm.plan === null ? null : ResponsePlan.safeParse(alarm.plan);
  const [device] = await sql<
    { simNumber: string | null }[]
  >`select sim_number from devices where id = ${alarm.deviceId}`;
  return {
    plan: copied?.success ? copied.data : context.plan,
    alarm: { type: alarm.type, discreet: alarm.discreet, isTest: alarm.isTest },
    wearer: { ...context.wearer, devicePhone: device?.simNumber ?? null },
    contacts: context.contacts,
    now,
    // The wearer's organisation's own webhook when it set one, else the ARC's.
    webhookUrl: context.organisationWebhookUrl ?? options.webhookUrl,
  };
}

async function loadAlarm(tx: Sql | TransactionSql, alarmId: string): Promise<AlarmForPlanRow | null> {
  const [row] = await tx<AlarmForPlanRow[]>`
    select id, type, discreet, is_test, wearer_id, device_id, plan, plan_step, step_due_at, status,
           coalesce((flags->>'planComplete')::boolean, false) as plan_complete
    from alarms where id = ${alarmId}`;
  return row ?? null;
}

/** Enter a step: remember where the plan is, and run it if the system does it itself. */
async function enterStep(tx: TransactionSql, alarmId: string, entry: StepEntry, now: Date): Promise<void> {
  const alarm = await enterPlanStep(tx, alarmId, entry.index, entry.dueAt);
  // A silent duress alarm sends nobody a message on its own: whoever receives it may be the
  // danger (duress-PIN rule). The operator decides who is told.
  if (entry.runAutomatic && alarm?.silent) {
    await recordAlarmAction(
      tx,
      alarmId,
      ARC_ACTOR,
      'step.skipped',
      { step: entry.index, reason: 'duress alarm: no automatic messages' },
      now,
    );
    return;
  }
  if (entry.runAutomatic) {
    const a = entry.runAutomatic;
    await enqueueNotification(tx, {
      alarmId,
      channel: a.channel,
      recipient: a.recipient,
      audience: a.audience,
      subject: 'Alarm centre: please respond',
      body: `The alarm centre is dealing with an alarm and is contacting you as ${a.contactName}, step ${a.stepIndex + 1} of the response plan.`,
      payload: { step: a.stepIndex },
      now,
    });
    await recordAlarmAction(
      tx,
      alarmId,
      ARC_ACTOR,
      'step.automatic',
      { step: a.stepIndex, channel: a.channel, contactName: a.contactName },
      now,
    );
  }
  if (entry.skipped)
    await recordAlarmAction(
      tx,
      alarmId,
      ARC_ACTOR,
      'step.skipped',
      { step: entry.index, reason: entry.skipped.reason },
      now,
    );
}

/** When an alarm is raised: copy the wearer's plan onto it and enter its first step. */
export async function startResponsePlan(
  tx: TransactionSql,
  alarmId: string,
  now: Date,
  options: PlanOptions,
): Promise<void> {
  const alarm = await loadAlarm(tx, alarmId);
  if (!alarm) return;
  const context = await contextFor(tx, alarm, now, options);
  if (!context) return;
  const first = startStep(context.plan, alarm);
  // A duress alarm starts further on: the steps before are skipped, and shown so, never as done.
  for (let step = 0; step < first; step++) {
    await recordAlarmAction(
      tx,
      alarmId,
      ARC_ACTOR,
      'step.skipped',
      { step, reason: 'duress alarm: the plan starts at the police' },
      now,
    );
  }
  // Pipelined: the copy of the plan and the first step write different columns of the alarm.
  await Promise.all([
    copyPlanOntoAlarm(tx, alarmId, context.plan),
    enterStep(tx, alarmId, reachStep({ ...context, stepIndex: first }), now),
  ]);
}

/** The operator recorded the outcome of the current step: move on to the next. */
export async function advanceAfterOutcome(
  tx: TransactionSql,
  alarmId: string,
  now: Date,
  options: PlanOptions,
): Promise<void> {
  const alarm = await loadAlarm(tx, alarmId);
  if (!alarm || alarm.plan === null || alarm.status === 'resolved') return;
  const context = await contextFor(tx, alarm, now, options);
  if (!context) return;
  // The outcome logged is the current step's: it is done (an automatic step's state is its
  // message's). Kept on the alarm (flags.stepsDone), not as an action: the operator's own action
  // is the history's record of it.
  if (!alarm.planComplete && context.plan.steps[alarm.planStep]?.how === 'operator_call') {
    await markPlanStepDone(tx, alarmId, alarm.planStep);
  }
  const next = nextStep(context.plan, alarm.planStep);
  if (next === null) {
    await markPlanComplete(tx, alarmId);
    return;
  }
  await enterStep(tx, alarmId, reachStep({ ...context, stepIndex: next }), now);
}

/** The clock's sweep for steps whose wait ran out; returns the alarms it changed. */
export async function runDueSteps(tx: TransactionSql, now: Date, options: PlanOptions): Promise<string[]> {
  const due = await tx<AlarmForPlanRow[]>`
    select id, type, discreet, is_test, wearer_id, device_id, plan, plan_step, step_due_at, status,
           coalesce((flags->>'planComplete')::boolean, false) as plan_complete
    from alarms
    where status <> 'resolved' and step_due_at <= ${now} and plan is not null
    order by step_due_at limit 100
    for update skip locked`;
  const changed: string[] = [];
  for (const alarm of due) {
    const context = await contextFor(tx, alarm, now, options);
    if (!context) {
      await clearPlanStepDue(tx, alarm.id);
      continue;
    }
    const decision = stepDecision({ ...context, stepIndex: alarm.planStep, stepDueAt: alarm.stepDueAt! });
    if (!decision.overdue) continue;
    if (decision.advanceTo === null) {
      // An operator step past its wait: shown overdue once, and it stays until the operator acts.
      await markPlanStepOverdue(tx, alarm.id, alarm.planStep);
      await recordAlarmAction(tx, alarm.id, ARC_ACTOR, 'step.overdue', { step: alarm.planStep }, now);
    } else {
      await enterStep(
        tx,
        alarm.id,
        {
          index: decision.advanceTo,
          dueAt: decision.nextDueAt!,
          runAutomatic: decision.runAutomatic,
          skipped: decision.skipped,
        },
        now,
      );
    }
    changed.push(alarm.id);
  }
  return changed;
}

async function stepHistory(
  sql: Sql | TransactionSql,
  alarmId: string,
): Promise<{ records: StepRecord[]; messages: StepMessage[] }> {
  const [records, messages, [done]] = await Promise.all([
    sql<{ kind: string; step: number; reason: string | null }[]>`
      select kind, (detail->>'step')::int as step, detail->>'reason' as reason from alarm_actions
      where alarm_id = ${alarmId} and kind = 'step.skipped' and detail ? 'step' order by id`,
    sql<{ step: number; deliveredAt: Date | null; failedAt: Date | null; lastError: string | null }[]>`
      select (payload->>'step')::int as step, delivered_at, failed_at, last_error from notifications
      where alarm_id = ${alarmId} and payload ? 'step' order by id`,
    sql<{ stepsDone: unknown }[]>`select flags->'stepsDone' as steps_done from alarms where id = ${alarmId}`,
  ]);
  const stepsDone = Array.isArray(done?.stepsDone)
    ? done.stepsDone.filter((s): s is number => Number.isInteger(s))
    : [];
  return {
    records: [
      ...stepsDone.map((step) => ({ step, kind: 'done' as const })),
      ...records.map((r) => ({ step: r.step, kind: 'skipped' as const, reason: r.reason ?? undefined })),
    ],
    messages: messages.map((m) => ({
      step: m.step,
      status: m.deliveredAt ? 'delivered' : m.failedAt ? 'failed' : 'pending',
      error: m.lastError,
    })),
  };
}

export interface PlanForConsole {
  steps: StepGuidance[];
  current: number;
  progress: PlanProgress;
}

/** What the console shows: the plan as a checklist, each step's guidance and what happened to it. */
export async function planForConsole(
  sql: Sql | TransactionSql,
  alarmId: string,
  now: Date,
  options: PlanOptions,
): Promise<PlanForConsole | null> {
  const alarm = await loadAlarm(sql, alarmId);
  if (!alarm || alarm.plan === null) return null;
  const context = await contextFor(sql, alarm, now, options);
  if (!context) return null;
  const steps = context.plan.steps.map((_, stepIndex) => stepGuidance({ ...context, stepIndex }));
  const history = await stepHistory(sql, alarmId);
  const progress = planProgress({
    guidance: steps,
    current: alarm.planStep,
    finished: alarm.planComplete,
    resolved: alarm.status === 'resolved',
    ...history,
  });
  return { steps, current: alarm.planStep, progress };
}

/** Mandatory steps (numbered from 1) not yet logged: resolving a genuine alarm needs them, or an override. */
export async function mandatoryStepsOpen(
  tx: TransactionSql,
  alarmId: string,
  now: Date,
  options: PlanOptions,
): Promise<number[]> {
  return (await planForConsole(tx, alarmId, now, options))?.progress.mandatoryOpen ?? [];
}
